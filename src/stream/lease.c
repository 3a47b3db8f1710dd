/* lease.c: shard leases in a JetStream key-value bucket (lease.h). The
 * renewal thread does the bucket's I/O without the lock and takes it only
 * to read or change what is held, so the worker's loop never waits on the
 * server to ask whether it may write. */
#include "stream/lease.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

#include "common/xmalloc.h"
#include "stream/link.h"

struct shard_lease {
    bool held, surplus;
    uint64_t rev;  /* the revision our last write made */
    int64_t ok_ms; /* when the bucket last took our write */
};

struct lease {
    struct stream_link *l;
    kvStore *kv;
    char worker[64];
    unsigned n;
    int64_t ttl_ms, every_ms, stall_ms;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, started;
    struct shard_lease *sh;
    unsigned live;
    int64_t alive_ms;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void shard_key(char *buf, size_t n, unsigned shard) { snprintf(buf, n, "s.%u", shard); }

/* The server away or slow: the lease may still be ours, so it is kept
 * until it would lapse. Anything else is the bucket's answer: not ours. */
static bool transient(natsStatus s)
{
    return s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS || s == NATS_CONNECTION_CLOSED ||
           s == NATS_CONNECTION_DISCONNECTED || s == NATS_IO_ERROR || s == NATS_STALE_CONNECTION ||
           s == NATS_NO_SERVER;
}

static void renew(struct lease *ls, int64_t t)
{
    char key[32];
    for (unsigned i = 0; i < ls->n; i++) {
        pthread_mutex_lock(&ls->mu);
        bool held = ls->sh[i].held;
        uint64_t rev = ls->sh[i].rev;
        pthread_mutex_unlock(&ls->mu);
        if (!held)
            continue;
        shard_key(key, sizeof key, i);
        uint64_t nrev = 0;
        natsStatus s = kvStore_UpdateString(&nrev, ls->kv, key, ls->worker, rev);
        pthread_mutex_lock(&ls->mu);
        if (ls->sh[i].held && ls->sh[i].rev == rev) {
            if (s == NATS_OK) {
                ls->sh[i].rev = nrev;
                ls->sh[i].ok_ms = t;
            } else if (!transient(s) || t - ls->sh[i].ok_ms > ls->ttl_ms - ls->every_ms) {
                ls->sh[i].held = ls->sh[i].surplus = false;
                fprintf(stderr, "atalaya ingest: worker %s lost shard %u (%s)\n", ls->worker, i,
                        natsStatus_GetText(s));
            }
        }
        pthread_mutex_unlock(&ls->mu);
    }
}

/* Who is alive and which shards are taken, from the bucket's keys; then
 * free shards taken up to the fair share, and the ones above it offered. */
static void balance(struct lease *ls, int64_t t)
{
    kvKeysList keys = {0};
    kvWatchOptions wo;
    kvWatchOptions_Init(&wo);
    wo.Timeout = 2000;
    natsStatus s = kvStore_Keys(&keys, ls->kv, &wo);
    if (s != NATS_OK && s != NATS_NOT_FOUND)
        return;
    bool *taken = xcalloc(ls->n, sizeof *taken);
    unsigned live = 0;
    for (int i = 0; i < keys.Count; i++) {
        const char *k = keys.Keys[i];
        if (!strncmp(k, "w.", 2))
            live++;
        else if (!strncmp(k, "s.", 2)) {
            char *end;
            unsigned long v = strtoul(k + 2, &end, 10);
            if (!*end && v < ls->n)
                taken[v] = true;
        }
    }
    kvKeysList_Destroy(&keys);
    if (live == 0)
        live = 1; /* our own heartbeat not seen yet */
    unsigned target = (ls->n + live - 1) / live, mine = 0;
    pthread_mutex_lock(&ls->mu);
    ls->live = live;
    for (unsigned i = 0; i < ls->n; i++)
        mine += ls->sh[i].held;
    pthread_mutex_unlock(&ls->mu);
    char key[32];
    for (unsigned i = 0; i < ls->n && mine < target; i++) {
        if (taken[i])
            continue;
        pthread_mutex_lock(&ls->mu);
        bool held = ls->sh[i].held;
        pthread_mutex_unlock(&ls->mu);
        if (held)
            continue;
        shard_key(key, sizeof key, i);
        uint64_t rev = 0;
        if (kvStore_CreateString(&rev, ls->kv, key, ls->worker) != NATS_OK)
            continue; /* another worker was quicker */
        pthread_mutex_lock(&ls->mu);
        ls->sh[i] = (struct shard_lease){.held = true, .rev = rev, .ok_ms = t};
        pthread_mutex_unlock(&ls->mu);
        mine++;
    }
    free(taken);
    /* Above the share: the highest shards go back, once committed. */
    pthread_mutex_lock(&ls->mu);
    unsigned over = mine > target ? mine - target : 0;
    for (unsigned i = ls->n; i-- > 0;) {
        ls->sh[i].surplus = ls->sh[i].held && over > 0;
        if (ls->sh[i].surplus)
            over--;
    }
    pthread_mutex_unlock(&ls->mu);
}

static void *run(void *arg)
{
    struct lease *ls = arg;
    char hb[80];
    snprintf(hb, sizeof hb, "w.%s", ls->worker);
    /* The first round only says we are here: workers started together then
     * see each other before taking shards, instead of one taking them all
     * and handing half back to be replayed again. */
    bool first = true;
    pthread_mutex_lock(&ls->mu);
    while (!ls->stop) {
        int64_t t = now_ms();
        bool stalled = t - ls->alive_ms > ls->stall_ms;
        pthread_mutex_unlock(&ls->mu);
        if (!stalled) {
            uint64_t rev;
            kvStore_PutString(&rev, ls->kv, hb, "alive");
            renew(ls, t);
            if (!first)
                balance(ls, t);
            first = false;
        } else {
            /* Nothing renewed: what we hold lapses and is dropped here
             * before another worker can take it. */
            pthread_mutex_lock(&ls->mu);
            for (unsigned i = 0; i < ls->n; i++)
                if (ls->sh[i].held && t - ls->sh[i].ok_ms > ls->ttl_ms - ls->every_ms)
                    ls->sh[i].held = ls->sh[i].surplus = false;
            pthread_mutex_unlock(&ls->mu);
        }
        pthread_mutex_lock(&ls->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t ns = until.tv_nsec + (ls->every_ms % 1000) * 1000000;
        until.tv_sec += ls->every_ms / 1000 + ns / 1000000000;
        until.tv_nsec = ns % 1000000000;
        if (!ls->stop)
            pthread_cond_timedwait(&ls->cv, &ls->mu, &until);
    }
    pthread_mutex_unlock(&ls->mu);
    return NULL;
}

struct lease *lease_open(struct stream_link *l, const char *worker, unsigned nshards, int64_t ttl_ms,
                         int64_t stall_ms, char *err, size_t errlen)
{
    struct lease *ls = xcalloc(1, sizeof *ls);
    ls->l = l;
    snprintf(ls->worker, sizeof ls->worker, "%s", worker);
    ls->n = nshards;
    ls->ttl_ms = ttl_ms;
    ls->every_ms = ttl_ms / 5 > 0 ? ttl_ms / 5 : 1;
    ls->stall_ms = stall_ms;
    ls->sh = xcalloc(nshards, sizeof *ls->sh);
    ls->alive_ms = now_ms();
    pthread_mutex_init(&ls->mu, NULL);
    pthread_cond_init(&ls->cv, NULL);
    char bucket[96];
    snprintf(bucket, sizeof bucket, "%s_leases", l->url.stream);
    natsStatus s = js_KeyValue(&ls->kv, l->js, bucket);
    if (s == NATS_NOT_FOUND || s == NATS_ERR) {
        kvConfig kc;
        kvConfig_Init(&kc);
        kc.Bucket = bucket;
        kc.History = 1;
        kc.TTL = ttl_ms * 1000000; /* nanoseconds, as the stream's max age */
        kc.StorageType = js_FileStorage;
        kc.Replicas = l->url.replicas;
        s = js_CreateKeyValue(&ls->kv, l->js, &kc);
        if (s != NATS_OK) /* made by another worker meanwhile */
            s = js_KeyValue(&ls->kv, l->js, bucket);
    }
    if (s != NATS_OK) {
        const char *why = nats_GetLastError(NULL);
        snprintf(err, errlen, "lease bucket %s: %s", bucket, why && *why ? why : natsStatus_GetText(s));
        lease_close(ls);
        return NULL;
    }
    if (pthread_create(&ls->th, NULL, run, ls) != 0) {
        snprintf(err, errlen, "cannot start the lease thread");
        lease_close(ls);
        return NULL;
    }
    ls->started = true;
    return ls;
}

bool lease_held(struct lease *ls, unsigned shard, int64_t margin_ms)
{
    pthread_mutex_lock(&ls->mu);
    const struct shard_lease *h = &ls->sh[shard];
    bool ok = h->held && now_ms() + margin_ms < h->ok_ms + ls->ttl_ms;
    pthread_mutex_unlock(&ls->mu);
    return ok;
}

int lease_surplus(struct lease *ls)
{
    int found = -1;
    pthread_mutex_lock(&ls->mu);
    for (unsigned i = 0; i < ls->n && found < 0; i++)
        if (ls->sh[i].held && ls->sh[i].surplus)
            found = (int)i;
    pthread_mutex_unlock(&ls->mu);
    return found;
}

void lease_release(struct lease *ls, unsigned shard)
{
    pthread_mutex_lock(&ls->mu);
    bool held = ls->sh[shard].held;
    ls->sh[shard].held = ls->sh[shard].surplus = false;
    pthread_mutex_unlock(&ls->mu);
    if (!held)
        return;
    char key[32];
    shard_key(key, sizeof key, shard);
    kvStore_Delete(ls->kv, key);
}

void lease_alive(struct lease *ls)
{
    int64_t t = now_ms();
    pthread_mutex_lock(&ls->mu);
    ls->alive_ms = t;
    pthread_mutex_unlock(&ls->mu);
}

unsigned lease_workers(struct lease *ls)
{
    pthread_mutex_lock(&ls->mu);
    unsigned n = ls->live;
    pthread_mutex_unlock(&ls->mu);
    return n;
}

void lease_close(struct lease *ls)
{
    if (!ls)
        return;
    if (ls->started) {
        pthread_mutex_lock(&ls->mu);
        ls->stop = true;
        pthread_cond_signal(&ls->cv);
        pthread_mutex_unlock(&ls->mu);
        pthread_join(ls->th, NULL);
    }
    if (ls->kv) {
        for (unsigned i = 0; i < ls->n; i++)
            lease_release(ls, i);
        char hb[80];
        snprintf(hb, sizeof hb, "w.%s", ls->worker);
        kvStore_Delete(ls->kv, hb);
        kvStore_Destroy(ls->kv);
    }
    pthread_cond_destroy(&ls->cv);
    pthread_mutex_destroy(&ls->mu);
    free(ls->sh);
    free(ls);
}
