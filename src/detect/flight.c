/* flight.c: flights: one aircraft from takeoff to landing, with the airports
 * at either end, from the tracker's updates alone.
 *
 * Ends, best evidence first (each end keeps how it was found, which sets the
 * confidence):
 *   air_ground_flag  the transponder's air/ground state changed (surface
 *                    position, CA 4/5, FS): takeoff at the first airborne
 *                    message after ground ones, landing at the first ground
 *                    one that lasts flight_touchgo_s. A "ground" report faster
 *                    than flight_ground_max_kt, or with an altitude above any
 *                    airport's, is a stuck squat switch and is read as airborne.
 *   heard_at_runway  no flag (many feeds, and the simulator, hear nothing on
 *                    the ground): the first position is within
 *                    flight_runway_ft of an airport's elevation and within
 *                    flight_airport_km, and the aircraft then climbs; or the
 *                    last one is, at the bottom of a descent, and the
 *                    aircraft is then silent for flight_land_gap_min (times:
 *                    where the climb starts and the descent ends). These are
 *                    OPDI's numbers (EUROCONTROL's Open Performance Data
 *                    Initiative, flight list v0.0.1: airports within 10 km, a
 *                    10 min silence below 1 km ends a flight).
 *   on_ground_after_gap  lost airborne, next heard on the ground: it landed
 *                    where it now stands, if it could have flown there.
 *   inferred_lowest  first heard airborne or lost airborne: the lowest point
 *                    of the climb it was first heard in (or the descent it was
 *                    lost in), if below flight_low_ft (OPDI: candidates below
 *                    10,000 ft) and near enough an airport to be on a 3 degree
 *                    path to it (det_flight_glide_radius_m). Its time is when
 *                    it was there, not the takeoff or landing.
 * An end found none of these ways is left out of the event, never guessed.
 *
 * Silences. OPDI splits a track at any 30 min silence; over an ocean that
 * cuts one flight in two. Here a silence of flight_split_gap_min or more is
 * judged when the aircraft is heard again: one flight if the distance
 * between the last position before and the first after, over the time, is
 * about the speed it was flying (det_flight_gap_fits), the callsign is the
 * same (or unknown), and it is not climbing away from a runway; otherwise
 * the first flight ended somewhere unseen and a new one began. The track
 * after the silence is kept apart (seg) until that is decided: for up to
 * flight_callsign_wait_s, so its callsign can arrive.
 *
 * End of input (det_flights_finish): every flight still open is reported,
 * its arrival from the rules above (an aircraft heard down to a runway at
 * the very end landed) or absent, so the last flights of a recording are not
 * lost. A flight lost airborne is reported once flight_max_gap_h has passed
 * without it, or at the end of input: it might still come back.
 *
 * Event time only: silences are measured against the latest message time
 * of any aircraft, swept once a minute of it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/geo.h"
#include "common/xmalloc.h"
#include "detect/detect_internal.h"
#include "ref/ref.h"

#define NON_ICAO 0x1000000u /* tracker key bit of anonymous / TIS-B track addresses: not followed */
#define ALT_STEP_FT 25      /* one step of ADS-B pressure altitude (the Q bit's 25 ft) */
#define CLIMB_FT 300        /* a rise that is a climb, not altimeter steps (25 ft) or noise */
#define SWEEP_MS 60000
#define HIGHEST_FIELD_FT 14472 /* Daocheng Yading (ZUDC), the highest airport in airports.dat */
#define ALT_FRESH_MS 10000     /* an altitude this old still belongs to a position */

enum end_how { END_NONE, END_INFERRED, END_GROUND_AFTER_GAP, END_RUNWAY, END_GROUND };
static const char *const how_name[] = {"", "inferred_lowest", "on_ground_after_gap", "heard_at_runway",
                                       "air_ground_flag"};
/* How much an end found each way is worth to the flight's confidence. */
static const double how_conf[] = {0, 0.5, 0.6, 0.9, 1.0};

/* One position (or ground report) with the raw message behind it. */
struct fl_pt {
    bool set, pos, alt_ok;
    int64_t t;
    double lat, lon;
    double trk; /* track over ground, degrees; NAN unknown */
    int32_t alt;
    char ev[DET_EVIDENCE];
};

struct fl_end {
    uint8_t how; /* enum end_how */
    const struct ref_airport *ap;
    double dist_m;
    int32_t alt;
    int64_t t;
    const struct fl_pt *pt; /* the message behind it, set as the flight is reported */
};

struct fl_flight {
    bool on;
    struct fl_pt first, last;
    struct fl_pt first_low; /* lowest point before it first rose above flight_low_ft */
    struct fl_pt cur_low;   /* lowest point of the stretch below flight_low_ft it is in (or last was) */
    struct fl_pt roll;      /* last point near the first altitude before the climb: the takeoff */
    struct fl_pt bottom;    /* first point within a step of cur_low: the touchdown, if it lands */
    bool above_low, in_low, climbed;
    bool max_alt_ok;
    int32_t max_alt;
    uint32_t positions;
    double dist_m;
    double gs, gs_max; /* kt, < 0 unknown */
    struct fl_end dep, arr;
    int gaps; /* silences judged and joined */
    double gap_s;
    int touch_and_go;
    bool land_pending; /* on the ground since `land`, not yet long enough to be a landing */
    struct fl_pt land;
    char callsign[9], registration[24], country[48];
};

struct fl_ac {
    uint32_t icao; /* tracker key; 0xFFFFFFFF: free slot */
    int64_t heard; /* last message of any kind */
    bool ground;   /* on the ground by the flag, since ground_pt */
    struct fl_pt ground_pt;
    struct fl_flight f;   /* the flight in progress */
    struct fl_flight seg; /* the track after a long silence, until judged */
    struct det_squawk sq;
};

struct det_flights {
    struct hash_u32 index; /* tracker key -> slot */
    struct fl_ac *ac;
    size_t n, cap;
    uint32_t *spare; /* freed slots */
    size_t nspare, capspare;
    int64_t now, last_sweep;
};

/* The observation one update gives. */
struct fl_obs {
    int64_t t;
    bool pos, alt_ok, ground_fresh, ground;
    bool known;          /* lat, lon: this position, or the last one (pos false) */
    double lat, lon, gs; /* gs < 0 unknown */
    double trk;          /* NAN unknown */
    int32_t alt;
    const char *ev;
    size_t evlen;
};

void det_flights_defaults(struct det_config *c)
{
    if (c->flight_airport_km <= 0)
        c->flight_airport_km = 10;
    if (c->flight_low_ft <= 0)
        c->flight_low_ft = 10000;
    if (c->flight_runway_ft <= 0)
        c->flight_runway_ft = 3281; /* 1 km */
    if (c->flight_land_gap_min <= 0)
        c->flight_land_gap_min = 10;
    if (c->flight_split_gap_min <= 0)
        c->flight_split_gap_min = 30;
    if (c->flight_glide_deg <= 0)
        c->flight_glide_deg = 3;
    if (c->flight_approach_max_deg <= 0)
        c->flight_approach_max_deg = 60;
    if (c->flight_above_path_ft <= 0)
        c->flight_above_path_ft = 3000;
    if (c->flight_climb_max_deg <= 0)
        c->flight_climb_max_deg = 6;
    if (c->flight_ambiguity <= 0)
        c->flight_ambiguity = 2;
    if (c->flight_ground_max_kt <= 0)
        c->flight_ground_max_kt = 175;
    if (c->flight_max_gap_h <= 0)
        c->flight_max_gap_h = 20;
    if (c->flight_join_min_frac <= 0)
        c->flight_join_min_frac = 0.7;
    if (c->flight_join_max_frac <= 0)
        c->flight_join_max_frac = 1.3;
    if (c->flight_touchgo_s <= 0)
        c->flight_touchgo_s = 120;
    if (c->flight_callsign_wait_s <= 0)
        c->flight_callsign_wait_s = 60;
    if (c->emergency_min_reports <= 0)
        c->emergency_min_reports = 2;
}

int det_flight_gap_fits(const struct det_config *c, double gap_s, double dist_m, double speed_kt)
{
    if (gap_s > c->flight_max_gap_h * 3600.0)
        return 0;
    if (speed_kt <= 0)
        return -1;
    if (gap_s <= 0)
        return 1;
    double kt = dist_m / GEO_M_PER_NM / (gap_s / 3600.0);
    return kt >= c->flight_join_min_frac * speed_kt && kt <= c->flight_join_max_frac * speed_kt;
}

double det_flight_glide_radius_m(const struct det_config *c, double height_ft)
{
    double h = height_ft > 0 ? height_ft * 0.3048 : 0;
    return c->flight_airport_km * 1000.0 + h / tan(c->flight_glide_deg * M_PI / 180.0);
}

struct det_flights *det_flights_new(void)
{
    struct det_flights *F = xcalloc(1, sizeof *F);
    hash_u32_init(&F->index, 256);
    return F;
}

void det_flights_free(struct det_flights *F)
{
    if (!F)
        return;
    hash_u32_free(&F->index);
    free(F->ac);
    free(F->spare);
    free(F);
}

static struct fl_ac *aircraft(struct det_flights *F, uint32_t icao)
{
    uint32_t i;
    if (hash_u32_get(&F->index, icao, &i))
        return &F->ac[i];
    if (F->nspare) {
        i = F->spare[--F->nspare];
    } else {
        if (F->n == F->cap) {
            F->cap = F->cap ? F->cap * 2 : 256;
            F->ac  = xrealloc(F->ac, F->cap * sizeof *F->ac);
        }
        i = (uint32_t)F->n++;
    }
    memset(&F->ac[i], 0, sizeof F->ac[i]);
    F->ac[i].icao = icao;
    hash_u32_put(&F->index, icao, i);
    return &F->ac[i];
}

static void release(struct det_flights *F, size_t i)
{
    hash_u32_del(&F->index, F->ac[i].icao);
    F->ac[i].icao = 0xFFFFFFFFu;
    if (F->nspare == F->capspare) {
        F->capspare = F->capspare ? F->capspare * 2 : 64;
        F->spare    = xrealloc(F->spare, F->capspare * sizeof *F->spare);
    }
    F->spare[F->nspare++] = (uint32_t)i;
}

static void pt_set(struct fl_pt *p, const struct fl_obs *o)
{
    p->set    = true;
    p->pos    = o->pos;
    p->alt_ok = o->alt_ok;
    p->t      = o->t;
    p->lat    = o->lat;
    p->lon    = o->lon;
    p->trk    = o->trk;
    p->alt    = o->alt;
    size_t n  = o->ev ? (o->evlen < DET_EVIDENCE - 1 ? o->evlen : DET_EVIDENCE - 1) : 0;
    if (n)
        memcpy(p->ev, o->ev, n);
    p->ev[n] = '\0';
}

static double pt_dist(const struct fl_pt *a, const struct fl_pt *b)
{
    return a->pos && b->pos ? geo_distance_m(a->lat, a->lon, b->lat, b->lon) : 0;
}

static void identity(struct fl_flight *f, const struct trk_aircraft *a)
{
    /* The first callsign of the flight names it (a later change is a crew's
     * correction more often than a new flight); the others take the latest. */
    if (!f->callsign[0] && a->callsign[0])
        snprintf(f->callsign, sizeof f->callsign, "%s", a->callsign);
    if (a->registration[0])
        snprintf(f->registration, sizeof f->registration, "%s", a->registration);
    if (a->country[0])
        snprintf(f->country, sizeof f->country, "%s", a->country);
}

static void note_alt(const struct det_config *c, struct fl_flight *f, const struct fl_obs *o)
{
    if (!o->alt_ok || !o->pos)
        return;
    if (!f->max_alt_ok || o->alt > f->max_alt) {
        f->max_alt    = o->alt;
        f->max_alt_ok = true;
    }
    /* A transponder that never says "on the ground" reports the taxi as
     * flight at the field's altitude: the takeoff is where the climb starts. */
    if (!f->climbed && f->first.alt_ok) {
        if (o->alt >= f->first.alt + CLIMB_FT)
            f->climbed = true;
        else if (o->alt <= f->first.alt + ALT_STEP_FT)
            pt_set(&f->roll, o);
    }
    if (o->alt >= c->flight_low_ft) {
        f->above_low = true;
        f->in_low    = false;
        return;
    }
    /* Likewise the touchdown is where the (last) descent ends, not the last
     * report: climbing away from a bottom (a go-around) starts a new one. */
    if (f->bottom.set && o->alt > f->bottom.alt + CLIMB_FT)
        f->bottom.set = false;
    if (!f->in_low || !f->bottom.set || o->alt < f->bottom.alt - ALT_STEP_FT)
        pt_set(&f->bottom, o);
    if (!f->in_low || o->alt < f->cur_low.alt)
        pt_set(&f->cur_low, o);
    f->in_low = true;
    if (!f->above_low && (!f->first_low.set || o->alt < f->first_low.alt))
        pt_set(&f->first_low, o);
}

static void flight_start(const struct det_config *c, struct fl_flight *f, const struct fl_obs *o,
                         const struct trk_aircraft *a)
{
    memset(f, 0, sizeof *f);
    f->on = true;
    f->gs = f->gs_max = o->gs;
    pt_set(&f->first, o);
    pt_set(&f->last, o);
    f->positions = o->pos;
    note_alt(c, f, o);
    identity(f, a);
}

static void flight_add(const struct det_config *c, struct fl_flight *f, const struct fl_obs *o,
                       const struct trk_aircraft *a)
{
    if (o->gs >= 0) {
        f->gs = o->gs;
        if (o->gs > f->gs_max)
            f->gs_max = o->gs;
    }
    identity(f, a);
    if (!o->pos)
        return;
    if (!f->first.pos) /* started on a report without a position */
        pt_set(&f->first, o);
    struct fl_pt here = {.pos = true, .lat = o->lat, .lon = o->lon};
    f->dist_m += pt_dist(&f->last, &here);
    pt_set(&f->last, o);
    f->positions++;
    note_alt(c, f, o);
}

/* The nearest airport within flight_airport_km whose elevation the point is
 * within flight_runway_ft of. */
static bool at_runway(const struct det *d, const struct fl_pt *p, struct fl_end *e)
{
    const struct det_config *c = &d->cfg;
    double dm;
    const struct ref_airport *ap;
    if (!d->ref || !p->set || !p->pos || !p->alt_ok ||
        !(ap = ref_airport_nearest(d->ref, p->lat, p->lon, c->flight_airport_km * 1000.0, &dm)) ||
        p->alt - ap->alt_ft > c->flight_runway_ft)
        return false;
    if (e)
        *e = (struct fl_end){.how = END_RUNWAY, .ap = ap, .dist_m = dm, .alt = p->alt, .t = p->t};
    return true;
}

/* Which airport a point below flight_low_ft was on the approach to (or the
 * climb out of), when the runway itself was not heard: among the airports
 * close enough for a 3 degree path, the one the aircraft was pointing at
 * (flying towards it on arrival, away from it on departure), nearer ones
 * first, and one with scheduled service (an IATA code) before an airfield
 * without. Coverage often ends above the glide path, 30-60 km out, where
 * the nearest field under the aircraft is a glider site or an air base it
 * was flying over, not the airport it was descending to. Within
 * flight_airport_km the direction does not matter (the circuit). */
struct approach {
    const struct det_config *c;
    const struct fl_pt *p;
    bool arrival;
    double best, second; /* the two lowest costs seen */
};

static double approach_cost(void *ctx, const struct ref_airport *ap, double dm)
{
    const struct approach *a = ctx;
    const struct det_config *c = a->c;
    double above = a->p->alt - ap->alt_ft;
    /* Near enough for a descent begun at the low level, and not far above
     * the path at this distance (3 degrees down, flight_climb_max_deg up):
     * an aircraft at 7,800 ft over a glider field 4 km away is passing over
     * it, neither landing nor just off its runway. */
    double path_deg = a->arrival ? c->flight_glide_deg : c->flight_climb_max_deg;
    if (dm > det_flight_glide_radius_m(c, c->flight_low_ft - ap->alt_ft) ||
        above > dm * tan(path_deg * M_PI / 180.0) / 0.3048 + c->flight_above_path_ft)
        return -1;
    double off = 0;
    if (isfinite(a->p->trk) && dm > a->c->flight_airport_km * 1000.0) {
        double b = a->arrival ? geo_bearing_deg(a->p->lat, a->p->lon, ap->lat, ap->lon)
                              : geo_bearing_deg(ap->lat, ap->lon, a->p->lat, a->p->lon);
        off = fabs(fmod(b - a->p->trk + 540.0, 360.0) - 180.0);
        if (off > a->c->flight_approach_max_deg)
            return -1;
    }
    double cost = dm * (1.0 + off / 30.0) * (ap->iata[0] ? 1.0 : 3.0);
    struct approach *w = ctx;
    if (cost < w->best) {
        w->second = w->best;
        w->best = cost;
    } else if (cost < w->second) {
        w->second = cost;
    }
    return cost;
}

static bool near_airport(const struct det *d, const struct fl_pt *p, bool arrival, struct fl_end *e)
{
    const struct det_config *c = &d->cfg;
    double dm;
    const struct ref_airport *ap;
    struct approach a = {c, p, arrival, INFINITY, INFINITY};
    if (!d->ref || !p->set || !p->pos || !p->alt_ok || p->alt >= c->flight_low_ft ||
        !(ap = ref_airport_best(d->ref, p->lat, p->lon, det_flight_glide_radius_m(c, c->flight_low_ft),
                                approach_cost, &a, &dm)))
        return false;
    /* Two airports that fit about as well (a city's main airport and another
     * field a few km off the same approach): the end stays unknown rather
     * than a guess that is wrong half the time. */
    if (a.second < a.best * c->flight_ambiguity)
        return false;
    *e = (struct fl_end){.how = END_INFERRED, .ap = ap, .dist_m = dm, .alt = p->alt, .t = p->t};
    return true;
}

/* The point rose (for a departure) or came down (for an arrival) from higher
 * in the flight: without that it is a level stretch, not an end. */
static bool below_max(const struct fl_flight *f, const struct fl_pt *p)
{
    return p->alt_ok && f->max_alt_ok && f->max_alt >= p->alt + CLIMB_FT;
}

static void find_ends(const struct det *d, struct fl_flight *f)
{
    if (!f->dep.how && below_max(f, &f->first)) {
        if (at_runway(d, &f->first, &f->dep)) {
            if (f->roll.set) {
                f->dep.t  = f->roll.t;
                f->dep.pt = &f->roll;
            }
        } else {
            /* Never above the low level: the first point is its own climb. */
            const struct fl_pt *p = f->above_low ? &f->first_low : &f->first;
            if (below_max(f, p) && near_airport(d, p, false, &f->dep))
                f->dep.pt = p;
        }
    }
    if (!f->arr.how && f->in_low && below_max(f, &f->last)) {
        if (f->last.alt <= f->cur_low.alt + 100 && at_runway(d, &f->last, &f->arr)) {
            if (f->bottom.set) {
                f->arr.t  = f->bottom.t;
                f->arr.pt = &f->bottom;
            }
        } else {
            const struct fl_pt *p = f->above_low ? &f->cur_low : &f->last;
            if (below_max(f, p) && near_airport(d, p, true, &f->arr))
                f->arr.pt = p;
        }
    }
}

static void end_fields(struct event *ev, const char *side, const struct fl_end *e)
{
    char k[40];
    if (!e->how)
        return;
    if (e->ap) {
        const struct ref_airport *ap = e->ap;
        snprintf(k, sizeof k, "%s_airport", side);
        ev_str(ev, k, ap->icao[0] ? ap->icao : ap->iata);
        snprintf(k, sizeof k, "%s_name", side);
        ev_str(ev, k, ap->name);
        snprintf(k, sizeof k, "%s_country", side);
        ev_str(ev, k, ap->country);
        if (ap->country_code[0]) {
            snprintf(k, sizeof k, "%s_country_code", side);
            ev_str(ev, k, ap->country_code);
        }
        snprintf(k, sizeof k, "%s_distance_km", side);
        ev_real(ev, k, e->dist_m / 1000.0, 1);
    }
    snprintf(k, sizeof k, "%s_time", side);
    ev_time(ev, k, e->t);
    snprintf(k, sizeof k, "%s_method", side);
    ev_str(ev, k, how_name[e->how]);
}

static void describe(char *b, size_t n, const char *side, const struct fl_end *e, const char *none)
{
    int k;
    switch (e->how) {
    case END_GROUND:
        k = snprintf(b, n, "%s on the air/ground flag", side);
        break;
    case END_RUNWAY:
        k = snprintf(b, n, "%s heard at %d ft, %.1f km from the airport", side, e->alt, e->dist_m / 1000);
        break;
    case END_GROUND_AFTER_GAP:
        k = snprintf(b, n, "%s unseen, next heard on the ground there", side);
        break;
    case END_INFERRED:
        k = snprintf(b, n, "%s inferred from the lowest point, %d ft %.1f km from the airport", side, e->alt,
                     e->dist_m / 1000);
        break;
    default:
        k = snprintf(b, n, "%s %s", side, none);
        break;
    }
    if (e->how && !e->ap && k >= 0 && (size_t)k < n)
        snprintf(b + k, n - (size_t)k, " (no airport listed there)");
}

static double end_conf(const struct fl_end *e)
{
    return how_conf[e->how] * (e->ap ? 1.0 : 0.5);
}

/* Reports a finished flight. lost: how the arrival went unseen, for the reason. */
static void emit(struct det *d, uint32_t icao, struct fl_flight *f, const char *lost)
{
    f->on = false;
    if (f->positions < 2)
        return; /* one position is not a track */
    find_ends(d, f);
    int64_t t0 = f->dep.how ? f->dep.t : f->first.t, t1 = f->arr.how ? f->arr.t : f->last.t;
    if (t1 < t0)
        t1 = t0;
    d->stats.flights++;
    struct event ev;
    ev_begin(&ev, "flight", t0, t1);
    char desig[4];
    ev_entity(&ev, EVENT_AIRCRAFT, icao & 0xFFFFFFu, "subject");
    ev_hex24(&ev, "icao", icao);
    if (f->callsign[0]) {
        ev_str(&ev, "callsign", f->callsign);
        if (ref_callsign_designator(f->callsign, desig)) {
            ev_str(&ev, "operator", desig);
            const struct ref_operator *op = d->ref ? ref_operator_by_designator(d->ref, desig) : NULL;
            if (op && op->name && op->name[0])
                ev_str(&ev, "operator_name", op->name);
        }
    }
    if (f->registration[0])
        ev_str(&ev, "registration", f->registration);
    const char *country = f->country[0] ? f->country : d->ref ? ref_icao_country(d->ref, icao) : NULL;
    if (country)
        ev_str(&ev, "country", country);
    end_fields(&ev, "departure", &f->dep);
    end_fields(&ev, "arrival", &f->arr);
    ev_time(&ev, "first_seen", f->first.t);
    ev_time(&ev, "last_seen", f->last.t);
    double conf = (end_conf(&f->dep) + end_conf(&f->arr)) / 2 * pow(0.9, f->gaps);
    char why[480], part[200];
    describe(part, sizeof part, "departure", &f->dep, "unseen: first heard airborne");
    size_t k = (size_t)snprintf(why, sizeof why, "%s; ", part);
    describe(part, sizeof part, "arrival", &f->arr, lost);
    k += (size_t)snprintf(why + k, sizeof why - k, "%s", part); /* both parts fit: 2 * 200 < 480 */
    if (f->gaps && k < sizeof why)
        snprintf(why + k, sizeof why - k, "; %d silence%s of %.1f h joined", f->gaps, f->gaps > 1 ? "s" : "",
                 f->gap_s / 3600);
    ev_real(&ev, "confidence", conf, 2);
    ev_str(&ev, "confidence_reason", why);
    ev_uint(&ev, "positions", f->positions);
    if (f->max_alt_ok)
        ev_int(&ev, "max_altitude_ft", f->max_alt);
    ev_real(&ev, "distance_nm", f->dist_m / GEO_M_PER_NM, 1);
    if (f->gaps) {
        ev_int(&ev, "coverage_gaps", f->gaps);
        ev_real(&ev, "coverage_gap_h", f->gap_s / 3600, 2);
    }
    if (f->touch_and_go)
        ev_int(&ev, "touch_and_go", f->touch_and_go);
    ev_evidence_str(&ev, f->dep.pt ? f->dep.pt->ev : f->first.ev);
    ev_evidence_str(&ev, f->arr.pt ? f->arr.pt->ev : f->last.ev);
    det_emit(d, &ev);
}

/* Joins the track after a silence onto the flight before it. */
static void merge(struct det *d, struct fl_flight *f, struct fl_flight *s)
{
    f->gaps++;
    f->gap_s += (double)(s->first.t - f->last.t) / 1000.0;
    f->dist_m += pt_dist(&f->last, &s->first) + s->dist_m;
    f->positions += s->positions;
    if (s->max_alt_ok && (!f->max_alt_ok || s->max_alt > f->max_alt)) {
        f->max_alt    = s->max_alt;
        f->max_alt_ok = true;
    }
    f->above_low |= s->above_low;
    f->in_low  = s->in_low;
    f->cur_low = s->cur_low;
    f->bottom  = s->bottom;
    f->last    = s->last;
    if (s->gs >= 0)
        f->gs = s->gs;
    if (s->gs_max > f->gs_max)
        f->gs_max = s->gs_max;
    f->touch_and_go += s->touch_and_go;
    f->land_pending = s->land_pending;
    f->land         = s->land;
    if (!f->callsign[0])
        memcpy(f->callsign, s->callsign, sizeof f->callsign);
    if (s->registration[0])
        memcpy(f->registration, s->registration, sizeof f->registration);
    if (s->country[0])
        memcpy(f->country, s->country, sizeof f->country);
    s->on = false;
    d->stats.flights_joined++;
}

/* Is the track after the silence (seg) the same flight? 1 yes, 0 no, -1 not
 * yet known (force: decide with what there is). */
static int judge(const struct det *d, const struct fl_ac *ac, bool force)
{
    const struct det_config *c = &d->cfg;
    const struct fl_flight *f = &ac->f, *s = &ac->seg;
    if (!f->last.pos || !s->first.pos)
        return 0;
    double gap_s = (double)(s->first.t - f->last.t) / 1000.0;
    double kt    = f->gs > s->gs_max ? f->gs : s->gs_max;
    int fits     = det_flight_gap_fits(c, gap_s, pt_dist(&f->last, &s->first), kt);
    if (fits == 0)
        return 0;
    bool wait = !force && (double)(s->last.t - s->first.t) / 1000.0 < c->flight_callsign_wait_s;
    if (at_runway(d, &s->first, NULL)) {
        /* Heard at a runway after the silence: landing there (the same
         * flight), or taking off again (another one): the next minute says. */
        if (s->first.alt_ok && s->max_alt_ok && s->max_alt >= s->first.alt + CLIMB_FT)
            return 0;
        if (wait)
            return -1;
    }
    if (f->callsign[0] && s->callsign[0])
        return strcmp(f->callsign, s->callsign) == 0;
    if (wait)
        return -1;
    return fits == 1;
}

static void resolve(struct det *d, struct fl_ac *ac, bool force)
{
    int j = judge(d, ac, force);
    if (j < 0)
        return;
    if (j) {
        merge(d, &ac->f, &ac->seg);
        return;
    }
    emit(d, ac->icao, &ac->f, "unseen: lost airborne");
    ac->f      = ac->seg;
    ac->seg.on = false;
}

static void land(struct det *d, struct fl_ac *ac)
{
    struct fl_flight *f   = &ac->f;
    const struct fl_pt *p = &f->land;
    double dm;
    const struct ref_airport *ap =
        d->ref && p->pos ? ref_airport_nearest(d->ref, p->lat, p->lon, d->cfg.flight_airport_km * 1000.0, &dm)
                         : NULL;
    f->arr = (struct fl_end){
        .how = END_GROUND, .ap = ap, .dist_m = ap ? dm : 0, .alt = p->alt, .t = p->t, .pt = p};
    f->land_pending = false;
    emit(d, ac->icao, f, "unseen");
}

/* Silences that end something, at event time now. */
static void expire(struct det *d, struct fl_ac *ac, int64_t now)
{
    const struct det_config *c = &d->cfg;
    int64_t silent             = now - ac->heard;
    if (ac->seg.on && silent > (int64_t)(c->flight_callsign_wait_s * 1000.0))
        resolve(d, ac, true);
    struct fl_flight *f = &ac->f;
    if (!f->on)
        return;
    if (f->land_pending && now - f->land.t >= (int64_t)(c->flight_touchgo_s * 1000.0)) {
        land(d, ac);
        return;
    }
    if (ac->seg.on)
        return;
    if (silent > (int64_t)(c->flight_land_gap_min * 60000.0) && f->in_low &&
        f->last.alt <= f->cur_low.alt + 100 && at_runway(d, &f->last, NULL) && below_max(f, &f->last)) {
        emit(d, ac->icao, f, "unseen: lost"); /* find_ends makes it heard_at_runway */
        return;
    }
    if (silent > (int64_t)(c->flight_max_gap_h * 3600000.0))
        emit(d, ac->icao, f, "unseen: lost airborne");
}

static void sweep(struct det *d)
{
    struct det_flights *F = d->flights;
    F->last_sweep         = F->now;
    for (size_t i = 0; i < F->n; i++) {
        struct fl_ac *ac = &F->ac[i];
        if (ac->icao == 0xFFFFFFFFu)
            continue;
        expire(d, ac, F->now);
        bool idle = !ac->f.on && !ac->seg.on;
        if (ac->sq.code && F->now - ac->sq.last > (int64_t)(d->cfg.flight_max_gap_h * 3600000.0))
            det_squawk_close(d, &ac->sq, ac->icao, false);
        if (idle && !ac->sq.code && F->now - ac->heard > (int64_t)(d->cfg.flight_max_gap_h * 3600000.0))
            release(F, i);
    }
}

static void observe(const struct trk_aircraft *a, int64_t t, const char *ev, size_t evlen, bool pos,
                    struct fl_obs *o)
{
    memset(o, 0, sizeof *o);
    o->t            = t;
    o->ev           = ev;
    o->evlen        = evlen;
    o->pos          = pos;
    o->known        = a->v_pos.source != TRK_SRC_NONE;
    o->lat          = a->lat;
    o->lon          = a->lon;
    o->alt_ok       = a->v_alt_baro.source && t - a->v_alt_baro.t_ms <= ALT_FRESH_MS;
    o->alt          = a->alt_baro_ft;
    o->gs           = a->v_gs.source && t - a->v_gs.t_ms <= ALT_FRESH_MS ? a->gs_kt : -1;
    o->trk          = a->v_track.source && t - a->v_track.t_ms <= ALT_FRESH_MS ? a->track_deg : NAN;
    o->ground_fresh = a->v_ground.source && a->v_ground.t_ms == t;
    o->ground       = a->on_ground;
}

static void on_ground(struct det *d, struct fl_ac *ac, const struct fl_obs *o)
{
    const struct det_config *c = &d->cfg;
    struct fl_flight *f        = &ac->f;
    if (ac->seg.on)
        resolve(d, ac, true);
    if (f->on && !f->land_pending) {
        if (o->t - ac->heard > (int64_t)(c->flight_split_gap_min * 60000.0)) {
            /* Lost airborne, now standing here: it landed here, if it could
             * have flown here in the time. */
            double dm;
            const struct ref_airport *ap =
                d->ref && o->pos
                    ? ref_airport_nearest(d->ref, o->lat, o->lon, c->flight_airport_km * 1000.0, &dm)
                    : NULL;
            double gap_s = (double)(o->t - f->last.t) / 1000.0;
            double reach =
                f->gs_max > 0 ? f->gs_max * c->flight_join_max_frac * gap_s / 3600.0 * GEO_M_PER_NM : 0;
            struct fl_pt here = {.pos = o->pos, .lat = o->lat, .lon = o->lon};
            if (ap && pt_dist(&f->last, &here) <= reach)
                f->arr = (struct fl_end){.how = END_GROUND_AFTER_GAP, .ap = ap, .dist_m = dm, .t = o->t};
            emit(d, ac->icao, f, "unseen: lost airborne");
        } else {
            f->land_pending = true;
            pt_set(&f->land, o);
            if (!o->pos) { /* a ground report without a position: where it last was */
                f->land.pos = f->last.pos;
                f->land.lat = f->last.lat;
                f->land.lon = f->last.lon;
            }
        }
    } else if (f->on && o->t - f->land.t >= (int64_t)(c->flight_touchgo_s * 1000.0)) {
        land(d, ac);
    }
    if (!ac->ground || o->pos) {
        bool keep_pos = !o->pos && ac->ground_pt.pos;
        double lat = ac->ground_pt.lat, lon = ac->ground_pt.lon;
        pt_set(&ac->ground_pt, o);
        if (keep_pos) {
            ac->ground_pt.pos = true;
            ac->ground_pt.lat = lat;
            ac->ground_pt.lon = lon;
        }
    }
    ac->ground_pt.t = o->t;
    ac->ground      = true;
}

static void airborne(struct det *d, struct fl_ac *ac, const struct fl_obs *o, const struct trk_aircraft *a)
{
    const struct det_config *c = &d->cfg;
    struct fl_flight *f        = &ac->f;
    bool was_ground            = ac->ground;
    ac->ground                 = false;
    if (f->on && f->land_pending) {
        if (o->t - f->land.t < (int64_t)(c->flight_touchgo_s * 1000.0)) {
            f->land_pending = false;
            f->touch_and_go++;
            d->stats.touch_and_go++;
        } else {
            land(d, ac);
        }
    }
    if (!f->on) {
        if (!o->pos)
            return; /* wait for a position to start a flight from */
        flight_start(c, f, o, a);
        if (was_ground && o->t - ac->ground_pt.t <= (int64_t)(c->flight_land_gap_min * 60000.0)) {
            /* Took off from where it stood. */
            const struct fl_pt *p = ac->ground_pt.pos ? &ac->ground_pt : &f->first;
            double dm;
            const struct ref_airport *ap =
                d->ref && p->pos
                    ? ref_airport_nearest(d->ref, p->lat, p->lon, c->flight_airport_km * 1000.0, &dm)
                    : NULL;
            f->dep =
                (struct fl_end){.how = END_GROUND, .ap = ap, .dist_m = ap ? dm : 0, .alt = p->alt, .t = o->t};
        }
        return;
    }
    if (ac->seg.on) {
        flight_add(c, &ac->seg, o, a);
        resolve(d, ac, false);
        return;
    }
    if (o->pos && o->t - f->last.t > (int64_t)(c->flight_split_gap_min * 60000.0)) {
        flight_start(c, &ac->seg, o, a);
        resolve(d, ac, false);
        return;
    }
    flight_add(c, f, o, a);
}

/* A "ground" report faster than anything on the ground moves, or at an
 * altitude no runway near is at (a listed airport's elevation, or without
 * one near, the first flight_runway_ft above sea level; without reference
 * data, above the highest airport): a squat switch stuck at "ground". */
static bool stuck_switch(const struct det *d, const struct fl_obs *o)
{
    const struct det_config *c = &d->cfg;
    if (o->gs > c->flight_ground_max_kt)
        return true;
    if (!o->alt_ok)
        return false;
    if (!d->ref || !o->known)
        return o->alt > HIGHEST_FIELD_FT + c->flight_runway_ft;
    struct fl_pt p = {.set = true, .pos = true, .alt_ok = true, .lat = o->lat, .lon = o->lon, .alt = o->alt};
    double dm;
    if (at_runway(d, &p, NULL))
        return false;
    return ref_airport_nearest(d->ref, o->lat, o->lon, c->flight_airport_km * 1000.0, &dm) ||
           o->alt > c->flight_runway_ft;
}

void det_flights_on_update(struct det *d, const struct trk_update *u, const char *evidence, size_t evlen)
{
    struct det_flights *F        = d->flights;
    const struct trk_aircraft *a = u->e.aircraft;
    if (a->icao & NON_ICAO)
        return;
    int64_t t = u->t_ms;
    if (t > F->now)
        F->now = t;
    if (F->now - F->last_sweep >= SWEEP_MS)
        sweep(d);
    struct fl_ac *ac = aircraft(F, a->icao);
    det_squawk_on_update(d, &ac->sq, u, evidence, evlen);
    struct fl_obs o;
    observe(a, t, evidence, evlen, (u->flags & TRK_U_POS) != 0, &o);
    if (o.pos || o.ground_fresh) {
        /* Silences that ended before this message count first. */
        expire(d, ac, t);
        /* Without a fresh flag the last one holds, for a while. */
        bool ground = o.ground_fresh ? o.ground && !stuck_switch(d, &o)
                                     : ac->ground && t - ac->ground_pt.t <=
                                                         (int64_t)(d->cfg.flight_land_gap_min * 60000.0);
        if (ground)
            on_ground(d, ac, &o);
        else
            airborne(d, ac, &o, a);
    }
    if (t > ac->heard)
        ac->heard = t;
}

void det_flights_finish(struct det *d)
{
    struct det_flights *F = d->flights;
    sweep(d);
    for (size_t i = 0; i < F->n; i++) {
        struct fl_ac *ac = &F->ac[i];
        if (ac->icao == 0xFFFFFFFFu)
            continue;
        if (ac->seg.on)
            resolve(d, ac, true);
        if (ac->f.on && ac->f.land_pending)
            land(d, ac);
        else if (ac->f.on)
            emit(d, ac->icao, &ac->f, "unseen: still airborne at the end of the recording");
        det_squawk_close(d, &ac->sq, ac->icao, true);
    }
}
