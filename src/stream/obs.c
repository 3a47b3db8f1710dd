/* obs.c: the observation format (obs.h). A spool record is
 *   "AO1" u8-source u8-kind u32-id u64-t u64-boot u64-seq u8-receiver-len
 *   u16-payload-len receiver payload u32-fnv1a-of-all-before
 * all big-endian: the checksum makes a torn or overwritten record a counted
 * reject instead of a wrong message. */
#include "stream/obs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/track.h"

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

unsigned obs_shard(uint8_t kind, uint32_t id, unsigned nshards)
{
    uint8_t b[5] = {kind, (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id};
    return nshards ? fnv1a(b, sizeof b) % nshards : 0;
}

int obs_subject(char *buf, size_t n, unsigned shard)
{
    int w = snprintf(buf, n, OBS_SUBJECT_PREFIX "%u", shard);
    return w < 0 || (size_t)w >= n ? -1 : w;
}

int obs_subject_shard(const char *subject)
{
    size_t pl = strlen(OBS_SUBJECT_PREFIX);
    if (!subject || strncmp(subject, OBS_SUBJECT_PREFIX, pl))
        return -1;
    const char *s = subject + pl;
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
        return -1;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) >= OBS_MAX_SHARDS)
            return -1;
    }
    return (int)v;
}

static const char *const source_names[] = {[OBS_NMEA] = "nmea", [OBS_BEAST] = "beast", [OBS_AVR] = "avr",
                                           [OBS_SBS] = "sbs"};

const char *obs_source_name(enum obs_source s)
{
    return s >= OBS_NMEA && s <= OBS_SBS ? source_names[s] : "?";
}

enum obs_source obs_source_parse(const char *name)
{
    for (int s = OBS_NMEA; s <= OBS_SBS; s++)
        if (name && !strcmp(name, source_names[s]))
            return (enum obs_source)s;
    return 0;
}

void obs_entity_format(char *buf, size_t n, uint8_t kind, uint32_t id)
{
    if (kind == TRK_AIRCRAFT)
        snprintf(buf, n, "aircraft:%06" PRIx32, id & 0xffffff);
    else
        snprintf(buf, n, "vessel:%09" PRIu32, id);
}

static bool digits(const char *s, int base, size_t min, size_t max, uint32_t *out)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    uint32_t v = 0;
    for (; *s; s++) {
        int d = *s >= '0' && *s <= '9' ? *s - '0'
                : base == 16 && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
                : base == 16 && *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
                                                       : -1;
        if (d < 0)
            return false;
        v = v * (uint32_t)base + (uint32_t)d;
    }
    *out = v;
    return true;
}

bool obs_entity_parse(const char *text, uint8_t *kind, uint32_t *id)
{
    if (!text)
        return false;
    if (!strncmp(text, "vessel:", 7) && digits(text + 7, 10, 1, 9, id)) {
        *kind = TRK_VESSEL;
        return true;
    }
    if (!strncmp(text, "aircraft:", 9) && digits(text + 9, 16, 6, 6, id)) {
        *kind = TRK_AIRCRAFT;
        return true;
    }
    return false;
}

void obs_msgid_format(char *buf, size_t n, const struct obs *o)
{
    snprintf(buf, n, "%s.%" PRIu64 ".%" PRIu64, o->receiver, o->boot, o->seq);
}

bool obs_receiver_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n >= OBS_RECEIVER_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

#define REC_MAGIC "AO1"
#define REC_FIXED (3 + 1 + 1 + 4 + 8 + 8 + 8 + 1 + 2) /* before the receiver */

static uint8_t *put_be(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        *p++ = (uint8_t)(v >> (8 * i));
    return p;
}

static uint64_t get_be(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

size_t obs_encode(const struct obs *o, uint8_t *out, size_t cap)
{
    size_t rl = strnlen(o->receiver, OBS_RECEIVER_MAX);
    if (!obs_receiver_ok(o->receiver) || o->source < OBS_NMEA || o->source > OBS_SBS || o->len == 0 ||
        o->len > OBS_MAX_PAYLOAD || !o->data)
        return 0;
    size_t total = REC_FIXED + rl + o->len + 4;
    if (total > cap)
        return 0;
    uint8_t *p = out;
    memcpy(p, REC_MAGIC, 3);
    p += 3;
    *p++ = (uint8_t)o->source;
    *p++ = o->kind;
    p = put_be(p, o->id, 4);
    p = put_be(p, (uint64_t)o->t_ms, 8);
    p = put_be(p, o->boot, 8);
    p = put_be(p, o->seq, 8);
    *p++ = (uint8_t)rl;
    p = put_be(p, o->len, 2);
    memcpy(p, o->receiver, rl);
    p += rl;
    memcpy(p, o->data, o->len);
    p += o->len;
    p = put_be(p, fnv1a(out, (size_t)(p - out)), 4);
    return (size_t)(p - out);
}

long obs_decode(const uint8_t *p, size_t n, struct obs *o)
{
    /* A prefix of the magic may be a record still being written. */
    if (memcmp(p, REC_MAGIC, n < 3 ? n : 3))
        return -1;
    if (n < REC_FIXED)
        return 0;
    const uint8_t *q = p + 3;
    uint8_t source = *q++, kind = *q++;
    uint32_t id = (uint32_t)get_be(q, 4);
    int64_t t = (int64_t)get_be(q + 4, 8);
    uint64_t boot = get_be(q + 12, 8), seq = get_be(q + 20, 8);
    size_t rl = q[28], len = (size_t)get_be(q + 29, 2);
    if (rl == 0 || rl >= OBS_RECEIVER_MAX || len == 0 || len > OBS_MAX_PAYLOAD || source < OBS_NMEA ||
        source > OBS_SBS)
        return -1;
    size_t total = REC_FIXED + rl + len + 4;
    if (n < total)
        return 0;
    if (get_be(p + total - 4, 4) != fnv1a(p, total - 4))
        return -1;
    memset(o, 0, sizeof *o);
    memcpy(o->receiver, p + REC_FIXED, rl);
    if (!obs_receiver_ok(o->receiver))
        return -1;
    o->source = (enum obs_source)source;
    o->kind = kind;
    o->id = id;
    o->t_ms = t;
    o->boot = boot;
    o->seq = seq;
    o->data = p + REC_FIXED + rl;
    o->len = len;
    return (long)total;
}
