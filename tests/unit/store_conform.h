/* store_conform.h: the store's tests that hold for every backend, included
 * by test_store_sqlite.c and test_store_pg.c. The including file defines
 * fresh() (an empty store), reopen() (a second session on the same store),
 * cleanup(), count_rows(TABLE) (rows through a separate connection: what a
 * reader sees) and backend_sqlite (checks of SQLite's own segment boxes). */
#ifndef ATALAYA_TEST_STORE_CONFORM_H
#define ATALAYA_TEST_STORE_CONFORM_H

#include <math.h>
#include <stdint.h>

#include "common/buf.h"
#include "detect/event.h"
#include "ref/watchlist.h"
#include "store/store.h"
#include "test.h"

static struct store *fresh(void);
static struct store *reopen(void);
static void cleanup(void);
static long count_rows(const char *table);

struct idlog {
    int n;
    struct {
        char field[16], value[32];
        int64_t from, to;
    } r[8];
};

static int on_identity(void *ctx, const struct store_identity *i)
{
    struct idlog *l = ctx;
    if (l->n < 8) {
        snprintf(l->r[l->n].field, sizeof l->r[0].field, "%s", i->field);
        snprintf(l->r[l->n].value, sizeof l->r[0].value, "%s", i->value);
        l->r[l->n].from = i->valid_from_ms;
        l->r[l->n].to = i->valid_to_ms;
    }
    l->n++;
    return 0;
}

static void test_identity_history(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "name", "DRACO", 1000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "imo", "9123456", 1000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "name", "DRACO", 5000), 0); /* same: no row */
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "name", "DRAKE", 9000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_AIRCRAFT, 224123456, "callsign", "IBE123", 9000), 0);
    store_flush(s);
    struct idlog l = {0};
    CHECK_EQ_INT(s->ops->query_identity(s, STORE_VESSEL, 224123456, on_identity, &l), 0);
    CHECK_EQ_INT(l.n, 3);
    CHECK(strcmp(l.r[0].field, "imo") == 0 && l.r[0].to == 0);
    CHECK(strcmp(l.r[1].value, "DRACO") == 0 && l.r[1].from == 1000 && l.r[1].to == 9000);
    CHECK(strcmp(l.r[2].value, "DRAKE") == 0 && l.r[2].from == 9000 && l.r[2].to == 0);
    store_close(s);
    cleanup();
}

static struct store_position pos(uint32_t id, int64_t t, double lat, double lon)
{
    return (struct store_position){.kind = STORE_VESSEL, .id = id, .t_ms = t, .lat = lat, .lon = lon,
                                   .alt_ft = NAN, .speed_kt = 10.5, .course_deg = NAN, .source = "ais_a"};
}

static void test_batch_commit(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_set_batch(s, 10, 60000);
    for (int i = 0; i < 25; i++) {
        struct store_position p = pos(1, 1000 + i, 10, 20);
        CHECK_EQ_INT(store_put_position(s, &p), 0);
    }
    /* Two full batches of 10 are committed and visible; 5 wait. */
    CHECK_EQ_INT(count_rows("position"), 20);
    CHECK_EQ_INT(s->commits, 2);
    /* Event time also closes a batch: a row a minute later commits the rest. */
    struct store_position late = pos(1, 1000 + 60000 + 24, 10, 20);
    CHECK_EQ_INT(store_put_position(s, &late), 0);
    CHECK_EQ_INT(count_rows("position"), 25);
    store_close(s);
    CHECK_EQ_INT(count_rows("position"), 26);
    /* One entity, one hour: one segment box for the 26 fixes. */
    if (backend_sqlite)
        CHECK_EQ_INT(count_rows("position_seg"), 1);
    cleanup();
}

/* What a batch counts: an event dated back does not restart the event-time
 * clock (it runs on the latest time written), and an unchanged identity is
 * no row. */
static void test_batch_rules(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_set_batch(s, 10, 60000);
    struct store_position p = pos(1, 100000, 10, 20);
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    store_flush(s);
    CHECK_EQ_INT(s->commits, 1);
    static struct event e;
    ev_begin(&e, "ais_gap", 1000, 1000);
    ev_entity(&e, EVENT_VESSEL, 1, "subject");
    event_finish_key(&e);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    p.t_ms = 101000;
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    CHECK_EQ_INT(s->commits, 1); /* 1 s after the latest time, not 100 s after the event's start */
    for (int i = 0; i < 40; i++)
        CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 1, "name", "DRACO", 101000 + i), 0);
    CHECK_EQ_INT(s->commits, 1); /* one row written, 39 unchanged */
    CHECK_EQ_INT(s->batch_rows, 3);
    p.t_ms = 161000;
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    CHECK_EQ_INT(s->commits, 2);
    store_close(s);
    CHECK_EQ_INT(count_rows("identity"), 1);
    cleanup();
}

struct plog {
    int n;
    uint32_t ids[8];
    int64_t t[8];
};

static int on_pos(void *ctx, const struct store_position *p)
{
    struct plog *l = ctx;
    if (l->n < 8) {
        l->ids[l->n] = p->id;
        l->t[l->n] = p->t_ms;
    }
    l->n++;
    return 0;
}

static void test_area_track_retention(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    struct store_position ps[] = {
        pos(1, 1000, 12.10, -68.90), pos(1, 2000, 12.20, -68.80), pos(1, 3000, 13.50, -68.00),
        pos(2, 1500, 12.15, -68.85), pos(3, 1500, 40.00, 3.00),
    };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        CHECK_EQ_INT(store_put_position(s, &ps[i]), 0);
    store_flush(s);
    struct plog l = {0};
    CHECK_EQ_INT(s->ops->query_area(s, 12.0, -69.0, 12.5, -68.5, 0, 10000, on_pos, &l), 0);
    CHECK_EQ_INT(l.n, 2); /* 1 and 2; 3 is elsewhere */
    CHECK(l.ids[0] == 1 && l.t[0] == 2000 && l.ids[1] == 2);
    memset(&l, 0, sizeof l);
    CHECK_EQ_INT(s->ops->query_track(s, STORE_VESSEL, 1, 1500, 3000, on_pos, &l), 0);
    CHECK_EQ_INT(l.n, 2);
    CHECK(l.t[0] == 2000 && l.t[1] == 3000);
    CHECK_EQ_INT(s->ops->retain(s, 2000), 3);
    CHECK_EQ_INT(count_rows("position"), 2);
    /* Every segment straddles the cutoff (all in hour 0): kept, as bounds. */
    if (backend_sqlite)
        CHECK_EQ_INT(count_rows("position_seg"), 3);
    /* Retention past the hour removes the segments too. */
    struct store_position late = pos(1, 2 * 3600000 + 5, 12.3, -68.7);
    CHECK_EQ_INT(store_put_position(s, &late), 0);
    store_flush(s);
    if (backend_sqlite)
        CHECK_EQ_INT(count_rows("position_seg"), 4);
    CHECK_EQ_INT(s->ops->retain(s, 3600000 + 1), 2);
    store_flush(s);
    if (backend_sqlite)
        CHECK_EQ_INT(count_rows("position_seg"), 1);
    memset(&l, 0, sizeof l);
    CHECK_EQ_INT(s->ops->query_area(s, 12.0, -69.0, 12.5, -68.5, 0, INT64_MAX, on_pos, &l), 0);
    CHECK(l.n == 1 && l.ids[0] == 1 && l.t[0] == 2 * 3600000 + 5);
    store_close(s);
    cleanup();
}

/* The area query through segment boxes against a plain scan of what was
 * written: random tracks over many hours, batches and two writer sessions
 * (the second grows segments the first wrote), random boxes and windows. */
#define RN_ENT 12
#define RN_POS 3000
static struct store_position rn[RN_POS];

struct alog {
    int n;
    uint32_t ids[RN_ENT];
    int64_t t[RN_ENT];
    double lat[RN_ENT];
};

static int on_area(void *ctx, const struct store_position *p)
{
    struct alog *l = ctx;
    if (l->n < RN_ENT) {
        l->ids[l->n] = p->id;
        l->t[l->n] = p->t_ms;
        l->lat[l->n] = p->lat;
    }
    l->n++;
    return 0;
}

static uint64_t rng = 88172645463325252u;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void test_area_random(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_set_batch(s, 97, 60000);
    double lat[RN_ENT], lon[RN_ENT];
    int64_t t[RN_ENT];
    for (int e = 0; e < RN_ENT; e++)
        lat[e] = 10 + 4 * urand(), lon[e] = -70 + 4 * urand(), t[e] = 7200000 * (int64_t)e;
    for (int i = 0; i < RN_POS; i++) {
        int e = (int)(urand() * RN_ENT);
        lat[e] += (urand() - 0.5) * 0.1, lon[e] += (urand() - 0.5) * 0.1;
        t[e] += 1 + (int64_t)(urand() * 300000);
        rn[i] = pos((uint32_t)(100 + e), t[e], lat[e], lon[e]);
        if (e % 3 == 0)
            rn[i].kind = STORE_AIRCRAFT;
        if (i == RN_POS / 2) { /* a second writer session on the same file */
            store_close(s);
            s = reopen();
            CHECK(s != NULL);
            if (!s)
                return;
            store_set_batch(s, 97, 60000);
        }
        CHECK_EQ_INT(store_put_position(s, &rn[i]), 0);
    }
    store_flush(s);
    if (backend_sqlite)
        CHECK(count_rows("position_seg") < RN_POS / 10);
    for (int k = 0; k < 200; k++) {
        double la0 = 9.5 + 5 * urand(), lo0 = -70.5 + 5 * urand();
        double la1 = la0 + urand() * (k % 2 ? 0.3 : 3), lo1 = lo0 + urand() * (k % 2 ? 0.3 : 3);
        int64_t from = (int64_t)(urand() * 4e7), to = k % 5 ? from + (int64_t)(urand() * 2e7) : INT64_MAX;
        /* Expected: per (kind, id), the latest fix in the box and window. */
        int best[2][RN_ENT];
        for (int e = 0; e < RN_ENT; e++)
            best[0][e] = best[1][e] = -1;
        for (int i = 0; i < RN_POS; i++) {
            const struct store_position *p = &rn[i];
            if (p->lat >= la0 && p->lat <= la1 && p->lon >= lo0 && p->lon <= lo1 && p->t_ms >= from &&
                p->t_ms <= to) {
                int *b = &best[p->kind - 1][p->id - 100];
                if (*b < 0 || rn[*b].t_ms < p->t_ms)
                    *b = i;
            }
        }
        struct alog want = {0}, got = {0};
        for (int kd = 0; kd < 2; kd++)
            for (int e = 0; e < RN_ENT; e++)
                if (best[kd][e] >= 0)
                    on_area(&want, &rn[best[kd][e]]);
        CHECK_EQ_INT(s->ops->query_area(s, la1, lo1, la0, lo0, from, to, on_area, &got), 0);
        CHECK_EQ_INT(got.n, want.n);
        for (int j = 0; j < want.n && j < got.n; j++)
            CHECK(got.ids[j] == want.ids[j] && got.t[j] == want.t[j] && got.lat[j] == want.lat[j]);
    }
    store_close(s);
    cleanup();
}

static int on_event(void *ctx, const struct store_event *e)
{
    int *n = ctx;
    if (strcmp(e->kind, "encounter") == 0 && e->t_end_ms == 9000 && strstr(e->entities_json, "\"mmsi\":7,\"role\":\"subject\"") &&
        e->details_json && strstr(e->details_json, "min_m"))
        (*n)++;
    return 0;
}

static int count_event(void *ctx, const struct store_event *e)
{
    (void)e;
    ++*(int *)ctx;
    return 0;
}

static int on_kind_count(void *ctx, const char *kind, int64_t count, int64_t open)
{
    buf_printf(ctx, "%s:%lld:%lld ", kind, (long long)count, (long long)open);
    return 0;
}

static int on_entity(void *ctx, uint8_t kind, uint32_t id)
{
    buf_printf(ctx, kind == STORE_VESSEL ? "%u/%u " : "%u/%x ", kind, id);
    return 0;
}

static void test_events(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    static struct event e, fl;
    ev_begin(&e, "encounter", 5000, 9000);
    ev_pos(&e, 12, -68);
    ev_entity(&e, EVENT_VESSEL, 7, "subject");
    ev_entity(&e, EVENT_VESSEL, 8, "other");
    ev_real(&e, "min_m", 120, 0);
    ev_evidence_str(&e, "!AIVDM,1,1,,A,x,0*00");
    event_finish_key(&e);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    store_flush(s);
    int n = 0;
    struct store_event_filter f = {.from_ms = 8000, .to_ms = 20000};
    CHECK_EQ_INT(s->ops->query_events(s, &f, on_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    n = 0;
    f.from_ms = 9001;
    CHECK_EQ_INT(s->ops->query_events(s, &f, on_event, &n), 0);
    CHECK_EQ_INT(n, 0);
    /* By entity (event_entity), kind, box and a details member. */
    ev_begin(&fl, "flight", 6000, 7000);
    ev_pos(&fl, 10.6, -66.99);
    ev_entity(&fl, EVENT_AIRCRAFT, 0xabc123, "subject");
    ev_str(&fl, "operator", "IRM");
    ev_str(&fl, "arrival_country_code", "VE");
    ev_int(&fl, "n", 3);
    event_finish_key(&fl);
    CHECK_EQ_INT(store_put_event(s, &fl), 0);
    store_flush(s);
    struct store_event_filter g = {.entity_kind = STORE_VESSEL, .entity_id = 8};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &g, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    g.entity_id = 9;
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &g, count_event, &n), 0);
    CHECK_EQ_INT(n, 0);
    struct store_event_filter h = {.kinds = {"flight"}, .nkinds = 1, .nwhere = 2,
                                   .where = {{"operator", "irm"}, {"arrival_country_code", "VE"}}};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &h, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    h.where[1].value = "BR";
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &h, count_event, &n), 0);
    CHECK_EQ_INT(n, 0);
    struct store_event_filter num = {.nwhere = 1, .where = {{"n", "3"}}};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &num, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    struct store_event_filter box = {.has_box = true, .lat0 = 11, .lon0 = -69, .lat1 = 13, .lon1 = -67};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &box, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    /* The triage: counts per kind, most first, and the entities involved. */
    struct buf tb;
    buf_init(&tb, 128);
    struct store_event_filter all = {0};
    CHECK_EQ_INT(s->ops->count_events(s, &all, on_kind_count, &tb), 0);
    CHECK_EQ_INT(s->ops->event_entities(s, &all, 0, on_entity, &tb), 0);
    CHECK_EQ_INT(s->ops->event_entities(s, &all, 2, on_entity, &tb), 0);
    CHECK_EQ_INT(s->ops->count_events(s, &h, on_kind_count, &tb), 0); /* flights to BR: none */
    CHECK_EQ_INT(s->ops->event_entities(s, &g, 0, on_entity, &tb), 0); /* about vessel 9: none */
    buf_putc(&tb, 0);
    CHECK_STR((char *)tb.p, "encounter:1:0 flight:1:0 1/7 1/8 2/abc123 1/7 1/8 ");
    buf_free(&tb);
    /* A key that could escape the JSON path is refused, not spliced. */
    struct store_event_filter bad = {.nwhere = 1, .where = {{"a') OR 1=1 --", "x"}}};
    CHECK(s->ops->query_events(s, &bad, count_event, &n) != 0);
    CHECK(s->ops->count_events(s, &bad, on_kind_count, &tb) != 0);
    store_close(s);
    cleanup();
}

/* An event over its life, as the detectors send it: opened, updated (a new
 * field, another entity with its role), closed; one row throughout, found by
 * state, its seq moving on at each write (the live push), read back whole
 * while open (det_restore); a watchlist alert keyed, so a second write of it
 * adds no alert row. */
struct oplog {
    int n;
    struct buf fields, ents, evs;
    uint64_t key;
    uint8_t state;
    double r;
};

static int on_open(void *ctx, const struct event *e)
{
    struct oplog *l = ctx;
    l->n++;
    l->key = e->key;
    l->state = e->state;
    event_render_fields(e, &l->fields);
    event_render_entities(e, &l->ents);
    event_render_evidence(e, &l->evs);
    const struct event_field *f = event_field_get(e, "dist_nm");
    l->r = f ? f->r : NAN;
    return 0;
}

struct slog {
    int n;
    int64_t seq, id;
    uint8_t state;
    char alert[16];
};

static int on_seq(void *ctx, const struct store_event *e)
{
    struct slog *l = ctx;
    l->n++;
    l->seq = e->seq;
    l->id = e->id;
    l->state = e->state;
    snprintf(l->alert, sizeof l->alert, "%s", e->alert ? e->alert : "");
    return 0;
}

static void test_event_life(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    static struct event e, other;
    ev_begin(&other, "loitering", 500, 600);
    ev_entity(&other, EVENT_VESSEL, 9, "subject");
    event_finish_key(&other);
    CHECK_EQ_INT(store_put_event(s, &other), 0);
    ev_begin(&e, "ais_gap", 1000, 2000);
    ev_state(&e, EVENT_OPEN);
    ev_pos(&e, 12.5, -68.25);
    ev_entity(&e, EVENT_VESSEL, 7, "subject");
    ev_real(&e, "dist_nm", 3.25, 2);
    ev_str(&e, "note", "quote \" and \\ back");
    ev_json(&e, "match", "{\"rule\":\"imo\",\"n\":[1,2.5]}", 27);
    ev_bool(&e, "moving", true);
    ev_int(&e, "n", -3);
    ev_evidence_str(&e, "!AIVDM,1,1,,A,a,0*00");
    event_finish_key(&e);
    uint64_t key = e.key;
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    store_flush(s);
    struct slog sl = {0};
    struct store_event_filter open = {.state = STORE_STATE_OPEN}, closed = {.state = STORE_STATE_CLOSED};
    CHECK_EQ_INT(s->ops->query_events(s, &open, on_seq, &sl), 0);
    CHECK(sl.n == 1 && sl.state == EVENT_OPEN);
    int64_t id = sl.id, seq1 = sl.seq;
    memset(&sl, 0, sizeof sl);
    CHECK_EQ_INT(s->ops->query_events(s, &closed, on_seq, &sl), 0);
    CHECK_EQ_INT(sl.n, 1); /* the loitering */

    /* Read back whole while open: the same three texts. */
    struct oplog ol = {0};
    buf_init(&ol.fields, 256), buf_init(&ol.ents, 256), buf_init(&ol.evs, 256);
    CHECK_EQ_INT(store_query_open_events(s, on_open, &ol), 0);
    struct buf want;
    buf_init(&want, 256);
    CHECK(ol.n == 1 && ol.key == key && ol.state == EVENT_OPEN && ol.r == 3.25);
    event_render_fields(&e, &want);
    buf_putc(&want, 0), buf_putc(&ol.fields, 0);
    CHECK_STR((char *)ol.fields.p, (char *)want.p);
    event_render_entities(&e, &want);
    buf_putc(&want, 0), buf_putc(&ol.ents, 0);
    CHECK_STR((char *)ol.ents.p, (char *)want.p);
    event_render_evidence(&e, &want);
    buf_putc(&want, 0), buf_putc(&ol.evs, 0);
    CHECK_STR((char *)ol.evs.p, (char *)want.p);

    /* Updated: the same row, a new seq; then closed with another entity. */
    e.t_end_ms = 3000;
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    store_flush(s);
    memset(&sl, 0, sizeof sl);
    CHECK_EQ_INT(s->ops->query_events_after(s, seq1, 10, on_seq, &sl), 0);
    CHECK(sl.n == 1 && sl.id == id && sl.seq > seq1);
    int64_t seq2 = sl.seq;
    struct buf oc;
    buf_init(&oc, 64);
    struct store_event_filter any = {0};
    CHECK_EQ_INT(s->ops->count_events(s, &any, on_kind_count, &oc), 0);
    buf_putc(&oc, 0);
    CHECK_STR((char *)oc.p, "ais_gap:1:1 loitering:1:0 "); /* the gap still open */
    buf_free(&oc);
    ev_state(&e, EVENT_CLOSED);
    e.t_end_ms = 4000;
    ev_entity(&e, EVENT_VESSEL, 8, "reappeared_as");
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    store_flush(s);
    CHECK_EQ_INT(count_rows("event"), 2);
    struct buf kc;
    buf_init(&kc, 64);
    struct store_event_filter all = {0};
    CHECK_EQ_INT(s->ops->count_events(s, &all, on_kind_count, &kc), 0);
    buf_putc(&kc, 0);
    CHECK_STR((char *)kc.p, "ais_gap:1:0 loitering:1:0 "); /* closed now */
    buf_free(&kc);
    memset(&sl, 0, sizeof sl);
    CHECK_EQ_INT(s->ops->query_events_after(s, seq2, 10, on_seq, &sl), 0);
    CHECK(sl.n == 1 && sl.id == id && sl.seq > seq2 && sl.state == EVENT_CLOSED);
    struct store_rows rows;
    CHECK_EQ_INT(s->ops->last_rows(s, &rows), 0);
    CHECK(rows.event == sl.seq);
    memset(&sl, 0, sizeof sl);
    CHECK_EQ_INT(s->ops->query_events(s, &open, on_seq, &sl), 0);
    CHECK_EQ_INT(sl.n, 0);
    struct store_event_filter by8 = {.entity_kind = STORE_VESSEL, .entity_id = 8};
    CHECK_EQ_INT(s->ops->query_events(s, &by8, on_seq, &sl), 0);
    CHECK(sl.n == 1 && sl.id == id);
    ol.n = 0;
    CHECK_EQ_INT(store_query_open_events(s, on_open, &ol), 0);
    CHECK_EQ_INT(ol.n, 0);
    /* A field filter reads a boolean as 1 or 0 and folds ASCII case only. */
    struct store_event_filter mv = {.nwhere = 1, .where = {{"moving", "1"}}};
    memset(&sl, 0, sizeof sl);
    CHECK_EQ_INT(s->ops->query_events(s, &mv, on_seq, &sl), 0);
    CHECK(sl.n == 1 && sl.id == id);
    struct store_event_filter note = {.nwhere = 1, .where = {{"note", "QUOTE \" AND \\ BACK"}}};
    memset(&sl, 0, sizeof sl);
    CHECK_EQ_INT(s->ops->query_events(s, &note, on_seq, &sl), 0);
    CHECK_EQ_INT(sl.n, 1);

    /* A watchlist alert, written twice (a re-run): one alert row. */
    static struct event a;
    ev_begin(&a, "watchlist_sighting", 5000, 5000);
    ev_entity(&a, EVENT_VESSEL, 7, "subject");
    ev_alert(&a, "imo");
    event_finish_key(&a);
    CHECK_EQ_INT(store_put_event(s, &a), 0);
    store_flush(s);
    CHECK_EQ_INT(store_put_event(s, &a), 0);
    CHECK_EQ_INT(store_put_event(s, &a), 0);
    store_flush(s);
    CHECK_EQ_INT(count_rows("alert"), 1);
    CHECK_EQ_INT(count_rows("event"), 3);
    memset(&sl, 0, sizeof sl);
    struct store_event_filter wl = {.kinds = {"watchlist_sighting"}, .nkinds = 1};
    CHECK_EQ_INT(s->ops->query_events(s, &wl, on_seq, &sl), 0);
    CHECK(sl.n == 1 && !strcmp(sl.alert, "imo"));
    buf_free(&want), buf_free(&ol.fields), buf_free(&ol.ents), buf_free(&ol.evs);
    store_close(s);
    cleanup();
}

/* The read side the HTTP API uses: span, row ids, picture, latest fix,
 * identities at a time, search, alerts, events after a row, watchlists. */
struct hlog {
    int n;
    char value[4][16];
    uint32_t id[4];
};

static int on_hit(void *ctx, const struct store_hit *h)
{
    struct hlog *l = ctx;
    if (l->n < 4) {
        snprintf(l->value[l->n], sizeof l->value[0], "%s", h->value);
        l->id[l->n] = h->id;
    }
    l->n++;
    return 0;
}

struct rlog {
    int n;
    int64_t row[4];
};

static int on_alert(void *ctx, const struct store_alert *a)
{
    struct rlog *l = ctx;
    if (l->n < 4)
        l->row[l->n] = a->row;
    l->n++;
    return 0;
}

static void test_read_side(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    struct store_position ps[] = {pos(1, 1000, 10, 20), pos(2, 100, 11, 21), pos(1, 5000, 10.1, 20.1)};
    for (size_t i = 0; i < 3; i++)
        CHECK_EQ_INT(store_put_position(s, &ps[i]), 0);
    struct store_position ac = {.kind = STORE_AIRCRAFT, .id = 0xabc123, .t_ms = 3000, .lat = 12, .lon = 22,
                                .alt_ft = 1000, .speed_kt = 250, .course_deg = 90.5, .source = "adsb"};
    CHECK_EQ_INT(store_put_position(s, &ac), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 1, "name", "DRACO", 1000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 1, "imo", "9123456", 1000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 1, "name", "DRAKE", 4000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_AIRCRAFT, 0xabc123, "registration", "EC-ABC", 3000), 0);
    static struct event e;
    ev_begin(&e, "ais_gap", 1000, 4000);
    ev_entity(&e, EVENT_VESSEL, 1, "subject");
    event_finish_key(&e);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    struct store_alert a1 = {.t_ms = 2000, .kind = STORE_VESSEL, .id = 1, .rule = "mmsi", .message = "listed"};
    struct store_alert a2 = {.t_ms = 3000, .kind = STORE_AIRCRAFT, .id = 0xabc123, .rule = "icao24"};
    CHECK_EQ_INT(store_put_alert(s, &a1), 0);
    CHECK_EQ_INT(store_put_alert(s, &a2), 0);
    store_flush(s);

    int64_t from = -1, to = -1;
    CHECK_EQ_INT(s->ops->timespan(s, &from, &to), 0);
    CHECK(from == 100 && to == 5000);
    struct store_rows rows;
    CHECK_EQ_INT(s->ops->last_rows(s, &rows), 0);
    CHECK(rows.position == 4 && rows.event == 1 && rows.alert == 2);
    struct plog l = {0};
    CHECK_EQ_INT(s->ops->query_picture(s, 5000, 10000, 1000, on_pos, &l), 0);
    CHECK(l.n == 2 && l.ids[0] == 1 && l.t[0] == 5000 && l.ids[1] == 2); /* the aircraft is too old */
    memset(&l, 0, sizeof l);
    CHECK_EQ_INT(s->ops->query_latest(s, STORE_VESSEL, 1, 4000, on_pos, &l), 0);
    CHECK(l.n == 1 && l.t[0] == 1000);
    struct idlog il = {0};
    CHECK_EQ_INT(s->ops->query_identity_at(s, STORE_VESSEL, 1, 2000, on_identity, &il), 0);
    CHECK(il.n == 3 && strcmp(il.r[0].field, "imo") == 0 && strcmp(il.r[1].value, "DRACO") == 0 &&
          strcmp(il.r[2].value, "DRAKE") == 0);
    struct hlog h = {0};
    CHECK_EQ_INT(s->ops->search(s, "dra", 10, on_hit, &h), 0);
    CHECK(h.n == 2 && strcmp(h.value[0], "DRAKE") == 0 && strcmp(h.value[1], "DRACO") == 0); /* current first */
    memset(&h, 0, sizeof h);
    CHECK_EQ_INT(s->ops->search(s, "dra", 1, on_hit, &h), 0);
    CHECK_EQ_INT(h.n, 1);
    memset(&h, 0, sizeof h);
    CHECK_EQ_INT(s->ops->search(s, "9123456", 10, on_hit, &h), 0);
    CHECK(h.n == 1 && h.id[0] == 1);
    memset(&h, 0, sizeof h);
    CHECK_EQ_INT(s->ops->search(s, "ABC123", 10, on_hit, &h), 0);
    CHECK(h.n == 1 && h.id[0] == 0xabc123 && strcmp(h.value[0], "abc123") == 0);
    memset(&h, 0, sizeof h);
    CHECK_EQ_INT(s->ops->search(s, "c-a", 10, on_hit, &h), 0); /* EC-ABC, case-insensitively */
    CHECK(h.n == 1 && strcmp(h.value[0], "EC-ABC") == 0);
    memset(&h, 0, sizeof h);
    CHECK_EQ_INT(s->ops->search(s, "%", 10, on_hit, &h), 0); /* LIKE's own characters are data */
    CHECK_EQ_INT(h.n, 0);
    struct rlog rl = {0};
    struct store_alert_filter af = {0};
    CHECK_EQ_INT(s->ops->query_alerts(s, &af, on_alert, &rl), 0);
    CHECK(rl.n == 2 && rl.row[0] == 1 && rl.row[1] == 2);
    memset(&rl, 0, sizeof rl);
    af.newest_first = true;
    af.limit = 1;
    CHECK_EQ_INT(s->ops->query_alerts(s, &af, on_alert, &rl), 0);
    CHECK(rl.n == 1 && rl.row[0] == 2);
    memset(&rl, 0, sizeof rl);
    struct store_alert_filter ef = {.entity_kind = STORE_VESSEL, .entity_id = 1, .to_ms = 2500};
    CHECK_EQ_INT(s->ops->query_alerts(s, &ef, on_alert, &rl), 0);
    CHECK(rl.n == 1 && rl.row[0] == 1);
    int n = 0;
    CHECK_EQ_INT(s->ops->query_events_after(s, 0, 10, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    n = 0;
    CHECK_EQ_INT(s->ops->query_events_after(s, 1, 10, count_event, &n), 0);
    CHECK_EQ_INT(n, 0);

    struct ref_wl_set set;
    ref_wl_set_init(&set);
    struct ref_wl_entry *w = ref_wl_set_add(&set, REF_WL_VESSEL, "mine", "DRACO");
    ref_wl_entry_ident(w, REF_WL_ID_IMO, "9123456");
    ref_wl_entry_ident(w, REF_WL_ID_MMSI, "000000001");
    CHECK_EQ_INT(s->ops->watchlist_add(s, w), 0);
    CHECK(w->id > 0);
    struct ref_wl_set back;
    ref_wl_set_init(&back);
    CHECK_EQ_INT(s->ops->watchlist_load(s, &back), 0);
    CHECK(back.n == 1 && back.e[0].id == w->id && strcmp(back.e[0].name, "DRACO") == 0 && back.e[0].nids == 2 &&
          strcmp(ref_wl_entry_get(&back.e[0], REF_WL_ID_IMO), "9123456") == 0);
    struct ref_wl_index *x = s->ops->watchlist_index(s, &back);
    CHECK(x != NULL);
    struct ref_wl_match m[2];
    struct ref_wl_vessel v = {.imo = 9123456};
    CHECK(x && ref_wl_match_vessel(x, &v, m, 2) >= 1);
    ref_wl_index_free(x);
    CHECK_EQ_INT(s->ops->watchlist_remove(s, w->id), 1);
    CHECK_EQ_INT(s->ops->watchlist_remove(s, w->id), 0);
    ref_wl_set_free(&back);
    ref_wl_set_init(&back);
    CHECK_EQ_INT(s->ops->watchlist_load(s, &back), 0);
    CHECK_EQ_INT(back.n, 0);
    ref_wl_set_free(&back);
    ref_wl_set_free(&set);
    store_close(s);
    cleanup();
}

/* Every test above, for the including file's main(). */
/* The detectors' checkpoint (det_state): written by the before_commit hook
 * in the transaction store_flush commits (one opened for it when none is),
 * replaced by key, deleted by a NULL state, read back vessels first. */
struct statelog {
    int n;
    char line[8][96];
};

static int on_state(void *ctx, const char *kind, int64_t id, int64_t t_ms, const char *state)
{
    struct statelog *l = ctx;
    if (l->n < 8)
        snprintf(l->line[l->n], sizeof l->line[0], "%s %lld %lld %s", kind, (long long)id, (long long)t_ms, state);
    l->n++;
    return 0;
}

static int hook_round;

static int state_hook(void *ctx, struct store *s)
{
    (void)ctx;
    int rc = 0;
    if (hook_round == 0) {
        rc |= s->ops->put_state(s, "vessel", 211000001, 1000, "1 a%20b \"q\" \\");
        rc |= s->ops->put_state(s, "pair", 906238476902121473, 900, "1 x");
        rc |= s->ops->put_state(s, "heard", 4093706240, 0, "1 5");
    } else if (hook_round == 1) {
        rc |= s->ops->put_state(s, "vessel", 211000001, 2000, "1 later");
        rc |= s->ops->put_state(s, "pair", 906238476902121473, 0, NULL);
    }
    hook_round++;
    return rc ? -1 : 0;
}

static void test_det_state(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    hook_round = 0;
    s->before_commit = state_hook;
    CHECK_EQ_INT(store_flush(s), 0); /* no rows: the hook still commits its records */
    CHECK_EQ_INT(count_rows("det_state"), 3);
    struct statelog l = {0};
    CHECK_EQ_INT(s->ops->query_state(s, on_state, &l), 0);
    CHECK_EQ_INT(l.n, 3);
    CHECK_STR(l.line[0], "vessel 211000001 1000 1 a%20b \"q\" \\");
    CHECK_STR(l.line[1], "pair 906238476902121473 900 1 x");
    CHECK_STR(l.line[2], "heard 4093706240 0 1 5");
    struct store_position p = pos(1, 5000, 10, 20);
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    CHECK_EQ_INT(store_flush(s), 0); /* with the row, in its transaction */
    CHECK_EQ_INT(count_rows("det_state"), 2);
    store_close(s);
    s = reopen();
    CHECK(s != NULL);
    if (s) {
        l.n = 0;
        CHECK_EQ_INT(s->ops->query_state(s, on_state, &l), 0);
        CHECK_EQ_INT(l.n, 2);
        CHECK_STR(l.line[0], "vessel 211000001 2000 1 later");
        store_close(s);
    }
    cleanup();
}

#define RUN_STORE_CONFORMANCE()                                                                             \
    do {                                                                                                    \
        RUN(test_det_state);                                                                                \
        RUN(test_identity_history);                                                                         \
        RUN(test_batch_commit);                                                                             \
        RUN(test_batch_rules);                                                                              \
        RUN(test_area_track_retention);                                                                     \
        RUN(test_area_random);                                                                              \
        RUN(test_events);                                                                                   \
        RUN(test_event_life);                                                                               \
        RUN(test_read_side);                                                                                \
    } while (0)

#endif
