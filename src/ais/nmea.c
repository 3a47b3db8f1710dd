/* nmea.c: one line in, zero or one AIS message payload out.
 *
 * Sentence layout (IEC 61162-1, gpsd's AIVDM.txt):
 *   !AIVDM,<total>,<num>,<seq id>,<channel>,<payload>,<fill bits>*<checksum>
 * where the checksum is the XOR of every byte between '!' and '*'. The hot
 * path is written for single-sentence messages: one pass finding the '*'
 * and XORing the bytes before it (scan.h, 16 bytes at a time), fixed-position
 * field checks and a block de-armouring straight into the output bits
 * (armor.h); reassembly, tag blocks and USCG suffixes are out of line, so the
 * per-line path keeps no local arrays (no stack-protector check per line).
 */
#include "ais/nmea.h"

#include <stdlib.h>
#include <string.h>

#include "ais/armor.h"
#include "ais/scan.h"
#include "common/bits.h"
#include "common/hex.h"
#include "common/xmalloc.h"

struct ais_ctx {
    struct ais_stats st;
    struct ais_reasm *reasm;
    int64_t pghp_time_ms; /* from the last $PGHP line, for the next sentence */
    int pghp_checksum;    /* the checksum that next sentence must carry; -1: none pending */
    /* The current line's tag block: kept here, not on feed()'s stack, so
     * the per-line path has no local array (and no stack-protector check). */
    struct ais_tagblock tb;
    uint8_t bits[AIS_MAX_PAYLOAD_BITS / 8 + 16]; /* + ais_armor_decode's slack */
};

struct ais_ctx *ais_ctx_new(void)
{
    struct ais_ctx *ctx = xcalloc(1, sizeof *ctx);
    ctx->reasm = ais_reasm_new();
    ctx->pghp_checksum = -1;
    return ctx;
}

void ais_ctx_free(struct ais_ctx *ctx)
{
    if (!ctx)
        return;
    ais_reasm_free(ctx->reasm);
    free(ctx);
}

const struct ais_stats *ais_ctx_stats(const struct ais_ctx *ctx)
{
    return &ctx->st;
}

void ais_ctx_note_decode(struct ais_ctx *ctx, int status)
{
    switch (status) {
    case AIS_OK: ctx->st.messages++; break;
    case AIS_ESHORT: ctx->st.too_short++; break;
    case AIS_EUNSUPPORTED: ctx->st.unsupported++; break;
    default: ctx->st.bad_payload++; break;
    }
}

void ais_ctx_finish(struct ais_ctx *ctx)
{
    ctx->st.orphans += ais_reasm_flush(ctx->reasm);
}

void ais_stats_print(const struct ais_stats *st, FILE *f)
{
    const struct {
        const char *name;
        uint64_t v;
    } rows[] = {
        {"lines", st->lines},           {"sentences", st->sentences},
        {"messages", st->messages},     {"bad_checksum", st->bad_checksum},
        {"bad_armor", st->bad_armor},   {"bad_sentence", st->bad_sentence},
        {"too_short", st->too_short},   {"unsupported", st->unsupported},
        {"bad_payload", st->bad_payload}, {"orphans", st->orphans},
        {"overlong", st->overlong},     {"not_ais", st->not_ais},
        {"bad_tagblock", st->bad_tagblock},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fprintf(f, "%s: %llu\n", rows[i].name, (unsigned long long)rows[i].v);
}


/* Hex digit values ('0'-'9', 'A'-'F', 'a'-'f'); 16 marks a non-digit, so
 * (hi | lo) & 16 catches either being bad with one test. */
static const uint8_t hex_table[256] = {
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 16, 16, 16, 16, 16,
    16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
};

/* "*hh" at star; returns the checksum or -1. */
static int read_checksum(const char *star, const char *end)
{
    if (end - star < 3)
        return -1;
    unsigned hi = hex_table[(unsigned char)star[1]], lo = hex_table[(unsigned char)star[2]];
    return (hi | lo) & 16 ? -1 : (int)(hi << 4 | lo);
}

static int64_t digits_value(const char *s, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return n ? v : -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Gatehouse wrapper: $PGHP,1,<yyyy>,<mm>,<dd>,<hh>,<mi>,<ss>,<ms>,<country>,
 * <region>,<pidx>,<sensor>,<hex checksum of the next sentence>*hh. Type 1
 * dates the sentence that follows; other types carry nothing we use. */
static int feed_pghp(struct ais_ctx *ctx, const char *p, const char *end)
{
    struct ais_star_sum ck = ais_scan_checksum(p + 1, (size_t)(end - p - 1));
    const char *star = ck.star;
    int want = star ? read_checksum(star, end) : -1;
    if (want < 0 || (unsigned)want != ck.sum)
        return AIS_ECHECKSUM;
    const char *f[14];
    size_t fl[14];
    int nf = 0;
    const char *q = p + 6; /* after "$PGHP," */
    while (nf < 14) {
        const char *c = memchr(q, ',', (size_t)(star - q));
        const char *e = c ? c : star;
        f[nf] = q;
        fl[nf++] = (size_t)(e - q);
        if (!c)
            break;
        q = c + 1;
    }
    if (nf < 1 || fl[0] != 1 || f[0][0] != '1')
        return AIS_ENOTAIS;
    if (nf != 13)
        return AIS_EINVAL;
    int64_t v[7];
    for (int i = 0; i < 7; i++)
        if ((v[i] = digits_value(f[1 + i], fl[1 + i])) < 0 || fl[1 + i] > 4)
            return AIS_EINVAL;
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 ||
        v[6] > 999)
        return AIS_EINVAL;
    int hi = fl[12] == 2 ? hex_digit((unsigned char)f[12][0]) : -1;
    int lo = fl[12] == 2 ? hex_digit((unsigned char)f[12][1]) : -1;
    if (hi < 0 || lo < 0)
        return AIS_EINVAL;
    int64_t days = days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
    ctx->pghp_time_ms = ((days * 24 + v[3]) * 60 + v[4]) * 60000 + v[5] * 1000 + v[6];
    ctx->pghp_checksum = hi << 4 | lo;
    return AIS_ENOTAIS;
}

/* USCG metadata after the checksum: ",d-109,S2105,t050056.00,T56.13,
 * r003669946,1325394060,1325394001". r<station> is the receiver; the first
 * bare number is the receive time (10 digits: s, 13: ms). Some AMSA logs
 * append only ",<ms>". Unknown tokens are skipped. */
static void parse_suffix(const char *s, const char *end, char *station, size_t station_cap,
                         int64_t *time_ms)
{
    while (s < end && *s == ',') {
        const char *t = s + 1;
        const char *c = memchr(t, ',', (size_t)(end - t));
        const char *e = c ? c : end;
        size_t n = (size_t)(e - t);
        if (n >= 2 && t[0] == 'r' && n < station_cap && !station[0]) {
            memcpy(station, t, n);
            station[n] = 0;
        } else if ((n == 10 || n == 13) && *time_ms == AIS_NO_TIME) {
            int64_t v = digits_value(t, n);
            if (v >= 0)
                *time_ms = n == 13 ? v : v * 1000;
        }
        s = e;
    }
}

/* Out of line: its buffer would otherwise put a stack-protector check on
 * every sentence. */
__attribute__((noinline)) static void apply_suffix(struct ais_meta *meta, const char *s,
                                                   const char *end)
{
    char station[sizeof meta->source] = "";
    int64_t t = AIS_NO_TIME;
    parse_suffix(s, end, station, sizeof station, &t);
    if (meta->time_ms == AIS_NO_TIME)
        meta->time_ms = t;
    if (!meta->source[0])
        memcpy(meta->source, station, sizeof station);
}

/* A part of a multi-sentence message (total >= 2), already framed, its meta
 * in out->meta: validated, then handed to reassembly. Out of line so that
 * the single-sentence path carries neither struct ais_frag on its stack nor
 * the register saves of this path. */
__attribute__((noinline)) static int feed_fragment(struct ais_ctx *ctx, const char *payload,
                                                   size_t plen, unsigned fill, unsigned total,
                                                   unsigned num, int seq, const char *raw,
                                                   const struct ais_tagblock *tb,
                                                   struct ais_payload *out)
{
    const struct ais_meta *meta = &out->meta;
    if (fill > 5 || !ais_armor_valid(payload, plen))
        return memchr(payload, ',', plen) ? AIS_EINVAL : AIS_EARMOR;
    ctx->st.sentences++;
    struct ais_frag f = {
        .payload = payload, .len = plen, .fill = fill, .total = total, .num = num, .seq = seq,
        .group_id = tb->group_total ? tb->group_id : 0, .raw = raw, .raw_len = meta->raw_len,
        .meta = *meta,
    };
    const char *chars;
    size_t nchars;
    unsigned jfill;
    int rc = ais_reasm_add(ctx->reasm, &f, ctx->st.lines, &chars, &nchars, &jfill, &out->meta,
                           &ctx->st.orphans);
    if (rc == AIS_EORPHAN)
        ctx->st.orphans++;
    if (rc != AIS_OK)
        return rc;
    int nbits = ais_armor_decode(chars, nchars, jfill, ctx->bits);
    if (nbits < 0) { /* only fill bits with no characters can fail here */
        ctx->st.orphans += total;
        return AIS_EORPHAN;
    }
    out->bits = ctx->bits;
    out->nbits = (unsigned)nbits;
    return AIS_OK;
}

/* The sentence at p ('!'), tag block (already parsed) in tb. */
static int feed_sentence(struct ais_ctx *ctx, const char *p, const char *end, const char *raw,
                         const struct ais_tagblock *tb, struct ais_payload *out)
{
    if (end - p < 7 || p[3] != 'V' || p[4] != 'D' || (p[5] != 'M' && p[5] != 'O') || p[6] != ',')
        return AIS_ENOTAIS;
    struct ais_star_sum ck = ais_scan_checksum(p + 1, (size_t)(end - p - 1));
    const char *star = ck.star;
    int want = star ? read_checksum(star, end) : -1;
    if (want < 0 || (unsigned)want != ck.sum)
        return AIS_ECHECKSUM;
    /* A Gatehouse time applies only to the sentence whose checksum it names. */
    int64_t pghp_time = AIS_NO_TIME;
    if (ctx->pghp_checksum >= 0) {
        if (ctx->pghp_checksum == want)
            pghp_time = ctx->pghp_time_ms;
        ctx->pghp_checksum = -1;
    }

    /* <total>,<num>,<seq>,<channel>, : single digits, seq and channel may be empty. */
    const char *q = p + 7;
    if (star - q < 8)
        return AIS_EINVAL;
    unsigned total = 1, num = 1;
    int seq = -1;
    char channel = 0;
    /* The two shapes of nearly every single-sentence line, "1,1,,C," and
     * "1,1,D,C,", from one 8-byte load (q + 8 <= star) and a few byte tests;
     * they give what the general parse below would. */
    const uint32_t one_one = '1' | ',' << 8 | '1' << 16 | (uint32_t)',' << 24;
    if ((uint32_t)bits_load_le64(q) == one_one && q[4] == ',' && q[5] != ',' && q[6] == ',') {
        channel = q[5];
        q += 7;
    } else if ((uint32_t)bits_load_le64(q) == one_one && (unsigned char)(q[4] - '0') < 10 &&
               q[5] == ',' && q[6] != ',' && q[7] == ',') {
        seq = q[4] - '0';
        channel = q[6];
        q += 8;
    } else {
        if (q[0] < '1' || q[0] > '9' || q[1] != ',' || q[2] < '1' || q[2] > q[0] || q[3] != ',')
            return AIS_EINVAL;
        total = (unsigned)(q[0] - '0');
        num = (unsigned)(q[2] - '0');
        q += 4;
        if (*q != ',') {
            if (*q < '0' || *q > '9' || q[1] != ',')
                return AIS_EINVAL;
            seq = *q - '0';
            q++;
        }
        q++;
        if (*q != ',') {
            if (q + 1 >= star || q[1] != ',')
                return AIS_EINVAL;
            channel = *q++;
        }
        q++;
    }
    /* <payload>,<fill>*: the fill is the one digit before '*'. */
    if (star - q < 2 || star[-2] != ',' || star[-1] < '0' || star[-1] > '9')
        return AIS_EINVAL;
    unsigned fill = (unsigned)(star[-1] - '0');
    const char *payload = q;
    size_t plen = (size_t)(star - 2 - q);
    if (plen > AIS_MAX_PAYLOAD_BITS / 6)
        return AIS_EINVAL;

    /* Filled in place: building a local copy and assigning it costs a
     * store-forwarding stall per line (measured with perf). */
    struct ais_meta *meta = &out->meta;
    meta->time_ms = tb->time_ms;
    if (tb->source[0])
        memcpy(meta->source, tb->source, sizeof meta->source);
    else
        meta->source[0] = 0;
    if (star + 3 < end && (meta->time_ms == AIS_NO_TIME || !meta->source[0]))
        apply_suffix(meta, star + 3, end);
    if (meta->time_ms == AIS_NO_TIME)
        meta->time_ms = pghp_time;
    meta->channel = channel;
    meta->talker[0] = p[1];
    meta->talker[1] = p[2];
    meta->talker[2] = 0;
    meta->own_ship = p[5] == 'O';
    meta->raw = raw;
    meta->raw_len = (size_t)(end - raw);

    if (total == 1) {
        int nbits = ais_armor_decode(payload, plen, fill, ctx->bits);
        if (nbits < 0)
            return memchr(payload, ',', plen) ? AIS_EINVAL : AIS_EARMOR;
        ctx->st.sentences++;
        out->bits = ctx->bits;
        out->nbits = (unsigned)nbits;
        return AIS_OK;
    }

    return feed_fragment(ctx, payload, plen, fill, total, num, seq, raw, tb, out);
}

static const struct ais_tagblock no_tagblock = {
    .time_ms = AIS_NO_TIME, .source = "", .line_count = -1,
};

static int feed(struct ais_ctx *ctx, const char *line, size_t len, bool overlong,
                struct ais_payload *out)
{
    if (overlong)
        return AIS_EINVAL;
    const char *end = line + len, *p = line;
    /* '#' starts a comment (gpsd's sample.aivdm comments out sentences that
     * must not decode); other leading garbage (a partial line, a timestamp
     * prefix) is skipped. */
    if (len && *p == '#')
        return AIS_ENOTAIS;
    while (p < end && *p != '!' && *p != '\\' && *p != '$')
        p++;
    if (p == end)
        return AIS_ENOTAIS;
    const char *raw = p;
    const struct ais_tagblock *tbp = &no_tagblock;
    if (*p == '\\') {
        const char *close = memchr(p + 1, '\\', (size_t)(end - p - 1));
        if (!close)
            return AIS_EINVAL;
        int trc = ais_tagblock_parse(p + 1, (size_t)(close - p - 1), &ctx->tb);
        if (trc != AIS_OK)
            ctx->st.bad_tagblock++;
        if (trc != AIS_EINVAL)
            tbp = &ctx->tb;
        p = close + 1;
        if (p == end || (*p != '!' && *p != '$'))
            return AIS_EINVAL;
    }
    if (*p == '$')
        return end - p >= 6 && !memcmp(p, "$PGHP,", 6) ? feed_pghp(ctx, p, end) : AIS_ENOTAIS;
    return feed_sentence(ctx, p, end, raw, tbp, out);
}

int ais_feed_line(struct ais_ctx *ctx, const char *line, size_t len, bool overlong,
                  struct ais_payload *out)
{
    ctx->st.lines++;
    int rc = feed(ctx, line, len, overlong, out);
    switch (rc) {
    case AIS_ECHECKSUM: ctx->st.bad_checksum++; break;
    case AIS_EARMOR: ctx->st.bad_armor++; break;
    case AIS_EINVAL:
        if (overlong)
            ctx->st.overlong++;
        else
            ctx->st.bad_sentence++;
        break;
    case AIS_ENOTAIS: ctx->st.not_ais++; break;
    default: break;
    }
    return rc;
}
