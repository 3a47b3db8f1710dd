/* pull.h: a durable JetStream pull consumer read over a plain NATS
 * subscription, the way a stream worker's shard reads its messages.
 *
 * Why not libnats's own pull subscription (js_PullSubscribe + Fetch): in
 * libnats 3.4 (Debian's), a fetch that finds messages a previous request
 * left in the subscription asks the server for the batch minus those, then
 * compares its count with that smaller number, and runs past the end of its
 * array when more than half a batch was waiting (a worker replaying a shard
 * at full speed hits it: a heap overflow under ASan, a crash without). Here
 * one request is open at a time, each a long poll with an expiry, and its
 * messages are taken as they come without a fixed array.
 *
 * Protocol (JetStream's, docs.nats.io "consumer pull requests"): a request
 * {"batch":N,"expires":NS} to $JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>
 * with a reply subject of our own; the server sends up to N messages to it,
 * and ends a request it did not fill with a status message (404, 408, 409).
 * Acknowledgement: "+ACK" published to a message's reply subject. */
#ifndef ATALAYA_STREAM_PULL_H
#define ATALAYA_STREAM_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

struct stream_link;
struct pull;

/* Deletes the durable consumer `durable` if it exists and makes it again
 * over `filter` from the stream's sequence `from` (1: the start; AckAll,
 * ack_wait_s, at most max_ack_pending unacknowledged), then subscribes.
 * NULL with err. */
struct pull *pull_open(struct stream_link *l, const char *durable, const char *filter, uint64_t from,
                       int64_t ack_wait_s, int64_t max_ack_pending, char *err, size_t errlen);
/* Up to max messages that have arrived, into out (the caller destroys
 * them); never waits. Asks for more when no request is open or the open one
 * went silent (a restarted server forgets requests). Returns the count. */
int pull_take(struct pull *p, natsMsg **out, int max);
/* Acknowledges m (with AckAll: every message up to it). false when not
 * sent (the link is down). */
bool pull_ack(struct pull *p, natsMsg *m);
/* Unsubscribes; the consumer stays on the server. */
void pull_close(struct pull *p);

#endif
