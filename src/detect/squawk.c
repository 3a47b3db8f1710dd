/* squawk.c: emergency squawks. A Mode A code of 7500 (unlawful
 * interference), 7600 (radio failure) or 7700 (emergency) is how a crew
 * tells ATC about trouble without a word: the codes ICAO reserves for these
 * (Annex 10 Vol IV, chapter 2; Doc 8168 PANS-OPS). The event runs from the first
 * message that carries the code to the one that changes it back, as the
 * tracker reports changes (TRK_U_SQUAWK); a code still set at the end of input
 * is reported open; so is a code held by enough reports, as soon as it is (and
 * again every open_update_min), closed with the same key when it changes. A code heard in fewer than emergency_min_reports
 * messages is dropped: Mode A replies (DF5/DF21) overlay their parity with
 * the address, so a corrupted reply is caught only when the address it then
 * yields is unknown, and one can read 7700 under a real aircraft's address. */
#include <stdio.h>
#include <string.h>

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

static void emit(struct det *d, const struct det_squawk *s, uint16_t code, uint32_t icao, bool open)
{
    struct event e;
    char sq[8];
    snprintf(sq, sizeof sq, "%04u", code);
    ev_begin(&e, "emergency_squawk", s->t0, s->last);
    ev_state(&e, open ? EVENT_OPEN : EVENT_CLOSED);
    if (s->pos)
        ev_pos(&e, s->lat, s->lon);
    ev_entity(&e, EVENT_AIRCRAFT, icao & 0xFFFFFFu, "subject");
    ev_key_u64(&e, code);
    ev_hex24(&e, "icao", icao);
    if (s->callsign[0])
        ev_str(&e, "callsign", s->callsign);
    ev_str(&e, "squawk", sq);
    ev_str(&e, "meaning", meaning(code));
    if (s->alt_ok)
        ev_int(&e, "altitude_ft", s->alt_ft);
    ev_uint(&e, "reports", s->reports);
    ev_evidence_str(&e, s->ev0);
    ev_evidence_str(&e, s->ev1);
    det_emit(d, &e);
}

void det_squawk_close(struct det *d, struct det_squawk *s, uint32_t icao, bool ongoing)
{
    if (!s->code)
        return;
    uint16_t code = s->code;
    s->code       = 0;
    if (s->reports < (uint32_t)d->cfg.emergency_min_reports)
        return;
    d->stats.emergency_squawks++;
    emit(d, s, code, icao, ongoing);
}

void det_squawk_on_update(struct det *d, struct det_squawk *s, const struct trk_update *u,
                          const char *evidence, size_t evlen)
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
            /* Held by enough reports: open, and again while it lasts. */
            if (s->reports >= (uint32_t)d->cfg.emergency_min_reports && det_open_due(d, &s->open_t, t))
                emit(d, s, s->code, a->icao, true);
            return;
        }
        /* Changed. After a long silence the change is only known to have
         * happened since the last report, so the event ends there. */
        if (t - s->last <= (int64_t)(d->cfg.flight_land_gap_min * 60000.0)) {
            s->last = t;
            keep(s->ev1, evidence, evlen);
        }
        det_squawk_close(d, s, a->icao, false);
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
