/* query_out.h: the answers of `atalaya query` in the formats analysts use:
 * an aligned table for reading, JSON lines and CSV (header row) for tools,
 * GeoJSON (RFC 7946) and KML 2.2 for maps. A query fills rows (JSON
 * objects) and names the columns the table and CSV show; the JSON, GeoJSON
 * and KML forms carry every member of the row. */
#ifndef ATALAYA_CLI_QUERY_OUT_H
#define ATALAYA_CLI_QUERY_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum qfmt { Q_TABLE, Q_JSON, Q_CSV, Q_GEOJSON, Q_KML };

struct qcol {
    const char *key;   /* member of the row */
    const char *title; /* table heading */
    bool time;         /* ms since the epoch: the table shows it as ISO 8601 UTC */
};

struct qout {
    enum qfmt fmt;
    const struct qcol *cols;
    size_t ncols;
    bool line;         /* GeoJSON/KML: the rows are one track (a LineString), not points */
    const char *title; /* name of the line, or of the document */
    const char *what;  /* the table's closing count: "3 flights" */
    json_t *rows;      /* array */
};

/* Parses "table|json|csv|geojson|kml". */
bool qout_parse_format(const char *s, enum qfmt *f);
void qout_init(struct qout *o, enum qfmt fmt, const struct qcol *cols, size_t ncols, const char *what);
/* Takes the reference. */
void qout_add(struct qout *o, json_t *row);
void qout_write(struct qout *o, FILE *f);
void qout_free(struct qout *o);

#endif
