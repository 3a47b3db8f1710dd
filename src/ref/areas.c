/* areas.c: named polygon layers from GeoJSON (Natural Earth countries, the
 * territorial-sea polygons) and the point-in-area lookup: bounding boxes of
 * area and ring first, then ray casting (common/geo.h) with the even-odd rule
 * over all rings so holes and multipolygons need no special case. */
#include <errno.h>
#include <float.h>
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
    return 0;
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
    l->a = NULL;
    l->n = 0;
}

const char *ref_layer_at(const struct ref_layer *l, double lat, double lon)
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
        if (inside)
            return a->name;
    }
    return NULL;
}
