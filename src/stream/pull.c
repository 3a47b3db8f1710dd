/* pull.c: a durable pull consumer read over a plain subscription (pull.h). */
#include "stream/pull.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"
#include "stream/link.h"

/* One request open at a time: large, so a shard replaying at full speed
 * waits for a round trip once per this many messages (512: a worker took
 * 0.27 of a single node's rate in bench_workers.sh, 4096: 0.39). */
#define BATCH 4096
/* A request waits this long on the server for messages: an idle shard
 * costs one request a second, and a new message comes as soon as it is
 * stored. */
#define EXPIRES_MS 1000
/* Nothing from the open request for this long after its expiry: the server
 * lost it (restarted, or the link was cut), ask again. */
#define SILENT_MS 2000

struct pull {
    struct stream_link *l;
    natsSubscription *sub;
    natsInbox *inbox;
    char next[256]; /* where requests go */
    uint64_t req;   /* the open request's number, in its reply subject */
    int want;       /* messages the open request may still bring; 0: none open */
    int64_t heard_ms;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say_nats(char *err, size_t errlen, const char *what, const char *name, natsStatus s)
{
    const char *why = nats_GetLastError(NULL);
    snprintf(err, errlen, "%s %s: %s", what, name, why && *why ? why : natsStatus_GetText(s));
}

struct pull *pull_open(struct stream_link *l, const char *durable, const char *filter, uint64_t from,
                       int64_t ack_wait_s, int64_t max_ack_pending, char *err, size_t errlen)
{
    jsErrCode jerr = 0;
    js_DeleteConsumer(l->js, l->url.stream, durable, NULL, &jerr);
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = durable;
    cc.FilterSubject = filter;
    cc.DeliverPolicy = from > 1 ? js_DeliverByStartSequence : js_DeliverAll;
    cc.OptStartSeq = from > 1 ? from : 0;
    cc.AckPolicy = js_AckAll;
    cc.AckWait = ack_wait_s * 1000000000LL;
    cc.MaxAckPending = max_ack_pending;
    cc.MaxDeliver = -1;
    jsConsumerInfo *ci = NULL;
    jerr = 0;
    natsStatus s = js_AddConsumer(&ci, l->js, l->url.stream, &cc, NULL, &jerr);
    jsConsumerInfo_Destroy(ci);
    if (s != NATS_OK) {
        say_nats(err, errlen, "consumer", durable, s);
        return NULL;
    }
    struct pull *p = xcalloc(1, sizeof *p);
    p->l = l;
    snprintf(p->next, sizeof p->next, "$JS.API.CONSUMER.MSG.NEXT.%s.%s", l->url.stream, durable);
    char subject[128];
    if ((s = natsInbox_Create(&p->inbox)) == NATS_OK) {
        snprintf(subject, sizeof subject, "%s.*", p->inbox);
        s = natsConnection_SubscribeSync(&p->sub, l->nc, subject);
    }
    if (s != NATS_OK) {
        say_nats(err, errlen, "subscription for", durable, s);
        pull_close(p);
        return NULL;
    }
    return p;
}

static void request(struct pull *p, int64_t now)
{
    if (natsConnection_Status(p->l->nc) != NATS_CONN_STATUS_CONNECTED)
        return; /* a request held while reconnecting would wait on a server that forgot the consumer's state */
    char reply[128], body[96];
    snprintf(reply, sizeof reply, "%s.%" PRIu64, p->inbox, ++p->req);
    snprintf(body, sizeof body, "{\"batch\":%d,\"expires\":%lld}", BATCH, (long long)EXPIRES_MS * 1000000);
    /* Not sent (the link is down): asked again at the next call. */
    if (natsConnection_PublishRequestString(p->l->nc, p->next, reply, body) == NATS_OK)
        p->want = BATCH;
    p->heard_ms = now;
}

/* The request number a status message answers, from its subject (our
 * reply subject); 0 when it is not ours. */
static uint64_t status_of(const struct pull *p, natsMsg *m)
{
    const char *subj = natsMsg_GetSubject(m);
    size_t n = strlen(p->inbox);
    if (!subj || strncmp(subj, p->inbox, n) || subj[n] != '.')
        return 0;
    return strtoull(subj + n + 1, NULL, 10);
}

int pull_take(struct pull *p, natsMsg **out, int max)
{
    int64_t now = mono_ms();
    int n = 0, queued = 0, bytes = 0;
    /* Only what is queued: asking for more would leave a "timeout" as the
     * thread's last error, which a later failure would be reported with. */
    natsSubscription_GetPending(p->sub, &queued, &bytes);
    while (n < max && queued-- > 0) {
        natsMsg *m = NULL;
        if (natsSubscription_NextMsg(&m, p->sub, 0) != NATS_OK)
            break;
        const char *status = NULL;
        if (natsMsg_GetDataLength(m) == 0 && natsMsgHeader_Get(m, "Status", &status) == NATS_OK) {
            /* The end of a request (404 nothing, 408 expired, 409 ...);
             * one we gave up on ends nothing. */
            if (status_of(p, m) == p->req)
                p->want = 0;
            natsMsg_Destroy(m);
            continue;
        }
        out[n++] = m;
        if (p->want > 0)
            p->want--;
        p->heard_ms = now;
    }
    /* Asked after reading what came, so the end of the open request, when
     * it is here, is seen first. */
    if (p->want == 0 || now - p->heard_ms > EXPIRES_MS + SILENT_MS)
        request(p, now);
    return n;
}

bool pull_ack(struct pull *p, natsMsg *m)
{
    /* Not while reconnecting: the client would hold it and hand it to a
     * server that may have restarted with an older state of the consumer,
     * whose floors it would move past deliveries it makes again (they would
     * then stay pending for ever). Unsent, the message comes back after
     * AckWait and is acknowledged then. */
    if (natsConnection_Status(p->l->nc) != NATS_CONN_STATUS_CONNECTED)
        return false;
    const char *reply = natsMsg_GetReply(m);
    if (reply && *reply)
        natsConnection_PublishString(p->l->nc, reply, "+ACK");
    return true;
}

void pull_close(struct pull *p)
{
    if (!p)
        return;
    if (p->sub) {
        natsSubscription_Unsubscribe(p->sub);
        natsSubscription_Destroy(p->sub);
    }
    natsInbox_Destroy(p->inbox);
    free(p);
}
