/* test_stream.c: the observation format (stream/obs.h), the URL parsers
 * (common/url.h, stream/link.h) and, when ATALAYA_TEST_NATS names a running
 * nats-server -js (tests/sh/stream_link.sh starts one), the link: the stream
 * is made, found again, and refused with another shard count. */
#include <stdint.h>
#include <string.h>

#include "common/url.h"
#include "stream/link.h"
#include "stream/obs.h"
#include "test.h"
#include "track/track.h"

static struct obs sample(const uint8_t *data, size_t len)
{
    struct obs o = {.t_ms = 1700000000123, .source = OBS_NMEA, .kind = TRK_VESSEL, .id = 366123456,
                    .boot = 1700000000000, .seq = 42, .data = data, .len = len};
    strcpy(o.receiver, "coast-1");
    return o;
}

static void obs_round_trip(void)
{
    const char *s = "\\c:1700000000*5A\\!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\n";
    struct obs o = sample((const uint8_t *)s, strlen(s)), d;
    uint8_t buf[OBS_RECORD_MAX];
    size_t n = obs_encode(&o, buf, sizeof buf);
    CHECK(n > strlen(s));
    CHECK_EQ_INT(obs_decode(buf, n, &d), (long)n);
    CHECK_EQ_INT(d.t_ms, o.t_ms);
    CHECK_STR(d.receiver, "coast-1");
    CHECK_EQ_INT(d.source, OBS_NMEA);
    CHECK_EQ_INT(d.kind, TRK_VESSEL);
    CHECK_EQ_INT(d.id, 366123456);
    CHECK_EQ_INT(d.boot, o.boot);
    CHECK_EQ_INT(d.seq, 42);
    CHECK(d.len == strlen(s) && !memcmp(d.data, s, d.len));
    /* Every prefix is "not complete yet", never a record or an error. */
    for (size_t k = 0; k < n; k++)
        CHECK_EQ_INT(obs_decode(buf, k, &d), 0);
    /* Any flipped byte is refused. */
    for (size_t k = 0; k < n; k++) {
        buf[k] ^= 0x20;
        CHECK(obs_decode(buf, n, &d) != (long)n || memcmp(d.data, s, d.len));
        buf[k] ^= 0x20;
    }
    CHECK_EQ_INT(obs_encode(&o, buf, n - 1), 0);
    strcpy(o.receiver, "bad name");
    CHECK_EQ_INT(obs_encode(&o, buf, sizeof buf), 0);
    strcpy(o.receiver, "ok");
    o.len = 0;
    CHECK_EQ_INT(obs_encode(&o, buf, sizeof buf), 0);
    o.len = OBS_MAX_PAYLOAD + 1;
    CHECK_EQ_INT(obs_encode(&o, buf, sizeof buf), 0);
}

static void obs_names(void)
{
    char b[96];
    CHECK_EQ_INT(obs_subject(b, sizeof b, 7), 13);
    CHECK_STR(b, "atalaya.obs.7");
    CHECK_EQ_INT(obs_subject_shard("atalaya.obs.7"), 7);
    CHECK_EQ_INT(obs_subject_shard("atalaya.obs.1023"), 1023);
    CHECK_EQ_INT(obs_subject_shard("atalaya.obs.1024"), -1);
    CHECK_EQ_INT(obs_subject_shard("atalaya.obs.07"), -1);
    CHECK_EQ_INT(obs_subject_shard("atalaya.obs."), -1);
    CHECK_EQ_INT(obs_subject_shard("atalaya.pos.3"), -1);
    CHECK_EQ_INT(obs_subject(b, 5, 7), -1);
    obs_entity_format(b, sizeof b, TRK_AIRCRAFT, 0x4ca1fa);
    CHECK_STR(b, "aircraft:4ca1fa");
    obs_entity_format(b, sizeof b, TRK_VESSEL, 2320001);
    CHECK_STR(b, "vessel:002320001");
    uint8_t k;
    uint32_t id;
    CHECK(obs_entity_parse("aircraft:4CA1FA", &k, &id) && k == TRK_AIRCRAFT && id == 0x4ca1fa);
    CHECK(obs_entity_parse("vessel:002320001", &k, &id) && k == TRK_VESSEL && id == 2320001);
    CHECK(!obs_entity_parse("vessel:", &k, &id));
    CHECK(!obs_entity_parse("aircraft:4ca1f", &k, &id));
    CHECK(!obs_entity_parse("ship:1", &k, &id));
    CHECK_EQ_INT(obs_source_parse("beast"), OBS_BEAST);
    CHECK_EQ_INT(obs_source_parse("json"), 0);
    CHECK_STR(obs_source_name(OBS_SBS), "sbs");
    uint8_t d[1] = {'x'};
    struct obs o = sample(d, 1);
    obs_msgid_format(b, sizeof b, &o);
    CHECK_STR(b, "coast-1.1700000000000.42");
}

/* The shard of an entity never changes (workers of different versions must
 * agree), and spreads entities evenly. */
static void obs_shards(void)
{
    CHECK_EQ_INT(obs_shard(TRK_VESSEL, 366123456, 16), obs_shard(TRK_VESSEL, 366123456, 16));
    CHECK(obs_shard(TRK_VESSEL, 366123456, 1) == 0);
    unsigned count[16] = {0};
    for (uint32_t i = 0; i < 16000; i++)
        count[obs_shard(i & 1 ? TRK_VESSEL : TRK_AIRCRAFT, 200000000 + i * 7, 16)]++;
    for (int s = 0; s < 16; s++)
        CHECK(count[s] > 800 && count[s] < 1200);
}

static void urls(void)
{
    char host[64], err[256];
    int port = 9;
    const char *q;
    CHECK(url_authority("[::1]:4223/?a=b", host, sizeof host, &port, &q) == NULL);
    CHECK_STR(host, "::1");
    CHECK_EQ_INT(port, 4223);
    CHECK_STR(q, "a=b");
    CHECK(url_authority("h", host, sizeof host, &port, &q) == NULL && port == 4223 && q == NULL);
    CHECK(url_authority(":1", host, sizeof host, &port, &q) != NULL);
    CHECK(url_authority("h:0", host, sizeof host, &port, &q) != NULL);
    CHECK(url_authority("h:70000", host, sizeof host, &port, &q) != NULL);
    CHECK(url_authority("[::1", host, sizeof host, &port, &q) != NULL);

    struct stream_url u;
    CHECK_EQ_INT(stream_url_parse("nats://127.0.0.1", &u, err, sizeof err), 0);
    CHECK_EQ_INT(u.port, 4222);
    CHECK_STR(u.stream, "ATALAYA");
    CHECK_EQ_INT(u.shards, 16);
    CHECK_EQ_INT(stream_url_parse("nats://h:5/?stream=S1&shards=4&max-age=2&dup-window=30", &u, err, sizeof err), 0);
    CHECK(u.port == 5 && !strcmp(u.stream, "S1") && u.shards == 4 && u.max_age_h == 2 && u.dup_window_s == 30);
    CHECK_EQ_INT(stream_url_parse("nats://h?shards=0", &u, err, sizeof err), -1);
    CHECK_EQ_INT(stream_url_parse("nats://h?shards=1.5", &u, err, sizeof err), -1);
    CHECK_EQ_INT(stream_url_parse("nats://h?stream=a.b", &u, err, sizeof err), -1);
    CHECK_EQ_INT(stream_url_parse("nats://h?colour=red", &u, err, sizeof err), -1);
    CHECK(strstr(err, "unknown parameter") != NULL);
    CHECK_EQ_INT(stream_url_parse("nats://h?shards", &u, err, sizeof err), -1);
    CHECK_EQ_INT(stream_url_parse("tcp://h", &u, err, sizeof err), -1);
}

static void link_to_server(void)
{
    const char *url = getenv("ATALAYA_TEST_NATS");
    char err[512], full[300];
    struct stream_url u;
    snprintf(full, sizeof full, "%s?stream=T1&shards=4", url);
    CHECK_EQ_INT(stream_url_parse(full, &u, err, sizeof err), 0);
    struct stream_link *l = stream_link_open(&u, 2, err, sizeof err);
    CHECK(l != NULL);
    if (!l) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK(stream_link_connected(l));
    uint64_t counts[4], total = 9;
    CHECK_EQ_INT(stream_link_counts(l, counts, 4, &total), 0);
    CHECK_EQ_INT(total, 0);
    const char *payload = "!AIVDM\n";
    CHECK(js_Publish(NULL, l->js, "atalaya.obs.2", payload, (int)strlen(payload), NULL, NULL) == NATS_OK);
    CHECK(js_Publish(NULL, l->js, "atalaya.obs.2", payload, (int)strlen(payload), NULL, NULL) == NATS_OK);
    CHECK(js_Publish(NULL, l->js, "atalaya.obs.3", payload, (int)strlen(payload), NULL, NULL) == NATS_OK);
    CHECK_EQ_INT(stream_link_counts(l, counts, 4, &total), 0);
    CHECK(total == 3 && counts[2] == 2 && counts[3] == 1 && counts[0] == 0);
    stream_link_close(l);
    /* Found again with the same shards; refused with others. */
    CHECK((l = stream_link_open(&u, 0, err, sizeof err)) != NULL);
    stream_link_close(l);
    u.shards = 8;
    CHECK(stream_link_open(&u, 0, err, sizeof err) == NULL);
    CHECK(strstr(err, "made with 4 shards") != NULL);
    /* Nothing listening: a clear error, after the wait asked for. */
    CHECK_EQ_INT(stream_url_parse("nats://127.0.0.1:1", &u, err, sizeof err), 0);
    CHECK(stream_link_open(&u, 0.3, err, sizeof err) == NULL);
    CHECK(strstr(err, "127.0.0.1:1") != NULL);
}

int main(void)
{
    RUN(obs_round_trip);
    RUN(obs_names);
    RUN(obs_shards);
    RUN(urls);
    if (getenv("ATALAYA_TEST_NATS"))
        RUN(link_to_server);
    else
        SKIP(link_to_server, "no nats-server (tests/sh/stream_link.sh runs it with one)");
    TEST_MAIN_END();
}
