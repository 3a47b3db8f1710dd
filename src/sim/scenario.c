/* scenario.c: SCENARIO.json (docs/scenario-format.md) -> struct sim_scenario,
 * with jansson. Routes become timelines of legs (motion.c); background
 * traffic is drawn from the seed (background.c). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "sim/background.h"
#include "sim/scenario.h"

#define H_MS 3600000.0

struct loader {
    struct sim_scenario *sc;
    json_t *places;
    char *err;
    size_t errlen;
};

static int fail(struct loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct loader *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, L->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static double num(json_t *o, const char *k, double dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

static const char *str(json_t *o, const char *k, const char *dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

static void copy(char *dst, size_t n, const char *s) { snprintf(dst, n, "%s", s ? s : ""); }

static int64_t at_h(const struct sim_scenario *sc, double h) { return sc->start + llround(h * H_MS); }

/* A waypoint's position: "at" names an entry of "places", else lat/lon. */
static int wp_pos(struct loader *L, json_t *wp, double *lat, double *lon, const char **place)
{
    *place = str(wp, "at", NULL);
    if (*place) {
        json_t *p = json_object_get(L->places, *place);
        if (!json_is_array(p) || json_array_size(p) != 2)
            return fail(L, "unknown place \"%s\"", *place);
        *lat = json_number_value(json_array_get(p, 0));
        *lon = json_number_value(json_array_get(p, 1));
        return 0;
    }
    json_t *la = json_object_get(wp, "lat"), *lo = json_object_get(wp, "lon");
    if (!json_is_number(la) || !json_is_number(lo))
        return fail(L, "waypoint without \"at\" or \"lat\"/\"lon\"");
    *lat = json_number_value(la);
    *lon = json_number_value(lo);
    return 0;
}

static uint8_t nav_status(const char *s)
{
    if (s && !strcmp(s, "anchored"))
        return SIM_NAV_ANCHORED;
    if (s && !strcmp(s, "drifting"))
        return SIM_NAV_UNDERWAY;
    return SIM_NAV_MOORED;
}

/* Route: first waypoint at depart_h, then a leg to each next one; stays,
 * waits ("until_h") and loiters happen at the waypoint they are written on. */
static int load_route(struct loader *L, struct sim_entity *e, json_t *jo, double dflt_speed)
{
    struct sim_scenario *sc = L->sc;
    json_t *route = json_object_get(jo, "route");
    size_t n = json_array_size(route);
    if (n < 1)
        return fail(L, "%s: empty route", e->id);
    double speed = num(jo, "speed_kn", num(jo, "speed_kt", dflt_speed));
    struct sim_route r;
    for (size_t i = 0; i < n; i++) {
        json_t *wp = json_array_get(route, i);
        double lat, lon;
        const char *place;
        if (wp_pos(L, wp, &lat, &lon, &place))
            return -1;
        bool stays = json_object_get(wp, "stay_h") || json_object_get(wp, "until_h");
        /* Aircraft are on the ground at the ends and wherever they stay. */
        double alt = e->kind == SIM_AIRCRAFT && !stays && i > 0 && i + 1 < n ? e->cruise_ft : 0;
        if (i == 0) {
            /* Present from the scenario's start: waiting at the first
             * waypoint until departure (a port, or an airport's apron). */
            int64_t dep = at_h(sc, num(jo, "depart_h", 0));
            sim_route_start(&r, e, dep < sc->start ? dep : sc->start, lat, lon, alt);
            sim_route_stay(&r, dep, SIM_NAV_MOORED, 0, place);
        } else {
            sim_route_move(&r, lat, lon, alt, num(wp, "speed_kn", num(wp, "speed_kt", speed)));
        }
        if (json_object_get(wp, "loiter_h"))
            sim_route_circle(&r, num(wp, "loiter_nm", 1.0) * 1852.0, num(wp, "loiter_kn", 4.0),
                             r.t + llround(num(wp, "loiter_h", 0) * H_MS));
        int64_t until = r.t + llround(num(wp, "stay_h", 0) * H_MS);
        if (json_object_get(wp, "until_h") && at_h(sc, num(wp, "until_h", 0)) > until)
            until = at_h(sc, num(wp, "until_h", 0));
        const char *st = str(wp, "status", place ? "moored" : "drifting");
        double drift = num(wp, "drift_kn", nav_status(st) == SIM_NAV_UNDERWAY ? 0.4 : 0.0);
        sim_route_stay(&r, until, nav_status(st), drift, place);
    }
    /* After the last waypoint the entity stays there to the end. */
    sim_route_stay(&r, sc->end, SIM_NAV_MOORED, 0, str(json_array_get(route, n - 1), "at", NULL));
    return 0;
}

struct sim_entity *sim_scenario_add(struct sim_scenario *sc, size_t *cap)
{
    if (sc->nent == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        sc->ent = xrealloc(sc->ent, *cap * sizeof *sc->ent);
    }
    struct sim_entity *e = &sc->ent[sc->nent++];
    memset(e, 0, sizeof *e);
    return e;
}

static int load_vessel(struct loader *L, json_t *jo, size_t *cap)
{
    struct sim_entity *e = sim_scenario_add(L->sc, cap);
    e->kind = SIM_VESSEL;
    copy(e->id, sizeof e->id, str(jo, "id", str(jo, "name", "")));
    const char *cls = str(jo, "class", "A");
    e->ais_class = cls[0] == 'B' ? 'B' : 'A';
    struct sim_ais_static *s = &e->st;
    s->mmsi = (uint32_t)num(jo, "mmsi", 0);
    if (s->mmsi == 0 || s->mmsi > 999999999)
        return fail(L, "vessel %s: missing or bad mmsi", e->id);
    s->imo = (uint32_t)num(jo, "imo", 0);
    copy(s->name, sizeof s->name, str(jo, "name", ""));
    copy(s->callsign, sizeof s->callsign, str(jo, "callsign", ""));
    copy(s->destination, sizeof s->destination, str(jo, "destination", ""));
    s->shiptype = (uint8_t)num(jo, "shiptype", 0);
    double len = num(jo, "length_m", 0), beam = num(jo, "beam_m", 0);
    /* Antenna a third of the length from the stern, on the centre line. */
    s->to_stern = (uint16_t)lround(len / 3);
    s->to_bow = (uint16_t)lround(len - len / 3);
    s->to_port = (uint8_t)lround(beam / 2);
    s->to_starboard = (uint8_t)lround(beam - beam / 2);
    s->draught_dm = (uint8_t)lround(num(jo, "draught_m", 0) * 10);
    unsigned mo = 0, d = 0, h = 24, mi = 60;
    const char *eta = str(jo, "eta", NULL);
    if (eta && sscanf(eta, "%u-%u %u:%u", &mo, &d, &h, &mi) != 4)
        return fail(L, "vessel %s: eta is \"MM-DD HH:MM\"", e->id);
    s->eta_month = (uint8_t)mo;
    s->eta_day = (uint8_t)d;
    s->eta_hour = (uint8_t)h;
    s->eta_minute = (uint8_t)mi;
    return load_route(L, e, jo, 12.0);
}

static int load_aircraft(struct loader *L, json_t *jo, size_t *cap)
{
    struct sim_entity *e = sim_scenario_add(L->sc, cap);
    e->kind = SIM_AIRCRAFT;
    copy(e->id, sizeof e->id, str(jo, "id", str(jo, "callsign", "")));
    const char *icao = str(jo, "icao", NULL);
    char *endp = NULL;
    unsigned long a = icao ? strtoul(icao, &endp, 16) : 0;
    if (!icao || *endp || a == 0 || a > 0xFFFFFF)
        return fail(L, "aircraft %s: missing or bad icao (6 hex digits)", e->id);
    e->icao = (uint32_t)a;
    copy(e->callsign, sizeof e->callsign, str(jo, "callsign", ""));
    const char *cat = str(jo, "category", "A3");
    e->category = (uint8_t)(((cat[0] >= 'A' && cat[0] <= 'D' ? cat[0] - 'A' + 0xA : 0xA) << 4) |
                            (cat[0] && cat[1] >= '0' && cat[1] <= '7' ? cat[1] - '0' : 0));
    e->squawk = (unsigned)atoi(str(jo, "squawk", "2000"));
    copy(e->registration, sizeof e->registration, str(jo, "registration", ""));
    double ver = num(jo, "adsb_version", 2);
    if (ver != 0 && ver != 1 && ver != 2)
        return fail(L, "aircraft %s: adsb_version is 0, 1 or 2", e->id);
    e->adsb_version = (uint8_t)ver;
    e->cruise_ft = num(jo, "cruise_ft", 35000);
    e->climb_fpm = num(jo, "climb_fpm", 2000);
    e->taxi_m = num(jo, "taxi_km", SIM_TAXI_KM) * 1000.0;
    e->taxi_kn = num(jo, "taxi_kt", SIM_TAXI_KT);
    e->stand_ms = llround(num(jo, "stand_min", SIM_STAND_MIN) * 60000.0);
    if (e->taxi_m < 0 || e->taxi_kn <= 0 || e->stand_ms < 0)
        return fail(L, "aircraft %s: needs taxi_km >= 0, taxi_kt > 0, stand_min >= 0", e->id);
    return load_route(L, e, jo, 450.0);
}

static struct sim_entity *find(struct sim_scenario *sc, const char *id, size_t *idx)
{
    for (size_t i = 0; id && i < sc->nent; i++)
        if (!strcmp(sc->ent[i].id, id)) {
            *idx = i;
            return &sc->ent[i];
        }
    return NULL;
}

const char *const sim_behaviour_names[SIM_BEH_COUNT] = {
    "ais_dark", "adsb_off", "squawk", "ship_to_ship", "identity", "spoof", "divert"};

/* Cuts e's timeline at t (it must be moving then) and sends it to place
 * (lat, lon) at its current speed, to stay there to the end. */
static int divert(struct loader *L, struct sim_entity *e, struct sim_behaviour *b)
{
    struct sim_scenario *sc = L->sc;
    double lat, lon;
    const char *place;
    json_t *to = json_pack("{s:s}", "at", b->to);
    int rc = wp_pos(L, to, &lat, &lon, &place);
    json_decref(to);
    if (rc)
        return -1;
    struct sim_state s;
    sim_entity_rewind(e);
    if (!sim_entity_state(e, b->t0, &s) || s.leg->kind != SIM_LEG_MOVE)
        return fail(L, "divert %s: not under way at start_h", e->id);
    size_t k = (size_t)(s.leg - e->legs);
    struct sim_leg *l = &e->legs[k];
    /* The current leg now ends here and now; later ones are dropped. */
    for (size_t i = k + 1; i < e->nlegs; i++)
        if (e->legs[i].kind == SIM_LEG_STAY && e->legs[i].place[0]) {
            copy(b->planned, sizeof b->planned, e->legs[i].place);
            break;
        }
    l->dist_m *= (double)(b->t0 - l->t0) / (double)(l->t1 - l->t0);
    l->t1 = b->t0;
    l->lat1 = s.lat;
    l->lon1 = s.lon;
    l->alt1_ft = s.alt_ft;
    e->nlegs = k + 1;
    sim_entity_rewind(e);
    struct sim_route r;
    sim_route_start(&r, e, b->t0, s.lat, s.lon, s.alt_ft);
    sim_route_move(&r, lat, lon, 0, l->speed_kn);
    b->t1 = r.t; /* the truth's span: from the turn to the arrival */
    sim_route_stay(&r, sc->end > r.t ? sc->end : r.t + 1, e->kind == SIM_VESSEL ? SIM_NAV_MOORED : 0,
                   0, b->to);
    return 0;
}

static int load_behaviour(struct loader *L, json_t *jo)
{
    struct sim_scenario *sc = L->sc;
    struct sim_behaviour *b = &sc->beh[sc->nbeh];
    memset(b, 0, sizeof *b);
    const char *type = str(jo, "type", "");
    size_t k = 0;
    while (k < SIM_BEH_COUNT && strcmp(type, sim_behaviour_names[k]))
        k++;
    if (k == SIM_BEH_COUNT)
        return fail(L, "unknown behaviour \"%s\"", type);
    b->kind = (uint8_t)k;
    json_t *ents = json_object_get(jo, "entities");
    const char *ids[2] = {str(jo, "entity", NULL), NULL};
    if (json_is_array(ents))
        for (size_t i = 0; i < 2; i++)
            ids[i] = json_string_value(json_array_get(ents, i));
    b->nent = b->kind == SIM_BEH_SHIP_TO_SHIP ? 2 : 1;
    for (int i = 0; i < b->nent; i++)
        if (!find(sc, ids[i], &b->ent[i]))
            return fail(L, "behaviour %s: unknown entity \"%s\"", type, ids[i] ? ids[i] : "");
    b->t0 = at_h(sc, num(jo, "start_h", 0));
    b->t1 = at_h(sc, num(jo, "end_h", (double)(sc->end - sc->start) / H_MS));
    b->code = (unsigned)num(jo, "code", 7700);
    b->mmsi = (uint32_t)num(jo, "mmsi", 0);
    b->imo = (uint32_t)num(jo, "imo", 0);
    const char *icao = str(jo, "icao", NULL);
    b->icao = icao ? (uint32_t)strtoul(icao, NULL, 16) & 0xFFFFFFu : 0;
    copy(b->name, sizeof b->name, str(jo, "name", ""));
    copy(b->callsign, sizeof b->callsign, str(jo, "callsign", ""));
    const char *mode = str(jo, "mode", "fixed");
    b->spoof = !strcmp(mode, "offset") ? SIM_SPOOF_OFFSET
               : !strcmp(mode, "circle") ? SIM_SPOOF_CIRCLE
                                         : SIM_SPOOF_FIXED;
    b->lat = num(jo, "lat", 0);
    b->lon = num(jo, "lon", 0);
    b->radius_m = num(jo, "radius_nm", 1) * 1852.0;
    copy(b->to, sizeof b->to, str(jo, "to", ""));
    if (b->t1 <= b->t0)
        return fail(L, "behaviour %s: end_h before start_h", type);
    if (b->kind == SIM_BEH_DIVERT && divert(L, &sc->ent[b->ent[0]], b))
        return -1;
    sc->nbeh++;
    return 0;
}

static int load_receivers(struct loader *L, json_t *arr)
{
    struct sim_scenario *sc = L->sc;
    sc->nrx = json_array_size(arr);
    sc->rx = xcalloc(sc->nrx ? sc->nrx : 1, sizeof *sc->rx);
    for (size_t i = 0; i < sc->nrx; i++) {
        json_t *jo = json_array_get(arr, i);
        struct sim_receiver *r = &sc->rx[i];
        copy(r->id, sizeof r->id, str(jo, "id", "DEMO-RX"));
        if (json_is_true(json_object_get(jo, "satellite"))) {
            r->satellite = true;
            r->pass_ms = llround(num(jo, "pass_min", 10) * 60000.0);
            r->revisit_ms = llround(num(jo, "revisit_min", 100) * 60000.0);
            r->phase_ms = llround(num(jo, "phase_min", 0) * 60000.0);
            if (r->pass_ms <= 0 || r->revisit_ms < r->pass_ms)
                return fail(L, "receiver %s: needs 0 < pass_min <= revisit_min", r->id);
            continue;
        }
        double lat, lon;
        const char *place;
        if (wp_pos(L, jo, &lat, &lon, &place))
            return -1;
        r->lat = lat;
        r->lon = lon;
        r->alt_m = num(jo, "alt_m", 30);
        r->range_nm = num(jo, "range_nm", 40);
    }
    return 0;
}

int sim_scenario_load(const char *path, uint64_t seed, struct sim_scenario *sc, char *err,
                      size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    struct loader L = {sc, json_object_get(root, "places"), err, errlen};
    int rc = -1;
    copy(sc->name, sizeof sc->name, str(root, "name", ""));
    sc->synthetic = json_is_true(json_object_get(root, "synthetic"));
    json_t *start = json_object_get(root, "start");
    if (!json_is_integer(start)) {
        fail(&L, "\"start\" (UNIX seconds) is required");
        goto out;
    }
    sc->start = (int64_t)json_integer_value(start) * 1000;
    sc->end = at_h(sc, num(root, "duration_h", 24));
    if (load_receivers(&L, json_object_get(root, "receivers")))
        goto out;
    size_t cap = 0;
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(root, "vessels"), i, v) {
        if (load_vessel(&L, v, &cap))
            goto out;
    }
    json_array_foreach(json_object_get(root, "aircraft"), i, v) {
        if (load_aircraft(&L, v, &cap))
            goto out;
    }
    json_t *beh = json_object_get(root, "behaviours");
    sc->beh = xcalloc(json_array_size(beh) + 1, sizeof *sc->beh);
    json_array_foreach(beh, i, v) {
        if (load_behaviour(&L, v))
            goto out;
    }
    json_t *bg = json_object_get(root, "background");
    if (bg && sim_background_add(sc, bg, L.places, seed, &cap, err, errlen))
        goto out;
    /* Ground phases last: behaviours (divert) cut the flight timelines. */
    for (i = 0; i < sc->nent; i++)
        sim_aircraft_ground(&sc->ent[i]);
    rc = 0;
out:
    json_decref(root);
    return rc;
}

void sim_scenario_free(struct sim_scenario *sc)
{
    for (size_t i = 0; i < sc->nent; i++)
        free(sc->ent[i].legs);
    free(sc->ent);
    free(sc->beh);
    free(sc->rx);
    memset(sc, 0, sizeof *sc);
}
