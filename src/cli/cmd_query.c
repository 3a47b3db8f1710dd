/* cmd_query.c: `atalaya query`: the questions analysts ask of the store.
 *   flights    [--operator IRM] [--icao HEX] [--registration R] [--callsign C]
 *              [--departure ICAO] [--arrival ICAO] [--departure-country CC] [--arrival-country CC]
 *   portcalls  [--mmsi N] [--imo N] [--port NAME] [--country CC]
 *   events     [--kind K[,K...]] [--entity MMSI|ICAO] [--bbox LAT0,LON0,LAT1,LON1] [--state open|closed]
 *   track      MMSI|ICAO           positions in the window
 *   entity     MMSI|ICAO           dossier: identities over time and every event about it
 *   area       LAT0 LON0 LAT1 LON1 the latest fix of each entity in the box (R*Tree)
 * with --from/--to (ms, s, or ISO 8601 UTC dates), --limit N, --count and
 * --format table|json|csv|geojson|kml. A window selects what overlaps it: a
 * flight that departed before --from and landed after it is in.
 * An MMSI is all digits; an ICAO address is 6 hex digits (or "icao:XXXXXX").
 * Flight country filters take an ISO 3166 alpha-2 code (VE) or the name as
 * the airports table spells it; port calls the code. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/query_out.h"
#include "common/buf.h"
#include "common/config.h"
#include "common/json.h"
#include "common/timeparse.h"
#include "detect/event.h"
#include "store/store.h"

/* MMSI: 9 decimal digits or fewer; ICAO: 6 hex digits or "icao:XXXXXX". */
static int parse_entity(const char *s, uint8_t *kind, uint32_t *id)
{
    char *end;
    if (strncmp(s, "icao:", 5) == 0 || (strlen(s) == 6 && strspn(s, "0123456789abcdefABCDEF") == 6 &&
                                        strspn(s, "0123456789") != 6)) {
        const char *h = s[4] == ':' ? s + 5 : s;
        unsigned long v = strtoul(h, &end, 16);
        if (*end || end == h || v > 0xFFFFFF)
            return -1;
        *kind = STORE_AIRCRAFT;
        *id = (uint32_t)v;
        return 0;
    }
    unsigned long v = strtoul(s, &end, 10);
    if (*end || end == s || v > 999999999)
        return -1;
    *kind = STORE_VESSEL;
    *id = (uint32_t)v;
    return 0;
}

static const struct qcol flight_cols[] = {
    {"callsign", "callsign", false},       {"icao", "icao24", false},
    {"operator", "operator", false},       {"registration", "registration", false},
    {"departure_airport", "from", false},  {"t_start_ms", "departed (UTC)", true},
    {"arrival_airport", "to", false},      {"t_end_ms", "arrived (UTC)", true},
    {"arrival_country_code", "country", false}, {"hours", "hours", false},
    {"confidence", "confidence", false},
};
static const struct qcol portcall_cols[] = {
    {"mmsi", "mmsi", false},          {"name", "name", false},
    {"imo", "imo", false},            {"port", "port", false},
    {"port_country", "country", false}, {"t_start_ms", "arrived (UTC)", true},
    {"t_end_ms", "left (UTC)", true}, {"hours", "hours", false},
    {"stopped_hours", "stopped h", false},
};
static const struct qcol event_cols[] = {
    {"event", "event", false},   {"t_start_ms", "start (UTC)", true}, {"t_end_ms", "end (UTC)", true},
    {"hours", "hours", false},   {"mmsi", "mmsi", false},             {"icao", "icao24", false},
    {"name", "name", false},     {"class", "class", false},           {"lat", "lat", false},
    {"lon", "lon", false},
};
static const struct qcol track_cols[] = {
    {"t_ms", "time (UTC)", true}, {"lat", "lat", false},        {"lon", "lon", false},
    {"alt_ft", "alt ft", false},  {"speed_kt", "speed kt", false}, {"course_deg", "course", false},
    {"source", "source", false},
};
static const struct qcol identity_cols[] = {
    {"field", "field", false},
    {"value", "value", false},
    {"valid_from_ms", "from (UTC)", true},
    {"valid_to_ms", "to (UTC)", true},
};

#define NCOLS(a) (sizeof a / sizeof a[0])

struct query {
    struct qout out;
    bool evidence; /* rows carry their raw messages (json, geojson) */
    bool lines;    /* events as the event writer's lines (--format json), not rows */
};

/* An event as the API and `replay --detect` write it (detect/event.h); the
 * table, CSV and map forms read their columns from that same document. */
static void event_json(const struct store_event *e, struct buf *b)
{
    struct jw w;
    struct event_view v;
    jw_init(&w, b);
    store_event_view(e, &v);
    event_write_json(&w, &v);
}

static json_t *event_row(const struct store_event *e, bool evidence)
{
    struct buf b;
    buf_init(&b, 2048);
    event_json(e, &b);
    json_t *row = json_loadb(b.p, b.len, 0, NULL);
    buf_free(&b);
    if (!json_is_object(row)) {
        json_decref(row);
        row = json_object();
    }
    if (!evidence)
        json_object_del(row, "evidence");
    /* The first entity's number in the mmsi / icao column. */
    json_t *first = json_array_get(json_object_get(row, "entities"), 0);
    if (first && !json_object_get(row, "mmsi") && json_object_get(first, "mmsi"))
        json_object_set(row, "mmsi", json_object_get(first, "mmsi"));
    if (first && !json_object_get(row, "icao") && json_object_get(first, "icao"))
        json_object_set(row, "icao", json_object_get(first, "icao"));
    return row;
}

static int on_event(void *ctx, const struct store_event *e)
{
    struct query *q = ctx;
    if (q->lines) {
        struct buf b;
        buf_init(&b, 2048);
        event_json(e, &b);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
        return 0;
    }
    json_t *row = event_row(e, q->evidence);
    /* For reading, an encounter's two names in the name column. */
    json_t *names = json_object_get(row, "names");
    if ((q->out.fmt == Q_TABLE || q->out.fmt == Q_CSV) && !json_object_get(row, "name") && json_is_array(names)) {
        char b[160] = "";
        size_t i;
        json_t *n;
        json_array_foreach(names, i, n) if (json_is_string(n))
            snprintf(b + strlen(b), sizeof b - strlen(b), "%s%s", i ? " + " : "", json_string_value(n));
        json_object_set_new(row, "name", json_string(b));
    }
    qout_add(&q->out, row);
    return 0;
}

static int on_position(void *ctx, const struct store_position *p)
{
    struct query *q = ctx;
    json_t *row = json_object();
    json_object_set_new(row, "kind", json_string(p->kind == STORE_VESSEL ? "vessel" : "aircraft"));
    if (p->kind == STORE_VESSEL) {
        json_object_set_new(row, "mmsi", json_integer(p->id));
    } else {
        char hex[8];
        snprintf(hex, sizeof hex, "%06" PRIx32, p->id);
        json_object_set_new(row, "icao", json_string(hex));
    }
    json_object_set_new(row, "t_ms", json_integer(p->t_ms));
    json_object_set_new(row, "lat", json_real(round(p->lat * 1e6) / 1e6));
    json_object_set_new(row, "lon", json_real(round(p->lon * 1e6) / 1e6));
    if (isfinite(p->alt_ft))
        json_object_set_new(row, "alt_ft", json_integer((json_int_t)p->alt_ft));
    if (isfinite(p->speed_kt))
        json_object_set_new(row, "speed_kt", json_real(round(p->speed_kt * 10) / 10));
    if (isfinite(p->course_deg))
        json_object_set_new(row, "course_deg", json_real(round(p->course_deg * 10) / 10));
    if (p->source)
        json_object_set_new(row, "source", json_string(p->source));
    qout_add(&q->out, row);
    return 0;
}

static int on_identity(void *ctx, const struct store_identity *i)
{
    struct query *q = ctx;
    json_t *row = json_object();
    json_object_set_new(row, "field", json_string(i->field));
    json_object_set_new(row, "value", json_string(i->value));
    json_object_set_new(row, "valid_from_ms", json_integer(i->valid_from_ms));
    json_object_set_new(row, "valid_to_ms", i->valid_to_ms ? json_integer(i->valid_to_ms) : json_null());
    qout_add(&q->out, row);
    return 0;
}

static void where(struct store_event_filter *f, const char *key, const char *v)
{
    if (f->nwhere < STORE_FILTER_WHERE) {
        f->where[f->nwhere].key = key;
        f->where[f->nwhere++].value = v;
    }
}


struct query_config {
    const char *store, *from, *to, *format, *config;
    long limit;
    bool count;
    const char *operator_, *icao, *registration, *callsign, *departure, *arrival, *departure_country,
        *arrival_country;
    const char *mmsi, *imo, *port, *country;
    const char *kind, *entity, *bbox, *state;
    struct cfg_list strings;
};

#define S(f) offsetof(struct query_config, f), NULL
#define K offsetof(struct query_config, strings)
static const struct cfg_option query_options[] = {
    {"store", CFG_STR, offsetof(struct query_config, store), "sqlite:atalaya.db", "the store to read (sqlite:PATH)", K},
    {"from", CFG_STR, S(from), "T: start of the window (ms or s since the epoch, or ISO 8601 UTC: 2026-01-12T06:00Z)", K},
    {"to", CFG_STR, S(to), "T: end of the window", K},
    {"format", CFG_STR, offsetof(struct query_config, format), "table", "table|json|csv|geojson|kml", K},
    {"limit", CFG_INT, S(limit), "at most N rows (flights, portcalls, events)", 0},
    {"count", CFG_BOOL, S(count), "print the number of rows only", 0},
    {"operator", CFG_STR, S(operator_), "flights: ICAO operator designator (IRM)", K},
    {"icao", CFG_STR, S(icao), "flights: ICAO 24-bit address (hex)", K},
    {"registration", CFG_STR, S(registration), "flights: registration", K},
    {"callsign", CFG_STR, S(callsign), "flights: callsign", K},
    {"departure", CFG_STR, S(departure), "flights: departure airport (ICAO)", K},
    {"arrival", CFG_STR, S(arrival), "flights: arrival airport (ICAO)", K},
    {"departure-country", CFG_STR, S(departure_country), "flights: CC (ISO 3166 alpha-2) or NAME as the airports table spells it", K},
    {"arrival-country", CFG_STR, S(arrival_country), "flights: CC or NAME", K},
    {"mmsi", CFG_STR, S(mmsi), "portcalls: MMSI", K},
    {"imo", CFG_STR, S(imo), "portcalls: IMO number", K},
    {"port", CFG_STR, S(port), "portcalls: port name", K},
    {"country", CFG_STR, S(country), "portcalls: port country, CC (ISO 3166 alpha-2)", K},
    {"kind", CFG_STR, S(kind), "events: K[,K...] event kinds", K},
    {"entity", CFG_STR, S(entity), "events: MMSI or ICAO address (6 hex digits or icao:XXXXXX)", K},
    {"bbox", CFG_STR, S(bbox), "events: LAT0,LON0,LAT1,LON1", K},
    {"state", CFG_STR, S(state), "events: open|closed (open: still going on, as of the store's latest time)", K},
    CFG_OPTION_CONFIG(struct query_config, config),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef K
#undef S

const struct cfg_cmd query_cmd = {
    "query",
    "usage: atalaya query [OPTIONS] WHAT ...\n"
    "  flights | portcalls | events       (with their filters below)\n"
    "  track MMSI|ICAO | entity MMSI|ICAO | area LAT0 LON0 LAT1 LON1\n"
    "  T: ms or s since the epoch, or ISO 8601 UTC (2026-01-12, 2026-01-12T06:00Z)",
    query_options, sizeof(struct query_config), NULL, 0,
};

/* A filter of one query kind: its store key (key_code for a two-letter value) and flag. */
struct filter_opt {
    const char *const *value;
    const char *key, *key_code;
    const char *flag;
};

static int query_run(const struct query_config *cfg, int argc, char **argv)
{
    const char *url = cfg->store;
    int64_t from = INT64_MIN, to = INT64_MAX;
    enum qfmt fmt = Q_TABLE;
    bool count_only = cfg->count;
    struct store_event_filter f = {0};
    /* Filters given for one query kind and meaningless for another are an error, not ignored. */
    const char *flight_only = NULL, *port_only = NULL, *event_only = NULL;
    char kinds_buf[512] = "";
    const char *bad = cfg->from && !time_parse_ms(cfg->from, &from) ? "from"
                      : cfg->to && !time_parse_ms(cfg->to, &to)     ? "to"
                                                                    : NULL;
    if (bad)
        return fprintf(stderr, "atalaya query: --%s %s: not a time (ms, s or 2026-01-12T06:00Z)\n", bad,
                       bad[0] == 'f' ? cfg->from : cfg->to), 1;
    if (!qout_parse_format(cfg->format, &fmt))
        return fprintf(stderr, "atalaya query: --format table|json|csv|geojson|kml\n"), 1;
    f.limit = cfg->limit > 0 ? (size_t)cfg->limit : 0;
    /* Two letters are an ISO code, anything else a name as the airports table spells it. */
    const struct filter_opt flight[] = {
        {&cfg->operator_, "operator", NULL, "--operator"},
        {&cfg->icao, "icao", NULL, "--icao"},
        {&cfg->registration, "registration", NULL, "--registration"},
        {&cfg->callsign, "callsign", NULL, "--callsign"},
        {&cfg->departure, "departure_airport", NULL, "--departure"},
        {&cfg->arrival, "arrival_airport", NULL, "--arrival"},
        {&cfg->departure_country, "departure_country", "departure_country_code", "--departure-country"},
        {&cfg->arrival_country, "arrival_country", "arrival_country_code", "--arrival-country"},
    };
    const struct filter_opt port[] = {
        {&cfg->mmsi, "mmsi", NULL, "--mmsi"},
        {&cfg->imo, "imo", NULL, "--imo"},
        {&cfg->port, "port", NULL, "--port"},
        {&cfg->country, "port_country", NULL, "--country"},
    };
    for (size_t i = 0; i < sizeof flight / sizeof flight[0]; i++)
        if (*flight[i].value) {
            const char *v = *flight[i].value;
            where(&f, flight[i].key_code && strlen(v) == 2 ? flight[i].key_code : flight[i].key, v);
            flight_only = flight[i].flag;
        }
    for (size_t i = 0; i < sizeof port / sizeof port[0]; i++)
        if (*port[i].value) {
            where(&f, port[i].key, *port[i].value);
            port_only = port[i].flag;
        }
    if (cfg->kind) {
        snprintf(kinds_buf, sizeof kinds_buf, "%s", cfg->kind);
        event_only = "--kind";
    }
    if (cfg->entity) {
        if (parse_entity(cfg->entity, &f.entity_kind, &f.entity_id) != 0)
            return fprintf(stderr, "atalaya query: --entity needs an MMSI or a 6-hex-digit ICAO address\n"), 1;
        event_only = "--entity";
    }
    if (cfg->bbox) {
        if (sscanf(cfg->bbox, "%lf,%lf,%lf,%lf", &f.lat0, &f.lon0, &f.lat1, &f.lon1) != 4)
            return fprintf(stderr, "atalaya query: --bbox LAT0,LON0,LAT1,LON1\n"), 1;
        f.has_box = true;
        event_only = "--bbox";
    }
    if (cfg->state) {
        int st = event_state_parse(cfg->state);
        if (st < 0)
            return fprintf(stderr, "atalaya query: --state open|closed\n"), 1;
        f.state = st == EVENT_OPEN ? STORE_STATE_OPEN : STORE_STATE_CLOSED;
        event_only = "--state";
    }
    int at = 0; /* argv[at]: what to query */
    const char *what = at < argc ? argv[at] : "";
    bool flights = !strcmp(what, "flights"), ports = !strcmp(what, "portcalls"), events = !strcmp(what, "events");
    bool track = !strcmp(what, "track"), entity = !strcmp(what, "entity"), area = !strcmp(what, "area");
    if (!flights && !ports && !events && !track && !entity && !area)
        return fprintf(stderr, "atalaya query: flights|portcalls|events|track|entity|area (--help)\n"), 1;
    const char *stray = !flights && flight_only ? flight_only
                        : !ports && port_only   ? port_only
                        : !events && event_only ? event_only
                                                : NULL;
    if (stray)
        return fprintf(stderr, "atalaya query: %s does not apply to %s\n", stray, what), 1;
    double box[4];
    for (int i = 0; area && i < 4; i++) {
        char *end;
        box[i] = at + 1 + i < argc ? strtod(argv[at + 1 + i], &end) : NAN;
        if (!isfinite(box[i]) || *end)
            return fprintf(stderr, "atalaya query: area LAT0 LON0 LAT1 LON1\n"), 1;
    }
    uint8_t kind = 0;
    uint32_t id = 0;
    if ((track || entity) && (at + 1 >= argc || parse_entity(argv[at + 1], &kind, &id) != 0))
        return fprintf(stderr, "atalaya query: %s needs an MMSI or a 6-hex-digit ICAO address\n", what), 1;
    char err[512];
    /* A reader: a missing file is a mistake (a store path mistyped, the
     * demo's store elsewhere), not a new empty store answering 0. */
    const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
    if (access(path, R_OK) != 0)
        return fprintf(stderr, "atalaya query: %s: no such store (run atalaya ingest first, or give --store sqlite:PATH;"
                               " the demo's is sqlite:demo-out/atalaya.db)\n", path), 2;
    struct store *s = store_open(url, err, sizeof err);
    if (!s)
        return fprintf(stderr, "atalaya query: %s\n", err), 2;

    struct query q = {.evidence = fmt == Q_JSON || fmt == Q_GEOJSON};
    f.from_ms = from == INT64_MIN ? 0 : from;
    f.to_ms = to == INT64_MAX ? 0 : to;
    int rc = 0;
    char title[64];
    if (flights || ports || events) {
        if (flights)
            f.kinds[f.nkinds++] = "flight";
        else if (ports)
            f.kinds[f.nkinds++] = "port_call";
        else
            for (char *k = strtok(kinds_buf, ","); k && f.nkinds < STORE_FILTER_KINDS; k = strtok(NULL, ","))
                f.kinds[f.nkinds++] = k;
        qout_init(&q.out, fmt, flights ? flight_cols : ports ? portcall_cols : event_cols,
                  flights ? NCOLS(flight_cols) : ports ? NCOLS(portcall_cols) : NCOLS(event_cols),
                  flights ? "flights" : ports ? "port calls" : "events");
        q.out.title = flights ? "atalaya flights" : ports ? "atalaya port calls" : "atalaya events";
        q.lines = fmt == Q_JSON && !count_only;
        rc = s->ops->query_events(s, &f, on_event, &q);
    } else if (track) {
        qout_init(&q.out, fmt, track_cols, NCOLS(track_cols), "positions");
        snprintf(title, sizeof title, kind == STORE_VESSEL ? "%" PRIu32 : "%06" PRIx32, id);
        q.out.title = title;
        q.out.line = true;
        rc = s->ops->query_track(s, kind, id, from, to, on_position, &q);
    } else if (area) {
        qout_init(&q.out, fmt, track_cols, NCOLS(track_cols), "entities");
        rc = s->ops->query_area(s, box[0], box[1], box[2], box[3], from, to, on_position, &q);
    } else {
        /* The dossier: identities over time, then every event about it. */
        qout_init(&q.out, fmt, identity_cols, NCOLS(identity_cols), "identity records");
        rc = s->ops->query_identity(s, kind, id, on_identity, &q);
        struct query ev = {.evidence = q.evidence};
        qout_init(&ev.out, fmt, event_cols, NCOLS(event_cols), "events");
        struct store_event_filter ef = {.entity_kind = kind, .entity_id = id, .from_ms = f.from_ms, .to_ms = f.to_ms};
        if (rc == 0)
            rc = s->ops->query_events(s, &ef, on_event, &ev);
        if (rc == 0 && !count_only && (fmt == Q_JSON || fmt == Q_GEOJSON || fmt == Q_KML)) {
            if (fmt == Q_JSON) {
                json_t *d = json_object();
                json_object_set_new(d, "kind", json_string(kind == STORE_VESSEL ? "vessel" : "aircraft"));
                snprintf(title, sizeof title, kind == STORE_VESSEL ? "%" PRIu32 : "%06" PRIx32, id);
                json_object_set_new(d, kind == STORE_VESSEL ? "mmsi" : "icao",
                                    kind == STORE_VESSEL ? json_integer(id) : json_string(title));
                json_object_set(d, "identities", q.out.rows);
                json_object_set(d, "events", ev.out.rows);
                char *t = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
                printf("%s\n", t);
                free(t);
                json_decref(d);
            } else {
                qout_write(&ev.out, stdout);
            }
        } else if (rc == 0 && !count_only) {
            qout_write(&q.out, stdout);
            printf("\n");
            qout_write(&ev.out, stdout);
        } else if (rc == 0) {
            printf("%zu\n", json_array_size(ev.out.rows));
        }
        qout_free(&ev.out);
        if (rc)
            fprintf(stderr, "atalaya query: %s\n", s->err);
        qout_free(&q.out);
        store_close(s);
        return rc ? 2 : 0;
    }
    if (rc != 0)
        fprintf(stderr, "atalaya query: %s\n", s->err);
    else if (count_only)
        printf("%zu\n", json_array_size(q.out.rows));
    else if (!q.lines)
        qout_write(&q.out, stdout);
    qout_free(&q.out);
    store_close(s);
    return rc ? 2 : 0;
}

int cmd_query(int argc, char **argv)
{
    struct query_config cfg = {0};
    int first;
    int rc = cli_options(&query_cmd, &cfg, NULL, 0, argc, argv, &first);
    rc = rc ? rc < 0 : query_run(&cfg, argc - first, argv + first);
    cfg_free(query_options, &cfg);
    return rc;
}
