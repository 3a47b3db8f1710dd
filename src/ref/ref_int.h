/* ref_int.h: the layout behind struct ref, shared by the loaders in src/ref/
 * (not a public contract: callers use ref.h). */
#ifndef ATALAYA_REF_REF_INT_H
#define ATALAYA_REF_REF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/hash.h"
#include "ref/grid.h"
#include "ref/ref.h"
#include "ref/strmap.h"

struct ref_ring {
    double minlat, maxlat, minlon, maxlon;
    double *lonlat; /* n points, lon then lat */
    int n;
};

/* One named area: every ring of its (multi)polygon, holes included; a point
 * is inside when an odd number of rings contain it (even-odd rule). */
struct ref_area {
    char *name;
    double minlat, maxlat, minlon, maxlon;
    struct ref_ring *rings;
    int nrings;
};

/* A coarse grid in front of the polygon test (areas.c): each cell of
 * REF_LAYER_GRID_DEG degrees that no ring's edge touches has one answer for
 * every point in it (the area, or none); a cell an edge touches is "mixed"
 * and asks the polygons. Open sea and inland points, most of what a flood
 * of random positions asks, then cost one array read. */
#define REF_LAYER_GRID_DEG 0.25
#define REF_LAYER_GRID_W 1440 /* 360 / REF_LAYER_GRID_DEG */
#define REF_LAYER_GRID_H 720
#define REF_CELL_MIXED 0xFFFFu
#define REF_CELL_NONE 0xFFFEu
struct ref_layer {
    struct ref_area *a;
    size_t n;
    uint16_t *grid; /* W x H cells: an area index, REF_CELL_NONE or REF_CELL_MIXED; NULL: none */
};

struct ref_icao_block {
    uint32_t lo, hi;
    char *country; /* NULL for "Unassigned" rows */
};

struct ref {
    struct ref_airport *airports;
    size_t nairports;
    double *ap_lat, *ap_lon;
    struct ref_grid ap_grid;
    struct hash_u32 ap_code; /* packed ICAO or IATA code -> index */

    struct ref_port *ports;
    size_t nports;
    double *pt_lat, *pt_lon;
    struct ref_grid pt_grid;
    struct hash_u32 pt_id;
    struct ref_strmap pt_name;

    struct ref_operator *ops;
    size_t nops;
    struct hash_u32 op_code; /* packed designator -> index */

    char *mid[1000];

    struct ref_icao_block *blocks, *mil;
    size_t nblocks, nmil;

    struct ref_layer countries, sea;
};

/* Packs an upper-cased code of up to 4 characters into a hash key; the length
 * is folded in so "ABC" (IATA) and "ABC\0" never collide with a 4-letter one. */
uint32_t ref_code_key(const char *code);

/* Upper-case A-Z and 0-9 only, words joined by one space. Returns out. */
char *ref_norm_name(const char *in, char *out, size_t n);

int ref_load_airports(struct ref *r, const char *path, char *err, size_t errn);
int ref_load_ports(struct ref *r, const char *path, char *err, size_t errn);
/* Fills each airport's country_code (needs airports and ports loaded). */
int ref_load_country_codes(struct ref *r, const char *path, char *err, size_t errn);
int ref_load_operators(struct ref *r, const char *path, char *err, size_t errn);
int ref_load_mid(struct ref *r, const char *path, char *err, size_t errn);
int ref_load_icao_blocks(struct ref *r, const char *csv, const char *mil_json, char *err,
                         size_t errn);
/* A whole JSON document (gzip/zstd transparently); NULL with err filled. */
struct json_t *ref_load_json(const char *path, char *err, size_t errn);
int ref_load_layer(struct ref_layer *l, const char *path, char *err, size_t errn);
void ref_layer_free(struct ref_layer *l);
/* (Re)builds l->grid from its areas (ref_load_layer does). */
void ref_layer_grid(struct ref_layer *l);
const char *ref_layer_at(const struct ref_layer *l, double lat, double lon);

#endif
