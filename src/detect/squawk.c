/* squawk.c: emergency squawks. A Mode A code of 7500 (unlawful
 * interference), 7600 (radio failure) or 7700 (emergency) is how a crew
 * tells ATC about trouble without a word: the codes ICAO reserves for these
 * (Annex 10 Vol IV, chapter 2; Doc 8168 PANS-OPS). The event runs from the first
 * message that carries the code to the one that changes it back, as the
 * tracker reports changes (TRK_U_SQUAWK); a code still set at the end of input
 * is reported "ongoing". A code heard in fewer than emergency_min_reports
 * messages is dropped: Mode A replies (DF5/DF21) overlay their parity with
 * the address, so a corrupted reply is caught only when the address it then
 * yields is unknown, and one can read 7700 under a real aircraft's address. */
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "detect/detect_internal.h"

static const char *meaning(uint16_t code)
{
    switch (code) {
    case 7500:
        return "hijack";
    case 7600:
        return "radio failure";
    case 7700:
        return "emergency";
    default:
        return NULL;
    }
}

static void keep(char *dst, const char *ev, size_t n)
{
    size_t k = n < DET_EVIDENCE - 1 ? n : DET_EVIDENCE - 1;
    if (ev)
        memcpy(dst, ev, k);
    dst[ev ? k : 0] = '\0';
}

/* Where the aircraft is, if its position is recent (a minute: the tracker's
 * stale time for aircraft fields). */
static void where(struct det_squawk *s, const struct trk_aircraft *a, int64_t t)
{
    if (!s->pos && a->v_pos.source && t - a->v_pos.t_ms <= 60000) {
        s->pos = true;
        s->lat = a->lat;
        s->lon = a->lon;
    }
    if (!s->alt_ok && a->v_alt_baro.source && t - a->v_alt_baro.t_ms <= 60000) {
        s->alt_ok = true;
        s->alt_ft = a->alt_baro_ft;
    }
    if (!s->callsign[0] && a->callsign[0])
        snprintf(s->callsign, sizeof s->callsign, "%s", a->callsign);
}

void det_squawk_close(struct det *d, struct det_squawk *s, uint32_t icao, bool ongoing, struct buf *out)
{
    if (!s->code)
        return;
    uint16_t code = s->code;
    s->code       = 0;
    if (s->reports < (uint32_t)d->cfg.emergency_min_reports)
        return;
    d->stats.emergency_squawks++;
    struct jw w;
    char hex[8], sq[8];
    snprintf(hex, sizeof hex, "%06x", icao & 0xFFFFFFu);
    snprintf(sq, sizeof sq, "%04u", code);
    det_event_begin(d, &w, out, "emergency_squawk", s->t0, s->last);
    jw_kstr(&w, "icao", hex);
    if (s->callsign[0])
        jw_kstr(&w, "callsign", s->callsign);
    jw_kstr(&w, "squawk", sq);
    jw_kstr(&w, "meaning", meaning(code));
    if (s->pos) {
        jw_kfixed(&w, "lat", s->lat, 5);
        jw_kfixed(&w, "lon", s->lon, 5);
    }
    if (s->alt_ok)
        jw_kint(&w, "altitude_ft", s->alt_ft);
    jw_kuint(&w, "reports", s->reports);
    if (ongoing)
        jw_kbool(&w, "ongoing", true);
    jw_key(&w, "evidence");
    jw_arr_begin(&w);
    jw_str(&w, s->ev0);
    jw_str(&w, s->ev1);
    jw_arr_end(&w);
    det_event_end(&w);
}

void det_squawk_on_update(struct det *d, struct det_squawk *s, const struct trk_update *u,
                          const char *evidence, size_t evlen, struct buf *out)
{
    const struct trk_aircraft *a = u->e.aircraft;
    int64_t t                    = u->t_ms;
    /* This message carried a code (the tracker stamps the field with its time). */
    bool carried = a->v_squawk.source && a->v_squawk.t_ms == t;
    if (s->code) {
        if (a->squawk == s->code || !carried) {
            /* Still set, or nothing said about it (another message type, or
             * the tracker forgot the aircraft after a silence). */
            if (a->squawk == s->code && carried) {
                s->reports++;
                s->last = t;
                keep(s->ev1, evidence, evlen);
            }
            where(s, a, t);
            return;
        }
        /* Changed. After a long silence the change is only known to have
         * happened since the last report, so the event ends there. */
        if (t - s->last <= (int64_t)(d->cfg.flight_land_gap_min * 60000.0)) {
            s->last = t;
            keep(s->ev1, evidence, evlen);
        }
        det_squawk_close(d, s, a->icao, false, out);
    }
    if (!carried || !meaning(a->squawk))
        return;
    memset(s, 0, sizeof *s);
    s->code = a->squawk;
    s->t0 = s->last = t;
    s->reports      = 1;
    keep(s->ev0, evidence, evlen);
    keep(s->ev1, evidence, evlen);
    where(s, a, t);
}
