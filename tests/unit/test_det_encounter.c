/* test_det_encounter.c: ship-to-ship encounters (encounter.c), table-driven:
 * two vessels 220 m apart at half a knot for 3 h are one encounter, raised
 * open once it has lasted 2 h and closed (same key, true start) when they
 * part or the input ends; shorter, or faster, is none. */
#include "test.h"

#include "det_feed.h"

static struct evlog L;

#define A 311000001u
#define B 311000002u

struct enc_case {
    const char *name;
    struct step steps[8];
    struct expect want;
};

static const struct enc_case cases[] = {
    {"3 h side by side, then apart",
     {POS(A, 0, 240, 5, 30, -40, 0, 0.5), POS(B, 0, 180, 5, 30.002, -40, 0, 0.5), POS(B, 185, 240, 5, 30.2, -40, 0, 9),
      FINISH},
     {"encounter", -1, 1, 0, 185}},
    {"1.5 h side by side: too short",
     {POS(A, 0, 240, 5, 30, -40, 0, 0.5), POS(B, 0, 90, 5, 30.002, -40, 0, 0.5), POS(B, 95, 240, 5, 30.2, -40, 0, 9),
      FINISH},
     {"encounter", 0, 0, -1, -1}},
    {"3 h together at 3 kn: not a transfer",
     {POS(A, 0, 180, 5, 30, -40, 0.0009, 3), POS(B, 0, 180, 5, 30.002, -40, 0.0009, 3), FINISH},
     {"encounter", 0, 0, -1, -1}},
    {"still together at the end: closed at the last joint report",
     {POS(A, 0, 200, 5, 30, -40, 0, 0.5), POS(B, 0, 200, 5, 30.002, -40, 0, 0.5), FINISH},
     {"encounter", -1, 1, 0, 200}},
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
    /* The first open report: 2 h in, both vessels named with their roles. */
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    run_steps(d, cases[0].steps);
    const struct event *o = log_first(&L, "encounter", EVENT_OPEN);
    CHECK(o && o->t_end_ms == T0 + 120 * MIN && o->nent == 2 && o->ent[0].id == A &&
          !strcmp(o->ent[0].role, "subject") && o->ent[1].id == B && !strcmp(o->ent[1].role, "other"));
    det_free(d);
}

/* A restart in the middle: the meeting is closed once, with its start. */
static void test_restore(void)
{
    static struct event open;
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    static const struct step before[] = {POS(A, 0, 150, 5, 30, -40, 0, 0.5), POS(B, 0, 150, 5, 30.002, -40, 0, 0.5),
                                         {S_END}};
    run_steps(d, before);
    const struct event *o = log_last(&L, "encounter", EVENT_OPEN);
    CHECK(o != NULL);
    if (!o)
        return;
    event_copy(&open, o);
    det_free(d);
    L.n = 0;
    d = det_new(NULL, NULL, log_sink, &L);
    CHECK_EQ_INT(det_restore(d, &open), 0);
    static const struct step after[] = {POS(A, 155, 200, 5, 30, -40, 0, 0.5), POS(B, 155, 180, 5, 30.002, -40, 0, 0.5),
                                        POS(B, 185, 200, 5, 30.2, -40, 0, 9), FINISH, {S_END}};
    run_steps(d, after);
    const struct event *c = log_last(&L, "encounter", EVENT_CLOSED);
    CHECK_EQ_INT(log_count(&L, "encounter", EVENT_CLOSED), 1);
    CHECK(c && c->key == open.key && c->t_start_ms == T0 && c->t_end_ms == T0 + 185 * MIN);
    det_free(d);
}

int main(void)
{
    RUN(test_cases);
    RUN(test_restore);
    TEST_MAIN_END();
}
