/* test_det_checkpoint.c: the detectors' checkpoint (checkpoint.c) and their
 * cap on vessels (det.c): a record's text reads back exactly; a detector
 * set restored from another's records at a cut raises, from then on, the
 * events the other raises (a gap of a vessel heard just before the cut, a
 * slow spell and a meeting in progress across it); a bad record is refused,
 * never a crash; past detect.max_vessels the least recently heard with
 * nothing open are forgotten, counted, and a vessel with an open gap is
 * kept until its gap closes. */
#include "test.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/buf.h"
#include "det_feed.h"
#include "detect/detect_internal.h"

static void test_codec(void)
{
    struct buf b;
    buf_init(&b, 64);
    const char *s = "a b%c\n\x01\xc3\xa9~\"\\";
    ck_int(&b, INT64_MIN);
    ck_int(&b, INT64_MAX);
    ck_real(&b, 0.1 + 0.2);
    ck_real(&b, -1e-300);
    ck_real(&b, NAN);
    ck_str(&b, s);
    ck_str(&b, "");
    ck_str(&b, NULL);
    ck_int(&b, 7);
    buf_putc(&b, 0);
    CHECK(!strchr(b.p, '\n'));
    struct ck_reader r = {.p = b.p};
    CHECK(ck_get_int(&r) == INT64_MIN);
    CHECK(ck_get_int(&r) == INT64_MAX);
    CHECK(ck_get_real(&r) == 0.1 + 0.2);
    CHECK(ck_get_real(&r) == -1e-300);
    CHECK(isnan(ck_get_real(&r)));
    char out[64];
    ck_get_str(&r, out, sizeof out);
    CHECK_STR(out, s);
    ck_get_str(&r, out, sizeof out);
    CHECK_STR(out, "");
    ck_get_str(&r, out, sizeof out);
    CHECK_STR(out, "");
    CHECK(ck_get_int(&r) == 7);
    CHECK(!r.bad);
    ck_get_int(&r); /* past the end */
    CHECK(r.bad);
    /* Broken escapes and numbers are refused. */
    struct ck_reader r2 = {.p = "ab%4"};
    ck_get_str(&r2, out, sizeof out);
    CHECK(r2.bad);
    struct ck_reader r3 = {.p = "12x"};
    ck_get_int(&r3);
    CHECK(r3.bad);
    buf_free(&b);
}

/* Records as a store keeps them: one per (kind, id), a NULL state deletes. */
#define MAXREC 256
struct recs {
    char kind[MAXREC][12];
    int64_t id[MAXREC];
    char *state[MAXREC];
    int n;
};

static int put(void *ctx, const char *kind, int64_t id, int64_t t_ms, const char *state)
{
    struct recs *r = ctx;
    (void)t_ms;
    int i = 0;
    while (i < r->n && !(r->id[i] == id && !strcmp(r->kind[i], kind)))
        i++;
    if (i == r->n) {
        if (!state || r->n == MAXREC)
            return 0;
        r->n++;
        snprintf(r->kind[i], sizeof r->kind[i], "%s", kind);
        r->id[i] = id;
        r->state[i] = NULL;
    }
    free(r->state[i]);
    r->state[i] = state ? strdup(state) : NULL;
    return 0;
}

static struct evlog LA, LB;

/* What an event says, as one line to compare. */
static void describe(const struct event *e, struct buf *b)
{
    b->len = 0;
    buf_printf(b, "%s %d %llx %lld %lld ", e->kind, e->state, (unsigned long long)e->key, (long long)e->t_start_ms,
               (long long)e->t_end_ms);
    event_render_fields(e, b);
    event_render_evidence(e, b);
    buf_putc(b, 0);
}

#define A 211000011u
#define B 211000012u
#define C 211000013u

static void test_restore_at_a_cut(void)
{
    /* A heard until 100 min, silent since (a gap at 460); B and C side by
     * side at 0.5 kn from 30 min on (a meeting, and both loitering). */
    static const struct step before[] = {
        POS(A, 0, 100, 10, 20, -40, 0.001, 12), POS(B, 30, 150, 5, 21, -41, 0, 0.5),
        POS(C, 30, 150, 5, 21.001, -41, 0, 0.5), TICK(0, 150, 1), {S_END}};
    static const struct step after[] = {
        POS(B, 155, 400, 5, 21, -41, 0, 0.5), POS(C, 155, 300, 5, 21.001, -41, 0, 0.5),
        POS(C, 305, 400, 5, 21.3, -41, 0, 9), POS(A, 700, 720, 10, 20.5, -40, 0, 12), TICK(150, 720, 1), FINISH,
        {S_END}};
    struct det *a = det_new(NULL, NULL, log_sink, &LA);
    det_checkpoint_enable(a);
    struct recs rec = {0};
    run_steps(a, before);
    CHECK(det_checkpoint(a, put, &rec) > 0);
    CHECK(det_checkpoint(a, put, &rec) == 0); /* nothing changed since */
    /* A second detector set from the records, vessels before pairs. */
    struct det *b = det_new(NULL, NULL, log_sink, &LB);
    int taken = 0;
    static const char *const order[] = {"vessel", "source", "port", "pair", "heard", "geofence"};
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        for (int i = 0; i < rec.n; i++)
            if (rec.state[i] && !strcmp(rec.kind[i], order[k]))
                taken += det_state_restore(b, rec.kind[i], rec.id[i], rec.state[i]) == 0;
    CHECK_EQ_INT(taken, rec.n);
    LA.n = LB.n = 0;
    run_steps(a, after);
    run_steps(b, after);
    CHECK(log_count(&LA, "ais_gap", EVENT_CLOSED) == 1);
    CHECK(log_count(&LA, "encounter", EVENT_CLOSED) == 1);
    CHECK(log_count(&LA, "loitering", EVENT_CLOSED) >= 1);
    CHECK_EQ_INT(LB.n, LA.n);
    struct buf x, y;
    buf_init(&x, 1024);
    buf_init(&y, 1024);
    int same = 0;
    for (int i = 0; i < LA.n && i < LB.n && i < LOG_MAX; i++) {
        describe(&LA.e[i], &x);
        describe(&LB.e[i], &y);
        if (!strcmp(x.p, y.p))
            same++;
        else
            fprintf(stderr, "# event %d:\n#  %s\n#  %s\n", i, x.p, y.p);
    }
    CHECK_EQ_INT(same, LA.n);
    /* Without the records, the gap is lost and the meeting split. */
    struct det *c = det_new(NULL, NULL, log_sink, &LB);
    LB.n = 0;
    run_steps(c, after);
    CHECK(log_count(&LB, "ais_gap", EVENT_CLOSED) == 0);
    const struct event *ea = log_last(&LA, "encounter", EVENT_CLOSED), *ec = log_last(&LB, "encounter", EVENT_CLOSED);
    CHECK(ea && ea->t_start_ms == T0 + 30 * MIN && (!ec || ec->t_start_ms > ea->t_start_ms));
    buf_free(&x);
    buf_free(&y);
    for (int i = 0; i < rec.n; i++)
        free(rec.state[i]);
    det_free(a);
    det_free(b);
    det_free(c);
}

static void test_bad_records(void)
{
    struct det *d = det_new(NULL, NULL, log_sink, &LA);
    static const char *const bad[] = {"", "2 x", "1", "1 %zz 5", "1 NAME 1 2", "1 % 1 nan nan % 1 2 3 4 % % 99",
                                      "garbage"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(det_state_restore(d, "vessel", 1234, bad[i]) == 1);
        CHECK(det_state_restore(d, "pair", 1234, bad[i]) == 1);
        CHECK(det_state_restore(d, "source", 1, bad[i]) == 1);
        CHECK(det_state_restore(d, "port", 1234, bad[i]) == 1);
        CHECK(det_state_restore(d, "heard", 1, bad[i]) == 1);
    }
    CHECK(det_state_restore(d, "nonsense", 1, "1 2") == 1);
    CHECK(det_state_restore(d, "vessel", 1, NULL) == 1);
    CHECK(det_stats(d)->vessels == 0);
    det_free(d);
}

static void test_cap(void)
{
    struct det_config c = {.max_vessels = 100};
    struct det *d = det_new(&c, NULL, log_sink, &LA);
    LA.n = 0;
    feed_pos(d, A, 0, 10, -30, 10);
    /* A goes dark: its gap is open by 7 h, while a thousand others come and go. */
    for (int i = 0; i < 1000; i++) {
        double m = 420 + i * 0.1;
        feed_pos(d, 300000000u + (uint32_t)i, m, 10 + i * 0.01, -20, 10);
        det_tick(d, T0 + (int64_t)(m * MIN));
    }
    const struct det_stats *s = det_stats(d);
    CHECK(s->vessels <= 100);
    CHECK(s->vessels_evicted >= 900);
    CHECK(s->vessels + s->vessels_evicted == 1001);
    CHECK(log_count(&LA, "ais_gap", EVENT_OPEN) >= 1);
    feed_pos(d, A, 600, 10.5, -30, 10); /* back: its gap closes, with its true start */
    const struct event *g = log_last(&LA, "ais_gap", EVENT_CLOSED);
    CHECK(g && g->t_start_ms == T0 && g->t_end_ms == T0 + 600 * MIN);
    det_free(d);
}

int main(void)
{
    RUN(test_codec);
    RUN(test_restore_at_a_cut);
    RUN(test_bad_records);
    RUN(test_cap);
    TEST_MAIN_END();
}
