/* test_publish.c: the publishing sink (stream/publish.h).
 *   offline: no server on the port: every message goes to the spool, as the
 *     stream would have it (text with its line end, Beast as given, seq 1, 2,
 *     ...), messages naming no entity skipped;
 *   with ATALAYA_TEST_NATS (tests/sh/stream_publish.sh runs it with a fresh
 *     nats-server): a stream that takes smaller messages than one sent
 *     refuses it; that message is counted and dropped, the others go on
 *     (sending it again would be refused again, for ever). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pipeline/pipeline.h"
#include "stream/link.h"
#include "stream/obs.h"
#include "stream/publish.h"
#include "stream/spool.h"
#include "test.h"
#include "tmp_dir.h"
#include "track/track.h"

static char dir[64];

/* A 127.0.0.1 port nothing listens on (bound, then let go). */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &n);
    close(fd);
    return ntohs(a.sin_port);
}

static void feed(struct pipeline_sink *s, enum pipeline_format f, uint8_t kind, uint32_t id, const char *raw, size_t len)
{
    struct pipeline_message m = {.format = f, .time_ms = 1700000000000, .kind = kind, .id = id,
                                 .raw = (const uint8_t *)raw, .len = len};
    s->message(s->ctx, &m);
}

/* A publisher to url as receiver, spooling to a fresh dir, and its sink in s;
 * NULL (a failed check) when it does not open. */
static struct publish *open_publisher(const char *url, const char *receiver, struct pipeline_sink *s)
{
    char err[4400];
    tmp_dir_make(dir, sizeof dir, "pub");
    struct publish_config c = {.url = url, .receiver = receiver, .spool_dir = dir, .who = "test_publish"};
    struct publish *pb = publish_open(&c, err, sizeof err);
    CHECK(pb != NULL);
    if (pb)
        publish_sink(pb, s);
    return pb;
}

static const char nmea[] = "\\c:1700000000*5A\\!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C";
static const char beast[] = "\x1a\x33\x00\x00\x00\x00\x00\x01\x80\x8d\x48\x40\xd6\x20\x2c\xc3\x71\xc3\x2c\xe0\x57\x60\x98";

static void offline_spools(void)
{
    char url[64], err[4400];
    snprintf(url, sizeof url, "nats://127.0.0.1:%d?shards=4", closed_port());
    struct pipeline_sink s;
    struct publish *pb = open_publisher(url, "rx-test", &s);
    if (!pb)
        return;
    feed(&s, PL_NMEA, TRK_VESSEL, 366123456, nmea, strlen(nmea));
    feed(&s, PL_BEAST, TRK_AIRCRAFT, 0x4840d6, beast, sizeof beast - 1);
    feed(&s, PL_NMEA, 0, 0, nmea, strlen(nmea)); /* did not decode: names no entity */
    publish_tick(pb);
    struct publish_stats st;
    publish_get_stats(pb, &st);
    CHECK_EQ_INT(st.taken, 2);
    CHECK_EQ_INT(st.skipped, 1);
    CHECK_EQ_INT(st.spooled, 2);
    CHECK_EQ_INT(st.published, 0);
    CHECK_EQ_INT(st.outages, 1);
    CHECK(!st.connected);
    CHECK(!publish_flush(pb, 50));
    publish_close(pb);

    struct spool *sp = spool_open(dir, 1 << 20, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp)
        return;
    struct obs o;
    struct spool_pos pos;
    CHECK_EQ_INT(spool_next(sp, &o, &pos), 1);
    CHECK_EQ_INT(o.source, OBS_NMEA);
    CHECK_EQ_INT(o.seq, 1);
    CHECK_STR(o.receiver, "rx-test");
    CHECK_EQ_INT(o.id, 366123456);
    CHECK_EQ_INT(o.t_ms, 1700000000000);
    CHECK(o.len == strlen(nmea) + 1 && !memcmp(o.data, nmea, strlen(nmea)) && o.data[o.len - 1] == '\n');
    CHECK_EQ_INT(spool_next(sp, &o, &pos), 1);
    CHECK_EQ_INT(o.source, OBS_BEAST);
    CHECK_EQ_INT(o.seq, 2);
    CHECK_EQ_INT(o.kind, TRK_AIRCRAFT);
    CHECK(o.len == sizeof beast - 1 && !memcmp(o.data, beast, o.len));
    CHECK_EQ_INT(spool_next(sp, &o, &pos), 0);
    spool_close(sp);
    tmp_dir_remove(dir);
}

/* The stream made here as link.c makes it, but taking at most 512 bytes. */
static int small_stream(const char *base)
{
    char full[300], err[512];
    struct stream_url u;
    snprintf(full, sizeof full, "%s?shards=4", base);
    stream_url_parse(full, &u, err, sizeof err);
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    char addr[300];
    snprintf(addr, sizeof addr, "nats://%s:%d", u.host, u.port);
    if (natsConnection_ConnectTo(&nc, addr) != NATS_OK || natsConnection_JetStream(&js, nc, NULL) != NATS_OK)
        return -1;
    jsErrCode jerr = 0;
    js_DeleteStream(js, u.stream, NULL, &jerr);
    const char *subjects[] = {OBS_SUBJECTS};
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = u.stream;
    cfg.Description = "atalaya observations; shards=4";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.MaxMsgSize = 512;
    cfg.Duplicates = 600 * (int64_t)1000000000;
    jsStreamInfo *si = NULL;
    natsStatus s = js_AddStream(&si, js, &cfg, NULL, &jerr);
    jsStreamInfo_Destroy(si);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return s == NATS_OK ? 0 : -1;
}

static void refused_message_dropped(void)
{
    const char *base = getenv("ATALAYA_TEST_NATS");
    CHECK_EQ_INT(small_stream(base), 0);
    char url[300], err[4400];
    snprintf(url, sizeof url, "%s?shards=4", base);
    struct pipeline_sink s;
    struct publish *pb = open_publisher(url, "rx-big", &s);
    if (!pb)
        return;
    char big[1000];
    memset(big, 'x', sizeof big);
    feed(&s, PL_NMEA, TRK_VESSEL, 1, nmea, strlen(nmea));
    feed(&s, PL_SBS, TRK_AIRCRAFT, 2, big, sizeof big);
    feed(&s, PL_NMEA, TRK_VESSEL, 3, nmea, strlen(nmea));
    CHECK(publish_flush(pb, 5000));
    struct publish_stats st;
    publish_get_stats(pb, &st);
    CHECK_EQ_INT(st.taken, 3);
    CHECK_EQ_INT(st.acknowledged, 2);
    CHECK_EQ_INT(st.rejected, 1);
    CHECK_EQ_INT(st.outages, 0);
    CHECK_EQ_INT(st.spool_records, 0);
    publish_close(pb);
    struct stream_url u;
    stream_url_parse(url, &u, err, sizeof err);
    struct stream_link *l = stream_link_open(&u, 0, err, sizeof err);
    uint64_t counts[4], total = 0;
    CHECK(l && stream_link_counts(l, counts, 4, &total) == 0);
    CHECK_EQ_INT(total, 2);
    stream_link_close(l);
    tmp_dir_remove(dir);
}

int main(void)
{
    RUN(offline_spools);
    if (getenv("ATALAYA_TEST_NATS"))
        RUN(refused_message_dropped);
    else
        SKIP(refused_message_dropped, "no nats-server (tests/sh/stream_publish.sh runs it with one)");
    TEST_MAIN_END();
}
