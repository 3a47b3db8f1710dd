/* conns.c: open connections, their request deadlines and limits (conns.h).
 * A list under a mutex: a few hundred connections, scanned when one opens
 * and once a second, cost nothing beside the requests themselves. */
#include "http/conns.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

struct http_conn {
    struct http_conn *prev, *next;
    int fd;
    unsigned char addr[16]; /* IPv4 in the first 4 bytes, or IPv6 */
    bool answered;          /* the request is whole; the answer is going out */
    bool over;              /* admitted beyond a limit: 503 */
    bool doomed;            /* shut down, waiting for libmicrohttpd to close it */
    int64_t since_ms;       /* when the current request began (or the last answer ended) */
};

struct http_conns {
    pthread_mutex_t lock;
    struct http_conn_limits lim;
    struct http_conn *head;
    unsigned live; /* not doomed */
    struct http_conn_counters n;
};

struct http_conns *http_conns_new(const struct http_conn_limits *lim)
{
    struct http_conns *t = xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    t->lim = *lim;
    return t;
}

void http_conns_free(struct http_conns *t)
{
    if (!t)
        return;
    for (struct http_conn *c = t->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static void addr_key(const struct sockaddr *sa, unsigned char key[16])
{
    memset(key, 0, 16);
    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    else if (sa->sa_family == AF_INET6)
        memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

static void doom(struct http_conns *t, struct http_conn *c)
{
    c->doomed = true;
    t->live--;
    shutdown(c->fd, SHUT_RDWR);
}

/* The oldest connection (of this address, or any when addr is NULL) whose
 * request has been arriving for longer than evict_ms. */
static struct http_conn *slowest(struct http_conns *t, const unsigned char *addr, int64_t now_ms)
{
    struct http_conn *best = NULL;
    for (struct http_conn *c = t->head; c; c = c->next)
        if (!c->doomed && !c->answered && now_ms - c->since_ms >= t->lim.evict_ms &&
            (!addr || memcmp(c->addr, addr, 16) == 0) && (!best || c->since_ms < best->since_ms))
            best = c;
    return best;
}

struct http_conn *http_conns_open(struct http_conns *t, const struct sockaddr *addr, int fd, int64_t now_ms)
{
    struct http_conn *c = xcalloc(1, sizeof *c);
    c->fd = fd;
    c->since_ms = now_ms;
    addr_key(addr, c->addr);
    pthread_mutex_lock(&t->lock);
    unsigned same = 0;
    for (struct http_conn *o = t->head; o; o = o->next)
        same += !o->doomed && memcmp(o->addr, c->addr, 16) == 0;
    if (same >= t->lim.max_per_addr) {
        struct http_conn *v = slowest(t, c->addr, now_ms);
        if (v) {
            doom(t, v);
            t->n.evicted++;
        } else {
            c->over = true;
        }
    }
    if (!c->over && t->live >= t->lim.max_total) {
        struct http_conn *v = slowest(t, NULL, now_ms);
        if (v) {
            doom(t, v);
            t->n.evicted++;
        } else {
            c->over = true;
        }
    }
    t->n.opened++;
    t->n.over += c->over;
    t->live++;
    c->next = t->head;
    if (t->head)
        t->head->prev = c;
    t->head = c;
    pthread_mutex_unlock(&t->lock);
    return c;
}

void http_conns_close(struct http_conns *t, struct http_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&t->lock);
    if (!c->doomed)
        t->live--;
    if (c->prev)
        c->prev->next = c->next;
    else
        t->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&t->lock);
    free(c);
}

bool http_conn_over(struct http_conns *t, const struct http_conn *c)
{
    (void)t;
    return c && c->over; /* set once, before the connection is shared */
}

void http_conns_answered(struct http_conns *t, struct http_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&t->lock);
    c->answered = true;
    pthread_mutex_unlock(&t->lock);
}

void http_conns_idle(struct http_conns *t, struct http_conn *c, int64_t now_ms)
{
    if (!c)
        return;
    pthread_mutex_lock(&t->lock);
    c->answered = false;
    c->since_ms = now_ms;
    pthread_mutex_unlock(&t->lock);
}

unsigned http_conns_sweep(struct http_conns *t, int64_t now_ms)
{
    unsigned n = 0;
    pthread_mutex_lock(&t->lock);
    for (struct http_conn *c = t->head; c; c = c->next) {
        int64_t limit = c->over ? t->lim.over_ms : t->lim.deadline_ms;
        if (!c->doomed && !c->answered && now_ms - c->since_ms >= limit) {
            doom(t, c);
            n++;
        }
    }
    t->n.expired += n;
    pthread_mutex_unlock(&t->lock);
    return n;
}

unsigned http_conns_count(struct http_conns *t, struct http_conn_counters *out)
{
    pthread_mutex_lock(&t->lock);
    unsigned live = t->live;
    if (out)
        *out = t->n;
    pthread_mutex_unlock(&t->lock);
    return live;
}
