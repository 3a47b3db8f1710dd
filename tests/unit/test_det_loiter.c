/* test_det_loiter.c: loitering (loiter.c), table-driven: under 2 kn for 2 h
 * or more is loitering, raised open once it has lasted 2 h and closed (same
 * key) when the vessel speeds up, falls silent for an hour, or the input
 * ends; shorter is nothing. After a restart the spell goes on and is closed
 * once. */
#include "test.h"

#include "det_feed.h"

static struct evlog L;

#define V 411000001u

struct loiter_case {
    const char *name;
    struct step steps[8];
    struct expect want;
};

static const struct loiter_case cases[] = {
    {"3 h slow, then under way",
     {POS(V, 0, 180, 5, 20, -30, 0, 1), POS(V, 185, 240, 5, 20.01, -30, 0.003, 10), FINISH},
     {"loitering", -1, 1, 0, 180}},
    {"1.5 h slow: too short",
     {POS(V, 0, 90, 5, 20, -30, 0, 1), POS(V, 95, 240, 5, 20.01, -30, 0.003, 10), FINISH},
     {"loitering", 0, 0, -1, -1}},
    {"3 h slow, an hour silent, slow again briefly: one spell",
     {POS(V, 0, 180, 5, 20, -30, 0, 1), POS(V, 300, 330, 5, 20, -30, 0, 1), FINISH},
     {"loitering", -1, 1, 0, 180}},
    {"slow at the end: closed at the last report",
     {POS(V, 0, 200, 5, 20, -30, 0, 1), FINISH},
     {"loitering", -1, 1, 0, 200}},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        L.n = 0;
        struct det *d = det_new(NULL, NULL, log_sink, &L);
        run_steps(d, cases[i].steps);
        CHECK(check_case(cases[i].name, &L, &cases[i].want) == 0);
        det_free(d);
    }
    /* Open from 2 h, again every hour: at 120 and 180 min. */
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    run_steps(d, cases[0].steps);
    CHECK_EQ_INT(log_count(&L, "loitering", EVENT_OPEN), 2);
    const struct event *o = log_first(&L, "loitering", EVENT_OPEN);
    CHECK(o && o->t_end_ms == T0 + 120 * MIN && o->lat == 20 && event_field_get(o, "mean_speed_kn"));
    det_free(d);
}

static void test_restore(void)
{
    static struct event open;
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    static const struct step before[] = {POS(V, 0, 150, 5, 20, -30, 0, 1), {S_END}};
    run_steps(d, before);
    const struct event *o = log_last(&L, "loitering", EVENT_OPEN);
    CHECK(o != NULL);
    if (!o)
        return;
    event_copy(&open, o);
    det_free(d);
    L.n = 0;
    d = det_new(NULL, NULL, log_sink, &L);
    CHECK_EQ_INT(det_restore(d, &open), 0);
    static const struct step after[] = {POS(V, 155, 200, 5, 20, -30, 0, 1), POS(V, 205, 240, 5, 20.01, -30, 0.003, 10),
                                        FINISH, {S_END}};
    run_steps(d, after);
    const struct event *c = log_last(&L, "loitering", EVENT_CLOSED);
    CHECK_EQ_INT(log_count(&L, "loitering", EVENT_CLOSED), 1);
    CHECK(c && c->key == open.key && c->t_start_ms == T0 && c->t_end_ms == T0 + 200 * MIN);
    det_free(d);
}

int main(void)
{
    RUN(test_cases);
    RUN(test_restore);
    TEST_MAIN_END();
}
