/* identity.c: identity changes. Two kinds:
 *  - one MMSI whose name, call sign, IMO or ship type changes (the tracker
 *    reports these with the old value);
 *  - one IMO number seen under a new MMSI: a ship that changed its MMSI (a
 *    reflagging, or a deliberate switch). The IMO is the ship's lifetime
 *    identity, so the old MMSI's last position and the new one's first are the
 *    same ship: when they are >= gap_min_h apart, that is also a dark gap,
 *    which a per-MMSI view would miss entirely. */
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"

/* An IMO ship number: seven digits, the last the check digit of the other
 * six weighted 7 to 2 (IMO resolution A.1078(28)). Type 5 also carries 0
 * (not available), 1073741823 (all bits set: in practice the same) and
 * flag-state numbers; only a real IMO number names one ship for life. */
bool det_imo_valid(uint32_t imo)
{
    if (imo < 1000000 || imo > 9999999)
        return false;
    unsigned sum = 0, x = imo / 10;
    for (unsigned w = 2; w <= 7; w++, x /= 10)
        sum += (x % 10) * w;
    return sum % 10 == imo % 10;
}

void det_identity_on_update(struct det *d, const struct trk_update *u, uint32_t vi, const char *evidence,
                            size_t evlen)
{
    const struct trk_vessel *tv = u->e.vessel;
    struct event e;
    if (u->flags & TRK_U_IDENTITY) {
        static const char *const fields[] = {"", "name", "callsign", "imo", "shiptype"};
        char now[40];
        switch (u->id_field) {
        case TRK_ID_NAME: snprintf(now, sizeof now, "%s", tv->name); break;
        case TRK_ID_CALLSIGN: snprintf(now, sizeof now, "%s", tv->callsign); break;
        case TRK_ID_IMO: snprintf(now, sizeof now, "%u", tv->imo); break;
        case TRK_ID_SHIPTYPE: snprintf(now, sizeof now, "%u", tv->shiptype); break;
        default: now[0] = 0;
        }
        ev_begin(&e, "identity_change", u->t_ms, u->t_ms);
        ev_entity(&e, EVENT_VESSEL, tv->mmsi, "subject");
        ev_key_str(&e, fields[u->id_field < 5 ? u->id_field : 0]);
        ev_uint(&e, "mmsi", tv->mmsi);
        ev_str(&e, "field", fields[u->id_field < 5 ? u->id_field : 0]);
        ev_str(&e, "old", u->id_old);
        ev_str(&e, "new", now);
        ev_evidence(&e, evidence, evlen);
        det_emit(d, &e);
    }
    if (!det_imo_valid(tv->imo))
        return;
    uint32_t prev;
    if (hash_u32_get(&d->by_imo, tv->imo, &prev) && prev != vi) {
        struct det_vessel *old = &d->v[prev], *v = &d->v[vi];
        if (old->last_t > v->alias_last_t)
            v->alias_last_t = old->last_t; /* the ship was heard as the other MMSI until then */
        ev_begin(&e, "identity_change", old->last_t ? old->last_t : u->t_ms, u->t_ms);
        ev_entity(&e, EVENT_VESSEL, tv->mmsi, "subject");
        ev_entity(&e, EVENT_VESSEL, old->mmsi, "previous");
        ev_key_str(&e, "mmsi");
        ev_key_u64(&e, old->mmsi);
        ev_uint(&e, "imo", tv->imo);
        ev_str(&e, "field", "mmsi");
        ev_uint(&e, "old_mmsi", old->mmsi);
        ev_uint(&e, "new_mmsi", tv->mmsi);
        if (tv->name[0])
            ev_str(&e, "name", tv->name);
        ev_evidence_str(&e, old->last_evidence);
        ev_evidence_str(&e, v->first_evidence);
        ev_evidence(&e, evidence, evlen); /* the static report that named the IMO */
        det_emit(d, &e);
        /* The same ship: its silence runs from the old MMSI's last position
         * to the new MMSI's first (and a silence already reported open ends
         * there, whatever its length). */
        if (old->last_t && ((v->first_t > old->last_t &&
                             (double)(v->first_t - old->last_t) / 3600000.0 >= d->cfg.gap_min_h) ||
                            old->gap_open_t))
            det_gap_emit(d, old, tv, v->first_t > old->last_t ? v->first_t : old->last_t, v->first_lat,
                         v->first_lon, v->first_evidence, strlen(v->first_evidence), tv->mmsi, false);
    }
    hash_u32_put(&d->by_imo, tv->imo, vi);
    d->v[vi].imo = tv->imo;
}
