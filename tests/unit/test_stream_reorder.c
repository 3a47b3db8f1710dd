/* test_stream_reorder.c: the stream worker's reorder buffer (stream/reorder.h):
 * event-time order within the window, the rules that let messages go, and
 * the property a takeover relies on: a live run that flushed on its own
 * during a pause in the stream releases the same messages in the same order
 * as a replay of the stream, which does not. */
#include <stdint.h>
#include <string.h>

#include "stream/reorder.h"
#include "test.h"

struct out {
    uint64_t seq[64];
    size_t n;
};

static void collect(void *ctx, const struct reorder_item *it)
{
    struct out *o = ctx;
    if (o->n < 64)
        o->seq[o->n++] = it->seq;
}

static struct reorder_item item(int64_t t, const char *rx, uint64_t seq, int64_t ts)
{
    return (struct reorder_item){.t_ms = t, .receiver = rx, .seq = seq, .ts_ms = ts, .msg = NULL};
}

static void order_in_window(void)
{
    struct reorder r;
    struct out o = {0};
    reorder_init(&r, 10000, 2000, 1000);
    /* Receiver b's link is slower: its reports of seconds 1 and 2 come
     * after a's of second 3. Same second: receiver, then sequence. */
    struct reorder_item in[] = {item(3000, "a", 1, 0), item(1000, "b", 2, 10), item(2000, "b", 3, 20),
                                item(3000, "a", 4, 30), item(2000, "a", 5, 40)};
    for (size_t i = 0; i < 5; i++)
        reorder_push(&r, &in[i], collect, &o);
    CHECK_EQ_INT(o.n, 0); /* all within the window */
    reorder_flush(&r, collect, &o);
    uint64_t want[] = {2, 5, 3, 1, 4};
    CHECK_EQ_INT(o.n, 5);
    for (size_t i = 0; i < 5 && i < o.n; i++)
        CHECK_EQ_INT(o.seq[i], want[i]);
    CHECK_EQ_INT(r.n, 0);
    reorder_free(&r);
}

static void window_and_cap(void)
{
    struct reorder r;
    struct out o = {0};
    reorder_init(&r, 10000, 2000, 3);
    struct reorder_item a = item(1000, "a", 1, 0), b = item(5000, "a", 2, 1), c = item(11000, "a", 3, 2);
    reorder_push(&r, &a, collect, &o);
    reorder_push(&r, &b, collect, &o);
    CHECK_EQ_INT(o.n, 0);
    reorder_push(&r, &c, collect, &o); /* 11 s is 10 s past the first */
    CHECK_EQ_INT(o.n, 1);
    CHECK_EQ_INT(o.seq[0], 1);
    struct reorder_item d = item(12000, "a", 4, 3), e = item(13000, "a", 5, 4);
    reorder_push(&r, &d, collect, &o);
    CHECK_EQ_INT(o.n, 1);
    reorder_push(&r, &e, collect, &o); /* four held, three allowed: the earliest goes */
    CHECK_EQ_INT(o.n, 2);
    CHECK_EQ_INT(o.seq[1], 2);
    CHECK_EQ_INT(r.n, 3);
    reorder_flush(&r, collect, &o);
    CHECK_EQ_INT(o.n, 5);
    CHECK_EQ_INT(o.seq[4], 5);
    reorder_free(&r);
}

/* The stream: receiver a's reports, then a pause of 5 s (stream time) in
 * which the live worker flushed on its own, then a late report of b dated
 * before a's last one, and more. */
static const struct {
    int64_t t, ts;
    const char *rx;
} stream[] = {
    {1000, 0, "a"}, {3000, 100, "a"}, {2000, 200, "a"}, {6000, 300, "a"},
    {5000, 5300, "b"}, {7000, 5400, "a"}, {6500, 5500, "b"}, {20000, 5600, "a"},
};
#define NSTREAM (sizeof stream / sizeof stream[0])

static void replay_equals_live(void)
{
    struct out live = {0}, replay = {0};
    struct reorder r;
    reorder_init(&r, 10000, 2000, 1000);
    for (size_t i = 0; i < NSTREAM; i++) {
        if (i == 4)
            reorder_flush(&r, collect, &live); /* the worker, idle during the pause */
        struct reorder_item it = item(stream[i].t, stream[i].rx, i + 1, stream[i].ts);
        reorder_push(&r, &it, collect, &live);
    }
    reorder_flush(&r, collect, &live);
    reorder_free(&r);
    reorder_init(&r, 10000, 2000, 1000);
    for (size_t i = 0; i < NSTREAM; i++) {
        struct reorder_item it = item(stream[i].t, stream[i].rx, i + 1, stream[i].ts);
        reorder_push(&r, &it, collect, &replay);
    }
    reorder_flush(&r, collect, &replay);
    reorder_free(&r);
    CHECK_EQ_INT(live.n, NSTREAM);
    CHECK_EQ_INT(replay.n, NSTREAM);
    CHECK(!memcmp(live.seq, replay.seq, sizeof live.seq));
    /* Before the pause in time order; b's late report after a's last one
     * (released at the pause), then the rest in time order. */
    uint64_t want[] = {1, 3, 2, 4, 5, 7, 6, 8};
    for (size_t i = 0; i < NSTREAM; i++)
        CHECK_EQ_INT(live.seq[i], want[i]);
}

int main(void)
{
    RUN(order_in_window);
    RUN(window_and_cap);
    RUN(replay_equals_live);
    TEST_MAIN_END();
}
