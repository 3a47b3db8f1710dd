/* ais_csv.c: one CSV row per message from the typed summary (the fields an
 * analyst puts in a spreadsheet); empty cells where a value is absent. RFC 4180
 * quoting for text. Binary and management messages get only their header cells. */

#include "ais/ais.h"
#include "ais/text.h"
#include "common/buf.h"
#include "common/timeparse.h"

static const char header[] = "time,source,channel,type,repeat,mmsi,lat,lon,speed,course,heading,status,"
                             "status_text,turn,"
                             "second,imo,callsign,shipname,shiptype,to_bow,to_stern,to_port,to_starboard,"
                             "draught,destination,eta,part\n";

void ais_write_csv_header(struct buf *out) { buf_put(out, header, sizeof header - 1); }

static void cell_text(struct buf *b, const char *s)
{
    int quote = 0;
    for (const char *p = s; *p; p++)
        if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
            quote = 1;
    if (!quote) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

void ais_write_csv(struct buf *b, const struct ais_msg *m, const struct ais_meta *meta, unsigned flags)
{
    (void)flags;
    uint32_t h = m->has;
    if (meta && meta->time_ms != AIS_NO_TIME) {
        char t[32];
        buf_put(b, t, time_iso_ms(meta->time_ms, true, t, sizeof t));
    }
    buf_putc(b, ',');
    if (meta)
        cell_text(b, meta->source);
    buf_putc(b, ',');
    if (meta && meta->channel)
        buf_putc(b, meta->channel);
    buf_putc(b, ',');
    buf_u64(b, m->type);
    buf_putc(b, ',');
    buf_u64(b, m->repeat);
    buf_putc(b, ',');
    buf_u64(b, m->mmsi);
    buf_putc(b, ',');
    if (h & AIS_HAS_POS) {
        buf_fixed(b, m->lat, 6);
        buf_putc(b, ',');
        buf_fixed(b, m->lon, 6);
    } else {
        buf_putc(b, ',');
    }
    buf_putc(b, ',');
    if (h & AIS_HAS_SOG)
        buf_fixed(b, m->sog_dkn / 10.0, 1);
    buf_putc(b, ',');
    if (h & AIS_HAS_COG)
        buf_fixed(b, m->cog_ddeg / 10.0, 1);
    buf_putc(b, ',');
    if (h & AIS_HAS_HEADING)
        buf_u64(b, m->heading_deg);
    buf_putc(b, ',');
    if (h & AIS_HAS_STATUS)
        buf_u64(b, m->nav_status);
    buf_putc(b, ',');
    if (h & AIS_HAS_STATUS)
        cell_text(b, ais_nav_status_text(m->nav_status));
    buf_putc(b, ',');
    if (h & AIS_HAS_TURN)
        buf_i64(b, m->turn);
    buf_putc(b, ',');
    if (h & AIS_HAS_SECOND)
        buf_u64(b, m->utc_second);
    buf_putc(b, ',');
    if (h & AIS_HAS_IMO)
        buf_u64(b, m->imo);
    buf_putc(b, ',');
    if (h & AIS_HAS_CALLSIGN)
        cell_text(b, m->callsign);
    buf_putc(b, ',');
    if (h & AIS_HAS_NAME)
        cell_text(b, m->shipname);
    buf_putc(b, ',');
    if (h & AIS_HAS_SHIPTYPE)
        buf_u64(b, m->shiptype);
    buf_putc(b, ',');
    if (h & AIS_HAS_DIMS)
        buf_printf(b, "%u,%u,%u,%u", m->to_bow, m->to_stern, m->to_port, m->to_starboard);
    else
        buf_puts(b, ",,,");
    buf_putc(b, ',');
    if (h & AIS_HAS_DRAUGHT)
        buf_fixed(b, m->draught_dm / 10.0, 1);
    buf_putc(b, ',');
    if (h & AIS_HAS_DEST)
        cell_text(b, m->destination);
    buf_putc(b, ',');
    if (h & AIS_HAS_ETA)
        buf_printf(b, "%02u-%02uT%02u:%02uZ", m->eta_month, m->eta_day, m->eta_hour, m->eta_minute);
    buf_putc(b, ',');
    if (m->type == 24)
        buf_putc(b, m->part ? 'B' : 'A');
}
