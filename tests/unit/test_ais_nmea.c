/* test_ais_nmea.c: sentence framing, checksums, armouring, tag blocks,
 * USCG suffixes and Gatehouse wrappers, one line at a time. */
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "ais/armor.h"
#include "ais/nmea.h"
#include "ais/scan.h"
#include "ais/text.h"
#include "common/bits.h"

/* Builds "<lead><body>*HH" with the right checksum. */
static const char *mk(char lead, const char *body)
{
    static char line[1024];
    unsigned x = 0;
    for (const char *p = body; *p; p++)
        x ^= (unsigned char)*p;
    snprintf(line, sizeof line, "%c%s*%02X", lead, body, x);
    return line;
}

static int feed(struct ais_ctx *ctx, const char *line, struct ais_payload *out)
{
    return ais_feed_line(ctx, line, strlen(line), false, out);
}

static void test_armor_table(void)
{
    /* AIVDM.txt: '0'..'W' are 0..39, '`'..'w' are 40..63, nothing else. */
    int valid = 0;
    for (int c = 0; c < 256; c++) {
        uint8_t v = ais_armor_table[c];
        if (v == 0xff)
            continue;
        valid++;
        if (c >= '0' && c <= 'W')
            CHECK_EQ_INT(v, c - '0');
        else
            CHECK_EQ_INT(v, c - '0' - 8);
    }
    CHECK_EQ_INT(valid, 64);
    CHECK_EQ_INT(ais_armor_table['w'], 63);
    CHECK_EQ_INT(ais_armor_table['X'], 0xff);
    CHECK_EQ_INT(ais_armor_table['x'], 0xff);
}

typedef int (*armor_fn)(const char *s, size_t n, unsigned fill, uint8_t *bits);

/* One decoder (the SIMD one where built, or the portable one) against the
 * bit-by-bit reference. */
static void check_armor_decoder(armor_fn decode)
{
    uint8_t bits[3 + 16];
    /* "w" is 111111; "1" is 000001. Four characters fill three bytes. */
    CHECK_EQ_INT(decode("w1w1", 4, 0, bits), 24);
    CHECK_EQ_INT(bits[0], 0xfc);
    CHECK_EQ_INT(bits[1], 0x1f);
    CHECK_EQ_INT(bits[2], 0xc1);
    /* A tail shorter than four characters, with two fill bits. */
    CHECK_EQ_INT(decode("w1w1w", 5, 2, bits), 28);
    CHECK_EQ_INT(bits[3], 0xfc);
    CHECK_EQ_INT(decode("w1x", 3, 0, bits), AIS_EARMOR);
    CHECK_EQ_INT(decode("w1", 2, 6, bits), AIS_EARMOR);
    CHECK_EQ_INT(decode("", 0, 2, bits), AIS_EARMOR);
    CHECK_EQ_INT(decode("", 0, 0, bits), 0);
    /* Every length and every character position against a bit-by-bit reference. */
    char s[80];
    uint8_t ref[80];
    for (size_t n = 0; n <= sizeof s; n++) {
        memset(ref, 0, sizeof ref);
        for (size_t i = 0; i < n; i++) {
            s[i] = "0W`w5Pa?"[(i * 7 + n) % 8];
            unsigned v = ais_armor_table[(unsigned char)s[i]];
            for (unsigned b = 0; b < 6; b++)
                if (v >> (5 - b) & 1)
                    ref[(6 * i + b) / 8] |= (uint8_t)(0x80 >> ((6 * i + b) % 8));
        }
        uint8_t out[80 * 6 / 8 + 16];
        CHECK_EQ_INT(decode(s, n, 0, out), (int)(6 * n));
        CHECK(!memcmp(out, ref, 6 * n / 8));
        for (size_t bad = 0; bad < n; bad++) {
            char save = s[bad];
            /* Each edge of the alphabet, '0' with the top bit set, NUL, 0xff. */
            static const char edges[] = {'/', 'X', '_', 'x', (char)0xb0, 0, (char)0xff};
            s[bad] = edges[bad % sizeof edges];
            CHECK_EQ_INT(decode(s, n, 0, out), AIS_EARMOR);
            s[bad] = save;
        }
    }
    /* Every byte value in every position of a 16-character payload: rejected
     * when outside the alphabet, else its six bits land in place. */
    for (unsigned c = 0; c < 256; c++)
        for (size_t pos = 0; pos < 16; pos++) {
            char t[16];
            memset(t, 'P', sizeof t);
            t[pos] = (char)c;
            uint8_t got[12 + 16], want[12 + 16];
            int rc = decode(t, 16, 0, got);
            if (ais_armor_table[c] == 0xff) {
                CHECK_EQ_INT(rc, AIS_EARMOR);
                continue;
            }
            t[pos] = 'P';
            CHECK_EQ_INT(decode(t, 16, 0, want), 96);
            unsigned shift = (unsigned)(6 * pos), v = ais_armor_table[c] ^ 32; /* 'P' is 32 */
            for (unsigned b = 0; b < 6; b++)
                if (v >> (5 - b) & 1)
                    want[(shift + b) / 8] ^= (uint8_t)(0x80 >> ((shift + b) % 8));
            CHECK_EQ_INT(rc, 96);
            CHECK(!memcmp(got, want, 12));
        }
    /* Random payloads of every length up to 120, with fill bits: both the
     * whole bytes and the bits of the last partial byte must match. */
    unsigned seed = 12345;
    for (int iter = 0; iter < 4000; iter++) {
        char t[120];
        uint8_t r[120], o2[120 * 6 / 8 + 16];
        size_t n = (size_t)iter % 121;
        unsigned fill = n ? (unsigned)(iter / 121) % 6 : 0;
        memset(r, 0, sizeof r);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned v = (seed >> 16) & 63;
            t[i] = (char)(v < 40 ? '0' + v : '`' + v - 40);
            for (unsigned b = 0; b < 6; b++)
                if (v >> (5 - b) & 1)
                    r[(6 * i + b) / 8] |= (uint8_t)(0x80 >> ((6 * i + b) % 8));
        }
        int nb = decode(t, n, fill, o2);
        CHECK_EQ_INT(nb, (int)(6 * n - fill));
        CHECK(!memcmp(o2, r, (6 * n + 7) / 8));
        if (n) {
            /* One bad character anywhere is caught. */
            size_t k = (size_t)(seed >> 8) % n;
            char save = t[k];
            t[k] = "/X_x\x80\xff*,"[iter % 8];
            CHECK_EQ_INT(decode(t, n, fill, o2), AIS_EARMOR);
            t[k] = save;
        }
    }
}

static void test_armor_decode(void)
{
    check_armor_decoder(ais_armor_decode);
    check_armor_decoder(ais_armor_decode_portable);
    CHECK(ais_armor_valid("15RTgt0PAso;90TKcjM8h6g208CQ", 28));
    CHECK(!ais_armor_valid("15RTgt0PAso;90TKcjM8h6g208C,", 28));
}

static void test_single_sentence(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* The worked example of gpsd's AIVDM.txt: type 1 from MMSI 371798000. */
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", &m), AIS_OK);
    CHECK_EQ_INT(m.nbits, 168);
    CHECK_EQ_INT(bits_u(m.bits, 0, 6), 1);
    CHECK_EQ_INT(bits_u(m.bits, 8, 30), 371798000);
    CHECK_EQ_INT(m.meta.channel, 'A');
    CHECK_STR(m.meta.talker, "AI");
    CHECK(!m.meta.own_ship);
    CHECK(m.meta.time_ms == AIS_NO_TIME);
    CHECK_STR(m.meta.source, "");
    CHECK_EQ_INT(m.meta.raw_len, strlen("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"));
    /* Any talker, VDO, an empty channel, CR kept out by the reader. */
    CHECK_EQ_INT(feed(ctx, mk('!', "BSVDO,1,1,,,15RTgt0PAso;90TKcjM8h6g208CQ,0"), &m), AIS_OK);
    CHECK_STR(m.meta.talker, "BS");
    CHECK(m.meta.own_ship);
    CHECK_EQ_INT(m.meta.channel, 0);
    /* Leading garbage before the '!'. */
    CHECK_EQ_INT(feed(ctx, "\x01\xfegarbage!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", &m), AIS_OK);
    CHECK_EQ_INT(bits_u(m.bits, 8, 30), 371798000);
    const struct ais_stats *st = ais_ctx_stats(ctx);
    CHECK_EQ_INT(st->lines, 3);
    CHECK_EQ_INT(st->sentences, 3);
    ais_ctx_free(ctx);
}

static void test_bad_lines(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B", &m), AIS_ECHECKSUM);
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0", &m), AIS_ECHECKSUM);
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4", &m), AIS_ECHECKSUM);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208C~,0"), &m), AIS_EARMOR);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,7"), &m), AIS_EARMOR);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,1,2,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"), &m), AIS_EINVAL);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,0,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"), &m), AIS_EINVAL);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,1,1,,AB,15RTgt0PAso;90TKcjM8h6g208CQ,0"), &m), AIS_EINVAL);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,1,1,,A,15RTgt0PAso;90TK,cjM8h6g208CQ,0"), &m), AIS_EINVAL);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,"), &m), AIS_EINVAL);
    CHECK_EQ_INT(feed(ctx, mk('!', "AIVDM,1,1"), &m), AIS_EINVAL);
    /* Lines that are not AIS are counted apart from errors. */
    CHECK_EQ_INT(feed(ctx, "", &m), AIS_ENOTAIS);
    CHECK_EQ_INT(feed(ctx, "# a comment", &m), AIS_ENOTAIS);
    CHECK_EQ_INT(feed(ctx, "# !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", &m), AIS_ENOTAIS);
    CHECK_EQ_INT(feed(ctx, "$BSALR,,006,V,V,general failure*62", &m), AIS_ENOTAIS);
    CHECK_EQ_INT(feed(ctx, "$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76", &m),
                 AIS_ENOTAIS);
    CHECK_EQ_INT(ais_feed_line(ctx, "!AIVDM,1,1,,A,15RT", 18, true, &m), AIS_EINVAL);
    const struct ais_stats *st = ais_ctx_stats(ctx);
    CHECK_EQ_INT(st->lines, 17);
    CHECK_EQ_INT(st->sentences, 0);
    CHECK_EQ_INT(st->bad_checksum, 3);
    CHECK_EQ_INT(st->bad_armor, 2);
    CHECK_EQ_INT(st->bad_sentence, 6);
    CHECK_EQ_INT(st->not_ais, 5);
    CHECK_EQ_INT(st->overlong, 1);
    ais_ctx_free(ctx);
}

static void test_tagblock_parse(void)
{
    struct ais_tagblock tb;
    const char *t = "g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37";
    CHECK_EQ_INT(ais_tagblock_parse(t, strlen(t), &tb), AIS_OK);
    CHECK_EQ_INT(tb.time_ms, 1418169601000LL);
    CHECK_STR(tb.source, "rORBCOMM008");
    CHECK_EQ_INT(tb.group_num, 1);
    CHECK_EQ_INT(tb.group_total, 2);
    CHECK_EQ_INT(tb.group_id, 1604);
    CHECK_EQ_INT(tb.line_count, -1);
    t = "c:1565218798*53";
    CHECK_EQ_INT(ais_tagblock_parse(t, strlen(t), &tb), AIS_OK);
    CHECK_EQ_INT(tb.time_ms, 1565218798000LL);
    t = "c:1420030798*00"; /* the dummy checksum of AMSA's timestamped sample */
    CHECK_EQ_INT(ais_tagblock_parse(t, strlen(t), &tb), AIS_ECHECKSUM);
    CHECK_EQ_INT(tb.time_ms, 1420030798000LL);
    t = "c:1565218798123,n:42*53";
    unsigned x = 0;
    for (const char *p = t; *p != '*'; p++)
        x ^= (unsigned char)*p;
    char buf[64];
    snprintf(buf, sizeof buf, "c:1565218798123,n:42*%02X", x);
    CHECK_EQ_INT(ais_tagblock_parse(buf, strlen(buf), &tb), AIS_OK);
    CHECK_EQ_INT(tb.time_ms, 1565218798123LL);
    CHECK_EQ_INT(tb.line_count, 42);
    CHECK_EQ_INT(ais_tagblock_parse("c:15x*00", 8, &tb), AIS_EINVAL);
    CHECK_EQ_INT(ais_tagblock_parse("*00", 3, &tb), AIS_EINVAL);
    CHECK_EQ_INT(ais_tagblock_parse("c:1", 3, &tb), AIS_EINVAL);
}

static void test_tagblock_line(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    const char *l = "\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\"
                    "!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78";
    CHECK_EQ_INT(feed(ctx, l, &m), AIS_OK);
    CHECK_EQ_INT(m.meta.time_ms, 1418172113000LL);
    CHECK_STR(m.meta.source, "rORBCOMM104");
    CHECK_EQ_INT(bits_u(m.bits, 8, 30), 224651000); /* libais tagblock.json */
    CHECK(m.meta.raw == l);
    /* A tag block with a wrong checksum is counted but its fields are used
     * (AMSA's dummy "*00"); one with bad syntax is counted and ignored. */
    CHECK_EQ_INT(feed(ctx, "\\c:1420030798*00\\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22", &m),
                 AIS_OK);
    CHECK_EQ_INT(m.meta.time_ms, 1420030798000LL);
    CHECK_EQ_INT(feed(ctx, "\\c:14200x0798*00\\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22", &m),
                 AIS_OK);
    CHECK(m.meta.time_ms == AIS_NO_TIME);
    CHECK_EQ_INT(ais_ctx_stats(ctx)->bad_tagblock, 2);
    /* Unterminated tag block, tag block without a sentence. */
    CHECK_EQ_INT(feed(ctx, "\\c:1565218798*53!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D", &m), AIS_EINVAL);
    CHECK_EQ_INT(feed(ctx, "\\c:1565218798*53\\", &m), AIS_EINVAL);
    ais_ctx_free(ctx);
}

static void test_uscg_suffix(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* libais typeexamples.nmea, USCG receiver r003669946 at 1325394060. */
    const char *l = "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,"
                    "T56.4837741,r003669946,1325394060,1325394001";
    CHECK_EQ_INT(feed(ctx, l, &m), AIS_OK);
    CHECK_STR(m.meta.source, "r003669946");
    CHECK_EQ_INT(m.meta.time_ms, 1325394060000LL);
    /* A tag block wins over the suffix. */
    CHECK_EQ_INT(feed(ctx, "\\c:1565218798*53\\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D,r1,1325394060",
                      &m), AIS_OK);
    CHECK_EQ_INT(m.meta.time_ms, 1565218798000LL);
    CHECK_STR(m.meta.source, "r1");
    /* AMSA's bare arrival time in ms. */
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,B,>=on9A>W8NbdA@3HkLWJ9rlB<@Wjf@,4*00,1327992119205", &m), AIS_OK);
    CHECK_EQ_INT(m.meta.time_ms, 1327992119205LL);
    ais_ctx_free(ctx);
}

static void test_gatehouse(void)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct ais_payload m;
    /* pyais gatehouse.nmea: 2008-05-09 00:00:00.010 for the sentence whose checksum is 09. */
    CHECK_EQ_INT(feed(ctx, "$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", &m), AIS_ENOTAIS);
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09", &m), AIS_OK);
    CHECK_EQ_INT(m.meta.time_ms, 1210291200010LL);
    /* The time is used once, and only by the sentence it names. */
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09", &m), AIS_OK);
    CHECK(m.meta.time_ms == AIS_NO_TIME);
    CHECK_EQ_INT(feed(ctx, "$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", &m), AIS_ENOTAIS);
    CHECK_EQ_INT(feed(ctx, "!AIVDM,1,1,,A,16:=?;0P00`SstvFnFbeGH6L088h,0*44", &m), AIS_OK);
    CHECK(m.meta.time_ms == AIS_NO_TIME);
    CHECK_EQ_INT(feed(ctx, "$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*18", &m), AIS_ECHECKSUM);
    CHECK_EQ_INT(feed(ctx, mk('$', "PGHP,1,2008,13,9,0,0,0,10,338,2,,1,09"), &m), AIS_EINVAL);
    ais_ctx_free(ctx);
}

/* The checksum scan (SIMD where built, and the portable one) against a
 * byte loop: every length to 100, no '*', one, or several, at every place;
 * bytes of every value around them. Each call gets its own heap copy, so
 * ASan catches a read past s[n). */
static void test_scan_checksum(void)
{
    unsigned seed = 99;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)iter % 101;
        char *t = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            t[i] = (char)(seed >> 16);
            if (t[i] == '*')
                t[i] = '+';
        }
        unsigned stars = (unsigned)(iter / 101) % 4;
        for (unsigned k = 0; k < stars && n; k++) {
            seed = seed * 1103515245u + 12345u;
            t[(seed >> 8) % n] = '*';
        }
        const char *want = NULL;
        unsigned sum = 0;
        for (size_t i = 0; i < n && !want; i++) {
            if (t[i] == '*')
                want = t + i;
            else
                sum ^= (unsigned char)t[i];
        }
        struct ais_star_sum a = ais_scan_checksum(t, n), b = ais_scan_checksum_portable(t, n);
        CHECK(a.star == want);
        CHECK(b.star == want);
        if (want) {
            CHECK_EQ_INT(a.sum, sum);
            CHECK_EQ_INT(b.sum, sum);
        }
        free(t);
    }
}

/* Six-bit text against a bit-at-a-time reference: every start offset and
 * length near the end of the payload, '@' and trailing spaces. The payload
 * is a heap block of exactly (nbits + 7) / 8 bytes, so ASan sees a read
 * past it. */
static void test_text(void)
{
    static const char six[] = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";
    unsigned seed = 7;
    for (int iter = 0; iter < 20000; iter++) {
        unsigned nbits = 40 + (unsigned)iter % 200;
        uint8_t *b = malloc((nbits + 7) / 8);
        for (unsigned i = 0; i < (nbits + 7) / 8; i++) {
            seed = seed * 1103515245u + 12345u;
            /* Mostly letters and spaces, now and then '@' (0). */
            unsigned v = (seed >> 16) % 40 == 0 ? 0 : (seed >> 20);
            b[i] = (uint8_t)(v | 0x42);
        }
        seed = seed * 1103515245u + 12345u;
        unsigned start = (seed >> 8) % nbits, nchars = (seed >> 20) % 40;
        char want[48], got[48];
        size_t wn = 0;
        for (unsigned i = 0; i < nchars && start + 6 * (i + 1) <= nbits; i++) {
            unsigned v = 0;
            for (unsigned k = 0; k < 6; k++) {
                unsigned bit = start + 6 * i + k;
                v = v << 1 | (b[bit / 8] >> (7 - bit % 8) & 1u);
            }
            if (v == 0)
                break;
            want[wn++] = six[v];
        }
        while (wn && want[wn - 1] == ' ')
            wn--;
        want[wn] = 0;
        CHECK_EQ_INT(ais_text(b, nbits, start, nchars, got), wn);
        CHECK(!strcmp(got, want));
        free(b);
    }
}

int main(void)
{
    RUN(test_armor_table);
    RUN(test_armor_decode);
    RUN(test_scan_checksum);
    RUN(test_text);
    RUN(test_single_sentence);
    RUN(test_bad_lines);
    RUN(test_tagblock_parse);
    RUN(test_tagblock_line);
    RUN(test_uscg_suffix);
    RUN(test_gatehouse);
    TEST_MAIN_END();
}
