/* restore.c: a detector's state rebuilt from the open events a store kept
 * (det_restore), so a restart neither loses a condition in progress nor
 * reports it twice: when it ends, the same event (same key, its true start)
 * is closed once. What each kind keeps and loses is in docs/detectors.md,
 * "Restart". */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"

/* A field's number, however it was read back (integer, real). */
static double num(const struct event *e, const char *name, double dflt)
{
    const struct event_field *f = event_field_get(e, name);
    if (!f)
        return dflt;
    switch (f->type) {
    case EVF_INT: return (double)f->i;
    case EVF_UINT: return (double)f->u;
    case EVF_REAL:
    case EVF_JSON: return isfinite(f->r) ? f->r : dflt;
    default: return dflt;
    }
}

static void keep(char dst[DET_EVIDENCE], const char *ev)
{
    snprintf(dst, DET_EVIDENCE, "%s", ev ? ev : "");
}

/* The silence of a vessel: its last position (where the gap starts), what it
 * was called, and how well it was heard before, as the open gap says. */
static int restore_gap(struct det *d, const struct event *e)
{
    const struct event_entity *who = event_entity_role(e, "subject");
    if (!who || who->kind != EVENT_VESSEL || !isfinite(e->lat) || !isfinite(e->lon))
        return 1;
    uint32_t vi;
    struct det_vessel *v = det_vessel_get(d, who->id, &vi);
    if (v->last_t == e->t_start_ms) { /* restored whole from a checkpoint */
        if (e->t_end_ms > v->gap_open_t)
            v->gap_open_t = e->t_end_ms;
        return 0;
    }
    v->last_t = v->first_t = e->t_start_ms;
    v->last_lat = v->first_lat = e->lat;
    v->last_lon = v->first_lon = e->lon;
    v->last_kn = -1;
    keep(v->last_evidence, e->nevidence ? e->evidence[0] : NULL);
    keep(v->first_evidence, v->last_evidence);
    const struct event_field *name = event_field_get(e, "name");
    if (name && name->type == EVF_STR)
        snprintf(v->name, sizeof v->name, "%s", name->s);
    uint32_t imo = (uint32_t)num(e, "imo", 0);
    if (det_imo_valid(imo)) {
        v->imo = imo;
        hash_u32_put(&d->by_imo, imo, vi);
    }
    /* Reception before the silence: as many recent positions as it counted. */
    int before = (int)num(e, "positions_6h_before", 0);
    for (v->recent_n = 0; v->recent_n < before && v->recent_n < DET_RECENT; v->recent_n++)
        v->recent[v->recent_n] = e->t_start_ms;
    v->recent_head = v->recent_n % DET_RECENT;
    /* Others heard nearby during the silence so far: counted in its first whole hour. */
    det_note_heard_n(d, e->lat, e->lon, (e->t_start_ms / 3600000 + 1) * 3600000,
                     (uint32_t)num(e, "others_heard_nearby", 0));
    v->gap_open_t = e->t_end_ms;
    if (e->t_end_ms > d->clock)
        d->clock = e->t_end_ms;
    return 0;
}

/* A slow spell: where and since when, its mean speed so far as one sample. */
static int restore_loiter(struct det *d, const struct event *e)
{
    const struct event_entity *who = event_entity_role(e, "subject");
    if (!who || who->kind != EVENT_VESSEL || !isfinite(e->lat) || !isfinite(e->lon))
        return 1;
    uint32_t vi;
    struct det_vessel *v = det_vessel_get(d, who->id, &vi);
    if (v->slow_since == e->t_start_ms) { /* restored whole from a checkpoint */
        if (e->t_end_ms > v->loiter_open_t)
            v->loiter_open_t = e->t_end_ms;
        return 0;
    }
    v->slow_since = e->t_start_ms;
    v->slow_last = e->t_end_ms;
    v->slow_lat = e->lat;
    v->slow_lon = e->lon;
    v->slow_n = 1;
    v->slow_kn_sum = num(e, "mean_speed_kn", 0);
    keep(v->slow_evidence, e->nevidence ? e->evidence[0] : NULL);
    v->loiter_open_t = e->t_end_ms;
    if (!v->last_t) { /* its last report is the spell's */
        v->last_t = v->first_t = e->t_end_ms;
        v->last_lat = v->first_lat = e->lat;
        v->last_lon = v->first_lon = e->lon;
        v->last_kn = -1;
    }
    return 0;
}

int det_restore(struct det *d, const struct event *open)
{
    if (!open->kind || open->state != EVENT_OPEN)
        return -1;
    int rc;
    if (!strcmp(open->kind, "ais_gap"))
        rc = restore_gap(d, open);
    else if (!strcmp(open->kind, "loitering"))
        rc = restore_loiter(d, open);
    else if (!strcmp(open->kind, "encounter"))
        rc = det_encounter_restore(d, open);
    else if (!strcmp(open->kind, "geofence_dwell"))
        rc = det_geofence_restore(d, open);
    else if (!strcmp(open->kind, "distress"))
        rc = det_distress_restore(d, open);
    else if (!strcmp(open->kind, "port_call"))
        rc = det_portcall_restore(d, open);
    else if (!open->nent && !open->nf)
        return -1;
    else
        rc = 1;
    if (rc == 0)
        return 0;
    /* Its state cannot be rebuilt (a port call, a squawk, degraded GNSS: see
     * docs/detectors.md): closed where it was last seen, and said so. */
    struct event *e = &d->scratch;
    event_copy(e, open);
    e->state = EVENT_CLOSED;
    e->id = 0;
    ev_bool(e, "closed_by_restart", true);
    det_emit(d, e);
    return 1;
}
