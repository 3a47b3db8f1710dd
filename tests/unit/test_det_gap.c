/* test_det_gap.c: AIS dark gaps (gap.c), table-driven: a silence shorter
 * than gap_min_h is nothing; a longer one is one closed gap from the last
 * position to the first after; with the pipeline's clock ticking, the gap is
 * raised open once the threshold passes, reported again every
 * open_update_min, and closed with the same key and its true start; a vessel
 * still silent at the end stays open; and after a restart (det_restore, from
 * the event itself or read back from a store) the gap is closed once. */
#include "test.h"

#include <unistd.h>

#include "det_feed.h"
#include "store/store.h"

static struct evlog L;

#define V 211000001u

struct gap_case {
    const char *name;
    struct step steps[8];
    struct expect want;
};

static const struct gap_case cases[] = {
    {"5 h silent: no gap",
     {POS(V, 0, 60, 10, 30, -60, 0, 10), POS(V, 360, 420, 10, 30.5, -60, 0, 10), TICK(0, 420, 1), FINISH},
     {"ais_gap", 0, 0, -1, -1}},
    {"7 h silent, no clock: one closed gap",
     {POS(V, 0, 60, 10, 30, -60, 0, 10), POS(V, 480, 540, 10, 31, -60, 0, 10), FINISH},
     {"ais_gap", 0, 1, 60, 480}},
    {"7 h silent, the clock ticking: open at 6 h, closed on return, one key",
     {POS(V, 0, 60, 10, 30, -60, 0, 10), POS(V, 480, 540, 10, 31, -60, 0, 10), TICK(0, 540, 1), FINISH},
     {"ais_gap", 1, 1, 60, 480}},
    {"20 h silent: open, reported again hourly, then closed",
     {POS(V, 0, 60, 10, 30, -60, 0, 10), POS(V, 1260, 1300, 10, 33, -60, 0, 10), TICK(0, 1300, 2), FINISH},
     {"ais_gap", 14, 1, 60, 1260}},
    {"silent at the end: stays open, not made up closed",
     {POS(V, 0, 60, 10, 30, -60, 0, 10), TICK(0, 600, 5), FINISH},
     {"ais_gap", -1, 0, -1, -1}},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        L.n = 0;
        struct det *d = det_new(NULL, NULL, log_sink, &L);
        run_steps(d, cases[i].steps);
        int bad = check_case(cases[i].name, &L, &cases[i].want);
        CHECK(bad == 0);
        det_free(d);
    }
    /* The open gap raised by the clock: its start is the last position, it
     * holds until the clock, the vessel is its subject, where it went dark. */
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    static const struct step s[] = {POS(V, 0, 60, 10, 30, -60, 0, 10), TICK(0, 600, 5), FINISH, {S_END}};
    run_steps(d, s);
    const struct event *o = log_first(&L, "ais_gap", EVENT_OPEN), *last = log_last(&L, "ais_gap", EVENT_OPEN);
    CHECK(o && o->t_start_ms == T0 + 60 * MIN && o->t_end_ms >= T0 + 420 * MIN && o->t_end_ms <= T0 + 425 * MIN);
    CHECK(last && last->t_end_ms == T0 + 600 * MIN); /* the end of input: where the clock stopped */
    CHECK(o && event_entity_role(o, "subject") && event_entity_role(o, "subject")->id == V && o->lat == 30 &&
          o->lon == -60 && !event_field_get(o, "end_lat") && o->nevidence == 1);
    det_free(d);
}

/* The open gap before a restart, given back: the vessel returns, the gap is
 * closed once, with its key and true start. */
static void restore_and_return(const struct event *open, const char *what)
{
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    CHECK_EQ_INT(det_restore(d, open), 0);
    static const struct step back[] = {TICK(610, 780, 5), POS(V, 780, 800, 10, 31, -60, 0, 10), TICK(780, 800, 5),
                                       FINISH, {S_END}};
    run_steps(d, back);
    const struct event *c = log_last(&L, "ais_gap", EVENT_CLOSED);
    CHECK_EQ_INT(log_count(&L, "ais_gap", EVENT_CLOSED), 1);
    CHECK(c && c->key == open->key && c->t_start_ms == T0 + 60 * MIN && c->t_end_ms == T0 + 780 * MIN);
    for (int i = 0; i < L.n; i++) /* updates while still dark keep the key */
        CHECK(L.e[i].key == open->key);
    const struct event_field *name = c ? event_field_get(c, "name") : NULL;
    CHECK(name && !strcmp(name->s, "TEST 1"));
    if (!c || c->key != open->key)
        fprintf(stderr, "# restored from %s\n", what);
    det_free(d);
}

static int take_open(void *ctx, const struct event *e)
{
    event_copy(ctx, e);
    return 0;
}

static void test_restore(void)
{
    static struct event open, back;
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    static const struct step s[] = {POS(V, 0, 60, 10, 30, -60, 0, 10), TICK(0, 600, 5), {S_END}};
    run_steps(d, s);
    const struct event *o = log_last(&L, "ais_gap", EVENT_OPEN);
    CHECK(o != NULL);
    if (!o)
        return;
    event_copy(&open, o);
    det_free(d); /* the restart: nothing of the detector survives */
    restore_and_return(&open, "the event");
    /* The same through a store: written, read back as the open events. */
    char path[64], err[256];
    snprintf(path, sizeof path, "/tmp/atalaya_detgap_%d.db", (int)getpid());
    unlink(path);
    struct store *st = store_open(path, err, sizeof err);
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK_EQ_INT(store_put_event(st, &open), 0);
    store_flush(st);
    memset(&back, 0, sizeof back);
    CHECK_EQ_INT(store_query_open_events(st, take_open, &back), 0);
    CHECK(back.kind && !strcmp(back.kind, "ais_gap") && back.key == open.key && back.state == EVENT_OPEN);
    store_close(st);
    unlink(path);
    char p2[80];
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    if (back.kind)
        restore_and_return(&back, "the store");
    /* A kind whose state is not rebuilt comes back closed, said so. */
    static struct event sq;
    ev_begin(&sq, "emergency_squawk", T0, T0 + 10 * MIN);
    ev_state(&sq, EVENT_OPEN);
    ev_entity(&sq, EVENT_AIRCRAFT, 0xabc123, "subject");
    event_finish_key(&sq);
    L.n = 0;
    d = det_new(NULL, NULL, log_sink, &L);
    CHECK_EQ_INT(det_restore(d, &sq), 1);
    CHECK(L.n == 1 && L.e[0].state == EVENT_CLOSED && L.e[0].key == sq.key &&
          event_field_get(&L.e[0], "closed_by_restart"));
    det_free(d);
}

int main(void)
{
    RUN(test_cases);
    RUN(test_restore);
    TEST_MAIN_END();
}
