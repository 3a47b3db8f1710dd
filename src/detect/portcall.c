/* portcall.c: port calls, by Global Fishing Watch's port-visit rule
 * (GFW "Anchorages, ports and voyages" methodology; the code is
 * GlobalFishingWatch/pipe-anchorages, CreateInOutEvents and CreatePortVisits):
 *
 *   - a vessel enters a port within port_entry_km (3 km) of a port point and
 *     leaves it only beyond port_exit_km (4 km): the 1 km band between is
 *     hysteresis, so a ship anchored at 3.5 km neither leaves nor re-enters;
 *   - inside, it is stopped from a report at <= port_stop_kn (0.2 kn) until
 *     one at >= port_start_kn (0.5 kn), the same hysteresis on speed;
 *   - a silence of >= port_gap_h (4 h) between two reports in port is a
 *     "port gap" (a ship alongside often has its AIS off or unheard);
 *   - GFW grades a visit by what it saw: entry, exit, a stop or a gap.
 *     Entry and exit alone (confidence 1) is a ship sailing past, and is
 *     what floods a port list; we report a visit only with a stop or a gap
 *     (confidence 3 or 4) and lasting >= port_min_h (3 h, the minimum GFW's
 *     carrier vessel portal applies: shorter visits "may be caused by false
 *     transmissions or may represent intermediate anchorages").
 *
 * Port points are the bundled World Port Index (one point per port, where
 * GFW uses its own 160,000 anchorage points) and the user's port polygons:
 * inside a polygon counts as distance 0 from that port, outside as 3 km plus
 * the distance to its edge, so the 1 km of hysteresis applies outside the
 * polygon's edge too. The port named is the one nearest the first stop (or
 * gap), as GFW names a visit by its first stop since 2024, else the one
 * nearest the entry.
 *
 * Deviations, each deliberate: a gap counts only when the vessel is heard in
 * port again after it (GFW also counts a ship that falls silent in port and
 * reappears elsewhere; here that would turn every coverage hole near a port
 * into a call). A visit whose exit comes after such a silence ends at the
 * last report in port, not at the first one outside, since when it left is
 * not known. A visit still open at det_finish is reported in state open,
 * ending at the last report in port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/geo.h"
#include "common/hash.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "detect/detect_internal.h"
#include "detect/zone.h"
#include "ref/ref.h"

/* A port: a World Port Index entry, or a user polygon (wpi NULL). */
struct pc_port {
    const struct ref_port *wpi;
    int zone; /* index into polygons when wpi is NULL, else -1 */
};

struct pc_vessel {
    uint32_t mmsi;
    bool in_visit, stopped, port_fixed;
    int64_t last_t;          /* last position, in port or not */
    int64_t entry_t, last_in_t;
    double last_in_lat, last_in_lon;
    struct pc_port port;     /* named port of the visit */
    int64_t stop_since, first_stop_t, last_stop_end_t, stopped_ms, gap_ms;
    uint32_t nstops, ngaps, positions;
    char name[36], flag[sizeof ((struct trk_vessel *)0)->flag];
    uint32_t imo;
    char entry_evidence[DET_EVIDENCE];
    char last_in_evidence[DET_EVIDENCE];
};

struct det_portcall {
    struct det_zones polygons;
    struct hash_u32 dirty; /* mmsi -> 1: changed since the last checkpoint (with d->ckpt) */
    struct hash_u32 index; /* mmsi -> vessel, only vessels that came near a port */
    struct pc_vessel *v;
    size_t nv, capv;
};

struct det_portcall *det_portcall_new(void)
{
    struct det_portcall *p = xcalloc(1, sizeof *p);
    hash_u32_init(&p->index, 256);
    hash_u32_init(&p->dirty, 64);
    return p;
}

void det_portcall_free(struct det_portcall *p)
{
    if (!p)
        return;
    det_zones_free(&p->polygons);
    hash_u32_free(&p->index);
    hash_u32_free(&p->dirty);
    free(p->v);
    free(p);
}

int det_load_port_polygons(struct det *d, const char *path, char *err, size_t errn)
{
    return det_zones_load(&d->portcall->polygons, path, 100000, err, errn) < 0 ? -1 : 0;
}

static void copy_evidence(char dst[DET_EVIDENCE], const char *evidence, size_t evlen)
{
    size_t n = evlen < DET_EVIDENCE - 1 ? evlen : DET_EVIDENCE - 1;
    if (evidence)
        memcpy(dst, evidence, n);
    dst[evidence ? n : 0] = 0;
}

/* The nearest port and the distance used by the entry/exit rule (metres;
 * polygons: 0 inside, entry radius + distance to the edge outside). Returns
 * false when no port is within the exit radius. */
static bool nearest_port(const struct det *d, double lat, double lon, struct pc_port *port, double *eff_m)
{
    const struct det_config *c = &d->cfg;
    double entry_m = c->port_entry_km * 1000.0, exit_m = c->port_exit_km * 1000.0, best = exit_m;
    bool found = false;
    if (d->ref) {
        double m;
        const struct ref_port *rp = ref_port_nearest(d->ref, lat, lon, exit_m, &m);
        if (rp && m < best) {
            best = m;
            *port = (struct pc_port){.wpi = rp, .zone = -1};
            found = true;
        }
    }
    const struct det_zones *zs = &d->portcall->polygons;
    for (size_t i = 0; i < zs->n; i++) {
        double edge = det_zone_distance_m(&zs->z[i], lat, lon, exit_m - entry_m);
        double m = edge == 0 ? 0 : entry_m + edge;
        if (m <= best && m < exit_m) { /* a polygon wins a tie: the user drew it */
            best = m;
            *port = (struct pc_port){.wpi = NULL, .zone = (int)i};
            found = true;
        }
    }
    *eff_m = best;
    return found;
}

static struct pc_vessel *vessel_get(struct det_portcall *p, uint32_t mmsi, bool create)
{
    uint32_t i;
    if (hash_u32_get(&p->index, mmsi, &i))
        return &p->v[i];
    if (!create)
        return NULL;
    if (p->nv == p->capv) {
        p->capv = p->capv ? 2 * p->capv : 256;
        p->v = xrealloc(p->v, p->capv * sizeof *p->v);
    }
    i = (uint32_t)p->nv++;
    memset(&p->v[i], 0, sizeof p->v[i]);
    p->v[i].mmsi = mmsi;
    hash_u32_put(&p->index, mmsi, i);
    return &p->v[i];
}

/* Ends the visit at t_end with end_evidence, and reports it if it qualifies. */
static void close_visit(struct det *d, struct pc_vessel *v, int64_t t_end, const char *end_evidence, bool open)
{
    const struct det_config *c = &d->cfg;
    v->in_visit = false;
    if (v->stopped) {
        v->stopped = false;
        v->stopped_ms += t_end - v->stop_since;
        v->last_stop_end_t = t_end;
    }
    double hours = (double)(t_end - v->entry_t) / 3600000.0;
    if ((!v->nstops && !v->ngaps) || (c->port_min_h > 0 && hours < c->port_min_h)) {
        d->stats.port_visits_dropped++;
        return;
    }
    d->stats.port_calls++;
    d->stats.port_calls_open += open;
    const struct det_zone *z = v->port.wpi ? NULL : &d->portcall->polygons.z[v->port.zone];
    struct event e;
    ev_begin(&e, "port_call", v->entry_t, t_end);
    ev_state(&e, open ? EVENT_OPEN : EVENT_CLOSED);
    ev_pos(&e, z ? z->lat : v->port.wpi->lat, z ? z->lon : v->port.wpi->lon);
    ev_entity(&e, EVENT_VESSEL, v->mmsi, "subject");
    ev_uint(&e, "mmsi", v->mmsi);
    if (v->name[0])
        ev_str(&e, "name", v->name);
    if (v->imo)
        ev_uint(&e, "imo", v->imo);
    if (v->flag[0])
        ev_str(&e, "flag", v->flag);
    ev_str(&e, "port", z ? z->name : v->port.wpi->name);
    if (!z)
        ev_uint(&e, "port_id", v->port.wpi->id);
    const char *cc = z ? z->country : v->port.wpi->country;
    if (cc[0])
        ev_str(&e, "port_country", cc);
    if (v->nstops) {
        ev_int(&e, "stop_start_ms", v->first_stop_t);
        ev_int(&e, "stop_end_ms", v->last_stop_end_t);
        ev_real(&e, "stopped_hours", (double)v->stopped_ms / 3600000.0, 2);
        ev_uint(&e, "stops", v->nstops);
    }
    if (v->ngaps) {
        ev_uint(&e, "port_gaps", v->ngaps);
        ev_real(&e, "gap_hours", (double)v->gap_ms / 3600000.0, 2);
    }
    ev_uint(&e, "positions", v->positions);
    ev_evidence_str(&e, v->entry_evidence);
    ev_evidence_str(&e, end_evidence);
    det_emit(d, &e);
}

static void fix_port(struct pc_vessel *v, const struct pc_port *here)
{
    if (!v->port_fixed) {
        v->port = *here;
        v->port_fixed = true;
    }
}

void det_portcall_on_position(struct det *d, const struct trk_vessel *tv, int64_t t, double kn,
                              const char *evidence, size_t evlen)
{
    const struct det_config *c = &d->cfg;
    struct det_portcall *p = d->portcall;
    struct pc_port here = {.wpi = NULL, .zone = -1};
    double eff_m;
    bool near = nearest_port(d, tv->lat, tv->lon, &here, &eff_m);
    bool entering = near && eff_m <= c->port_entry_km * 1000.0;
    struct pc_vessel *v = vessel_get(p, tv->mmsi, entering);
    if (!v)
        return; /* at sea and never near a port: no state kept */
    if (t < v->last_t)
        return; /* out of order: the visit's clock only moves forward */
    if (d->ckpt)
        hash_u32_put(&p->dirty, v->mmsi, 1);
    bool in = entering || (v->in_visit && near); /* near: within the exit radius */
    int64_t gap_ms = (int64_t)(c->port_gap_h * 3600000.0);
    if (v->in_visit && in && t - v->last_in_t >= gap_ms &&
        geo_distance_m(v->last_in_lat, v->last_in_lon, tv->lat, tv->lon) > 2000.0 * c->port_exit_km) {
        /* Heard again in port, but another one: it left the first unseen. */
        close_visit(d, v, v->last_in_t, v->last_in_evidence, false);
        in = entering;
    }
    if (v->in_visit && !in) {
        /* Left. After a long silence, it left at some unknown time after the
         * last report in port: end the visit there. */
        if (t - v->last_in_t >= gap_ms)
            close_visit(d, v, v->last_in_t, v->last_in_evidence, false);
        else {
            char ev[DET_EVIDENCE];
            copy_evidence(ev, evidence, evlen);
            close_visit(d, v, t, ev, false);
        }
    } else if (in && !v->in_visit) {
        v->in_visit = true;
        v->stopped = v->port_fixed = false;
        v->entry_t = t;
        v->port = here;
        v->stop_since = v->first_stop_t = v->last_stop_end_t = v->stopped_ms = v->gap_ms = 0;
        v->nstops = v->ngaps = v->positions = 0;
        copy_evidence(v->entry_evidence, evidence, evlen);
    } else if (in && t - v->last_in_t >= gap_ms) {
        v->ngaps++; /* silent in port, and heard in port again */
        v->gap_ms += t - v->last_in_t;
        fix_port(v, &here);
    }
    v->last_t = t;
    if (!in)
        return;
    v->positions++;
    v->last_in_t = t;
    v->last_in_lat = tv->lat;
    v->last_in_lon = tv->lon;
    copy_evidence(v->last_in_evidence, evidence, evlen);
    snprintf(v->name, sizeof v->name, "%s", tv->name);
    snprintf(v->flag, sizeof v->flag, "%s", tv->flag);
    v->imo = tv->imo;
    if (kn < 0)
        return; /* no speed with this position: the stop neither begins nor ends */
    if (!v->stopped && kn <= c->port_stop_kn) {
        v->stopped = true;
        v->stop_since = t;
        if (!v->nstops++)
            v->first_stop_t = t;
        fix_port(v, &here);
    } else if (v->stopped && kn >= c->port_start_kn) {
        v->stopped = false;
        v->stopped_ms += t - v->stop_since;
        v->last_stop_end_t = t;
    }
}

void det_portcall_finish(struct det *d)
{
    struct det_portcall *p = d->portcall;
    for (size_t i = 0; i < p->nv; i++) {
        struct pc_vessel *v = &p->v[i];
        if (v->in_visit)
            close_visit(d, v, v->last_in_t, v->last_in_evidence, true);
    }
}

/* ---- checkpoint records (checkpoint.c) ---- */

int det_portcall_checkpoint(struct det *d, det_state_fn put, void *ctx, struct buf *b)
{
    struct det_portcall *p = d->portcall;
    int rc = 0;
    for (size_t i = 0; i < p->dirty.cap && !rc; i++) {
        uint32_t mmsi = p->dirty.keys[i], k;
        if (mmsi == HASH_U32_NONE || !hash_u32_get(&p->index, mmsi, &k))
            continue;
        const struct pc_vessel *v = &p->v[k];
        ck_int(b, 1);
        ck_int(b, v->in_visit);
        ck_int(b, v->stopped);
        ck_int(b, v->port_fixed);
        ck_int(b, v->last_t);
        ck_int(b, v->entry_t);
        ck_int(b, v->last_in_t);
        ck_real(b, v->last_in_lat);
        ck_real(b, v->last_in_lon);
        /* The port: its World Port Index number, or the polygon's name. */
        ck_int(b, v->port.wpi ? (int64_t)v->port.wpi->id : -1);
        ck_str(b, !v->port.wpi && v->port.zone >= 0 ? p->polygons.z[v->port.zone].name : "");
        ck_int(b, v->stop_since);
        ck_int(b, v->first_stop_t);
        ck_int(b, v->last_stop_end_t);
        ck_int(b, v->stopped_ms);
        ck_int(b, v->gap_ms);
        ck_int(b, v->nstops);
        ck_int(b, v->ngaps);
        ck_int(b, v->positions);
        ck_str(b, v->name);
        ck_str(b, v->flag);
        ck_int(b, v->imo);
        ck_str(b, v->entry_evidence);
        ck_str(b, v->last_in_evidence);
        rc = ck_put(put, ctx, "port", mmsi, v->last_t, b);
    }
    hash_u32_reset(&p->dirty, 64);
    return rc;
}

int det_portcall_read(struct det *d, int64_t id, struct ck_reader *r)
{
    struct det_portcall *p = d->portcall;
    struct pc_vessel v = {0};
    char zone[128];
    v.mmsi = (uint32_t)id;
    v.in_visit = ck_get_int(r) != 0;
    v.stopped = ck_get_int(r) != 0;
    v.port_fixed = ck_get_int(r) != 0;
    v.last_t = ck_get_int(r);
    v.entry_t = ck_get_int(r);
    v.last_in_t = ck_get_int(r);
    v.last_in_lat = ck_get_real(r);
    v.last_in_lon = ck_get_real(r);
    int64_t wpi = ck_get_int(r);
    ck_get_str(r, zone, sizeof zone);
    v.stop_since = ck_get_int(r);
    v.first_stop_t = ck_get_int(r);
    v.last_stop_end_t = ck_get_int(r);
    v.stopped_ms = ck_get_int(r);
    v.gap_ms = ck_get_int(r);
    v.nstops = (uint32_t)ck_get_int(r);
    v.ngaps = (uint32_t)ck_get_int(r);
    v.positions = (uint32_t)ck_get_int(r);
    ck_get_str(r, v.name, sizeof v.name);
    ck_get_str(r, v.flag, sizeof v.flag);
    v.imo = (uint32_t)ck_get_int(r);
    ck_get_str(r, v.entry_evidence, sizeof v.entry_evidence);
    ck_get_str(r, v.last_in_evidence, sizeof v.last_in_evidence);
    if (r->bad || id <= 0 || id > UINT32_MAX || !det_place_ok(v.last_in_lat, v.last_in_lon))
        return 1;
    v.port = (struct pc_port){.wpi = NULL, .zone = -1};
    if (wpi >= 0 && d->ref)
        v.port.wpi = ref_port_by_id(d->ref, (uint32_t)wpi);
    for (size_t i = 0; wpi < 0 && i < p->polygons.n; i++)
        if (!strcmp(p->polygons.z[i].name, zone))
            v.port.zone = (int)i;
    if (v.in_visit && !v.port.wpi && v.port.zone < 0)
        return 1; /* its port is not loaded this time */
    struct pc_vessel *to = vessel_get(p, v.mmsi, true);
    *to = v;
    return 0;
}

/* An open port call whose visit came back whole from a checkpoint. */
int det_portcall_restore(struct det *d, const struct event *e)
{
    const struct event_entity *who = event_entity_role(e, "subject");
    uint32_t k;
    if (!who || who->kind != EVENT_VESSEL || !hash_u32_get(&d->portcall->index, who->id, &k))
        return 1;
    const struct pc_vessel *v = &d->portcall->v[k];
    return v->in_visit && v->entry_t == e->t_start_ms ? 0 : 1;
}
