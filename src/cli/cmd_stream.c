/* cmd_stream.c: `atalaya stream`: what the observation stream (stream/)
 * holds, for operators and tests:
 *   stream info URL     messages per shard and in all (link.h stream_link_counts)
 *   stream dump URL     one line per message, in stream order (an ordered
 *                       consumer: nothing is acknowledged or changed)
 *   stream spool DIR    what a receiver's spool holds (stream/spool.h): its
 *                       torn ends are cut off as the receiver would
 * Opening the link makes the stream when it is missing (link.h), so `info`
 * on a new URL shows an empty stream. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stream/link.h"
#include "stream/obs.h"
#include "stream/spool.h"

static const char usage[] =
    "usage: atalaya stream info nats://HOST[:PORT][?stream=NAME&shards=N]\n"
    "       atalaya stream dump nats://HOST[:PORT][?stream=NAME&shards=N]\n"
    "       atalaya stream spool DIR\n"
    "  info:  the stream's messages per shard (\"shard N COUNT\") and in all (\"total COUNT\")\n"
    "  dump:  every message in stream order, one line each:\n"
    "         SEQ SHARD ENTITY RECEIVER SOURCE TIME_MS MSG-ID BYTES (nothing is consumed)\n"
    "  spool: what a publishing receiver's spool folder holds (not while that receiver runs)\n"
    "  The URL's shards must be the count the stream was made with (default 16).\n";

static struct stream_link *open_link(const char *url, struct stream_url *u)
{
    char err[512];
    if (stream_url_parse(url, u, err, sizeof err) != 0) {
        fprintf(stderr, "atalaya stream: %s\n", err);
        return NULL;
    }
    struct stream_link *l = stream_link_open(u, 0, err, sizeof err);
    if (!l)
        fprintf(stderr, "atalaya stream: %s\n", err);
    return l;
}

static int info(const char *url)
{
    struct stream_url u;
    struct stream_link *l = open_link(url, &u);
    if (!l)
        return 1;
    uint64_t *counts = calloc(u.shards, sizeof *counts), total;
    if (!counts)
        abort();
    int rc = 0;
    if (stream_link_counts(l, counts, u.shards, &total) != 0) {
        fprintf(stderr, "atalaya stream: %s\n", l->err);
        rc = 1;
    } else {
        printf("stream %s: %u shards\n", u.stream, u.shards);
        for (unsigned i = 0; i < u.shards; i++)
            printf("shard %u %" PRIu64 "\n", i, counts[i]);
        printf("total %" PRIu64 "\n", total);
    }
    free(counts);
    stream_link_close(l);
    return rc;
}

static const char *header(natsMsg *m, const char *key)
{
    const char *v = NULL;
    return natsMsgHeader_Get(m, key, &v) == NATS_OK && v ? v : "-";
}

static int dump(const char *url)
{
    struct stream_url u;
    struct stream_link *l = open_link(url, &u);
    if (!l)
        return 1;
    uint64_t one, total;
    if (stream_link_counts(l, &one, 1, &total) != 0) {
        fprintf(stderr, "atalaya stream: %s\n", l->err);
        stream_link_close(l);
        return 1;
    }
    int rc = 0;
    natsSubscription *sub = NULL;
    if (total) {
        jsSubOptions so;
        jsSubOptions_Init(&so);
        so.Stream = u.stream;
        so.Ordered = true;
        so.Config.DeliverPolicy = js_DeliverAll;
        jsErrCode jerr = 0;
        natsStatus s = js_SubscribeSync(&sub, l->js, OBS_SUBJECTS, NULL, &so, &jerr);
        if (s != NATS_OK) {
            fprintf(stderr, "atalaya stream: subscribe: %s\n", natsStatus_GetText(s));
            stream_link_close(l);
            return 1;
        }
    }
    /* The messages held when we looked; a publisher still sending adds more,
     * not shown. */
    for (uint64_t got = 0; got < total; got++) {
        natsMsg *m = NULL;
        if (natsSubscription_NextMsg(&m, sub, 5000) != NATS_OK) {
            fprintf(stderr, "atalaya stream: %" PRIu64 " of %" PRIu64 " messages read, then nothing for 5 s\n", got,
                    total);
            rc = 1;
            break;
        }
        jsMsgMetaData *md = NULL;
        uint64_t seq = natsMsg_GetMetaData(&md, m) == NATS_OK ? md->Sequence.Stream : 0;
        jsMsgMetaData_Destroy(md);
        printf("%" PRIu64 " %d %s %s %s %s %s %d\n", seq, obs_subject_shard(natsMsg_GetSubject(m)),
               header(m, OBS_H_ENTITY), header(m, OBS_H_RECEIVER), header(m, OBS_H_SOURCE), header(m, OBS_H_TIME),
               header(m, OBS_H_MSGID), natsMsg_GetDataLength(m));
        natsMsg_Destroy(m);
    }
    if (sub) {
        natsSubscription_Unsubscribe(sub);
        natsSubscription_Destroy(sub);
    }
    stream_link_close(l);
    return rc;
}

static int spool_cmd(const char *dir)
{
    char err[4400];
    struct spool *sp = spool_open(dir, UINT64_MAX, err, sizeof err);
    if (!sp) {
        fprintf(stderr, "atalaya stream: %s\n", err);
        return 1;
    }
    struct spool_stats st;
    spool_get_stats(sp, &st);
    printf("spool %s: %" PRIu64 " messages, %" PRIu64 " bytes in %u files; torn ends cut off %" PRIu64 "\n", dir,
           st.records, st.bytes, st.files, st.torn);
    spool_close(sp);
    return 0;
}

int cmd_stream(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc != 3) {
        fputs(usage, stderr);
        return 1;
    }
    if (!strcmp(argv[1], "info"))
        return info(argv[2]);
    if (!strcmp(argv[1], "dump"))
        return dump(argv[2]);
    if (!strcmp(argv[1], "spool"))
        return spool_cmd(argv[2]);
    fprintf(stderr, "atalaya stream: unknown action '%s'\n", argv[1]);
    fputs(usage, stderr);
    return 1;
}
