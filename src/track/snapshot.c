/* snapshot.c: the live picture as files: dump1090/readsb-compatible
 * aircraft.json (so tar1090 and other clients work unchanged) and our
 * vessels.json (docs/formats/vessels-json.md). "seen" values are relative to
 * the event time of the snapshot, never the wall clock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/json.h"
#include "track/track_internal.h"

/* A message can be newer than the snapshot: `run` times a recording pushed
 * faster than real time by its receiver counter, ahead of the clock that
 * stamps the snapshot. Such a message was just heard: age 0, never negative,
 * as map clients expect. */
static double age_s(int64_t now_ms, int64_t t_ms) { return now_ms > t_ms ? (double)(now_ms - t_ms) / 1000.0 : 0.0; }

static bool fresh(const struct trk_valid *v, int64_t now_ms, int64_t max_ms)
{
    return v->source != TRK_SRC_NONE && now_ms - v->t_ms <= max_ms;
}

static const char *aircraft_type_name(uint8_t src, bool non_icao)
{
    switch (src) {
    case TRK_SRC_ADSB: return non_icao ? "adsb_other" : "adsb_icao";
    case TRK_SRC_ADSR: return non_icao ? "adsr_other" : "adsr_icao";
    case TRK_SRC_TISB: return non_icao ? "tisb_other" : "tisb_icao";
    case TRK_SRC_SBS: return "other"; /* readsb's word for Basestation/SBS input */
    default: return "mode_s";
    }
}

void trk_write_aircraft_json(struct trk *t, int64_t now_ms, struct buf *out)
{
    struct jw w;
    jw_init(&w, out);
    jw_obj_begin(&w);
    jw_kfixed(&w, "now", now_ms / 1000.0, 1);
    jw_kuint(&w, "messages", t->stats.updates_modes);
    jw_key(&w, "aircraft");
    jw_arr_begin(&w);
    size_t i = 0;
    int64_t stale = 60000; /* dump1090 drops fields older than about a minute */
    for (struct trk_aircraft *a; (a = trk_aircraft_at(t, &i));) {
        bool non_icao = a->icao & 0x1000000u;
        char hex[8];
        snprintf(hex, sizeof hex, "%s%06x", non_icao ? "~" : "", a->icao & 0xFFFFFFu);
        jw_obj_begin(&w);
        jw_kstr(&w, "hex", hex);
        jw_kstr(&w, "type", aircraft_type_name(a->v_pos.source ? a->v_pos.source : a->v_alt_baro.source, non_icao));
        if (a->callsign[0]) {
            char flight[10];
            snprintf(flight, sizeof flight, "%-8s", a->callsign); /* dump1090 pads to 8 */
            jw_kstr(&w, "flight", flight);
        }
        if (a->registration[0])
            jw_kstr(&w, "r", a->registration);
        if (a->type_code[0])
            jw_kstr(&w, "t", a->type_code);
        if (fresh(&a->v_ground, now_ms, stale) && a->on_ground)
            jw_kstr(&w, "alt_baro", "ground");
        else if (fresh(&a->v_alt_baro, now_ms, stale))
            jw_kint(&w, "alt_baro", a->alt_baro_ft);
        if (fresh(&a->v_alt_geom, now_ms, stale))
            jw_kint(&w, "alt_geom", a->alt_geom_ft);
        if (fresh(&a->v_gs, now_ms, stale))
            jw_kfixed(&w, "gs", a->gs_kt, 1);
        if (fresh(&a->v_track, now_ms, stale)) {
            /* readsb documents 0-359: 359.96 must not print as 360.0. */
            double tr = round(a->track_deg * 10.0) / 10.0;
            jw_kfixed(&w, "track", tr >= 360.0 ? tr - 360.0 : tr, 1);
        }
        if (fresh(&a->v_rate, now_ms, stale))
            jw_kint(&w, "baro_rate", a->vrate_fpm);
        if (a->v_squawk.source) {
            char sq[8];
            snprintf(sq, sizeof sq, "%04u", a->squawk);
            jw_kstr(&w, "squawk", sq);
        }
        if (a->v_category.source && a->category) {
            char cat[4];
            snprintf(cat, sizeof cat, "%X%u", a->category >> 4, a->category & 15);
            jw_kstr(&w, "category", cat);
        }
        if (a->v_version.source)
            jw_kuint(&w, "version", a->version);
        if (a->v_pos.source) {
            jw_kfixed(&w, "lat", a->lat, 6);
            jw_kfixed(&w, "lon", a->lon, 6);
            jw_kfixed(&w, "seen_pos", age_s(now_ms, a->v_pos.t_ms), 1);
        }
        if (fresh(&a->v_nac_p, now_ms, stale))
            jw_kuint(&w, "nac_p", a->nac_p);
        if (a->country[0])
            jw_kstr(&w, "country", a->country);
        if (a->operator_icao[0])
            jw_kstr(&w, "operator", a->operator_icao);
        jw_kuint(&w, "messages", a->messages);
        jw_kfixed(&w, "seen", age_s(now_ms, a->last_ms), 1);
        if (a->signal_n)
            jw_kfixed(&w, "rssi", a->signal_avg, 1);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    buf_putc(out, '\n');
}

void trk_write_receiver_json(struct buf *out, int64_t refresh_ms, bool have_pos, double lat,
                             double lon)
{
    struct jw w;
    jw_init(&w, out);
    jw_obj_begin(&w);
    jw_kstr(&w, "version", "atalaya " ATALAYA_VERSION);
    jw_kint(&w, "refresh", refresh_ms);
    jw_kint(&w, "history", 0);
    if (have_pos) {
        jw_kfixed(&w, "lat", lat, 6);
        jw_kfixed(&w, "lon", lon, 6);
    }
    jw_obj_end(&w);
    buf_putc(out, '\n');
}

static const char *station_name(uint8_t s)
{
    static const char *const n[] = {"other", "A", "B", "base", "sar", "aton", "longrange"};
    return s < sizeof n / sizeof n[0] ? n[s] : "other";
}

void trk_write_vessels_json(struct trk *t, int64_t now_ms, struct buf *out)
{
    struct jw w;
    jw_init(&w, out);
    jw_obj_begin(&w);
    jw_kfixed(&w, "now", now_ms / 1000.0, 1);
    jw_kuint(&w, "messages", t->stats.updates_ais);
    jw_key(&w, "vessels");
    jw_arr_begin(&w);
    size_t i = 0;
    for (struct trk_vessel *v; (v = trk_vessel_at(t, &i));) {
        jw_obj_begin(&w);
        jw_kuint(&w, "mmsi", v->mmsi);
        jw_kstr(&w, "class", station_name(v->station));
        if (v->name[0]) jw_kstr(&w, "name", v->name);
        if (v->callsign[0]) jw_kstr(&w, "callsign", v->callsign);
        if (v->imo) jw_kuint(&w, "imo", v->imo);
        if (v->shiptype) jw_kuint(&w, "shiptype", v->shiptype);
        if (v->flag[0]) jw_kstr(&w, "flag", v->flag);
        if (v->v_dims.source) {
            jw_kuint(&w, "length", (unsigned)v->to_bow + v->to_stern);
            jw_kuint(&w, "beam", (unsigned)v->to_port + v->to_starboard);
        }
        if (v->v_pos.source) {
            jw_kfixed(&w, "lat", v->lat, 6);
            jw_kfixed(&w, "lon", v->lon, 6);
            jw_kfixed(&w, "seen_pos", age_s(now_ms, v->v_pos.t_ms), 1);
        }
        if (v->v_sog.source) jw_kfixed(&w, "speed", v->sog_dkn / 10.0, 1);
        if (v->v_cog.source) jw_kfixed(&w, "course", v->cog_ddeg / 10.0, 1);
        if (v->v_heading.source) jw_kuint(&w, "heading", v->heading_deg);
        if (v->v_status.source) jw_kuint(&w, "status", v->nav_status);
        if (v->destination[0]) jw_kstr(&w, "destination", v->destination);
        if (v->draught_dm) jw_kfixed(&w, "draught", v->draught_dm / 10.0, 1);
        jw_kuint(&w, "messages", v->messages);
        jw_kfixed(&w, "seen", age_s(now_ms, v->last_ms), 1);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    buf_putc(out, '\n');
}

int trk_write_file_atomic(const char *path, const struct buf *b)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return -1;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    int ok = fwrite(b->p, 1, b->len, f) == b->len;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}
