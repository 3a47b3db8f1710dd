/* reorder.c: the event-time reorder buffer (reorder.h), a binary min-heap. */
#include "stream/reorder.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

void reorder_init(struct reorder *r, int64_t window_ms, int64_t gap_ms, size_t cap)
{
    memset(r, 0, sizeof *r);
    r->window_ms = window_ms;
    r->gap_ms = gap_ms;
    r->cap = cap ? cap : 1;
    r->max_t_ms = INT64_MIN;
    r->last_ts_ms = INT64_MIN;
}

void reorder_free(struct reorder *r)
{
    free(r->heap);
    memset(r, 0, sizeof *r);
}

static int before(const struct reorder_item *a, const struct reorder_item *b)
{
    if (a->t_ms != b->t_ms)
        return a->t_ms < b->t_ms;
    int c = strcmp(a->receiver, b->receiver);
    if (c)
        return c < 0;
    return a->seq < b->seq;
}

static void sift_up(struct reorder *r, size_t i)
{
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!before(&r->heap[i], &r->heap[up]))
            break;
        struct reorder_item t = r->heap[i];
        r->heap[i] = r->heap[up];
        r->heap[up] = t;
        i = up;
    }
}

static void sift_down(struct reorder *r, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < r->n && before(&r->heap[l], &r->heap[m]))
            m = l;
        if (l + 1 < r->n && before(&r->heap[l + 1], &r->heap[m]))
            m = l + 1;
        if (m == i)
            return;
        struct reorder_item t = r->heap[i];
        r->heap[i] = r->heap[m];
        r->heap[m] = t;
        i = m;
    }
}

static void pop(struct reorder *r, reorder_cb cb, void *ctx)
{
    struct reorder_item top = r->heap[0];
    r->heap[0] = r->heap[--r->n];
    sift_down(r, 0);
    cb(ctx, &top);
}

void reorder_flush(struct reorder *r, reorder_cb cb, void *ctx)
{
    while (r->n)
        pop(r, cb, ctx);
}

void reorder_push(struct reorder *r, const struct reorder_item *it, reorder_cb cb, void *ctx)
{
    if (r->n && r->last_ts_ms != INT64_MIN && it->ts_ms - r->last_ts_ms >= r->gap_ms)
        reorder_flush(r, cb, ctx);
    if (it->ts_ms > r->last_ts_ms)
        r->last_ts_ms = it->ts_ms;
    if (it->t_ms > r->max_t_ms)
        r->max_t_ms = it->t_ms;
    if (r->n == r->cap_alloc) {
        r->cap_alloc = r->cap_alloc ? 2 * r->cap_alloc : 256;
        r->heap = xrealloc(r->heap, r->cap_alloc * sizeof *r->heap);
    }
    r->heap[r->n] = *it;
    sift_up(r, r->n++);
    while (r->n && (r->n > r->cap || r->heap[0].t_ms <= r->max_t_ms - r->window_ms))
        pop(r, cb, ctx);
}
