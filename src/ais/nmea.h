/* nmea.h: the AIS framing layer's contract: NMEA 0183 lines in, complete
 * message payloads (bits + struct ais_meta) out.
 *
 * One struct ais_ctx per input stream, created and freed by the caller (no
 * globals). Feed it one line at a time, terminator stripped (the line reader
 * in common/input.h does that). It understands:
 *  - !xxVDM / !xxVDO from any talker (AI, AB, BS, AN, SA, ...), IEC 61162-1
 *    (NMEA 0183) checksum, fill bits, empty sequence id and channel;
 *  - NMEA 4.10 tag blocks before the sentence, with their own checksum
 *    (c: UNIX time in s or ms, s: source, g: sentence group, n: line count);
 *  - USCG metadata after the checksum (",d-109,...,r<station>,<unix time>"),
 *    also the bare ",<unix ms>" arrival time some AMSA logs append;
 *  - Gatehouse "$PGHP,1,..." lines giving the time of the next sentence;
 *  - leading garbage before the '!' or '\'.
 * Multi-sentence messages are reassembled (see struct ais_reasm below).
 * After the context is created, the per-line path does not allocate.
 */
#ifndef ATALAYA_AIS_NMEA_H
#define ATALAYA_AIS_NMEA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ais/ais.h"

/* Counters, one per outcome. Every line fed lands in exactly one of
 * sentences (an AIS sentence that framed correctly), bad_checksum, bad_armor,
 * bad_sentence, overlong or not_ais; every framed sentence either is a whole
 * message, joins one, or ends up in orphans (now or when evicted/timed out/
 * flushed). Every complete message is counted by ais_ctx_note_decode() as
 * messages, too_short, unsupported or bad_payload. */
struct ais_stats {
    uint64_t lines;        /* lines fed */
    uint64_t sentences;    /* AIS sentences with a good checksum and armouring */
    uint64_t messages;     /* payloads that decoded */
    uint64_t bad_checksum; /* sentence checksum mismatch (or no "*hh") */
    uint64_t bad_armor;    /* character outside the 6-bit alphabet, fill bits > 5 */
    uint64_t bad_sentence; /* malformed fields: counts, indexes, channel, fill */
    uint64_t too_short;    /* payload too short for its type (ais_decode) */
    uint64_t unsupported;  /* type or DAC/FI not decoded (ais_decode) */
    uint64_t bad_payload;  /* other payload errors from ais_decode */
    uint64_t orphans;      /* fragments that never became part of a message */
    uint64_t overlong;     /* lines longer than the input reader's bound */
    uint64_t not_ais;      /* blank, comments, GPS and other NMEA sentences */
    uint64_t bad_tagblock; /* tag block with a wrong checksum (fields used) or bad syntax (ignored) */
};

/* A complete message, valid until the next call on the same context. */
struct ais_payload {
    const uint8_t *bits; /* MSB first, (nbits + 7) / 8 bytes */
    unsigned nbits;
    struct ais_meta meta;
};

struct ais_ctx;

struct ais_ctx *ais_ctx_new(void);
void ais_ctx_free(struct ais_ctx *ctx);

/* Frames one line (without its terminator). overlong: the reader cut the
 * line (it is rejected and counted). Returns AIS_OK with *out filled, or
 * AIS_EPARTIAL, AIS_ECHECKSUM, AIS_EARMOR, AIS_EINVAL, AIS_EORPHAN,
 * AIS_ENOTAIS. Each line is counted in the context's stats. */
int ais_feed_line(struct ais_ctx *ctx, const char *line, size_t len, bool overlong,
                  struct ais_payload *out);

/* Counts the result of ais_decode() on a payload from this context. */
void ais_ctx_note_decode(struct ais_ctx *ctx, int status);

/* End of input: fragments still waiting become orphans. */
void ais_ctx_finish(struct ais_ctx *ctx);

const struct ais_stats *ais_ctx_stats(const struct ais_ctx *ctx);

/* Writes the counters as "name: value" lines (for --stats). */
void ais_stats_print(const struct ais_stats *st, FILE *f);

/* ---- Pieces below are the context's parts, public for their unit tests. ---- */

/* NMEA 4.10 tag block fields we use (others, like q: or T:, are skipped). */
struct ais_tagblock {
    int64_t time_ms;   /* c:, AIS_NO_TIME if absent */
    char source[32];   /* s:, "" if absent */
    unsigned group_id; /* g:<num>-<total>-<id>; group_total 0 if absent */
    unsigned group_num, group_total;
    long line_count;   /* n:, -1 if absent */
};

/* Parses the text between the two backslashes of "\...*hh\": fields
 * separated by ',', then '*' and the checksum of the fields. c: is seconds,
 * or milliseconds when it has 13 or more digits. Returns AIS_OK;
 * AIS_ECHECKSUM when the fields parse but the checksum is wrong (*tb is
 * filled: see tagblock.c for why it is still usable); AIS_EINVAL on bad
 * syntax (*tb is then unspecified). */
int ais_tagblock_parse(const char *s, size_t n, struct ais_tagblock *tb);

/* Reassembly of multi-sentence messages, keyed by (source, channel,
 * sequence id); a fragment with an empty sequence id is keyed by (source,
 * channel). A continuation without a source (a g: group whose later parts
 * carry no s:, or no tag block at all) joins a pending message with the same
 * channel, sequence id and size. Slots are a fixed table allocated once;
 * when all are taken the oldest is evicted. A pending message times out
 * AIS_REASM_TIMEOUT_MS after its first part (event time, when a later
 * fragment of the same source has one) or after AIS_REASM_MAX_AGE_LINES lines. */
#define AIS_REASM_SLOTS 256
#define AIS_REASM_TIMEOUT_MS 60000
#define AIS_REASM_MAX_AGE_LINES 10000
#define AIS_REASM_RAW_MAX 4096

struct ais_frag {
    const char *payload; /* armoured characters (already validated) */
    size_t len;
    unsigned fill;
    unsigned total, num; /* 1-based fragment count and number */
    int seq;             /* sequence id 0..9, -1 when empty */
    unsigned group_id;   /* tag-block g: id, 0 if none */
    const char *raw;     /* the line as received, for meta.raw */
    size_t raw_len;
    struct ais_meta meta; /* time, source, channel, talker, own_ship */
};

struct ais_reasm;

struct ais_reasm *ais_reasm_new(void);
void ais_reasm_free(struct ais_reasm *r);

/* Adds fragment f (total >= 2) seen at line number `line`. Returns
 * AIS_EPARTIAL (stored), AIS_OK (complete: *payload, *len, *fill and *meta
 * describe the joined message, valid until the next call), or AIS_EORPHAN
 * (f cannot join anything: no first part, duplicate, gap, too long). Stored
 * fragments dropped on the way (evicted, timed out, superseded, gap) are
 * added to *orphans. */
int ais_reasm_add(struct ais_reasm *r, const struct ais_frag *f, uint64_t line,
                  const char **payload, size_t *len, unsigned *fill, struct ais_meta *meta,
                  uint64_t *orphans);

/* Drops every pending message; returns how many fragments they held. */
uint64_t ais_reasm_flush(struct ais_reasm *r);

/* Pending messages (for tests). */
unsigned ais_reasm_pending(const struct ais_reasm *r);

#endif
