/* encounter.c: ship-to-ship encounters (GFW, Miller et al. 2018): two vessels
 * within enc_distance_m (500 m) of each other for at least enc_min_h (2 h),
 * with a median speed below enc_max_median_kn (2 kn), at least enc_min_port_km
 * (10 km) from the nearest port or anchorage. Vessels sit in a grid of
 * 0.01-degree cells (about 1 km), so each position is compared only with the
 * vessels in its own and the 8 neighbouring cells: the cost grows with local
 * density, not with the size of the fleet. A pair ends when the two are seen
 * apart, or after an hour without a joint report. A pair that qualifies is
 * reported open as soon as it does (and again every open_update_min of event
 * time), then closed with the same key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/geo.h"
#include "common/json.h"
#include "common/xmalloc.h"
#include "detect/detect_internal.h"
#include "ref/ref.h"

#define EMPTY 0xFFFFFFFFu
#define CELL_DEG 0.01

static uint32_t cell_key(double lat, double lon)
{
    int64_t a = (int64_t)floor((lat + 90.0) / CELL_DEG), b = (int64_t)floor((lon + 180.0) / CELL_DEG);
    return (uint32_t)(a * 36000 + (b % 36000 + 36000) % 36000) + 1; /* 0 = none */
}

static struct det_cell *cell_get(struct det *d, uint32_t key, bool create)
{
    uint32_t i;
    if (hash_u32_get(&d->cell_index, key, &i))
        return &d->cells[i];
    if (!create)
        return NULL;
    if (d->ncells == d->capcells) {
        d->capcells = d->capcells ? d->capcells * 2 : 256;
        d->cells = xrealloc(d->cells, d->capcells * sizeof *d->cells);
    }
    i = (uint32_t)d->ncells++;
    memset(&d->cells[i], 0, sizeof d->cells[i]);
    d->cells[i].key = key;
    hash_u32_put(&d->cell_index, key, i);
    return &d->cells[i];
}

/* A cell left empty is dropped (the last cell takes its slot): the grid
 * holds the cells vessels are in, not every cell ever visited. */
static void cell_remove(struct det *d, uint32_t key, uint32_t vi)
{
    struct det_cell *c = cell_get(d, key, false);
    for (uint32_t k = 0; c && k < c->n; k++)
        if (c->v[k] == vi) {
            c->v[k] = c->v[--c->n];
            break;
        }
    if (!c || c->n)
        return;
    size_t i = (size_t)(c - d->cells), last = d->ncells - 1;
    free(c->v);
    hash_u32_del(&d->cell_index, key);
    if (i != last) {
        d->cells[i] = d->cells[last];
        hash_u32_put(&d->cell_index, d->cells[i].key, (uint32_t)i);
    }
    d->ncells--;
}

void det_encounter_forget(struct det *d, uint32_t vi)
{
    if (d->v[vi].cell)
        cell_remove(d, d->v[vi].cell, vi);
    d->v[vi].cell = 0;
}

static void cell_add(struct det *d, uint32_t key, uint32_t vi)
{
    struct det_cell *c = cell_get(d, key, true);
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = vi;
}

/* Pairs: open addressing on (a, b). */
static uint64_t pair_hash(uint32_t a, uint32_t b) { return ((uint64_t)a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full); }

static struct det_pair *pair_find(struct det *d, uint32_t a, uint32_t b, bool create)
{
    if (create && (d->npairs + 1) * 2 > d->pair_cap) {
        size_t old = d->pair_cap, cap = old ? old * 2 : 256;
        struct det_pair *p = d->pairs;
        d->pairs = xmalloc(cap * sizeof *d->pairs);
        for (size_t i = 0; i < cap; i++)
            d->pairs[i].a = d->pairs[i].b = EMPTY;
        d->pair_cap = cap;
        d->npairs = 0;
        for (size_t i = 0; i < old; i++)
            if (p[i].a != EMPTY) {
                struct det_pair *q = pair_find(d, p[i].a, p[i].b, true);
                *q = p[i];
            }
        free(p);
    }
    if (!d->pair_cap)
        return NULL;
    for (size_t i = pair_hash(a, b) & (d->pair_cap - 1);; i = (i + 1) & (d->pair_cap - 1)) {
        struct det_pair *p = &d->pairs[i];
        if (p->a == a && p->b == b)
            return p;
        if (p->a == EMPTY) {
            if (!create)
                return NULL;
            memset(p, 0, sizeof *p);
            p->a = a;
            p->b = b;
            d->npairs++;
            return p;
        }
    }
}

/* Removing from open addressing: re-insert the rest of the cluster. */
static void pair_erase(struct det *d, struct det_pair *p)
{
    size_t i = (size_t)(p - d->pairs);
    p->a = p->b = EMPTY;
    d->npairs--;
    for (size_t j = (i + 1) & (d->pair_cap - 1); d->pairs[j].a != EMPTY; j = (j + 1) & (d->pair_cap - 1)) {
        struct det_pair q = d->pairs[j];
        d->pairs[j].a = d->pairs[j].b = EMPTY;
        d->npairs--;
        *pair_find(d, q.a, q.b, true) = q;
    }
}

static double median_kn(const struct det_pair *p)
{
    unsigned total = 0, acc = 0;
    for (int i = 0; i < DET_SPEED_BINS; i++)
        total += p->speed_bins[i];
    for (int i = 0; i < DET_SPEED_BINS; i++) {
        acc += p->speed_bins[i];
        if (acc * 2 >= total)
            return i / 10.0;
    }
    return 99;
}

/* Whether the pair is an encounter so far (the port test only when the rest holds). */
static bool qualifies(const struct det *d, const struct det_pair *p, double *med)
{
    const struct det_config *c = &d->cfg;
    double hours = (double)(p->last - p->start) / 3600000.0;
    *med = median_kn(p);
    if (hours < c->enc_min_h || *med >= c->enc_max_median_kn)
        return false;
    double dist;
    return !d->ref || !ref_port_nearest(d->ref, p->lat, p->lon, c->enc_min_port_km * 1000.0, &dist) ||
           dist >= c->enc_min_port_km * 1000.0;
}

static void emit(struct det *d, const struct det_pair *p, double med, bool open)
{
    const struct det_vessel *a = &d->v[p->a], *b = &d->v[p->b];
    const struct det_vessel *lo = a->mmsi < b->mmsi ? a : b, *hi = a->mmsi < b->mmsi ? b : a;
    struct event e;
    char buf[160];
    ev_begin(&e, "encounter", p->start, p->last);
    ev_state(&e, open ? EVENT_OPEN : EVENT_CLOSED);
    ev_pos(&e, p->lat, p->lon);
    ev_entity(&e, EVENT_VESSEL, lo->mmsi, "subject");
    ev_entity(&e, EVENT_VESSEL, hi->mmsi, "other");
    ev_key_u64(&e, hi->mmsi);
    snprintf(buf, sizeof buf, "[%u,%u]", lo->mmsi, hi->mmsi);
    ev_json(&e, "mmsi", buf, strlen(buf));
    if (a->name[0] || b->name[0]) {
        struct buf nb;
        struct jw w;
        buf_init(&nb, 64);
        jw_init(&w, &nb);
        jw_arr_begin(&w);
        jw_str(&w, lo->name);
        jw_str(&w, hi->name);
        jw_arr_end(&w);
        ev_json(&e, "names", nb.p, nb.len);
        buf_free(&nb);
    }
    ev_real(&e, "median_speed_kn", med, 1);
    ev_real(&e, "min_distance_m", p->min_m, 0);
    /* The first joint report, then each one's last, subject first: by
     * MMSI, as the entities, not by the order the detector met them (which
     * a restart changes). */
    ev_evidence_str(&e, p->evidence);
    ev_evidence_str(&e, lo->last_evidence);
    ev_evidence_str(&e, hi->last_evidence);
    det_emit(d, &e);
}

/* Ends the pair: an encounter if it qualifies, or if it was already
 * reported open (then closed with what it came to, not left open). */
static void close_pair(struct det *d, struct det_pair *p)
{
    double med;
    bool ok = qualifies(d, p, &med);
    if (ok)
        d->stats.encounters++;
    if (ok || p->open_t)
        emit(d, p, med, false);
    if (d->ckpt)
        det_gone(d, "pair", det_pair_id(d, p));
    d->v[p->a].npairs--;
    d->v[p->b].npairs--;
    pair_erase(d, p);
}

void det_encounter_place(struct det *d, uint32_t vi)
{
    struct det_vessel *v = &d->v[vi];
    uint32_t key = cell_key(v->last_lat, v->last_lon);
    if (key != v->cell) {
        if (v->cell)
            cell_remove(d, v->cell, vi);
        cell_add(d, key, vi);
        v->cell = key;
    }
}

void det_encounter_on_position(struct det *d, uint32_t vi, const char *evidence, size_t evlen)
{
    struct det_vessel *v = &d->v[vi];
    det_encounter_place(d, vi);
    const struct det_config *c = &d->cfg;
    /* Close this vessel's pairs that drifted apart or went quiet. */
    for (size_t i = 0; v->npairs && i < d->pair_cap; i++) {
        struct det_pair *p = &d->pairs[i];
        if (p->a == EMPTY || (p->a != vi && p->b != vi))
            continue;
        const struct det_vessel *o = &d->v[p->a == vi ? p->b : p->a];
        double m = geo_distance_m(v->last_lat, v->last_lon, o->last_lat, o->last_lon);
        if (m > c->enc_distance_m * 2 || v->last_t - p->last > 3600000) {
            close_pair(d, p);
            i = (size_t)-1; /* the table moved: start over */
        }
    }
    if (v->last_kn < 0 || v->last_kn > 4 * c->enc_max_median_kn)
        return;
    int64_t a = (int64_t)floor((v->last_lat + 90.0) / CELL_DEG), b = (int64_t)floor((v->last_lon + 180.0) / CELL_DEG);
    for (int da = -1; da <= 1; da++)
        for (int db = -1; db <= 1; db++) {
            int64_t ca = a + da, cb = ((b + db) % 36000 + 36000) % 36000;
            if (ca < 0 || ca >= 18000)
                continue;
            struct det_cell *cell = cell_get(d, (uint32_t)(ca * 36000 + cb) + 1, false);
            for (uint32_t k = 0; cell && k < cell->n; k++) {
                uint32_t oi = cell->v[k];
                struct det_vessel *o = &d->v[oi];
                if (oi == vi || v->last_t - o->last_t > 600000 || o->last_kn < 0)
                    continue;
                double m = geo_distance_m(v->last_lat, v->last_lon, o->last_lat, o->last_lon);
                if (m > c->enc_distance_m)
                    continue;
                struct det_pair *p = pair_find(d, vi < oi ? vi : oi, vi < oi ? oi : vi, true);
                if (!p->start) {
                    d->v[p->a].npairs++;
                    d->v[p->b].npairs++;
                    p->start = v->last_t;
                    p->min_m = m;
                    size_t n = evlen < DET_EVIDENCE - 1 ? evlen : DET_EVIDENCE - 1;
                    if (evidence)
                        memcpy(p->evidence, evidence, n);
                    p->evidence[evidence ? n : 0] = 0;
                }
                p->last = v->last_t;
                p->dirty = true;
                p->lat = (v->last_lat + o->last_lat) / 2;
                p->lon = (v->last_lon + o->last_lon) / 2;
                if (m < p->min_m)
                    p->min_m = m;
                int bin = (int)(v->last_kn * 10 + 0.5);
                p->speed_bins[bin < DET_SPEED_BINS ? bin : DET_SPEED_BINS - 1]++;
                bin = (int)(o->last_kn * 10 + 0.5);
                p->speed_bins[bin < DET_SPEED_BINS ? bin : DET_SPEED_BINS - 1]++;
                double med;
                if ((double)(p->last - p->start) / 3600000.0 >= c->enc_min_h &&
                    (!p->open_t || p->last - p->open_t >= det_open_every_ms(d)) && qualifies(d, p, &med)) {
                    p->open_t = p->last;
                    emit(d, p, med, true);
                }
            }
        }
}

void det_encounter_finish(struct det *d)
{
    for (size_t i = 0; i < d->pair_cap; i++)
        if (d->pairs[i].a != EMPTY) {
            close_pair(d, &d->pairs[i]);
            i = (size_t)-1;
        }
}

int det_encounter_restore(struct det *d, const struct event *e)
{
    const struct event_entity *x = event_entity_role(e, "subject"), *y = event_entity_role(e, "other");
    if (!x || !y || x->kind != EVENT_VESSEL || y->kind != EVENT_VESSEL || x->id == y->id || !isfinite(e->lat) ||
        !isfinite(e->lon))
        return 1;
    uint32_t ia, ib;
    det_vessel_get(d, x->id, &ia);
    det_vessel_get(d, y->id, &ib); /* may move d->v: indices from here on */
    for (int k = 0; k < 2; k++) {
        struct det_vessel *v = &d->v[k ? ib : ia];
        if (!v->last_t) { /* heard last at the meeting */
            v->last_t = v->first_t = e->t_end_ms;
            v->last_lat = v->first_lat = e->lat;
            v->last_lon = v->first_lon = e->lon;
            v->last_kn = -1;
        }
    }
    struct det_pair *p = pair_find(d, ia < ib ? ia : ib, ia < ib ? ib : ia, true);
    if (p->start == e->t_start_ms)
        return 0; /* restored whole from a checkpoint (det_pair_read) */
    if (!p->start) {
        d->v[p->a].npairs++;
        d->v[p->b].npairs++;
    }
    p->start = e->t_start_ms;
    p->last = p->open_t = e->t_end_ms;
    p->lat = e->lat;
    p->lon = e->lon;
    const struct event_field *m = event_field_get(e, "min_distance_m");
    p->min_m = m && m->type == EVF_INT ? (double)m->i : m ? m->r : d->cfg.enc_distance_m;
    /* The speeds so far, as two samples at their median. */
    const struct event_field *med = event_field_get(e, "median_speed_kn");
    double kn = med && med->type == EVF_INT ? (double)med->i : med ? med->r : 0;
    int bin = (int)(kn * 10 + 0.5);
    p->speed_bins[bin >= 0 && bin < DET_SPEED_BINS ? bin : DET_SPEED_BINS - 1] += 2;
    snprintf(p->evidence, sizeof p->evidence, "%s", e->nevidence ? e->evidence[0] : "");
    return 0;
}

/* ---- checkpoint records (checkpoint.c): a pair by its two MMSIs ---- */

int64_t det_pair_id(const struct det *d, const struct det_pair *p)
{
    uint32_t x = d->v[p->a].mmsi, y = d->v[p->b].mmsi;
    return (int64_t)((uint64_t)(x < y ? x : y) << 32 | (x < y ? y : x));
}

void det_pair_write(const struct det_pair *p, struct buf *b)
{
    ck_int(b, p->start);
    ck_int(b, p->last);
    ck_real(b, p->lat);
    ck_real(b, p->lon);
    ck_real(b, p->min_m);
    ck_int(b, p->open_t);
    ck_str(b, p->evidence);
    for (int i = 0; i < DET_SPEED_BINS; i++)
        ck_int(b, p->speed_bins[i]);
}

int det_pair_read(struct det *d, int64_t id, struct ck_reader *r)
{
    uint32_t x = (uint32_t)((uint64_t)id >> 32), y = (uint32_t)id, ia, ib;
    if (x == y || !hash_u32_get(&d->index, x, &ia) || !hash_u32_get(&d->index, y, &ib))
        return 1; /* a vessel of the pair was not restored */
    struct det_pair q = {0};
    q.start = ck_get_int(r);
    q.last = ck_get_int(r);
    q.lat = ck_get_real(r);
    q.lon = ck_get_real(r);
    q.min_m = ck_get_real(r);
    q.open_t = ck_get_int(r);
    ck_get_str(r, q.evidence, sizeof q.evidence);
    for (int i = 0; i < DET_SPEED_BINS; i++)
        q.speed_bins[i] = (uint16_t)ck_get_int(r);
    if (r->bad || !q.start || !det_place_ok(q.lat, q.lon))
        return 1;
    struct det_pair *p = pair_find(d, ia < ib ? ia : ib, ia < ib ? ib : ia, true);
    if (!p->start) {
        d->v[p->a].npairs++;
        d->v[p->b].npairs++;
    }
    q.a = p->a;
    q.b = p->b;
    *p = q;
    return 0;
}
