/* areas.c: named polygon layers from GeoJSON (Natural Earth countries, the
 * territorial-sea polygons) and the point-in-area lookup: bounding boxes of
 * area and ring first, then ray casting (common/geo.h) with the even-odd rule
 * over all rings so holes and multipolygons need no special case. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/geo.h"
#include "common/input.h"
#include "common/xmalloc.h"
#include "ref/ref_int.h"

static void add_ring(struct ref_area *a, json_t *coords)
{
    size_t n = json_array_size(coords);
    if (n < 3)
        return;
    a->rings = xrealloc(a->rings, (size_t)(a->nrings + 1) * sizeof *a->rings);
    struct ref_ring *g = &a->rings[a->nrings++];
    g->n = (int)n;
    g->lonlat = xmalloc(2 * n * sizeof(double));
    g->minlat = g->minlon = DBL_MAX;
    g->maxlat = g->maxlon = -DBL_MAX;
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(coords, i);
        double lon = json_number_value(json_array_get(p, 0));
        double lat = json_number_value(json_array_get(p, 1));
        g->lonlat[2 * i] = lon;
        g->lonlat[2 * i + 1] = lat;
        g->minlat = lat < g->minlat ? lat : g->minlat;
        g->maxlat = lat > g->maxlat ? lat : g->maxlat;
        g->minlon = lon < g->minlon ? lon : g->minlon;
        g->maxlon = lon > g->maxlon ? lon : g->maxlon;
    }
    a->minlat = g->minlat < a->minlat ? g->minlat : a->minlat;
    a->maxlat = g->maxlat > a->maxlat ? g->maxlat : a->maxlat;
    a->minlon = g->minlon < a->minlon ? g->minlon : a->minlon;
    a->maxlon = g->maxlon > a->maxlon ? g->maxlon : a->maxlon;
}

static void add_polygon(struct ref_area *a, json_t *rings)
{
    for (size_t i = 0; i < json_array_size(rings); i++)
        add_ring(a, json_array_get(rings, i));
}

static const char *feature_name(json_t *props)
{
    static const char *const keys[] = {"A3", "name", "NAME", "ADMIN", "ISO_A3"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *s = json_string_value(json_object_get(props, keys[i]));
        if (s)
            return s;
    }
    return NULL;
}

struct json_t *ref_load_json(const char *path, char *err, size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *text = xmalloc(cap);
    ssize_t got;
    while ((got = in_read(f, text + n, cap - n)) > 0)
        if ((n += (size_t)got) == cap)
            text = xrealloc(text, cap *= 2);
    in_close(f);
    json_error_t je;
    json_t *root = got < 0 ? NULL : json_loadb(text, n, 0, &je);
    free(text);
    if (!root)
        snprintf(err, errn, "%s: %s", path, got < 0 ? "read error" : je.text);
    return root;
}

int ref_load_layer(struct ref_layer *l, const char *path, char *err, size_t errn)
{
    json_t *root = ref_load_json(path, err, errn);
    if (!root)
        return -1;
    json_t *feats = json_object_get(root, "features");
    size_t nf = json_array_size(feats);
    l->a = xcalloc(nf + 1, sizeof *l->a);
    l->n = 0;
    for (size_t i = 0; i < nf; i++) {
        json_t *ft = json_array_get(feats, i);
        json_t *geom = json_object_get(ft, "geometry");
        const char *type = json_string_value(json_object_get(geom, "type"));
        const char *name = feature_name(json_object_get(ft, "properties"));
        json_t *coords = json_object_get(geom, "coordinates");
        if (!type || !name || !coords)
            continue;
        struct ref_area *a = &l->a[l->n];
        a->minlat = a->minlon = DBL_MAX;
        a->maxlat = a->maxlon = -DBL_MAX;
        if (!strcmp(type, "Polygon"))
            add_polygon(a, coords);
        else if (!strcmp(type, "MultiPolygon"))
            for (size_t k = 0; k < json_array_size(coords); k++)
                add_polygon(a, json_array_get(coords, k));
        if (!a->nrings)
            continue;
        a->name = xstrdup(name);
        l->n++;
    }
    json_decref(root);
    ref_layer_grid(l);
    return 0;
}

static int cell_x(double lon)
{
    int x = (int)floor((lon + 180.0) / REF_LAYER_GRID_DEG);
    return x < 0 ? 0 : x >= REF_LAYER_GRID_W ? REF_LAYER_GRID_W - 1 : x;
}

static int cell_y(double lat)
{
    int y = (int)floor((lat + 90.0) / REF_LAYER_GRID_DEG);
    return y < 0 ? 0 : y >= REF_LAYER_GRID_H ? REF_LAYER_GRID_H - 1 : y;
}

/* The polygons' answer with no grid. */
static const char *layer_scan(const struct ref_layer *l, double lat, double lon, size_t *index)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct ref_area *a = &l->a[i];
        if (lat < a->minlat || lat > a->maxlat || lon < a->minlon || lon > a->maxlon)
            continue;
        int inside = 0;
        for (int k = 0; k < a->nrings; k++) {
            const struct ref_ring *g = &a->rings[k];
            if (lat < g->minlat || lat > g->maxlat || lon < g->minlon || lon > g->maxlon)
                continue;
            inside ^= geo_point_in_ring(lat, lon, g->lonlat, g->n) != 0;
        }
        if (inside) {
            *index = i;
            return a->name;
        }
    }
    return NULL;
}

/* Marks mixed every cell an edge's bounding box touches (closed: an edge
 * on a cell's border marks both sides), then gives each connected stretch
 * of the other cells the answer at one of its centres: no edge crosses a
 * border between two unmarked cells, so neither does the answer change.
 * The polygon test runs once per stretch (oceans, interiors), not per cell. */
void ref_layer_grid(struct ref_layer *l)
{
    size_t ncells = (size_t)REF_LAYER_GRID_W * REF_LAYER_GRID_H;
    free(l->grid);
    l->grid = NULL;
    if (!l->n || l->n >= REF_CELL_NONE)
        return;
    uint16_t *g = xmalloc(ncells * sizeof *g);
    const uint16_t unknown = REF_CELL_NONE - 1; /* fewer areas than this (above) */
    for (size_t c = 0; c < ncells; c++)
        g[c] = unknown;
    for (size_t i = 0; i < l->n; i++)
        for (int k = 0; k < l->a[i].nrings; k++) {
            const struct ref_ring *r = &l->a[i].rings[k];
            for (int p = 0, q = r->n - 1; p < r->n; q = p++) {
                double x0 = r->lonlat[2 * q], y0 = r->lonlat[2 * q + 1], x1 = r->lonlat[2 * p], y1 = r->lonlat[2 * p + 1];
                int cx0 = cell_x(x0 < x1 ? x0 : x1), cx1 = cell_x(x0 < x1 ? x1 : x0);
                int cy0 = cell_y(y0 < y1 ? y0 : y1), cy1 = cell_y(y0 < y1 ? y1 : y0);
                for (int y = cy0; y <= cy1; y++)
                    for (int x = cx0; x <= cx1; x++)
                        g[(size_t)y * REF_LAYER_GRID_W + x] = REF_CELL_MIXED;
            }
        }
    uint32_t *queue = xmalloc(ncells * sizeof *queue);
    for (size_t seed = 0; seed < ncells; seed++) {
        if (g[seed] != unknown)
            continue;
        int sx = (int)(seed % REF_LAYER_GRID_W), sy = (int)(seed / REF_LAYER_GRID_W);
        size_t index = 0;
        uint16_t v = layer_scan(l, -90.0 + (sy + 0.5) * REF_LAYER_GRID_DEG, -180.0 + (sx + 0.5) * REF_LAYER_GRID_DEG,
                                &index)
                         ? (uint16_t)index
                         : REF_CELL_NONE;
        size_t head = 0, tail = 0;
        g[seed] = v;
        queue[tail++] = (uint32_t)seed;
        while (head < tail) {
            uint32_t c = queue[head++];
            int x = (int)(c % REF_LAYER_GRID_W), y = (int)(c / REF_LAYER_GRID_W);
            /* East and west wrap at the antimeridian only when an edge runs
             * along it would have marked them: no wrap, to stay simple. */
            const int nx[4] = {x - 1, x + 1, x, x}, ny[4] = {y, y, y - 1, y + 1};
            for (int k = 0; k < 4; k++) {
                if (nx[k] < 0 || nx[k] >= REF_LAYER_GRID_W || ny[k] < 0 || ny[k] >= REF_LAYER_GRID_H)
                    continue;
                size_t n = (size_t)ny[k] * REF_LAYER_GRID_W + nx[k];
                if (g[n] == unknown) {
                    g[n] = v;
                    queue[tail++] = (uint32_t)n;
                }
            }
        }
    }
    free(queue);
    l->grid = g;
}

void ref_layer_free(struct ref_layer *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (int k = 0; k < l->a[i].nrings; k++)
            free(l->a[i].rings[k].lonlat);
        free(l->a[i].rings);
        free(l->a[i].name);
    }
    free(l->a);
    free(l->grid);
    l->a = NULL;
    l->grid = NULL;
    l->n = 0;
}

const char *ref_layer_at(const struct ref_layer *l, double lat, double lon)
{
    if (l->grid && lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0) {
        uint16_t v = l->grid[(size_t)cell_y(lat) * REF_LAYER_GRID_W + cell_x(lon)];
        if (v == REF_CELL_NONE)
            return NULL;
        if (v != REF_CELL_MIXED)
            return l->a[v].name;
    }
    size_t index;
    return layer_scan(l, lat, lon, &index);
}
