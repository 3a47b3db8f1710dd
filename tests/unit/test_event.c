/* test_event.c: the event value (detect/event.h): its builders, its key, its
 * one JSON form, and the store keeping it: an event read back from the store
 * is written byte for byte as it was live, one row per (kind, key) however
 * often it is written, and the state filter. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/json.h"
#include "detect/event.h"
#include "store/store.h"
#include "test.h"

static char path[64];

static void cleanup(void)
{
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static void gap(struct event *e, enum event_state st, int64_t t1)
{
    ev_begin(e, "ais_gap", 1768212000204, t1);
    ev_state(e, st);
    ev_pos(e, 13.299512, -65.000124);
    ev_entity(e, EVENT_VESSEL, 354990104, "subject");
    if (st == EVENT_CLOSED)
        ev_entity(e, EVENT_VESSEL, 354990199, "reappeared_as");
    ev_uint(e, "mmsi", 354990104);
    ev_str(e, "name", "DEMO \"DRAKE\"\n");
    ev_real(e, "distance_nm", 12.345, 1);
    ev_real(e, "nothing", NAN, 2);
    ev_int(e, "positions_6h_before", -3);
    ev_bool(e, "deliberate", true);
    ev_time(e, "seen", 1768212000204);
    ev_hex24(e, "icao", 0x10d0a1b);
    ev_json(e, "pair", "[1,2]", 5);
    ev_evidence_str(e, "!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E");
    ev_evidence_str(e, ""); /* left out */
    ev_evidence(e, "line one\nline two", 17);
    event_finish_key(e);
}

static void live_json(const struct event *e, struct buf *b)
{
    struct jw w;
    b->len = 0;
    jw_init(&w, b);
    event_write(&w, e);
    buf_putc(b, 0);
}

static void test_json(void)
{
    static struct event e;
    struct buf b;
    buf_init(&b, 1024);
    gap(&e, EVENT_CLOSED, 1768264800000);
    live_json(&e, &b);
    char key[40];
    snprintf(key, sizeof key, "\"key\":\"%016llx\"", (unsigned long long)e.key);
    CHECK(strstr(b.p, key) != NULL);
    const char *want_head = "{\"event\":\"ais_gap\",\"state\":\"closed\",\"key\":";
    CHECK(strncmp(b.p, want_head, strlen(want_head)) == 0);
    const char *want_tail =
        ",\"t_start_ms\":1768212000204,\"t_end_ms\":1768264800000,\"start\":\"2026-01-12T10:00:00Z\","
        "\"end\":\"2026-01-13T00:40:00Z\",\"hours\":14.67,\"lat\":13.29951,\"lon\":-65.00012,"
        "\"entities\":[{\"kind\":\"vessel\",\"mmsi\":354990104,\"role\":\"subject\"},"
        "{\"kind\":\"vessel\",\"mmsi\":354990199,\"role\":\"reappeared_as\"}],"
        "\"mmsi\":354990104,\"name\":\"DEMO \\\"DRAKE\\\"\\n\",\"distance_nm\":12.3,\"nothing\":null,"
        "\"positions_6h_before\":-3,\"deliberate\":true,\"seen\":\"2026-01-12T10:00:00Z\",\"icao\":\"0d0a1b\","
        "\"pair\":[1,2],\"evidence\":[\"!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E\","
        "\"line one\\nline two\"]}";
    const char *tail = strstr(b.p, key);
    CHECK(tail && strcmp(tail + strlen(key), want_tail) == 0);
    if (tail && strcmp(tail + strlen(key), want_tail) != 0)
        fprintf(stderr, "# got %s\n", b.p);
    /* Typed read access, and an alert's rule after the fields. */
    CHECK(event_field_get(&e, "distance_nm") && event_field_get(&e, "distance_nm")->r == 12.345);
    CHECK(event_entity_role(&e, "reappeared_as") && event_entity_role(&e, "reappeared_as")->id == 354990199);
    CHECK(event_entity_role(&e, "other") == NULL);
    ev_begin(&e, "watchlist_sighting", 5, 5);
    ev_alert(&e, "imo");
    live_json(&e, &b);
    CHECK(strstr(b.p, "\"entities\":[],\"alert\":\"imo\",\"evidence\":[]}") != NULL);
    CHECK(strstr(b.p, "\"lat\"") == NULL);
    buf_free(&b);
}

/* The key names the occurrence: the same start and subject, open or
 * closed, whatever the end and the fields; another start, subject or
 * discriminator, another key. */
static void test_key(void)
{
    static struct event a, b;
    gap(&a, EVENT_OPEN, 1768230000000);
    gap(&b, EVENT_CLOSED, 1768264800000);
    CHECK(a.key == b.key && a.key != 0);
    ev_begin(&b, "ais_gap", 1768212000205, 1768264800000);
    ev_entity(&b, EVENT_VESSEL, 354990104, "subject");
    event_finish_key(&b);
    CHECK(a.key != b.key);
    ev_begin(&a, "geofence_enter", 10, 10);
    ev_entity(&a, EVENT_VESSEL, 1, "subject");
    ev_key_str(&a, "ZONE A");
    event_finish_key(&a);
    ev_begin(&b, "geofence_enter", 10, 10);
    ev_entity(&b, EVENT_VESSEL, 1, "subject");
    ev_key_str(&b, "ZONE B");
    event_finish_key(&b);
    CHECK(a.key != b.key);
    CHECK(event_state_parse("open") == EVENT_OPEN && event_state_parse("closed") == EVENT_CLOSED &&
          event_state_parse("Open") < 0 && event_state_parse("") < 0);
}

/* A full arena drops what does not fit, counted, never overruns. */
static void test_arena(void)
{
    static struct event e;
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    ev_begin(&e, "flood", 0, 0);
    for (int i = 0; i < 20; i++)
        ev_evidence_str(&e, big);
    CHECK(e.nevidence == EVENT_MAX_EVIDENCE && e.dropped == 12);
    for (int i = 0; i < 100; i++)
        ev_uint(&e, "n", (uint64_t)i);
    CHECK(e.nf <= EVENT_MAX_FIELDS && e.used <= EVENT_ARENA && e.dropped > 12);
}

struct got {
    struct buf json;
    int n;
    int64_t id;
};

static int on_event(void *ctx, const struct store_event *se)
{
    struct got *g = ctx;
    struct jw w;
    struct event_view v;
    g->json.len = 0;
    jw_init(&w, &g->json);
    store_event_view(se, &v);
    event_write_json(&w, &v);
    buf_putc(&g->json, 0);
    g->id = se->id;
    g->n++;
    return 0;
}

static int on_alert_count(void *ctx, const struct store_alert *a)
{
    (void)a;
    ++*(int *)ctx;
    return 0;
}

/* Written live, stored, read back: the same bytes (with the row's id in
 * front). Open, then closed: one row, the closed state. The same event
 * again: still one row. */
static void test_store_roundtrip(void)
{
    snprintf(path, sizeof path, "/tmp/atalaya_event_%d.db", (int)getpid());
    cleanup();
    char err[256];
    struct store *s = store_open(path, err, sizeof err);
    CHECK(s != NULL);
    if (!s)
        return;
    static struct event e;
    struct buf live;
    buf_init(&live, 1024);
    struct got g = {.n = 0};
    buf_init(&g.json, 1024);
    gap(&e, EVENT_OPEN, 1768230000000);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    store_flush(s);
    struct store_event_filter all = {0};
    CHECK_EQ_INT(s->ops->query_events(s, &all, on_event, &g), 0);
    CHECK_EQ_INT(g.n, 1);
    live_json(&e, &live);
    char want[4096];
    snprintf(want, sizeof want, "{\"id\":%lld,%s", (long long)g.id, live.p + 1);
    CHECK_STR(g.json.p, want);
    int64_t first = g.id;
    gap(&e, EVENT_CLOSED, 1768264800000);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    store_flush(s);
    g.n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &all, on_event, &g), 0);
    CHECK_EQ_INT(g.n, 1);
    CHECK(g.id == first);
    live_json(&e, &live);
    snprintf(want, sizeof want, "{\"id\":%lld,%s", (long long)g.id, live.p + 1);
    CHECK_STR(g.json.p, want);
    /* The closed event names its second vessel: found by it. */
    struct store_event_filter by = {.entity_kind = STORE_VESSEL, .entity_id = 354990199};
    g.n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &by, on_event, &g), 0);
    CHECK_EQ_INT(g.n, 1);
    /* State filter. */
    struct store_event_filter open = {.state = STORE_STATE_OPEN}, closed = {.state = STORE_STATE_CLOSED};
    g.n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &open, on_event, &g), 0);
    CHECK_EQ_INT(g.n, 0);
    CHECK_EQ_INT(s->ops->query_events(s, &closed, on_event, &g), 0);
    CHECK_EQ_INT(g.n, 1);
    /* An alert: its event row once, its alert row once, however often written. */
    static struct event al;
    ev_begin(&al, "watchlist_sighting", 1768212000000, 1768212000000);
    ev_entity(&al, EVENT_VESSEL, 422303000, "subject");
    ev_alert(&al, "mmsi");
    ev_evidence_str(&al, "!AIVDM,x");
    event_finish_key(&al);
    CHECK_EQ_INT(store_put_event(s, &al), 0);
    CHECK_EQ_INT(store_put_event(s, &al), 0);
    store_flush(s);
    g.n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &all, on_event, &g), 0);
    CHECK_EQ_INT(g.n, 2);
    int na = 0;
    struct store_alert_filter af = {0};
    CHECK_EQ_INT(s->ops->query_alerts(s, &af, on_alert_count, &na), 0);
    CHECK_EQ_INT(na, 1);
    buf_free(&live);
    buf_free(&g.json);
    store_close(s);
    cleanup();
}

int main(void)
{
    RUN(test_json);
    RUN(test_key);
    RUN(test_arena);
    RUN(test_store_roundtrip);
    TEST_MAIN_END();
}
