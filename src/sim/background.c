/* background.c: the haystack around the needles. Vessels sail between
 * random points of the scenario's sea areas and its ports, with port stays
 * and anchorage waits; aircraft fly between its airports with turnarounds.
 * Every choice comes from the seeded generator, so a seed fixes the traffic.
 * Identities are fictional: names "DEMO ...", IMO numbers 10xxxxx (valid
 * check digit, below any real ship's), ICAO addresses from F10000, outside
 * the blocks Annex 10 Vol III (appendix to chapter 9) allocates to states. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/background.h"
#include "sim/rng.h"

#define H_MS 3600000LL

struct pt {
    double lat, lon;
    const char *name;
};

/* Flag MIDs (ITU) of the registries common in the region's trade. */
static const unsigned mids[] = {351, 352, 353, 354, 355, 356, 357, 370, 371, 372,
                                538, 636, 248, 249, 256, 309, 311, 306, 775};
static const uint8_t ship_types[] = {70, 70, 71, 79, 80, 80, 81, 84, 60, 30, 52, 31, 37, 36};

/* IMO number: six digits and a check digit, the sum of each digit times
 * 7, 6, 5, 4, 3, 2 modulo 10 (IMO Resolution A.1078(28)). */
static uint32_t imo_number(uint32_t base6)
{
    unsigned sum = 0, w = 7;
    for (uint32_t d = 100000; d; d /= 10)
        sum += base6 / d % 10 * w--;
    return base6 * 10 + sum % 10;
}

static size_t named(json_t *names, json_t *places, struct pt *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(names) && n < max; i++) {
        const char *k = json_string_value(json_array_get(names, i));
        json_t *p = k ? json_object_get(places, k) : NULL;
        if (json_array_size(p) != 2)
            continue;
        out[n++] = (struct pt){json_number_value(json_array_get(p, 0)),
                               json_number_value(json_array_get(p, 1)), k};
    }
    return n;
}

static struct pt sea_point(struct sim_rng *r, json_t *area)
{
    double la0 = json_number_value(json_array_get(area, 0));
    double lo0 = json_number_value(json_array_get(area, 1));
    double la1 = json_number_value(json_array_get(area, 2));
    double lo1 = json_number_value(json_array_get(area, 3));
    return (struct pt){sim_rng_range(r, la0, la1), sim_rng_range(r, lo0, lo1), NULL};
}

static void vessel(struct sim_scenario *sc, struct sim_entity *e, unsigned i, struct sim_rng *r,
                   json_t *area, const struct pt *ports, size_t nports)
{
    e->kind = SIM_VESSEL;
    e->background = true;
    e->ais_class = sim_rng_unit(r) < 0.25 ? 'B' : 'A';
    struct sim_ais_static *s = &e->st;
    s->mmsi = mids[sim_rng_below(r, sizeof mids / sizeof mids[0])] * 1000000u +
              sim_rng_below(r, 1000000);
    snprintf(e->id, sizeof e->id, "BG-V%u", i);
    snprintf(s->name, sizeof s->name, "DEMO BG %u", i);
    snprintf(s->callsign, sizeof s->callsign, "DB%04u", i % 10000);
    bool a = e->ais_class == 'A';
    s->shiptype = a ? ship_types[sim_rng_below(r, sizeof ship_types)] : 37;
    s->imo = a ? imo_number(100000 + i) : 0;
    double len = a ? sim_rng_range(r, 60, 300) : sim_rng_range(r, 8, 20);
    s->to_bow = (uint16_t)lround(len * 2 / 3);
    s->to_stern = (uint16_t)lround(len / 3);
    s->to_port = s->to_starboard = (uint8_t)lround(len / 14);
    s->draught_dm = a ? (uint8_t)sim_rng_range(r, 50, 160) : 15;
    double speed = a ? sim_rng_range(r, 9, 16) : sim_rng_range(r, 5, 9);

    struct sim_route rt;
    struct pt p = nports && sim_rng_unit(r) < 0.3 ? ports[sim_rng_below(r, (uint32_t)nports)]
                                                   : sea_point(r, area);
    sim_route_start(&rt, e, sc->start, p.lat, p.lon, 0);
    if (p.name)
        sim_route_stay(&rt, rt.t + (int64_t)(sim_rng_range(r, 0, 48) * H_MS), SIM_NAV_MOORED, 0,
                       p.name);
    /* Most of a region's vessels are alongside or at anchor at any time:
     * long port stays and anchorage waits keep about half of them still. */
    while (rt.t < sc->end) {
        double u = sim_rng_unit(r);
        if (nports && u < 0.35) {
            p = ports[sim_rng_below(r, (uint32_t)nports)];
            sim_route_move(&rt, p.lat, p.lon, 0, speed);
            snprintf(s->destination, sizeof s->destination, "%s", p.name);
            sim_route_stay(&rt, rt.t + (int64_t)(sim_rng_range(r, 12, 72) * H_MS), SIM_NAV_MOORED,
                           0, p.name);
        } else {
            p = sea_point(r, area);
            sim_route_move(&rt, p.lat, p.lon, 0, speed);
            if (u > 0.85)
                sim_route_stay(&rt, rt.t + (int64_t)(sim_rng_range(r, 6, 24) * H_MS),
                               SIM_NAV_ANCHORED, 0, NULL);
        }
    }
}

static void aircraft(struct sim_scenario *sc, struct sim_entity *e, unsigned i, struct sim_rng *r,
                     const struct pt *apts, size_t napts)
{
    e->kind = SIM_AIRCRAFT;
    e->background = true;
    e->icao = 0xF10000u + i;
    snprintf(e->id, sizeof e->id, "BG-A%u", i);
    snprintf(e->callsign, sizeof e->callsign, "DMX%u", 100 + i);
    e->category = 0xA3;
    e->adsb_version = 2;
    /* Ground phases: 1-3 km of taxi, by index (the seed's draws are kept as they were). */
    e->taxi_m = 1000.0 + 500.0 * (i % 5);
    e->taxi_kn = SIM_TAXI_KT;
    e->stand_ms = (int64_t)(SIM_STAND_MIN * 60000.0);
    /* Four octal digits, never an emergency code (those start with 7). */
    e->squawk = (1 + sim_rng_below(r, 6)) * 1000 + sim_rng_below(r, 8) * 100 +
                sim_rng_below(r, 8) * 10 + sim_rng_below(r, 8);
    e->cruise_ft = 1000.0 * (24 + sim_rng_below(r, 15));
    e->climb_fpm = sim_rng_range(r, 1500, 2500);
    double speed = sim_rng_range(r, 380, 470);
    size_t at = sim_rng_below(r, (uint32_t)napts);
    struct sim_route rt;
    /* The timeline opens four hours early so that some aircraft are already
     * in the air when the scenario starts, as in any real picture. */
    sim_route_start(&rt, e, sc->start - 4 * H_MS, apts[at].lat, apts[at].lon, 0);
    sim_route_stay(&rt, rt.t + (int64_t)(sim_rng_range(r, 0, 8) * H_MS), 0, 0, apts[at].name);
    while (rt.t < sc->end) {
        size_t to = (at + 1 + sim_rng_below(r, (uint32_t)napts - 1)) % napts;
        sim_route_move(&rt, apts[to].lat, apts[to].lon, 0, speed);
        sim_route_stay(&rt, rt.t + (int64_t)(sim_rng_range(r, 1, 4) * H_MS), 0, 0, apts[to].name);
        at = to;
    }
}

int sim_background_add(struct sim_scenario *sc, json_t *bg, json_t *places, uint64_t seed,
                       size_t *cap, char *err, size_t errlen)
{
    struct sim_rng r;
    /* Offset so the background does not share a stream with other users of the seed. */
    sim_rng_seed(&r, seed ^ UINT64_C(0xB4C6B0F1A7D3E5C9));
    struct pt ports[64], apts[64];
    size_t nports = named(json_object_get(bg, "ports"), places, ports, 64);
    size_t napts = named(json_object_get(bg, "airports"), places, apts, 64);
    json_t *areas = json_object_get(bg, "sea_areas");
    json_int_t nv = json_integer_value(json_object_get(bg, "vessels"));
    json_int_t na = json_integer_value(json_object_get(bg, "aircraft"));
    if (nv > 0 && json_array_size(areas) == 0) {
        snprintf(err, errlen, "background: vessels need \"sea_areas\"");
        return -1;
    }
    if (na > 0 && napts < 2) {
        snprintf(err, errlen, "background: aircraft need two or more \"airports\"");
        return -1;
    }
    for (json_int_t i = 0; i < nv; i++) {
        json_t *area = json_array_get(areas, sim_rng_below(&r, (uint32_t)json_array_size(areas)));
        vessel(sc, sim_scenario_add(sc, cap), (unsigned)i, &r, area, ports, nports);
    }
    for (json_int_t i = 0; i < na; i++)
        aircraft(sc, sim_scenario_add(sc, cap), (unsigned)i, &r, apts, napts);
    return 0;
}
