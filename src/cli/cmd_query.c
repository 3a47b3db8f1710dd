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
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/query_out.h"
#include "common/buf.h"
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

static int usage(void)
{
    printf("usage: atalaya query [--store sqlite:PATH] [--from T] [--to T] [--limit N] [--count]\n"
           "                     [--format table|json|csv|geojson|kml] WHAT ...\n"
           "  flights   [--operator IRM] [--icao HEX] [--registration R] [--callsign C] [--departure ICAO]\n"
           "            [--arrival ICAO] [--departure-country CC|NAME] [--arrival-country CC|NAME]\n"
           "  portcalls [--mmsi N] [--imo N] [--port NAME] [--country CC (ISO 3166 alpha-2)]\n"
           "  events    [--kind K[,K...]] [--entity MMSI|ICAO] [--bbox LAT0,LON0,LAT1,LON1]\n"
           "            [--state open|closed]\n"
           "  track MMSI|ICAO | entity MMSI|ICAO | area LAT0 LON0 LAT1 LON1\n"
           "  T: ms or s since the epoch, or ISO 8601 UTC (2026-01-12, 2026-01-12T06:00Z)\n");
    return 0;
}

int cmd_query(int argc, char **argv)
{
    enum {
        O_STORE = 256, O_FROM, O_TO, O_FORMAT, O_LIMIT, O_COUNT, O_OPERATOR, O_ICAO, O_REG, O_CALLSIGN,
        O_DEP, O_ARR, O_DEPC, O_ARRC, O_MMSI, O_IMO, O_PORT, O_COUNTRY, O_KIND, O_ENTITY, O_BBOX, O_STATE
    };
    static const struct option longopts[] = {
        {"store", required_argument, 0, O_STORE},   {"from", required_argument, 0, O_FROM},
        {"to", required_argument, 0, O_TO},         {"format", required_argument, 0, O_FORMAT},
        {"limit", required_argument, 0, O_LIMIT},   {"count", no_argument, 0, O_COUNT},
        {"operator", required_argument, 0, O_OPERATOR}, {"icao", required_argument, 0, O_ICAO},
        {"registration", required_argument, 0, O_REG}, {"callsign", required_argument, 0, O_CALLSIGN},
        {"departure", required_argument, 0, O_DEP}, {"arrival", required_argument, 0, O_ARR},
        {"departure-country", required_argument, 0, O_DEPC}, {"arrival-country", required_argument, 0, O_ARRC},
        {"mmsi", required_argument, 0, O_MMSI},     {"imo", required_argument, 0, O_IMO},
        {"port", required_argument, 0, O_PORT},     {"country", required_argument, 0, O_COUNTRY},
        {"kind", required_argument, 0, O_KIND},     {"entity", required_argument, 0, O_ENTITY},
        {"bbox", required_argument, 0, O_BBOX},     {"state", required_argument, 0, O_STATE},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *url = "sqlite:atalaya.db";
    int64_t from = INT64_MIN, to = INT64_MAX;
    enum qfmt fmt = Q_TABLE;
    bool count_only = false;
    struct store_event_filter f = {0};
    /* Filters given for one query kind and meaningless for another are an error, not ignored. */
    const char *flight_only = NULL, *port_only = NULL, *event_only = NULL;
    char kinds_buf[512] = "";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_STORE: url = optarg; break;
        case O_FROM:
        case O_TO:
            if (!time_parse_ms(optarg, c == O_FROM ? &from : &to))
                return fprintf(stderr, "atalaya query: --%s %s: not a time (ms, s or 2026-01-12T06:00Z)\n",
                               c == O_FROM ? "from" : "to", optarg), 1;
            break;
        case O_FORMAT:
            if (!qout_parse_format(optarg, &fmt))
                return fprintf(stderr, "atalaya query: --format table|json|csv|geojson|kml\n"), 1;
            break;
        case O_LIMIT: f.limit = strtoul(optarg, NULL, 10); break;
        case O_COUNT: count_only = true; break;
        case O_OPERATOR: where(&f, "operator", optarg), flight_only = "--operator"; break;
        case O_ICAO: where(&f, "icao", optarg), flight_only = "--icao"; break;
        case O_REG: where(&f, "registration", optarg), flight_only = "--registration"; break;
        case O_CALLSIGN: where(&f, "callsign", optarg), flight_only = "--callsign"; break;
        case O_DEP: where(&f, "departure_airport", optarg), flight_only = "--departure"; break;
        case O_ARR: where(&f, "arrival_airport", optarg), flight_only = "--arrival"; break;
        /* Two letters are an ISO code, anything else a name as the airports table spells it. */
        case O_DEPC:
            where(&f, strlen(optarg) == 2 ? "departure_country_code" : "departure_country", optarg);
            flight_only = "--departure-country";
            break;
        case O_ARRC:
            where(&f, strlen(optarg) == 2 ? "arrival_country_code" : "arrival_country", optarg);
            flight_only = "--arrival-country";
            break;
        case O_MMSI: where(&f, "mmsi", optarg), port_only = "--mmsi"; break;
        case O_IMO: where(&f, "imo", optarg), port_only = "--imo"; break;
        case O_PORT: where(&f, "port", optarg), port_only = "--port"; break;
        case O_COUNTRY:
            where(&f, "port_country", optarg), port_only = "--country";
            break;
        case O_KIND:
            snprintf(kinds_buf, sizeof kinds_buf, "%s", optarg);
            event_only = "--kind";
            break;
        case O_ENTITY:
            if (parse_entity(optarg, &f.entity_kind, &f.entity_id) != 0)
                return fprintf(stderr, "atalaya query: --entity needs an MMSI or a 6-hex-digit ICAO address\n"), 1;
            event_only = "--entity";
            break;
        case O_BBOX:
            if (sscanf(optarg, "%lf,%lf,%lf,%lf", &f.lat0, &f.lon0, &f.lat1, &f.lon1) != 4)
                return fprintf(stderr, "atalaya query: --bbox LAT0,LON0,LAT1,LON1\n"), 1;
            f.has_box = true;
            event_only = "--bbox";
            break;
        case O_STATE: {
            int st = event_state_parse(optarg);
            if (st < 0)
                return fprintf(stderr, "atalaya query: --state open|closed\n"), 1;
            f.state = st == EVENT_OPEN ? STORE_STATE_OPEN : STORE_STATE_CLOSED;
            event_only = "--state";
            break;
        }
        case 'h': return usage();
        default: return 1;
        }
    }
    const char *what = optind < argc ? argv[optind] : "";
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
        box[i] = optind + 1 + i < argc ? strtod(argv[optind + 1 + i], &end) : NAN;
        if (!isfinite(box[i]) || *end)
            return fprintf(stderr, "atalaya query: area LAT0 LON0 LAT1 LON1\n"), 1;
    }
    uint8_t kind = 0;
    uint32_t id = 0;
    if ((track || entity) && (optind + 1 >= argc || parse_entity(argv[optind + 1], &kind, &id) != 0))
        return fprintf(stderr, "atalaya query: %s needs an MMSI or a 6-hex-digit ICAO address\n", what), 1;
    char err[512];
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
