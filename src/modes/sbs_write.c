/* sbs_write.c: the transmission type follows BaseStation's convention:
 * 1 identification, 2 surface position, 3 airborne position, 4 velocity,
 * 5 surveillance altitude, 6 surveillance identity (squawk), 7 air-to-air
 * (DF0/16), 8 all-call reply (DF11). Fields a message does not carry are
 * left empty; flags are -1 (set) or 0. */
#include "modes/sbs_write.h"

#include <time.h>

#include "common/buf.h"
#include "modes/modes_msg.h"

static int transmission_type(const struct modes_msg *m)
{
    if (m->df == 17 || m->df == 18) {
        if (MODES_HAS(m, MODES_F_CALLSIGN))
            return 1;
        if (m->cpr_surface && MODES_HAS(m, MODES_F_CPR))
            return 2;
        if (MODES_HAS(m, MODES_F_CPR) || MODES_HAS(m, MODES_F_POS))
            return 3;
        if (MODES_HAS(m, MODES_F_GS) || MODES_HAS(m, MODES_F_BARO_RATE) || MODES_HAS(m, MODES_F_GEOM_RATE))
            return 4;
        return 8;
    }
    switch (m->df) {
    case 4: case 20: return 5;
    case 5: case 21: return 6;
    case 0: case 16: return 7;
    default: return 8;
    }
}

static void flag(struct buf *b, bool have, bool v)
{
    buf_putc(b, ',');
    if (have)
        buf_puts(b, v ? "-1" : "0");
}

void modes_write_sbs(struct buf *b, const struct modes_msg *m)
{
    if (!MODES_HAS(m, MODES_F_ADDR))
        return;
    char date[16] = "", clock[16] = "";
    if (m->time_ms != MODES_NO_TIME) {
        time_t s = (time_t)(m->time_ms / 1000);
        struct tm tm;
        gmtime_r(&s, &tm);
        strftime(date, sizeof date, "%Y/%m/%d", &tm);
        snprintf(clock, sizeof clock, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(m->time_ms % 1000));
    }
    buf_printf(b, "MSG,%d,1,1,%06X,1,%s,%s,%s,%s,", transmission_type(m), m->addr & 0xFFFFFFu, date, clock, date,
               clock);
    if (MODES_HAS(m, MODES_F_CALLSIGN))
        buf_puts(b, m->callsign);
    buf_putc(b, ',');
    if (MODES_HAS(m, MODES_F_ALT_BARO))
        buf_i64(b, m->alt_baro_ft);
    buf_putc(b, ',');
    if (MODES_HAS(m, MODES_F_GS))
        buf_fixed(b, m->gs_kt, 0);
    buf_putc(b, ',');
    if (MODES_HAS(m, MODES_F_TRACK))
        buf_fixed(b, m->track_deg, 0);
    buf_putc(b, ',');
    if (MODES_HAS(m, MODES_F_POS)) {
        buf_fixed(b, m->lat, 5);
        buf_putc(b, ',');
        buf_fixed(b, m->lon, 5);
    } else {
        buf_putc(b, ',');
    }
    buf_putc(b, ',');
    if (MODES_HAS(m, MODES_F_BARO_RATE))
        buf_i64(b, m->baro_rate_fpm);
    else if (MODES_HAS(m, MODES_F_GEOM_RATE))
        buf_i64(b, m->geom_rate_fpm);
    buf_putc(b, ',');
    if (MODES_HAS(m, MODES_F_SQUAWK))
        buf_printf(b, "%04u", m->squawk);
    bool fs = MODES_HAS(m, MODES_F_FS);
    flag(b, fs, m->alert);
    bool sq = MODES_HAS(m, MODES_F_SQUAWK);
    flag(b, sq, m->squawk == 7500 || m->squawk == 7600 || m->squawk == 7700);
    flag(b, fs, m->spi);
    flag(b, MODES_HAS(m, MODES_F_AIRGROUND), m->on_ground);
    buf_put(b, "\r\n", 2);
}
