/* test_det_portcall.c: port calls (portcall.c) against a port polygon,
 * table-driven: a stop of 4 h in port is one call from entry to exit; passing
 * through without stopping is none; a ship still in port at the end is one
 * call in state open, ending at its last report in port. */
#include "test.h"

#include <unistd.h>

#include "det_feed.h"

static struct evlog L;
static char port[64];

#define V 511000001u

struct port_case {
    const char *name;
    struct step steps[8];
    struct expect want;
};

/* The port: 10.00..10.02 N, 60.02..60.00 W; outside at 9.90 N (11 km off). */
static const struct port_case cases[] = {
    {"4 h stopped in port",
     {POS(V, 0, 30, 5, 9.9, -60.01, 0, 10), POS(V, 35, 275, 5, 10.01, -60.01, 0, 0.1),
      POS(V, 280, 320, 5, 9.9, -60.01, 0, 10), FINISH},
     {"port_call", 0, 1, 35, 280}},
    {"through the port at 8 kn: no call",
     {POS(V, 0, 30, 5, 9.9, -60.01, 0, 10), POS(V, 35, 95, 5, 10.01, -60.01, 0, 8),
      POS(V, 100, 160, 5, 9.9, -60.01, 0, 10), FINISH},
     {"port_call", 0, 0, -1, -1}},
    {"in port at the end: open",
     {POS(V, 0, 30, 5, 9.9, -60.01, 0, 10), POS(V, 35, 300, 5, 10.01, -60.01, 0, 0.1), FINISH},
     {"port_call", 1, 0, -1, -1}},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        L.n = 0;
        char err[256];
        struct det *d = det_new(NULL, NULL, log_sink, &L);
        CHECK_EQ_INT(det_load_port_polygons(d, port, err, sizeof err), 0);
        run_steps(d, cases[i].steps);
        CHECK(check_case(cases[i].name, &L, &cases[i].want) == 0);
        if (i == 2) {
            const struct event *o = log_last(&L, "port_call", EVENT_OPEN);
            const struct event_field *p = o ? event_field_get(o, "port") : NULL;
            CHECK(o && o->t_start_ms == T0 + 35 * MIN && o->t_end_ms == T0 + 300 * MIN && p &&
                  !strcmp(p->s, "TEST PORT") && !event_field_get(o, "open"));
        }
        det_free(d);
    }
}

int main(void)
{
    snprintf(port, sizeof port, "/tmp/atalaya_port_%d.geojson", (int)getpid());
    FILE *f = fopen(port, "w");
    if (f) {
        fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"TEST PORT\","
              "\"country\":\"XX\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-60.02,10.0],[-60.0,10.0],"
              "[-60.0,10.02],[-60.02,10.02],[-60.02,10.0]]]}}]}\n",
              f);
        fclose(f);
    }
    RUN(test_cases);
    unlink(port);
    TEST_MAIN_END();
}
