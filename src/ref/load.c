/* load.c: ref_load() opens every bundled table under the data directory. */
#include <stdio.h>
#include <stdlib.h>

#include "common/xmalloc.h"
#include "ref/ref_int.h"

static void path(char *out, size_t n, const char *dir, const char *rel)
{
    snprintf(out, n, "%s/%s", dir, rel);
}

struct ref *ref_load(const char *dir, char *err, size_t errn)
{
    struct ref *r = xcalloc(1, sizeof *r);
    char p[4096], q[4096];
    int rc = 0;
    path(p, sizeof p, dir, "openflights/airports.dat.gz");
    rc = rc ? rc : ref_load_airports(r, p, err, errn);
    path(p, sizeof p, dir, "ports/world_port_index.csv.gz");
    rc = rc ? rc : ref_load_ports(r, p, err, errn);
    path(p, sizeof p, dir, "openflights/countries.dat");
    rc = rc ? rc : ref_load_country_codes(r, p, err, errn);
    path(p, sizeof p, dir, "openflights/airlines.dat.gz");
    rc = rc ? rc : ref_load_operators(r, p, err, errn);
    /* The ITU additions after the base table, so a newer allocation wins. */
    path(p, sizeof p, dir, "mid/mid.csv");
    rc = rc ? rc : ref_load_mid(r, p, err, errn);
    path(p, sizeof p, dir, "mid/mid_itu_additions.csv");
    rc = rc ? rc : ref_load_mid(r, p, err, errn);
    path(p, sizeof p, dir, "icao/icao_country_ranges.csv");
    path(q, sizeof q, dir, "icao/military_ranges.json");
    rc = rc ? rc : ref_load_icao_blocks(r, p, q, err, errn);
    path(p, sizeof p, dir, "natural_earth/countries-50m.geojson.gz");
    rc = rc ? rc : ref_load_layer(&r->countries, p, err, errn);
    if (rc) {
        ref_free(r);
        return NULL;
    }
    return r;
}

int ref_load_sea(struct ref *r, const char *file, char *err, size_t errn)
{
    ref_layer_free(&r->sea);
    return ref_load_layer(&r->sea, file, err, errn);
}

const char *ref_country_at(const struct ref *r, double lat, double lon)
{
    return ref_layer_at(&r->countries, lat, lon);
}

const char *ref_sea_at(const struct ref *r, double lat, double lon)
{
    return ref_layer_at(&r->sea, lat, lon);
}

void ref_free(struct ref *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nairports; i++) {
        free(r->airports[i].name);
        free(r->airports[i].city);
        free(r->airports[i].country);
    }
    free(r->airports);
    free(r->ap_lat);
    free(r->ap_lon);
    ref_grid_free(&r->ap_grid);
    if (r->ap_code.cap)
        hash_u32_free(&r->ap_code);
    for (size_t i = 0; i < r->nports; i++)
        free(r->ports[i].name);
    free(r->ports);
    free(r->pt_lat);
    free(r->pt_lon);
    ref_grid_free(&r->pt_grid);
    if (r->pt_id.cap)
        hash_u32_free(&r->pt_id);
    if (r->pt_name.cap)
        ref_strmap_free(&r->pt_name);
    for (size_t i = 0; i < r->nops; i++) {
        free(r->ops[i].name);
        free(r->ops[i].callsign);
        free(r->ops[i].country);
    }
    free(r->ops);
    if (r->op_code.cap)
        hash_u32_free(&r->op_code);
    for (int i = 0; i < 1000; i++)
        free(r->mid[i]);
    for (size_t i = 0; i < r->nblocks; i++)
        free(r->blocks[i].country);
    free(r->blocks);
    free(r->mil);
    ref_layer_free(&r->countries);
    ref_layer_free(&r->sea);
    free(r);
}
