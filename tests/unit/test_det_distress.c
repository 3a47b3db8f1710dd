/* test_det_distress.c: distress alerts (distress.c), table-driven, through
 * the real path: sentences written by the simulator's encoder, framed and
 * decoded, applied to the tracker, handed to the detectors with the
 * sentences as evidence. AIS-SART, MOB and EPIRB-AIS by MMSI (ITU-R M.585),
 * status 14 from a ship, a SART test (a test, no alert), a test that turns
 * active, and an ordinary vessel (nothing). */
#include "test.h"

#include "ais/ais.h"
#include "ais/nmea.h"
#include "common/buf.h"
#include "det_feed.h"
#include "sim/encode.h"

static struct evlog L;

/* One transmission: a type 1 position with a status, or a type 14 text. */
struct msg {
    double min;
    uint32_t mmsi;
    uint8_t type; /* 1 or 14; 0 ends the list */
    uint8_t status;
    const char *text;
};

struct distress_case {
    const char *name;
    struct msg m[12];
    double end_min;      /* the clock ticks every minute up to here, then det_finish */
    int events;          /* distress events raised (any state); 0: none */
    int closed;          /* of them closed */
    const char *alert;   /* the rule every emission carries; NULL: none may */
    const char *device, *mode, *severity;
    double t1;           /* the closed event's end (minutes; < 0 unchecked) */
};

#define SART 970012345u
#define MOB 972012345u
#define EPIRB 974012345u
#define SHIP 235000001u

static const struct distress_case cases[] = {
    {"SART active: status 14 and SART ACTIVE, closed after 10 min of silence",
     {{0, SART, 14, 0, "SART ACTIVE"}, {0, SART, 1, 14, 0}, {1, SART, 1, 14, 0}, {2, SART, 1, 14, 0}},
     20, 2, 1, "ais_sart", "ais_sart", "active", "critical", 2},
    {"SART test: SART TEST, status 15: a test, no alert",
     {{0, SART, 14, 0, "SART TEST"}, {0, SART, 1, 15, 0}, {1, SART, 1, 15, 0}},
     20, 2, 1, NULL, "ais_sart", "test", "test", 1},
    {"MOB active",
     {{0, MOB, 1, 14, 0}, {0, MOB, 14, 0, "MOB ACTIVE"}, {1, MOB, 1, 14, 0}},
     5, 3, 0, "mob", "mob", "active", "critical", -1}, /* open, its text, open at the end */
    {"EPIRB-AIS by MMSI and status 14",
     {{0, EPIRB, 1, 14, 0}, {1, EPIRB, 1, 14, 0}},
     30, 2, 1, "epirb", "epirb", "active", "critical", 1},
    {"a ship with status 14: open, closed when its status changes back",
     {{0, SHIP, 1, 0, 0}, {1, SHIP, 1, 14, 0}, {2, SHIP, 1, 14, 0}, {3, SHIP, 1, 0, 0}, {4, SHIP, 1, 0, 0}},
     5, 2, 1, "status_14", "vessel", "active", "critical", 3},
    {"a SART test that turns active: the alert comes with the change",
     {{0, SART, 14, 0, "SART TEST"}, {1, SART, 1, 15, 0}, {2, SART, 1, 14, 0}, {3, SART, 14, 0, "SART ACTIVE"}},
     5, 4, 0, NULL, "ais_sart", "active", "critical", -1}, /* test, active, its text, the end */
    {"an ordinary vessel: nothing",
     {{0, SHIP, 1, 0, 0}, {1, SHIP, 1, 5, 0}, {2, SHIP, 1, 15, 0}},
     20, 0, 0, NULL, NULL, NULL, NULL, -1},
};

/* Encodes m, frames and decodes it as the pipeline does, and feeds it. */
static void send(struct det *d, struct trk *t, struct ais_ctx *ctx, const struct msg *m)
{
    uint8_t bits[128] = {0};
    unsigned n;
    if (m->type == 14) {
        size_t len = strlen(m->text);
        bits[0] = 14 << 2;
        for (int i = 0; i < 30; i++)
            if (m->mmsi >> (29 - i) & 1)
                bits[(8 + i) / 8] |= (uint8_t)(0x80 >> ((8 + i) % 8));
        sim_ais_put_text(bits, 40, (unsigned)len, m->text);
        n = 40 + 6 * (unsigned)len;
    } else {
        struct sim_ais_pos p = {.type = 1, .mmsi = m->mmsi, .nav_status = m->status, .turn = SIM_AIS_TURN_NA,
                                .sog_dkn = 5, .lat = 36.5 + m->min * 0.001, .lon = -6.3, .cog_ddeg = 900,
                                .heading = SIM_AIS_HEADING_NA, .second = 0};
        n = sim_ais_encode_pos(&p, bits);
    }
    int64_t ms = T0 + (int64_t)(m->min * MIN);
    struct buf b;
    buf_init(&b, 256);
    sim_nmea_write(&b, bits, n, 'A', 0, "rx", ms / 1000);
    struct ais_payload pl;
    struct ais_msg am;
    struct trk_update u;
    CHECK(b.len > 0 && b.p[b.len - 1] == '\n');
    if (ais_feed_line(ctx, (const char *)b.p, b.len - 1, false, &pl) == AIS_OK &&
        ais_decode(pl.bits, pl.nbits, &am) == AIS_OK && trk_update_ais(t, &am, ms, &u))
        det_on_update(d, &u, "rx", pl.meta.raw, pl.meta.raw_len);
    else
        CHECK(!"the encoded sentence decodes");
    buf_free(&b);
}

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct distress_case *c = &cases[i];
        L.n = 0;
        struct det *d = det_new(NULL, NULL, log_sink, &L);
        struct trk *t = trk_new(NULL);
        struct ais_ctx *ctx = ais_ctx_new();
        size_t k = 0;
        for (double m = 0; m <= c->end_min; m += 1) {
            while (c->m[k].type && c->m[k].min <= m)
                send(d, t, ctx, &c->m[k++]);
            det_tick(d, T0 + (int64_t)(m * MIN));
        }
        det_finish(d);
        int bad = 0;
        int all = log_count(&L, "distress", -1), closed = log_count(&L, "distress", EVENT_CLOSED);
        if (all != c->events || closed != c->closed) {
            fprintf(stderr, "# %s: %d events, %d closed (want %d, %d)\n", c->name, all, closed, c->events, c->closed);
            bad++;
        }
        const struct event *last = log_last(&L, "distress", -1), *first = log_first(&L, "distress", -1);
        for (int j = 0; j < L.n && first; j++) {
            const struct event *e = &L.e[j];
            if (e->key != first->key || e->t_start_ms != first->t_start_ms)
                bad++, fprintf(stderr, "# %s: event %d has another key or start\n", c->name, j);
            if (c->alert && (!e->alert || strcmp(e->alert, c->alert)))
                bad++, fprintf(stderr, "# %s: event %d alert %s (want %s)\n", c->name, j, e->alert, c->alert);
            if (!c->alert && !strcmp(c->mode ? c->mode : "", "test") && e->alert)
                bad++, fprintf(stderr, "# %s: a test raised an alert\n", c->name);
            if (!isfinite(e->lat) && event_field_get(e, "reports")->u > 1)
                bad++, fprintf(stderr, "# %s: no position\n", c->name);
            if (!e->nevidence || !strstr(e->evidence[0], "AIVDM"))
                bad++, fprintf(stderr, "# %s: no sentences as evidence\n", c->name);
        }
        /* A test that turns active: no alert until it does. */
        if (first && c->device && !c->alert && first->alert)
            bad++, fprintf(stderr, "# %s: alert before the device said it was active\n", c->name);
        if (last && c->device) {
            const struct event_field *dv = event_field_get(last, "device"), *md = event_field_get(last, "mode"),
                                     *sv = event_field_get(last, "severity");
            if (!dv || strcmp(dv->s, c->device) || !md || strcmp(md->s, c->mode) || !sv || strcmp(sv->s, c->severity))
                bad++, fprintf(stderr, "# %s: device/mode/severity %s/%s/%s\n", c->name, dv ? dv->s : "-",
                               md ? md->s : "-", sv ? sv->s : "-");
            /* The last word decides: an alert on the last emission unless it is a test. */
            if (!strcmp(c->mode, "test") ? last->alert != NULL : last->alert == NULL)
                bad++, fprintf(stderr, "# %s: last emission alert %s\n", c->name, last->alert);
            if (last->ent[0].id != event_field_get(last, "mmsi")->u || !isfinite(last->lat))
                bad++, fprintf(stderr, "# %s: subject or position\n", c->name);
        }
        const struct event *cl = log_last(&L, "distress", EVENT_CLOSED);
        if (cl && c->t1 >= 0 && cl->t_end_ms != T0 + (int64_t)(c->t1 * MIN))
            bad++, fprintf(stderr, "# %s: closed at %.1f min (want %.1f)\n", c->name,
                           (double)(cl->t_end_ms - T0) / MIN, c->t1);
        if (bad)
            fprintf(stderr, "# case failed: %s\n", c->name);
        CHECK(bad == 0);
        ais_ctx_free(ctx);
        trk_free(t);
        det_free(d);
    }
}

/* The text of a type 14 rides in the event, with its sentence as evidence. */
static void test_text_and_restore(void)
{
    L.n = 0;
    struct det *d = det_new(NULL, NULL, log_sink, &L);
    struct trk *t = trk_new(NULL);
    struct ais_ctx *ctx = ais_ctx_new();
    send(d, t, ctx, &(struct msg){0, SART, 1, 14, 0});
    send(d, t, ctx, &(struct msg){1, SART, 14, 0, "SART ACTIVE"});
    const struct event *o = log_last(&L, "distress", EVENT_OPEN);
    CHECK(o && event_field_get(o, "text") && !strcmp(event_field_get(o, "text")->s, "SART ACTIVE"));
    CHECK(o && o->nevidence == 2);
    CHECK(o && event_field_get(o, "nav_status") && event_field_get(o, "nav_status")->i == 14);
    /* A restart: the open event rebuilds its transmitter, closed once after the silence. */
    struct event open;
    if (o)
        event_copy(&open, o);
    ais_ctx_free(ctx);
    trk_free(t);
    det_free(d);
    if (!o)
        return;
    L.n = 0;
    d = det_new(NULL, NULL, log_sink, &L);
    CHECK(det_restore(d, &open) == 0);
    CHECK(L.n == 0);
    det_tick(d, T0 + 30 * MIN);
    const struct event *c = log_last(&L, "distress", EVENT_CLOSED);
    CHECK(L.n == 1 && c && c->key == open.key && c->t_end_ms == T0 + 1 * MIN && c->alert &&
          !strcmp(c->alert, "ais_sart"));
    det_free(d);
}

int main(void)
{
    RUN(test_cases);
    RUN(test_text_and_restore);
    TEST_MAIN_END();
}
