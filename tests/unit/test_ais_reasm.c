/* test_ais_reasm.c: multi-sentence reassembly through ais_feed_line:
 * order, interleaving, groups, loss, duplicates, time-outs and the slot bound. */
#include <stdint.h>

#include "test.h"
#include "ais/nmea.h"
#include "common/bits.h"

/* A two-part type 5 (gpsd AIVDM.txt example shape): 56 + 15 characters, 2 fill bits. */
#define P1 "55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53"
#define P2 "1@0000000000000"

/* "[\tag\]!AIVDM,<total>,<num>,<seq>,<ch>,<payload>,<fill>*HH" with its checksum. */
static const char *frag(const char *tag, unsigned total, unsigned num, const char *seq, char ch,
                        const char *payload, unsigned fill)
{
    static char line[1024];
    char body[512];
    snprintf(body, sizeof body, "AIVDM,%u,%u,%s,%c,%s,%u", total, num, seq, ch, payload, fill);
    unsigned x = 0;
    for (const char *p = body; *p; p++)
        x ^= (unsigned char)*p;
    char tb[256] = "";
    if (tag) {
        unsigned t = 0;
        for (const char *p = tag; *p; p++)
            t ^= (unsigned char)*p;
        snprintf(tb, sizeof tb, "\\%s*%02X\\", tag, t);
    }
    snprintf(line, sizeof line, "%s!%s*%02X", tb, body, x);
    return line;
}

static int feed(struct ais_ctx *ctx, const char *line, struct ais_payload *out)
{
    return ais_feed_line(ctx, line, strlen(line), false, out);
}

static void check_type5(const struct ais_payload *m)
{
    CHECK_EQ_INT(m->nbits, 6 * (strlen(P1) + strlen(P2)) - 2);
    CHECK_EQ_INT(bits_u(m->bits, 0, 6), 5);
    CHECK_EQ_INT(bits_u(m->bits, 8, 30), 369190000);
}

static void test_in_order(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    char first[1024];
    snprintf(first, sizeof first, "%s", frag(NULL, 2, 1, "3", 'B', P1, 0));
    CHECK_EQ_INT(feed(ctx, first, &m), AIS_EPARTIAL);
    /* A single-sentence message in between does not disturb the pending one. */
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", &m), AIS_OK);
    const char *second = frag(NULL, 2, 2, "3", 'B', P2, 2);
    CHECK_EQ_INT(feed(ctx, second, &m), AIS_OK);
    check_type5(&m);
    CHECK_EQ_INT(m.meta.channel, 'B');
    /* The evidence is both sentences, joined by a newline. */
    CHECK(m.meta.raw != NULL);
    CHECK_EQ_INT(m.meta.raw_len, strlen(first) + 1 + strlen(second));
    CHECK(m.meta.raw && !memcmp(m.meta.raw, first, strlen(first)) && m.meta.raw[strlen(first)] == '\n');
    ais_ctx_finish(ctx);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 0);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->sentences, 3);
    ais_ctx_free(ctx);
}

static void test_interleaved_sources(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* Same channel and sequence id from two receivers, parts interleaved. */
    CHECK_EQ_INT(feed(ctx, frag("s:r1,c:1000", 2, 1, "3", 'B', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("s:r2,c:1000", 2, 1, "3", 'B', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("s:r2,c:1001", 2, 2, "3", 'B', P2, 2), &m), AIS_OK);
    check_type5(&m);
    CHECK_STR(m.meta.source, "r2");
    CHECK_EQ_INT(feed(ctx, frag("s:r1,c:1001", 2, 2, "3", 'B', P2, 2), &m), AIS_OK);
    check_type5(&m);
    CHECK_STR(m.meta.source, "r1");
    CHECK_EQ_INT(m.meta.time_ms, 1000000);
    /* Different channels with the same sequence id are different messages. */
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 1, "1", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 1, "1", 'B', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 2, "1", 'A', P2, 2), &m), AIS_OK);
    CHECK_EQ_INT(m.meta.channel, 'A');
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 2, "1", 'B', P2, 2), &m), AIS_OK);
    CHECK_EQ_INT(m.meta.channel, 'B');
    /* An empty sequence id keys by source and channel. */
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 1, "", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 2, "", 'A', P2, 2), &m), AIS_OK);
    check_type5(&m);
    ais_ctx_finish(ctx);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 0);
    ais_ctx_free(ctx);
}

static void test_group_first_part_only(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* libais tagblock.nmea: only the first part has s: and c:. */
    CHECK_EQ_INT(feed(ctx, "\\g:1-2-3985,s:rEV02,c:1334337317*2D\\!AIVDM,2,1,9,B,"
                           "58KvN<42ACikUKW77F1H4hF0<PTp622222222216`0`cF5BF0RT13H0T,0*70", &m),
                 AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, "\\g:2-2-3985*5A\\!AIVDM,2,2,9,B,PFRC88888888880,2*29", &m), AIS_OK);
    CHECK_EQ_INT(bits_u(m.bits, 0, 6), 5);
    CHECK_STR(m.meta.source, "rEV02");
    CHECK_EQ_INT(m.meta.time_ms, 1334337317000LL);
    /* A continuation with another group id does not join. */
    CHECK_EQ_INT(feed(ctx, frag("g:1-2-7,s:rX", 2, 1, "4", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("g:2-2-8", 2, 2, "4", 'A', P2, 2), &m), AIS_EORPHAN);
    CHECK_EQ_INT(feed(ctx, frag("g:2-2-7", 2, 2, "4", 'A', P2, 2), &m), AIS_OK);
    /* Nor does one that names a different source. */
    CHECK_EQ_INT(feed(ctx, frag("s:rX", 2, 1, "4", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("s:rY", 2, 2, "4", 'A', P2, 2), &m), AIS_EORPHAN);
    ais_ctx_finish(ctx);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 3);
    ais_ctx_free(ctx);
}

static void test_loss_and_duplicates(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* Second part first: nothing to join. */
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 2, "5", 'A', P2, 2), &m), AIS_EORPHAN);
    /* A gap (1, 3 of 3) orphans both. */
    CHECK_EQ_INT(feed(ctx, frag(NULL, 3, 1, "6", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 3, 3, "6", 'A', P2, 2), &m), AIS_EORPHAN);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 3);
    /* A repeated part is an orphan; the message still completes. */
    CHECK_EQ_INT(feed(ctx, frag(NULL, 3, 1, "7", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 3, 2, "7", 'A', P2, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 3, 2, "7", 'A', P2, 0), &m), AIS_EORPHAN);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 3, 3, "7", 'A', P2, 2), &m), AIS_OK);
    CHECK_EQ_INT(m.nbits, 6 * (strlen(P1) + 2 * strlen(P2)) - 2);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 4);
    /* A new first part under the same key supersedes the unfinished one. */
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 1, "8", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 1, "8", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 5);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 2, "8", 'A', P2, 2), &m), AIS_OK);
    check_type5(&m);
    ais_ctx_finish(ctx);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 5);
    ais_ctx_free(ctx);
}

static void test_timeouts(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* By event time: the second part comes more than the time-out later. */
    CHECK_EQ_INT(feed(ctx, frag("c:1000", 2, 1, "1", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("c:1061", 2, 2, "1", 'A', P2, 2), &m), AIS_EORPHAN);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 2);
    CHECK_EQ_INT(feed(ctx, frag("c:2000", 2, 1, "1", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("c:2059", 2, 2, "1", 'A', P2, 2), &m), AIS_OK);
    /* Times of other sources do not age a pending message (merged feeds are
     * not in time order across sources). */
    CHECK_EQ_INT(feed(ctx, frag("s:sat,c:5000", 2, 1, "3", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("s:shore,c:9000", 2, 1, "4", 'A', P1, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag("s:sat,c:5001", 2, 2, "3", 'A', P2, 2), &m), AIS_OK);
    CHECK_EQ_INT(feed(ctx, frag("s:shore,c:9001", 2, 2, "4", 'A', P2, 2), &m), AIS_OK);
    /* By line count when there is no time. */
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 1, "2", 'A', P1, 0), &m), AIS_EPARTIAL);
    for (int i = 0; i < AIS_REASM_MAX_AGE_LINES; i++)
        CHECK_EQ_INT(feed(ctx, "# filler", &m), AIS_ENOTAIS);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 2, "2", 'A', P2, 2), &m), AIS_EORPHAN);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 4);
    ais_ctx_free(ctx);
}

static void test_slot_bound(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    char tag[32];
    /* More first parts than slots, from distinct sources: the oldest go. */
    for (int i = 0; i < AIS_REASM_SLOTS + 44; i++) {
        snprintf(tag, sizeof tag, "s:r%d", i);
        CHECK_EQ_INT(feed(ctx, frag(tag, 2, 1, "1", 'A', P1, 0), &m), AIS_EPARTIAL);
    }
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 44);
    CHECK_EQ_INT(feed(ctx, frag("s:r0", 2, 2, "1", 'A', P2, 2), &m), AIS_EORPHAN);
    CHECK_EQ_INT(feed(ctx, frag("s:r299", 2, 2, "1", 'A', P2, 2), &m), AIS_OK);
    CHECK_STR(m.meta.source, "r299");
    ais_ctx_finish(ctx);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 45 + AIS_REASM_SLOTS - 1);
    ais_ctx_free(ctx);
}

static void test_too_long(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* Parts that together exceed AIS_MAX_PAYLOAD_BITS are dropped. */
    char big[400];
    memset(big, '0', sizeof big - 1);
    big[sizeof big - 1] = 0;
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 1, "1", 'A', big, 0), &m), AIS_EPARTIAL);
    CHECK_EQ_INT(feed(ctx, frag(NULL, 2, 2, "1", 'A', big, 0), &m), AIS_EORPHAN);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->orphans, 2);
    ais_ctx_free(ctx);
}

static void test_reasm_api(void)
{
    struct ais_reasm *r = ais_reasm_new();
    struct ais_frag f = {.payload = P1, .len = strlen(P1), .total = 3, .num = 1, .seq = 2,
                         .meta = {.time_ms = AIS_NO_TIME, .channel = 'A'}};
    const char *chars;
    size_t n;
    unsigned fill;
    struct ais_meta meta;
    uint64_t orphans = 0;
    CHECK_EQ_INT(ais_reasm_add(r, &f, 1, &chars, &n, &fill, &meta, &orphans), AIS_EPARTIAL);
    f.num = 2;
    CHECK_EQ_INT(ais_reasm_add(r, &f, 2, &chars, &n, &fill, &meta, &orphans), AIS_EPARTIAL);
    f.seq = 3;
    f.num = 1;
    CHECK_EQ_INT(ais_reasm_add(r, &f, 3, &chars, &n, &fill, &meta, &orphans), AIS_EPARTIAL);
    CHECK_EQ_INT(ais_reasm_pending(r), 2);
    CHECK_EQ_INT(orphans, 0);
    /* Three stored parts in two pending messages. */
    CHECK_EQ_INT(ais_reasm_flush(r), 3);
    CHECK_EQ_INT(ais_reasm_pending(r), 0);
    ais_reasm_free(r);
}

int main(void)
{
    RUN(test_in_order);
    RUN(test_interleaved_sources);
    RUN(test_group_first_part_only);
    RUN(test_loss_and_duplicates);
    RUN(test_timeouts);
    RUN(test_slot_bound);
    RUN(test_too_long);
    RUN(test_reasm_api);
    TEST_MAIN_END();
}
