/* motion.c: timelines of legs and the state along them. Legs are great-
 * circle arcs (common/geo.h) at constant speed; aircraft climb from and
 * descend to each end of a leg at their climb rate, cruising in between. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/geo.h"
#include "common/xmalloc.h"
#include "sim/scenario.h"

#define KN_TO_MS (GEO_M_PER_NM / 3600.0)

static struct sim_leg *new_leg(struct sim_route *r)
{
    struct sim_entity *e = r->e;
    if (e->nlegs == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 8;
        e->legs = xrealloc(e->legs, r->cap * sizeof *e->legs);
    }
    struct sim_leg *l = &e->legs[e->nlegs++];
    memset(l, 0, sizeof *l);
    l->t0 = r->t;
    l->lat0 = l->lat1 = r->lat;
    l->lon0 = l->lon1 = r->lon;
    l->alt0_ft = l->alt1_ft = r->alt_ft;
    return l;
}

void sim_route_start(struct sim_route *r, struct sim_entity *e, int64_t t, double lat, double lon,
                     double alt_ft)
{
    r->e = e;
    r->t = t;
    r->lat = lat;
    r->lon = lon;
    r->alt_ft = alt_ft;
    r->cap = e->nlegs;
}

void sim_route_move(struct sim_route *r, double lat, double lon, double alt_ft, double speed_kn)
{
    struct sim_leg *l = new_leg(r);
    l->kind = SIM_LEG_MOVE;
    l->nav_status = SIM_NAV_UNDERWAY;
    l->lat1 = lat;
    l->lon1 = lon;
    l->alt1_ft = alt_ft;
    l->speed_kn = speed_kn > 0.1 ? speed_kn : 0.1;
    l->dist_m = geo_distance_m(r->lat, r->lon, lat, lon);
    l->bearing = geo_bearing_deg(r->lat, r->lon, lat, lon);
    l->t1 = l->t0 + (int64_t)llround(l->dist_m / (l->speed_kn * KN_TO_MS) * 1000.0);
    r->t = l->t1;
    r->lat = lat;
    r->lon = lon;
    r->alt_ft = alt_ft;
}

void sim_route_stay(struct sim_route *r, int64_t until, uint8_t nav_status, double drift_kn,
                    const char *place)
{
    if (until <= r->t)
        return;
    struct sim_entity *e = r->e;
    struct sim_leg *prev = e->nlegs ? &e->legs[e->nlegs - 1] : NULL;
    if (prev && prev->kind == SIM_LEG_STAY && prev->t1 == r->t && prev->nav_status == nav_status &&
        prev->speed_kn == drift_kn && !strcmp(prev->place, place ? place : "")) {
        prev->t1 = until; /* one stay, not two back to back (a port call to the end) */
        r->t = until;
        return;
    }
    struct sim_leg *l = new_leg(r);
    l->kind = SIM_LEG_STAY;
    l->nav_status = nav_status;
    l->speed_kn = drift_kn;
    l->t1 = until;
    if (place)
        snprintf(l->place, sizeof l->place, "%s", place);
    r->t = until;
}

void sim_route_circle(struct sim_route *r, double radius_m, double speed_kn, int64_t until)
{
    if (until <= r->t)
        return;
    struct sim_leg *l = new_leg(r);
    l->kind = SIM_LEG_CIRCLE;
    l->nav_status = SIM_NAV_UNDERWAY;
    /* The centre lies south of the point, so the circle starts (bearing 0
     * from the centre) and ends where the entity already is. */
    geo_destination(r->lat, r->lon, 180.0, radius_m, &l->lat0, &l->lon0);
    l->dist_m = radius_m;
    /* Whole laps only, so the leg ends where it began: the speed is nudged
     * to fit the span. */
    double span_s = (double)(until - r->t) / 1000.0, lap_m = 2 * M_PI * radius_m;
    double laps = round(speed_kn * KN_TO_MS * span_s / lap_m);
    l->speed_kn = (laps < 1 ? 1 : laps) * lap_m / span_s / KN_TO_MS;
    l->t1 = until;
    r->t = until;
}

/* Appends leg l to legs[*n], growing the array. */
static void push_leg(struct sim_leg **legs, size_t *n, size_t *cap, const struct sim_leg *l)
{
    if (l->ground && l->t1 <= l->t0)
        return; /* a part of a ground phase shrunk to nothing */
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *legs = xrealloc(*legs, *cap * sizeof **legs);
    }
    (*legs)[(*n)++] = *l;
}

static struct sim_leg ground_leg(const struct sim_leg *at, uint8_t ground, int64_t t0, int64_t t1)
{
    struct sim_leg g = *at;
    g.kind = ground == SIM_GROUND_TAXI ? SIM_LEG_MOVE : SIM_LEG_STAY;
    g.ground = ground;
    g.t0 = t0;
    g.t1 = t1;
    g.alt0_ft = g.alt1_ft = 0;
    g.speed_kn = 0;
    return g;
}

static struct sim_leg taxi_leg(const struct sim_leg *at, int64_t t0, int64_t t1, double lat0,
                               double lon0, double lat1, double lon1)
{
    struct sim_leg g = ground_leg(at, SIM_GROUND_TAXI, t0, t1);
    g.lat0 = lat0;
    g.lon0 = lon0;
    g.lat1 = lat1;
    g.lon1 = lon1;
    g.dist_m = geo_distance_m(lat0, lon0, lat1, lon1);
    g.bearing = geo_bearing_deg(lat0, lon0, lat1, lon1);
    g.speed_kn = t1 > t0 ? g.dist_m / ((double)(t1 - t0) / 1000.0) / KN_TO_MS : 0;
    return g;
}

void sim_aircraft_ground(struct sim_entity *e)
{
    if (e->kind != SIM_AIRCRAFT || e->taxi_kn <= 0)
        return;
    struct sim_leg *out = NULL;
    size_t n = 0, cap = 0;
    for (size_t k = 0; k < e->nlegs; k++) {
        const struct sim_leg *l = &e->legs[k];
        bool arrive = k > 0 && e->legs[k - 1].kind == SIM_LEG_MOVE && e->legs[k - 1].alt1_ft <= 0;
        bool depart = k + 1 < e->nlegs && e->legs[k + 1].kind == SIM_LEG_MOVE &&
                      e->legs[k + 1].alt0_ft <= 0;
        if (l->kind != SIM_LEG_STAY || l->alt0_ft > 0 || l->ground || (!arrive && !depart)) {
            push_leg(&out, &n, &cap, l);
            continue;
        }
        double taxi_s = e->taxi_m / (e->taxi_kn * KN_TO_MS), stand_s = (double)e->stand_ms / 1000.0;
        double need = (arrive + depart) * (taxi_s + stand_s), span = (double)(l->t1 - l->t0) / 1000.0;
        double f = need > span ? span / need : 1.0;
        int64_t taxi_ms = llround(taxi_s * f * 1000.0), stand_ms = llround(stand_s * f * 1000.0);
        /* Each aircraft has its own stand; the direction comes from its address. */
        double glat, glon;
        geo_destination(l->lat0, l->lon0, (double)(e->icao * 137u % 360u), e->taxi_m * f, &glat, &glon);
        int64_t t = l->t0, quiet_end = l->t1 - (depart ? taxi_ms + stand_ms : 0);
        struct sim_leg g;
        if (arrive) {
            g = taxi_leg(l, t, t + taxi_ms, l->lat0, l->lon0, glat, glon);
            push_leg(&out, &n, &cap, &g);
            g = ground_leg(l, SIM_GROUND_STAND, t + taxi_ms, t + taxi_ms + stand_ms);
            g.lat0 = g.lat1 = glat;
            g.lon0 = g.lon1 = glon;
            push_leg(&out, &n, &cap, &g);
            t += taxi_ms + stand_ms;
        }
        if (quiet_end > t) {
            g = ground_leg(l, SIM_GROUND_NONE, t, quiet_end);
            g.lat0 = g.lat1 = glat;
            g.lon0 = g.lon1 = glon;
            push_leg(&out, &n, &cap, &g);
            t = quiet_end;
        }
        if (depart) {
            g = ground_leg(l, SIM_GROUND_STAND, t, t + stand_ms);
            g.lat0 = g.lat1 = glat;
            g.lon0 = g.lon1 = glon;
            push_leg(&out, &n, &cap, &g);
            g = taxi_leg(l, t + stand_ms, l->t1, glat, glon, l->lat0, l->lon0);
            push_leg(&out, &n, &cap, &g);
        }
    }
    free(e->legs);
    e->legs = out;
    e->nlegs = n;
    e->cur = 0;
}

void sim_entity_rewind(struct sim_entity *e) { e->cur = 0; }

/* Altitude on a MOVE leg: climb from alt0, cruise, descend to alt1. */
static void altitude(const struct sim_entity *e, const struct sim_leg *l, double dt_s,
                     struct sim_state *s)
{
    double rate = e->climb_fpm / 60.0; /* ft/s */
    double left = (double)(l->t1 - l->t0) / 1000.0 - dt_s;
    double up = l->alt0_ft + rate * dt_s, down = l->alt1_ft + rate * left;
    double cruise = e->cruise_ft;
    s->alt_ft = cruise;
    s->vrate_fpm = 0;
    if (up < s->alt_ft && up <= down) {
        s->alt_ft = up;
        s->vrate_fpm = e->climb_fpm;
    } else if (down < s->alt_ft) {
        s->alt_ft = down;
        s->vrate_fpm = -e->climb_fpm;
    }
}

/* A course change at a waypoint is sailed (and reported) as a turn at
 * TURN_DPM degrees a minute from the leg's start; smaller changes than
 * TURN_MIN_DEG are course keeping. */
#define TURN_DPM 30.0
#define TURN_MIN_DEG 5.0

static double waypoint_turn(const struct sim_entity *e, const struct sim_leg *l, double dt_s)
{
    if (e->cur == 0 || dt_s * TURN_DPM / 60.0 >= 180.0)
        return 0;
    const struct sim_leg *p = &e->legs[e->cur - 1];
    if (p->kind != SIM_LEG_MOVE || p->dist_m <= 0 || l->dist_m <= 0 || p->ground != l->ground)
        return 0;
    double in = fmod(geo_bearing_deg(p->lat1, p->lon1, p->lat0, p->lon0) + 180.0, 360.0);
    double d = fmod(l->bearing - in + 540.0, 360.0) - 180.0; /* -180..180, + to starboard */
    if (fabs(d) < TURN_MIN_DEG || dt_s * TURN_DPM / 60.0 >= fabs(d))
        return 0;
    return d > 0 ? TURN_DPM : -TURN_DPM;
}

bool sim_entity_state(struct sim_entity *e, int64_t t, struct sim_state *s)
{
    if (e->nlegs == 0 || t < e->legs[0].t0 || t >= e->legs[e->nlegs - 1].t1)
        return false;
    while (e->cur + 1 < e->nlegs && t >= e->legs[e->cur].t1)
        e->cur++;
    const struct sim_leg *l = &e->legs[e->cur];
    double dt_s = (double)(t - l->t0) / 1000.0;
    memset(s, 0, sizeof *s);
    s->leg = l;
    s->nav_status = l->nav_status;
    switch (l->kind) {
    case SIM_LEG_MOVE: {
        double frac = l->t1 > l->t0 ? (double)(t - l->t0) / (double)(l->t1 - l->t0) : 1.0;
        geo_destination(l->lat0, l->lon0, l->bearing, l->dist_m * frac, &s->lat, &s->lon);
        s->sog_kn = l->speed_kn;
        /* The course along a great circle changes: it is the bearing from
         * here to the leg's end. */
        s->cog_deg = frac < 1.0 ? geo_bearing_deg(s->lat, s->lon, l->lat1, l->lon1) : l->bearing;
        s->rot_dpm = waypoint_turn(e, l, dt_s);
        if (e->kind == SIM_AIRCRAFT && l->ground == SIM_GROUND_TAXI) {
            s->surface = true;
        } else if (e->kind == SIM_AIRCRAFT) {
            altitude(e, l, dt_s, s);
            s->airborne = true;
        }
        break;
    }
    case SIM_LEG_CIRCLE: {
        /* Clockwise around the centre at the leg's speed. */
        double w = l->speed_kn * KN_TO_MS / l->dist_m; /* rad/s */
        double ang = fmod(w * dt_s, 2 * M_PI) * 180.0 / M_PI;
        geo_destination(l->lat0, l->lon0, ang, l->dist_m, &s->lat, &s->lon);
        s->sog_kn = l->speed_kn;
        s->cog_deg = fmod(ang + 90.0, 360.0);
        s->rot_dpm = w * 180.0 / M_PI * 60.0;
        s->alt_ft = l->alt0_ft;
        s->airborne = e->kind == SIM_AIRCRAFT && l->alt0_ft > 0;
        break;
    }
    default:
        /* A stay holds its point; drift_kn is reported as the speed over
         * ground a vessel lying stopped at sea shows (wind and current). */
        s->lat = l->lat0;
        s->lon = l->lon0;
        s->sog_kn = l->speed_kn;
        s->alt_ft = l->alt0_ft;
        s->airborne = e->kind == SIM_AIRCRAFT && l->alt0_ft > 0;
        s->surface = l->ground == SIM_GROUND_STAND;
        break;
    }
    return true;
}
