/* truth.c: what happened, as JSON lines sorted by start time, for scoring
 * detectors and for analysts checking what they found. Spans come from the
 * same timelines the generator uses, so the truth and the broadcasts agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/geo.h"
#include "common/json.h"
#include "common/timeparse.h"
#include "common/xmalloc.h"
#include "sim/sim.h"

/* Ship-to-ship: alongside (within 500 m) and both slow (under 2 kn), held
 * for a while; the scan step bounds the error of the span's ends. */
#define STS_DIST_M 500.0
#define STS_SPEED_KN 2.0
#define STS_STEP_MS 60000

struct rec {
    int64_t t0;
    size_t seq;
    char *line;
};

struct truth {
    struct sim_scenario *sc;
    struct rec *r;
    size_t n, cap;
    struct buf b;
    struct jw w;
};

static void kiso(struct jw *w, const char *key, int64_t ms)
{
    char t[32];
    time_iso_ms(ms, false, t, sizeof t);
    jw_kstr(w, key, t);
}

static void begin(struct truth *T, const char *type, int64_t t0, int64_t t1)
{
    T->b.len = 0;
    jw_init(&T->w, &T->b);
    jw_obj_begin(&T->w);
    jw_kstr(&T->w, "type", type);
    kiso(&T->w, "start", t0);
    kiso(&T->w, "end", t1);
    jw_kint(&T->w, "start_ms", t0);
    jw_kint(&T->w, "end_ms", t1);
}

static void entity_ref(struct truth *T, const struct sim_entity *e)
{
    jw_obj_begin(&T->w);
    jw_kstr(&T->w, "id", e->id);
    if (e->kind == SIM_VESSEL) {
        jw_kuint(&T->w, "mmsi", e->st.mmsi);
        if (e->st.imo)
            jw_kuint(&T->w, "imo", e->st.imo);
        jw_kstr(&T->w, "name", e->st.name);
    } else {
        char hex[16];
        snprintf(hex, sizeof hex, "%06X", e->icao);
        jw_kstr(&T->w, "icao", hex);
        jw_kstr(&T->w, "callsign", e->callsign);
        if (e->registration[0])
            jw_kstr(&T->w, "registration", e->registration);
    }
    jw_obj_end(&T->w);
}

static void entities(struct truth *T, const struct sim_entity *a, const struct sim_entity *b)
{
    jw_key(&T->w, "entities");
    jw_arr_begin(&T->w);
    entity_ref(T, a);
    if (b)
        entity_ref(T, b);
    jw_arr_end(&T->w);
}

static void where(struct truth *T, const char *key, struct sim_entity *e, int64_t t)
{
    struct sim_state s;
    sim_entity_rewind(e);
    if (!sim_entity_state(e, t, &s))
        return;
    jw_key(&T->w, key);
    jw_arr_begin(&T->w);
    jw_fixed(&T->w, s.lat, 5);
    jw_fixed(&T->w, s.lon, 5);
    jw_arr_end(&T->w);
}

/* Coverage, for scoring what could be seen: the stretches of [t0, t1) in
 * which no receiver would hear the entity (for a pair: either of them) had
 * it transmitted, at a 1-minute step, kept when 10 min or longer, and the
 * fraction of the span heard. The record's own dark or off behaviours are
 * not counted here (they are records of their own). Aircraft parked
 * between their ground phases are silent. */
#define COV_STEP_MS 60000
#define COV_MIN_MS 600000

static bool covered(struct truth *T, struct sim_entity *e, int64_t t)
{
    struct sim_state s;
    double d;
    if (!sim_entity_state(e, t, &s))
        return false;
    if (e->kind == SIM_VESSEL)
        return sim_heard(T->sc, t, s.lat, s.lon, -1, &d) != NULL;
    return (s.airborne || s.surface) && sim_heard(T->sc, t, s.lat, s.lon, s.alt_ft, &d) != NULL;
}

static void coverage(struct truth *T, struct sim_entity *a, struct sim_entity *b, int64_t t0, int64_t t1)
{
    sim_entity_rewind(a);
    if (b)
        sim_entity_rewind(b);
    int64_t run = -1;
    size_t n = 0, heard = 0;
    jw_key(&T->w, "unheard");
    jw_arr_begin(&T->w);
    for (int64_t t = t0; t <= t1; t += COV_STEP_MS) {
        bool on = t < t1 && covered(T, a, t) && (!b || covered(T, b, t));
        if (t < t1) {
            n++;
            heard += on;
        }
        if (!on && t < t1 && run < 0)
            run = t;
        if ((on || t + COV_STEP_MS > t1) && run >= 0) {
            int64_t stop = on ? t : t1;
            if (stop - run >= COV_MIN_MS) {
                jw_arr_begin(&T->w);
                jw_int(&T->w, run);
                jw_int(&T->w, stop);
                jw_arr_end(&T->w);
            }
            run = -1;
        }
    }
    jw_arr_end(&T->w);
    jw_kfixed(&T->w, "heard_fraction", n ? (double)heard / (double)n : 0, 3);
}

static void end(struct truth *T, int64_t t0)
{
    jw_obj_end(&T->w);
    buf_putc(&T->b, '\n');
    if (T->n == T->cap) {
        T->cap = T->cap ? 2 * T->cap : 256;
        T->r = xrealloc(T->r, T->cap * sizeof *T->r);
    }
    char *line = xmalloc(T->b.len + 1);
    memcpy(line, T->b.p, T->b.len);
    line[T->b.len] = '\0';
    T->r[T->n] = (struct rec){t0, T->n, line};
    T->n++;
}

static void ship_to_ship(struct truth *T, const struct sim_behaviour *b)
{
    struct sim_entity *a = &T->sc->ent[b->ent[0]], *c = &T->sc->ent[b->ent[1]];
    sim_entity_rewind(a);
    sim_entity_rewind(c);
    int64_t run = -1;
    for (int64_t t = T->sc->start; t <= T->sc->end; t += STS_STEP_MS) {
        struct sim_state sa, sb;
        bool on = t < T->sc->end && sim_entity_state(a, t, &sa) && sim_entity_state(c, t, &sb) &&
                  sa.sog_kn < STS_SPEED_KN && sb.sog_kn < STS_SPEED_KN &&
                  geo_distance_m(sa.lat, sa.lon, sb.lat, sb.lon) <= STS_DIST_M;
        if (on && run < 0)
            run = t;
        if (!on && run >= 0) {
            begin(T, "ship_to_ship", run, t);
            entities(T, a, c);
            where(T, "position", a, run);
            coverage(T, a, c, run, t);
            end(T, run);
            run = -1;
        }
    }
}

/* The identity broadcast during an identity behaviour (the true one is in
 * "entities"). */
static void identity(struct truth *T, const struct sim_behaviour *b)
{
    jw_key(&T->w, "broadcast");
    jw_obj_begin(&T->w);
    if (b->mmsi)
        jw_kuint(&T->w, "mmsi", b->mmsi);
    if (b->imo)
        jw_kuint(&T->w, "imo", b->imo);
    if (b->name[0])
        jw_kstr(&T->w, "name", b->name);
    if (b->callsign[0])
        jw_kstr(&T->w, "callsign", b->callsign);
    if (b->icao) {
        char hex[16];
        snprintf(hex, sizeof hex, "%06X", b->icao);
        jw_kstr(&T->w, "icao", hex);
    }
    jw_obj_end(&T->w);
}

static void behaviours(struct truth *T)
{
    for (size_t i = 0; i < T->sc->nbeh; i++) {
        const struct sim_behaviour *b = &T->sc->beh[i];
        if (b->kind == SIM_BEH_SHIP_TO_SHIP) {
            ship_to_ship(T, b);
            continue;
        }
        if (b->t0 >= T->sc->end)
            continue; /* not reached by a run cut short (--hours) */
        int64_t t1 = b->t1 < T->sc->end ? b->t1 : T->sc->end;
        struct sim_entity *e = &T->sc->ent[b->ent[0]];
        begin(T, sim_behaviour_names[b->kind], b->t0, t1);
        entities(T, e, NULL);
        if (b->kind == SIM_BEH_SQUAWK)
            jw_kuint(&T->w, "code", b->code);
        if (b->kind == SIM_BEH_IDENTITY)
            identity(T, b);
        if (b->kind == SIM_BEH_DIVERT) {
            jw_kstr(&T->w, "to", b->to);
            if (b->planned[0])
                jw_kstr(&T->w, "planned", b->planned);
        }
        if (b->kind == SIM_BEH_SPOOF) {
            static const char *const modes[] = {"fixed", "offset", "circle"};
            jw_kstr(&T->w, "mode", modes[b->spoof]);
            jw_key(&T->w, b->spoof == SIM_SPOOF_OFFSET ? "offset" : "point");
            jw_arr_begin(&T->w);
            jw_fixed(&T->w, b->lat, 5);
            jw_fixed(&T->w, b->lon, 5);
            jw_arr_end(&T->w);
            if (b->spoof == SIM_SPOOF_CIRCLE)
                jw_kfixed(&T->w, "radius_nm", b->radius_m / GEO_M_PER_NM, 2);
        }
        where(T, "start_position", e, b->t0);
        where(T, "end_position", e, t1 - 1);
        coverage(T, e, NULL, b->t0, t1);
        end(T, b->t0);
    }
}

/* Flights (aircraft: from one ground stay to the next), port calls and
 * anchorage waits (vessels: stays with a place or at anchor), loiters. */
static void timelines(struct truth *T)
{
    for (size_t i = 0; i < T->sc->nent; i++) {
        struct sim_entity *e = &T->sc->ent[i];
        const char *from = NULL;
        int64_t dep = 0;
        bool flying = false;
        for (size_t k = 0; k < e->nlegs; k++) {
            const struct sim_leg *l = &e->legs[k];
            int64_t t0 = l->t0 > T->sc->start ? l->t0 : T->sc->start;
            int64_t t1 = l->t1 < T->sc->end ? l->t1 : T->sc->end;
            if (t0 >= T->sc->end)
                break;
            if (l->kind == SIM_LEG_CIRCLE) {
                begin(T, "loiter", t0, t1);
                entities(T, e, NULL);
                jw_key(&T->w, "centre");
                jw_arr_begin(&T->w);
                jw_fixed(&T->w, l->lat0, 5);
                jw_fixed(&T->w, l->lon0, 5);
                jw_arr_end(&T->w);
                jw_kfixed(&T->w, "radius_nm", l->dist_m / GEO_M_PER_NM, 2);
                jw_kfixed(&T->w, "speed_kn", l->speed_kn, 1);
                coverage(T, e, NULL, t0, t1);
                end(T, t0);
                continue;
            }
            if (e->kind == SIM_AIRCRAFT) {
                /* A flight runs from the end of one ground phase (stays,
                 * taxis) to the start of the next: takeoff to landing. */
                if (l->kind != SIM_LEG_STAY && l->ground != SIM_GROUND_TAXI) {
                    flying = true;
                    continue;
                }
                if (from && flying) {
                    begin(T, "flight", dep, l->t0);
                    entities(T, e, NULL);
                    jw_kstr(&T->w, "from", from);
                    jw_kstr(&T->w, "to", l->place);
                    jw_kbool(&T->w, "background", e->background);
                    coverage(T, e, NULL, dep, l->t0);
                    end(T, dep);
                }
                from = l->place[0] ? l->place : "?";
                dep = l->t1;
                flying = false;
                continue;
            }
            /* A stay elsewhere (drifting or stopped at sea: a meeting, a
             * wait off a terminal) is a "stop". */
            if (l->kind == SIM_LEG_STAY && t1 > t0) {
                bool anch = !l->place[0] && l->nav_status == SIM_NAV_ANCHORED;
                begin(T, l->place[0] ? "port_call" : anch ? "anchorage" : "stop", t0, t1);
                entities(T, e, NULL);
                if (l->place[0])
                    jw_kstr(&T->w, "port", l->place);
                if (!l->place[0] && !anch) {
                    jw_kstr(&T->w, "status", l->nav_status == SIM_NAV_MOORED ? "moored" : "drifting");
                    jw_kfixed(&T->w, "speed_kn", l->speed_kn, 1);
                }
                jw_key(&T->w, "position");
                jw_arr_begin(&T->w);
                jw_fixed(&T->w, l->lat0, 5);
                jw_fixed(&T->w, l->lon0, 5);
                jw_arr_end(&T->w);
                jw_kbool(&T->w, "background", e->background);
                coverage(T, e, NULL, t0, t1);
                end(T, t0);
            }
        }
    }
}

static int rec_cmp(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->t0 != y->t0)
        return x->t0 < y->t0 ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int sim_truth_write(struct sim_scenario *sc, uint64_t seed, FILE *f)
{
    struct truth T = {.sc = sc};
    buf_init(&T.b, 4096);
    behaviours(&T);
    timelines(&T);
    qsort(T.r, T.n, sizeof *T.r, rec_cmp);
    struct buf out;
    buf_init(&out, 1 << 16);
    struct jw w;
    jw_init(&w, &out);
    jw_obj_begin(&w);
    jw_kstr(&w, "type", "scenario");
    jw_kstr(&w, "name", sc->name);
    jw_kbool(&w, "synthetic", sc->synthetic);
    jw_kuint(&w, "seed", seed);
    jw_kint(&w, "start_ms", sc->start);
    jw_kint(&w, "end_ms", sc->end);
    jw_kuint(&w, "modes_ts12_at_start", sim_ts12_base(seed));
    size_t nv = 0;
    for (size_t i = 0; i < sc->nent; i++)
        nv += sc->ent[i].kind == SIM_VESSEL;
    jw_kuint(&w, "vessels", nv);
    jw_kuint(&w, "aircraft", sc->nent - nv);
    jw_obj_end(&w);
    buf_putc(&out, '\n');
    int rc = 0;
    for (size_t i = 0; i < T.n; i++) {
        buf_puts(&out, T.r[i].line);
        free(T.r[i].line);
        if (out.len > (1 << 16) && buf_flush(&out, f))
            rc = -1;
    }
    if (buf_flush(&out, f))
        rc = -1;
    for (size_t i = 0; i < sc->nent; i++)
        sim_entity_rewind(&sc->ent[i]);
    free(T.r);
    buf_free(&out);
    buf_free(&T.b);
    return rc;
}
