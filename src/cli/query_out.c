/* query_out.c: see query_out.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/query_out.h"
#include "common/timeparse.h"

bool qout_parse_format(const char *s, enum qfmt *f)
{
    static const char *const names[] = {"table", "json", "csv", "geojson", "kml"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i]))
            return *f = (enum qfmt)i, true;
    return false;
}

void qout_init(struct qout *o, enum qfmt fmt, const struct qcol *cols, size_t ncols, const char *what)
{
    memset(o, 0, sizeof *o);
    o->fmt = fmt;
    o->cols = cols;
    o->ncols = ncols;
    o->what = what;
    o->rows = json_array();
}

void qout_add(struct qout *o, json_t *row) { json_array_append_new(o->rows, row); }

void qout_free(struct qout *o)
{
    json_decref(o->rows);
    o->rows = NULL;
}

/* A member as text: strings as they are, reals to the given significant
 * digits (8 reads well in a table; 10 keeps a 1e-6-degree position exact
 * in CSV), arrays and objects as compact JSON. */
static void cell(json_t *v, bool time, int digits, char *out, size_t n)
{
    out[0] = 0;
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v))
        snprintf(out, n, "%s", json_string_value(v));
    else if (json_is_integer(v) && time)
        time_iso((int64_t)json_integer_value(v), out, (unsigned)n);
    else if (json_is_integer(v))
        snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        snprintf(out, n, "%.*g", digits, json_real_value(v));
    else if (json_is_true(v) || json_is_false(v))
        snprintf(out, n, "%s", json_is_true(v) ? "true" : "false");
    else {
        char *s = json_dumps(v, JSON_COMPACT);
        snprintf(out, n, "%s", s ? s : "");
        free(s);
    }
}

static void write_table(struct qout *o, FILE *f)
{
    enum { CAP = 48 };
    size_t w[32] = {0}, nc = o->ncols < 32 ? o->ncols : 32, i;
    char b[256];
    json_t *row;
    for (size_t c = 0; c < nc; c++)
        w[c] = strlen(o->cols[c].title);
    json_array_foreach(o->rows, i, row) for (size_t c = 0; c < nc; c++)
    {
        cell(json_object_get(row, o->cols[c].key), o->cols[c].time, 8, b, sizeof b);
        size_t l = strlen(b) < CAP ? strlen(b) : CAP;
        if (l > w[c])
            w[c] = l;
    }
    for (size_t c = 0; c < nc; c++)
        fprintf(f, "%-*s%s", (int)w[c], o->cols[c].title, c + 1 < nc ? "  " : "\n");
    json_array_foreach(o->rows, i, row) for (size_t c = 0; c < nc; c++)
    {
        cell(json_object_get(row, o->cols[c].key), o->cols[c].time, 8, b, sizeof b);
        if (strlen(b) > CAP)
            strcpy(b + CAP - 3, "...");
        fprintf(f, "%-*s%s", (int)w[c], b, c + 1 < nc ? "  " : "\n");
    }
    if (o->what) {
        /* "1 flight", "1 entity": the singular of the plural given. */
        size_t n = json_array_size(o->rows), l = strlen(o->what);
        if (n != 1 || l < 2 || o->what[l - 1] != 's')
            fprintf(f, "%zu %s\n", n, o->what);
        else if (l > 3 && !strcmp(o->what + l - 3, "ies"))
            fprintf(f, "1 %.*sy\n", (int)(l - 3), o->what);
        else
            fprintf(f, "1 %.*s\n", (int)(l - 1), o->what);
    }
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void write_csv(struct qout *o, FILE *f)
{
    char b[4096];
    size_t i;
    json_t *row;
    for (size_t c = 0; c < o->ncols; c++)
        fprintf(f, "%s%s", o->cols[c].key, c + 1 < o->ncols ? "," : "\n");
    json_array_foreach(o->rows, i, row) for (size_t c = 0; c < o->ncols; c++)
    {
        cell(json_object_get(row, o->cols[c].key), false, 10, b, sizeof b);
        csv_field(f, b);
        fputc(c + 1 < o->ncols ? ',' : '\n', f);
    }
}

static bool position(json_t *row, double *lat, double *lon)
{
    json_t *a = json_object_get(row, "lat"), *b = json_object_get(row, "lon");
    if (!json_is_number(a) || !json_is_number(b))
        return false;
    *lat = json_number_value(a);
    *lon = json_number_value(b);
    return isfinite(*lat) && isfinite(*lon);
}

static void write_geojson(struct qout *o, FILE *f)
{
    size_t i, k = 0;
    json_t *row;
    double lat, lon;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    if (o->line) {
        json_t *props = json_object();
        json_object_set_new(props, "name", json_string(o->title ? o->title : "track"));
        json_object_set_new(props, "points", json_integer((json_int_t)json_array_size(o->rows)));
        char *p = json_dumps(props, JSON_COMPACT);
        fprintf(f, "{\"type\":\"Feature\",\"properties\":%s,\"geometry\":{\"type\":\"LineString\",\"coordinates\":[", p);
        free(p);
        json_decref(props);
        json_array_foreach(o->rows, i, row) if (position(row, &lat, &lon)) fprintf(f, "%s[%.6f,%.6f]", k++ ? "," : "", lon, lat);
        fputs("]}}", f);
    } else {
        json_array_foreach(o->rows, i, row)
        {
            if (!position(row, &lat, &lon))
                continue;
            char *p = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fprintf(f, "%s{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]},"
                       "\"properties\":%s}",
                    k++ ? "," : "", lon, lat, p);
            free(p);
        }
    }
    fputs("]}\n", f);
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, f);
        }
}

static void write_kml(struct qout *o, FILE *f)
{
    size_t i;
    json_t *row;
    double lat, lon;
    char b[1024];
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>", f);
    xml_text(f, o->title ? o->title : "atalaya");
    fputs("</name>\n", f);
    if (o->line) {
        fputs("<Placemark><name>", f);
        xml_text(f, o->title ? o->title : "track");
        fputs("</name><LineString><coordinates>", f);
        json_array_foreach(o->rows, i, row) if (position(row, &lat, &lon)) fprintf(f, "%.6f,%.6f ", lon, lat);
        fputs("</coordinates></LineString></Placemark>\n", f);
    } else {
        json_array_foreach(o->rows, i, row)
        {
            if (!position(row, &lat, &lon))
                continue;
            fputs("<Placemark><name>", f);
            cell(json_object_get(row, o->ncols ? o->cols[0].key : "event"), o->ncols && o->cols[0].time, 8, b, sizeof b);
            xml_text(f, b);
            fputs("</name><ExtendedData>", f);
            for (size_t c = 0; c < o->ncols; c++) {
                cell(json_object_get(row, o->cols[c].key), o->cols[c].time, 8, b, sizeof b);
                fprintf(f, "<Data name=\"%s\"><value>", o->cols[c].key);
                xml_text(f, b);
                fputs("</value></Data>", f);
            }
            fprintf(f, "</ExtendedData><Point><coordinates>%.6f,%.6f</coordinates></Point></Placemark>\n", lon, lat);
        }
    }
    fputs("</Document></kml>\n", f);
}

void qout_write(struct qout *o, FILE *f)
{
    size_t i;
    json_t *row;
    switch (o->fmt) {
    case Q_TABLE: write_table(o, f); break;
    case Q_CSV: write_csv(o, f); break;
    case Q_GEOJSON: write_geojson(o, f); break;
    case Q_KML: write_kml(o, f); break;
    case Q_JSON:
        json_array_foreach(o->rows, i, row)
        {
            char *s = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fprintf(f, "%s\n", s);
            free(s);
        }
        break;
    }
}
