/* iqring.c: the reader thread's buffers to the event loop (iqring.h). */
#include "net/iqring.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/xmalloc.h"

struct iqring {
    pthread_mutex_t mu;
    unsigned nslots, head, count; /* head: oldest waiting slot */
    size_t slot_bytes;
    uint8_t *data;
    size_t *len;
    bool ended;
    uint64_t offered, dropped;
    int efd;
};

struct iqring *iqring_new(unsigned slots, size_t slot_bytes)
{
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0)
        return NULL;
    struct iqring *r = xcalloc(1, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->nslots = slots;
    r->slot_bytes = slot_bytes;
    r->data = xmalloc((size_t)slots * slot_bytes);
    r->len = xcalloc(slots, sizeof *r->len);
    r->efd = efd;
    return r;
}

void iqring_free(struct iqring *r)
{
    if (!r)
        return;
    close(r->efd);
    pthread_mutex_destroy(&r->mu);
    free(r->data);
    free(r->len);
    free(r);
}

int iqring_fd(const struct iqring *r) { return r->efd; }

static void wake(struct iqring *r)
{
    uint64_t one = 1;
    /* A full counter (never in practice) still leaves the fd readable. */
    if (write(r->efd, &one, sizeof one) < 0) {
    }
}

void iqring_put(struct iqring *r, const uint8_t *p, size_t n)
{
    while (n) {
        size_t take = n < r->slot_bytes ? n : r->slot_bytes;
        pthread_mutex_lock(&r->mu);
        r->offered += take;
        bool room = r->count < r->nslots;
        if (room) {
            unsigned slot = (r->head + r->count) % r->nslots;
            /* The consumer reads only slots counted as waiting: this one is
             * ours until count says otherwise. */
            pthread_mutex_unlock(&r->mu);
            memcpy(r->data + (size_t)slot * r->slot_bytes, p, take);
            r->len[slot] = take;
            pthread_mutex_lock(&r->mu);
            r->count++;
        } else {
            r->dropped += take;
        }
        pthread_mutex_unlock(&r->mu);
        if (room)
            wake(r);
        p += take;
        n -= take;
    }
}

void iqring_end(struct iqring *r)
{
    pthread_mutex_lock(&r->mu);
    r->ended = true;
    pthread_mutex_unlock(&r->mu);
    wake(r);
}

int iqring_drain(struct iqring *r, unsigned max, void (*cb)(void *ctx, const uint8_t *p, size_t n), void *ctx)
{
    uint64_t v;
    if (read(r->efd, &v, sizeof v) < 0) {
        /* EAGAIN: nothing signalled; the count below still decides. */
    }
    for (unsigned i = 0; i < max; i++) {
        pthread_mutex_lock(&r->mu);
        unsigned slot = r->head, waiting = r->count;
        pthread_mutex_unlock(&r->mu);
        if (!waiting)
            break;
        cb(ctx, r->data + (size_t)slot * r->slot_bytes, r->len[slot]);
        pthread_mutex_lock(&r->mu);
        r->head = (r->head + 1) % r->nslots;
        r->count--;
        pthread_mutex_unlock(&r->mu);
    }
    pthread_mutex_lock(&r->mu);
    bool more = r->count > 0, over = r->ended && !more;
    pthread_mutex_unlock(&r->mu);
    if (more)
        wake(r);
    return over ? 0 : 1;
}

uint64_t iqring_offered(const struct iqring *r)
{
    pthread_mutex_lock((pthread_mutex_t *)&r->mu);
    uint64_t v = r->offered;
    pthread_mutex_unlock((pthread_mutex_t *)&r->mu);
    return v;
}

uint64_t iqring_dropped(const struct iqring *r)
{
    pthread_mutex_lock((pthread_mutex_t *)&r->mu);
    uint64_t v = r->dropped;
    pthread_mutex_unlock((pthread_mutex_t *)&r->mu);
    return v;
}
