/* publish.c: the publishing receiver's sink (publish.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pipeline/pipeline.h"
#include "stream/link.h"
#include "stream/obs.h"
#include "stream/publish.h"
#include "stream/spool.h"

#define RETRY_MS 1000 /* after a failure, the link is tried again this much later */
#define SYNC_MS 200   /* spool fdatasync at most this often */

/* E_REJECTED: refused for what it is (larger than the stream takes), not
 * because of the link: sending it again would be refused again. */
enum entry_state { E_FREE, E_PENDING, E_ACKED, E_REJECTED, E_FAILED };

/* One publish not yet acknowledged, in the ring in the order sent. */
struct entry {
    enum entry_state state;
    natsMsg *msg;         /* the library's while pending: matched with its ack by address */
    bool from_spool;
    struct spool_pos pos; /* from_spool: where the record is */
    struct obs o;         /* !from_spool: the observation, o.data in buf (to spool it if the link dies) */
    uint8_t *buf;
    size_t cap;
    bool dup;
    int64_t sent_ms;
};

struct ack {
    natsMsg *msg;
    bool ok, dup, reject;
};

/* Acks queued by the library's thread; two, swapped, so neither is freed
 * while running (freeing large blocks each tick costs malloc a sweep). */
struct ackq {
    struct ack *v;
    size_t n, cap;
};

struct publish {
    struct publish_config cfg;
    struct stream_url url;
    char url_text[512], receiver[OBS_RECEIVER_MAX], spool_dir[4096];
    struct stream_link *link;
    jsCtx *js;           /* ours, on the link's connection, with the ack handler */
    struct spool *sp;
    uint64_t boot, seq;
    /* The ring of unacknowledged publishes. */
    struct entry *ring;
    unsigned cap, head, n;
    /* Acks from the library's thread. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct ackq q, spare;
    char ack_err[128];   /* the first refusal's reason since the last look */
    /* Connecting in the background while the server is away at start. */
    pthread_t connector;
    bool connector_running;
    atomic_bool stop;
    struct stream_link *new_link;
    char link_err[256];  /* why the last try failed */
    char link_err_shown[256];
    /* Link state. */
    bool down;           /* not sending: spooling */
    int64_t retry_ms;    /* when down: try again from then */
    bool healthy;        /* acks arrived since the last failure */
    int64_t last_sync_ms;
    uint8_t text[OBS_MAX_PAYLOAD]; /* a text message with its line end */
    struct publish_stats st;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void publish_default_receiver(char *out, size_t n)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        snprintf(host, sizeof host, "receiver");
    size_t len = strlen(host);
    if (len >= OBS_RECEIVER_MAX)
        len = OBS_RECEIVER_MAX - 1;
    for (size_t i = 0; i < len; i++) {
        char c = host[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            host[i] = '-';
    }
    host[len] = 0;
    snprintf(out, n, "%s", host);
}

void publish_default_spool(char *out, size_t n, const char *receiver)
{
    const char *sd = getenv("STATE_DIRECTORY"), *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (sd && *sd == '/' && !strchr(sd, ':')) /* systemd's StateDirectory= (one folder) */
        snprintf(out, n, "%s/spool/%s", sd, receiver);
    else if (xdg && *xdg == '/')
        snprintf(out, n, "%s/atalaya/spool/%s", xdg, receiver);
    else if (home && *home == '/')
        snprintf(out, n, "%s/.local/state/atalaya/spool/%s", home, receiver);
    else
        snprintf(out, n, "atalaya-spool-%s", receiver);
}

/* mkdir -p of the spool folder's parents. */
static void make_parents(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
}

/* ------------------------------------------------------------ acks */

/* The library's thread: queue, never touch the ring. */
static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    struct publish *pb = closure;
    pthread_mutex_lock(&pb->mu);
    struct ackq *q = &pb->q;
    if (q->n == q->cap && !(q->v = realloc(q->v, (q->cap = q->cap ? 2 * q->cap : 1024) * sizeof *q->v)))
        abort();
    struct ack *a = &q->v[q->n++];
    a->msg = msg;
    a->ok = pa != NULL;
    a->dup = pa && pa->Duplicate;
    a->reject = pae && pae->ErrCode == JSStreamMessageExceedsMaximumErr;
    if (!pa && !a->reject && !pb->ack_err[0])
        snprintf(pb->ack_err, sizeof pb->ack_err, "%s", pae && pae->ErrText ? pae->ErrText
                                                     : pae ? natsStatus_GetText(pae->Err) : "refused");
    pthread_cond_signal(&pb->cv);
    pthread_mutex_unlock(&pb->mu);
}

static struct entry *ring_at(struct publish *pb, unsigned i)
{
    return &pb->ring[(pb->head + i) % pb->cap];
}

/* Acknowledged entries leave the ring from its head, in the order sent, so
 * the spool hears of its records in order. */
static void pop_acked(struct publish *pb)
{
    while (pb->n && (ring_at(pb, 0)->state == E_ACKED || ring_at(pb, 0)->state == E_REJECTED)) {
        struct entry *e = ring_at(pb, 0);
        if (e->state == E_REJECTED)
            pb->st.rejected++;
        else
            pb->st.acknowledged++;
        if (e->dup)
            pb->st.duplicates++;
        if (e->from_spool) {
            pb->st.drained += e->state == E_ACKED;
            spool_acked(pb->sp, &e->pos);
        }
        e->state = E_FREE;
        pb->head = (pb->head + 1) % pb->cap;
        pb->n--;
    }
}

/* The queued acks onto the ring. Returns false when a publish was refused
 * (err filled). */
static bool take_acks(struct publish *pb, char *err, size_t errn)
{
    pthread_mutex_lock(&pb->mu);
    struct ackq taken = pb->q;
    pb->q = pb->spare;
    pb->spare = taken;
    char why[sizeof pb->ack_err];
    memcpy(why, pb->ack_err, sizeof why);
    pb->ack_err[0] = 0;
    pthread_mutex_unlock(&pb->mu);
    const struct ack *q = taken.v;
    size_t qn = taken.n;
    bool ok = true;
    for (size_t i = 0; i < qn; i++) {
        for (unsigned k = 0; k < pb->n; k++) {
            struct entry *e = ring_at(pb, k);
            if (e->state != E_PENDING || e->msg != q[i].msg)
                continue;
            e->msg = NULL;
            e->state = q[i].ok ? E_ACKED : q[i].reject ? E_REJECTED : E_FAILED;
            e->dup = q[i].dup;
            if (q[i].reject)
                fprintf(stderr, "%s: stream %s: a message larger than the stream takes, refused and dropped\n",
                        pb->cfg.who, pb->url_text);
            if (!q[i].ok && !q[i].reject && ok) {
                snprintf(err, errn, "publish refused: %s", why);
                ok = false;
            }
            if (q[i].ok && !pb->healthy) {
                pb->healthy = true;
                if (pb->st.outages) {
                    struct spool_stats ss;
                    spool_get_stats(pb->sp, &ss);
                    fprintf(stderr, "%s: stream %s: acknowledging again; %" PRIu64 " spooled messages to send\n",
                            pb->cfg.who, pb->url_text, ss.records);
                }
            }
            break;
        }
        natsMsg_Destroy(q[i].msg);
        pop_acked(pb); /* acks come in order: the next one is then at the head */
    }
    pb->spare.n = 0;
    return ok;
}

/* ------------------------------------------------------------ failure */

static void note_spool_errors(struct publish *pb)
{
    uint64_t d = spool_take_dropped(pb->sp);
    if (d)
        fprintf(stderr, "%s: spool %s full (%" PRIu64 " bytes): dropped its oldest %" PRIu64 " messages\n",
                pb->cfg.who, pb->spool_dir, pb->cfg.spool_max, d);
}

/* What the ring holds unacknowledged goes back to the spool, in the order
 * sent: records from the spool are read again, the others appended. */
static void give_back(struct publish *pb)
{
    char err[256];
    take_acks(pb, err, sizeof err);
    if (pb->js) {
        natsMsgList pending = {0};
        /* Their acks will not come (or come too late): the library lets go. */
        if (js_PublishAsyncGetPendingList(&pending, pb->js) == NATS_OK)
            natsMsgList_Destroy(&pending);
    }
    spool_rewind(pb->sp);
    for (unsigned k = 0; k < pb->n; k++) {
        struct entry *e = ring_at(pb, k);
        if (!e->from_spool && e->state != E_ACKED && e->state != E_REJECTED) {
            if (spool_append(pb->sp, &e->o) == 0)
                pb->st.spooled++;
        } else if (!e->from_spool) {
            /* Answered beyond an unanswered one: in the stream (or refused for good). */
            if (e->state == E_ACKED)
                pb->st.acknowledged++;
            else
                pb->st.rejected++;
        }
        e->state = E_FREE;
        e->msg = NULL;
    }
    pb->head = pb->n = 0;
}

/* The link is away (or refused): the ring back to the spool, and every
 * message after it there too until the link is tried again. */
static void link_failed(struct publish *pb, const char *why)
{
    give_back(pb);
    if (pb->healthy || pb->st.outages == 0) {
        struct spool_stats ss;
        spool_get_stats(pb->sp, &ss);
        fprintf(stderr, "%s: stream %s: %s; spooling to %s (%" PRIu64 " messages held)\n", pb->cfg.who,
                pb->url_text, why, pb->spool_dir, ss.records);
        pb->st.outages++;
    }
    pb->down = true;
    pb->healthy = false;
    pb->retry_ms = mono_ms() + RETRY_MS;
}

/* ------------------------------------------------------------ sending */

/* One observation out. Returns false when the publish failed at once (the
 * link is then marked failed). */
static bool send_obs(struct publish *pb, const struct obs *o, const struct spool_pos *pos)
{
    struct entry *e = ring_at(pb, pb->n);
    /* In the ring before anything can fail, so a failure spools it. */
    e->state = E_FAILED;
    e->msg = NULL;
    e->dup = false;
    pb->n++;
    e->from_spool = pos != NULL;
    if (pos) {
        e->pos = *pos;
    } else {
        if (e->cap < o->len && !(e->buf = realloc(e->buf, e->cap = o->len < 256 ? 256 : o->len)))
            abort();
        memcpy(e->buf, o->data, o->len);
        e->o = *o;
        e->o.data = e->buf;
    }
    char subj[64], v[128];
    obs_subject(subj, sizeof subj, obs_shard(o->kind, o->id, pb->url.shards));
    natsMsg *m = NULL;
    if (natsMsg_Create(&m, subj, NULL, (const char *)o->data, (int)o->len) != NATS_OK) {
        link_failed(pb, "cannot make a message");
        return false;
    }
    snprintf(v, sizeof v, "%" PRId64, o->t_ms);
    natsStatus s = natsMsgHeader_Set(m, OBS_H_TIME, v);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, OBS_H_RECEIVER, o->receiver);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, OBS_H_SOURCE, obs_source_name(o->source));
    obs_entity_format(v, sizeof v, o->kind, o->id);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, OBS_H_ENTITY, v);
    obs_msgid_format(v, sizeof v, o);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, OBS_H_MSGID, v);
    if (s != NATS_OK) {
        natsMsg_Destroy(m);
        link_failed(pb, "cannot make a message");
        return false;
    }
    e->msg = m;
    e->state = E_PENDING;
    e->sent_ms = mono_ms();
    pb->st.published++;
    natsMsg *give = m;
    s = js_PublishMsgAsync(pb->js, &give, NULL);
    if (s != NATS_OK) {
        natsMsg_Destroy(give);
        e->msg = NULL;
        e->state = E_FAILED;
        char why[160];
        snprintf(why, sizeof why, "publish: %s", natsStatus_GetText(s));
        link_failed(pb, why);
        return false;
    }
    return true;
}

static bool link_usable(struct publish *pb)
{
    return !pb->down && pb->js && stream_link_connected(pb->link);
}

/* Spool records out while the ring has room. */
static void pump(struct publish *pb)
{
    struct obs o;
    struct spool_pos pos;
    while (link_usable(pb) && pb->n < pb->cap && spool_next(pb->sp, &o, &pos) == 1)
        if (!send_obs(pb, &o, &pos))
            return;
}

/* Up to ms for the library's thread to queue an ack. */
static void wait_acks(struct publish *pb, int ms)
{
    pthread_mutex_lock(&pb->mu);
    if (!pb->q.n) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += ms * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000;
        ts.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&pb->cv, &pb->mu, &ts);
    }
    pthread_mutex_unlock(&pb->mu);
}

/* The ring is full: acks first (the pipeline waits, as it would for a slow
 * disk). Returns false when the link failed meanwhile. */
static bool wait_room(struct publish *pb)
{
    char err[256];
    while (pb->n == pb->cap) {
        if (!take_acks(pb, err, sizeof err)) {
            link_failed(pb, err);
            return false;
        }
        if (pb->n < pb->cap)
            break;
        if (mono_ms() - ring_at(pb, 0)->sent_ms > pb->cfg.ack_timeout_ms || !stream_link_connected(pb->link)) {
            link_failed(pb, stream_link_connected(pb->link) ? "acknowledgements overdue" : "connection lost");
            return false;
        }
        wait_acks(pb, 10);
    }
    return true;
}

static void take(struct publish *pb, const struct obs *o)
{
    pb->st.taken++;
    /* Decided once: a message spooled while the ring still holds older
     * ones would go out before them when the ring is given back. */
    bool up = link_usable(pb);
    if (!up && !pb->down && pb->link)
        link_failed(pb, "connection lost");
    if (up && spool_read_all(pb->sp) && (pb->n < pb->cap || wait_room(pb))) {
        send_obs(pb, o, NULL);
        return;
    }
    if (spool_append(pb->sp, o) == 0)
        pb->st.spooled++;
    note_spool_errors(pb);
    pump(pb);
}

static enum obs_source source_of(enum pipeline_format f)
{
    switch (f) {
    case PL_BEAST: return OBS_BEAST;
    case PL_AVR: return OBS_AVR;
    case PL_SBS: return OBS_SBS;
    default: return OBS_NMEA;
    }
}

static void on_message(void *ctx, const struct pipeline_message *m)
{
    struct publish *pb = ctx;
    enum obs_source src = source_of(m->format);
    bool text = src != OBS_BEAST;
    if (!m->kind || !m->raw || !m->len || m->len + text > OBS_MAX_PAYLOAD) {
        pb->st.skipped++;
        return;
    }
    struct obs o = {.t_ms = m->time_ms, .source = src, .kind = m->kind, .id = m->id, .boot = pb->boot,
                    .seq = ++pb->seq, .data = m->raw, .len = m->len};
    memcpy(o.receiver, pb->receiver, sizeof o.receiver);
    if (text) {
        /* On the wire, text keeps its line end (obs.h). */
        memcpy(pb->text, m->raw, m->len);
        pb->text[m->len] = '\n';
        o.data = pb->text;
        o.len = m->len + 1;
    }
    take(pb, &o);
}

void publish_sink(struct publish *pb, struct pipeline_sink *s)
{
    memset(s, 0, sizeof *s);
    s->ctx = pb;
    s->message = on_message;
}

/* ------------------------------------------------------------ the link */

static void *connector_main(void *arg)
{
    struct publish *pb = arg;
    char err[256];
    while (!atomic_load(&pb->stop)) {
        struct stream_link *l = stream_link_open(&pb->url, 0, err, sizeof err);
        pthread_mutex_lock(&pb->mu);
        if (l)
            pb->new_link = l;
        else
            snprintf(pb->link_err, sizeof pb->link_err, "%s", err);
        pthread_mutex_unlock(&pb->mu);
        if (l)
            break;
        for (int i = 0; i < 10 && !atomic_load(&pb->stop); i++)
            nats_Sleep(100);
    }
    return NULL;
}

static int adopt(struct publish *pb, struct stream_link *l, char *err, size_t errn)
{
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = pb->cfg.ack_timeout_ms;
    jo.PublishAsync.AckHandler = on_ack;
    jo.PublishAsync.AckHandlerClosure = pb;
    jo.PublishAsync.MaxPending = pb->cap;
    natsStatus s = natsConnection_JetStream(&pb->js, l->nc, &jo);
    if (s != NATS_OK) {
        snprintf(err, errn, "JetStream: %s", natsStatus_GetText(s));
        stream_link_close(l);
        return -1;
    }
    pb->link = l;
    pb->down = false;
    return 0;
}

static void start_connector(struct publish *pb)
{
    if (pthread_create(&pb->connector, NULL, connector_main, pb) == 0)
        pb->connector_running = true;
}

void publish_tick(struct publish *pb)
{
    char err[256];
    if (!pb->link && pb->connector_running) {
        pthread_mutex_lock(&pb->mu);
        struct stream_link *l = pb->new_link;
        pb->new_link = NULL;
        /* Said once per reason: a refused stream reads differently from an absent server. */
        bool changed = pb->link_err[0] && strcmp(pb->link_err, pb->link_err_shown) != 0;
        if (changed)
            memcpy(pb->link_err_shown, pb->link_err, sizeof pb->link_err_shown);
        pthread_mutex_unlock(&pb->mu);
        if (changed && !l)
            fprintf(stderr, "%s: stream %s: %s\n", pb->cfg.who, pb->url_text, pb->link_err_shown);
        if (l) {
            pthread_join(pb->connector, NULL);
            pb->connector_running = false;
            if (adopt(pb, l, err, sizeof err) == 0) {
                struct spool_stats ss;
                spool_get_stats(pb->sp, &ss);
                fprintf(stderr, "%s: stream %s: connected; sending the %" PRIu64 " spooled messages first\n",
                        pb->cfg.who, pb->url_text, ss.records);
            } else {
                fprintf(stderr, "%s: stream %s: %s\n", pb->cfg.who, pb->url_text, err);
                start_connector(pb);
            }
        }
    }
    if (!take_acks(pb, err, sizeof err))
        link_failed(pb, err);
    else if (pb->n && ring_at(pb, 0)->state == E_PENDING && mono_ms() - ring_at(pb, 0)->sent_ms > pb->cfg.ack_timeout_ms)
        link_failed(pb, "acknowledgements overdue");
    else if (!pb->down && pb->link && !stream_link_connected(pb->link))
        link_failed(pb, "connection lost");
    else if (!pb->link && !pb->down)
        pb->down = true;
    if (pb->down && pb->js && stream_link_connected(pb->link) && mono_ms() >= pb->retry_ms)
        pb->down = false;
    pump(pb);
    int64_t now = mono_ms();
    if (now - pb->last_sync_ms >= SYNC_MS) {
        pb->last_sync_ms = now;
        if (spool_sync(pb->sp) != 0)
            fprintf(stderr, "%s: spool: %s\n", pb->cfg.who, spool_error(pb->sp));
    }
    note_spool_errors(pb);
}

bool publish_flush(struct publish *pb, int wait_ms)
{
    int64_t until = mono_ms() + wait_ms;
    for (;;) {
        publish_tick(pb);
        if (!pb->n && spool_empty(pb->sp))
            return true;
        if (mono_ms() >= until)
            return false;
        wait_acks(pb, 20);
    }
}

struct publish *publish_open(const struct publish_config *c, char *err, size_t errn)
{
    struct publish *pb = calloc(1, sizeof *pb);
    if (!pb)
        abort();
    pb->cfg = *c;
    if (!pb->cfg.who)
        pb->cfg.who = "atalaya";
    if (!pb->cfg.spool_max)
        pb->cfg.spool_max = PUBLISH_SPOOL_MAX_DEFAULT;
    if (!pb->cfg.max_inflight)
        pb->cfg.max_inflight = PUBLISH_INFLIGHT_DEFAULT;
    if (pb->cfg.ack_timeout_ms <= 0)
        pb->cfg.ack_timeout_ms = PUBLISH_ACK_TIMEOUT_DEFAULT;
    pthread_mutex_init(&pb->mu, NULL);
    pthread_cond_init(&pb->cv, NULL);
    if (stream_url_parse(c->url, &pb->url, err, errn) != 0) {
        publish_close(pb);
        return NULL;
    }
    snprintf(pb->url_text, sizeof pb->url_text, "%s", c->url);
    if (c->receiver)
        snprintf(pb->receiver, sizeof pb->receiver, "%s", c->receiver);
    else
        publish_default_receiver(pb->receiver, sizeof pb->receiver);
    if (!obs_receiver_ok(pb->receiver) || (c->receiver && strlen(c->receiver) >= OBS_RECEIVER_MAX)) {
        snprintf(err, errn, "receiver name '%s': 1-63 of A-Z a-z 0-9 _ -", c->receiver ? c->receiver : pb->receiver);
        publish_close(pb);
        return NULL;
    }
    if (c->spool_dir)
        snprintf(pb->spool_dir, sizeof pb->spool_dir, "%s", c->spool_dir);
    else
        publish_default_spool(pb->spool_dir, sizeof pb->spool_dir, pb->receiver);
    make_parents(pb->spool_dir);
    if (!(pb->sp = spool_open(pb->spool_dir, pb->cfg.spool_max, err, errn))) {
        publish_close(pb);
        return NULL;
    }
    struct spool_stats ss;
    spool_get_stats(pb->sp, &ss);
    pb->st.found = ss.found;
    if (ss.found || ss.torn)
        fprintf(stderr, "%s: spool %s: %" PRIu64 " messages left by an earlier run%s\n", pb->cfg.who, pb->spool_dir,
                ss.found, ss.torn ? " (a torn end cut off)" : "");
    pb->cap = pb->cfg.max_inflight;
    if (!(pb->ring = calloc(pb->cap, sizeof *pb->ring)))
        abort();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    pb->boot = (uint64_t)ts.tv_sec * 1000 + (uint64_t)(ts.tv_nsec / 1000000);
    char why[256];
    struct stream_link *l = stream_link_open(&pb->url, 0, why, sizeof why);
    if (l && adopt(pb, l, why, sizeof why) == 0) {
        pump(pb);
    } else {
        fprintf(stderr, "%s: stream %s: %s; spooling to %s and trying again every second\n", pb->cfg.who,
                pb->url_text, why, pb->spool_dir);
        snprintf(pb->link_err_shown, sizeof pb->link_err_shown, "%s", why);
        pb->down = true;
        pb->st.outages = 1;
        start_connector(pb);
    }
    return pb;
}

void publish_get_stats(struct publish *pb, struct publish_stats *out)
{
    struct spool_stats ss;
    *out = pb->st;
    if (pb->sp) {
        spool_get_stats(pb->sp, &ss);
        out->dropped = ss.dropped + ss.write_errors;
        out->torn = ss.torn;
        out->spool_records = ss.records;
        out->spool_bytes = ss.bytes;
    }
    out->connected = link_usable(pb);
}

void publish_print_stats(struct publish *pb, FILE *f)
{
    struct publish_stats s;
    publish_get_stats(pb, &s);
    fprintf(f,
            "%s: publish %s as %s: taken %" PRIu64 " (skipped %" PRIu64 "), published %" PRIu64
            ", acknowledged %" PRIu64 " (duplicates %" PRIu64 "), spooled %" PRIu64 ", drained %" PRIu64
            ", found %" PRIu64 ", dropped %" PRIu64 ", rejected %" PRIu64 ", torn %" PRIu64 ", outages %" PRIu64
            "; spool %" PRIu64 " messages, %" PRIu64 " bytes; %s\n",
            pb->cfg.who, pb->url_text, pb->receiver, s.taken, s.skipped, s.published, s.acknowledged, s.duplicates,
            s.spooled, s.drained, s.found, s.dropped, s.rejected, s.torn, s.outages, s.spool_records, s.spool_bytes,
            s.connected ? "connected" : "not connected");
}

void publish_close(struct publish *pb)
{
    if (!pb)
        return;
    atomic_store(&pb->stop, true);
    if (pb->connector_running)
        pthread_join(pb->connector, NULL);
    if (pb->new_link)
        stream_link_close(pb->new_link);
    if (pb->sp)
        give_back(pb); /* unacknowledged: to the spool for the next run */
    if (pb->js)
        jsCtx_Destroy(pb->js);
    stream_link_close(pb->link);
    /* Acks queued after the last look own their messages. */
    for (size_t i = 0; i < pb->q.n; i++)
        natsMsg_Destroy(pb->q.v[i].msg);
    free(pb->q.v);
    free(pb->spare.v);
    spool_close(pb->sp);
    for (unsigned i = 0; pb->ring && i < pb->cap; i++)
        free(pb->ring[i].buf);
    free(pb->ring);
    pthread_cond_destroy(&pb->cv);
    pthread_mutex_destroy(&pb->mu);
    free(pb);
}
