/* reassembly.c: joins the sentences of multi-sentence AIS messages.
 *
 * IEC 61162-1 gives each multi-sentence message a sequential message id
 * (0..9, per talker and channel) so parts from different messages can
 * interleave; merged feeds add more interleaving per source. We keep a fixed
 * table of slots, one per pending message, and a dense list of the active
 * ones so a lookup walks only the few pending messages. Nothing is
 * allocated after ais_reasm_new().
 */
#include "ais/nmea.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

/* The longest payload that fits AIS_MAX_PAYLOAD_BITS. */
#define REASM_MAX_CHARS (AIS_MAX_PAYLOAD_BITS / 6)

struct reasm_slot {
    struct ais_meta meta; /* from the first part; meta.source is the key's source */
    int seq;
    unsigned total, next; /* next: the fragment number expected */
    unsigned group_id;
    uint64_t line;        /* line of the first part, for age and eviction */
    size_t nchars, raw_len;
    unsigned fill;
    char chars[REASM_MAX_CHARS];
    char raw[AIS_REASM_RAW_MAX];
    bool raw_ok;          /* raw held every part so far */
};

struct ais_reasm {
    struct reasm_slot slots[AIS_REASM_SLOTS];
    struct reasm_slot *active[AIS_REASM_SLOTS]; /* first nactive are in use */
    struct reasm_slot *free_list[AIS_REASM_SLOTS];
    unsigned nactive, nfree;
};

struct ais_reasm *ais_reasm_new(void)
{
    struct ais_reasm *r = xcalloc(1, sizeof *r);
    for (unsigned i = 0; i < AIS_REASM_SLOTS; i++)
        r->free_list[i] = &r->slots[AIS_REASM_SLOTS - 1 - i];
    r->nfree = AIS_REASM_SLOTS;
    return r;
}

void ais_reasm_free(struct ais_reasm *r)
{
    free(r);
}

unsigned ais_reasm_pending(const struct ais_reasm *r)
{
    return r->nactive;
}

/* Releases active[i]; its contents stay readable until the slot is reused. */
static void release(struct ais_reasm *r, unsigned i)
{
    r->free_list[r->nfree++] = r->active[i];
    r->active[i] = r->active[--r->nactive];
}

/* Releases active[i] as an orphan: the parts it held never make a message. */
static void drop(struct ais_reasm *r, unsigned i, uint64_t *orphans)
{
    *orphans += r->active[i]->next - 1;
    release(r, i);
}

/* Event times are compared only within one source: merged feeds (satellite
 * with terrestrial) are not in time order across sources. */
static bool expired(const struct reasm_slot *s, const struct ais_frag *f, uint64_t line)
{
    if (s->meta.time_ms != AIS_NO_TIME && f->meta.time_ms != AIS_NO_TIME &&
        !strcmp(s->meta.source, f->meta.source) &&
        (f->meta.time_ms - s->meta.time_ms > AIS_REASM_TIMEOUT_MS ||
         s->meta.time_ms - f->meta.time_ms > AIS_REASM_TIMEOUT_MS))
        return true;
    return line - s->line > AIS_REASM_MAX_AGE_LINES;
}

static bool same_key(const struct reasm_slot *s, const struct ais_frag *f)
{
    return s->seq == f->seq && s->meta.channel == f->meta.channel &&
           !strcmp(s->meta.source, f->meta.source);
}

/* A later part matches on channel, sequence id and size; its source must be
 * the slot's unless it has none (only the first part of a g: group carries
 * s:), and its g: id must be the slot's when both have one. An exact source
 * match wins over a source-less one; among equals, the newest slot. */
static int find_continuation(const struct ais_reasm *r, const struct ais_frag *f)
{
    int best = -1, best_exact = 0;
    for (unsigned i = 0; i < r->nactive; i++) {
        const struct reasm_slot *s = r->active[i];
        if (s->seq != f->seq || s->meta.channel != f->meta.channel || s->total != f->total)
            continue;
        if (f->group_id && s->group_id && f->group_id != s->group_id)
            continue;
        int exact = !strcmp(s->meta.source, f->meta.source);
        if (!exact && f->meta.source[0])
            continue;
        if (best < 0 || exact > best_exact || (exact == best_exact && s->line > r->active[best]->line)) {
            best = (int)i;
            best_exact = exact;
        }
    }
    return best;
}

static void append_raw(struct reasm_slot *s, const struct ais_frag *f)
{
    size_t need = (s->raw_len ? 1 : 0) + f->raw_len;
    if (!s->raw_ok || !f->raw || s->raw_len + need > sizeof s->raw) {
        s->raw_ok = false;
        return;
    }
    if (s->raw_len)
        s->raw[s->raw_len++] = '\n';
    memcpy(s->raw + s->raw_len, f->raw, f->raw_len);
    s->raw_len += f->raw_len;
}

static struct reasm_slot *start_message(struct ais_reasm *r, const struct ais_frag *f, uint64_t line,
                                        uint64_t *orphans)
{
    /* A new first part replaces an unfinished message under the same key:
     * the sender has moved on and the old one can no longer complete. */
    for (unsigned i = 0; i < r->nactive; i++)
        if (same_key(r->active[i], f)) {
            drop(r, i, orphans);
            break;
        }
    if (r->nfree == 0) {
        unsigned oldest = 0;
        for (unsigned i = 1; i < r->nactive; i++)
            if (r->active[i]->line < r->active[oldest]->line)
                oldest = i;
        drop(r, oldest, orphans);
    }
    struct reasm_slot *s = r->free_list[--r->nfree];
    r->active[r->nactive++] = s;
    s->meta = f->meta;
    s->seq = f->seq;
    s->total = f->total;
    s->next = 1;
    s->group_id = f->group_id;
    s->line = line;
    s->nchars = s->raw_len = 0;
    s->raw_ok = true;
    return s;
}

int ais_reasm_add(struct ais_reasm *r, const struct ais_frag *f, uint64_t line,
                  const char **payload, size_t *len, unsigned *fill, struct ais_meta *meta,
                  uint64_t *orphans)
{
    for (unsigned i = 0; i < r->nactive;)
        if (expired(r->active[i], f, line))
            drop(r, i, orphans);
        else
            i++;

    struct reasm_slot *s;
    unsigned idx;
    if (f->num == 1) {
        s = start_message(r, f, line, orphans);
        idx = r->nactive - 1;
    } else {
        int i = find_continuation(r, f);
        if (i < 0)
            return AIS_EORPHAN;
        idx = (unsigned)i;
        s = r->active[idx];
        if (f->num < s->next) /* a repeat of a part we hold */
            return AIS_EORPHAN;
        if (f->num > s->next) { /* a part was lost: the message cannot complete */
            drop(r, idx, orphans);
            return AIS_EORPHAN;
        }
    }
    if (s->nchars + f->len > sizeof s->chars) {
        drop(r, idx, orphans);
        return AIS_EORPHAN;
    }
    memcpy(s->chars + s->nchars, f->payload, f->len);
    s->nchars += f->len;
    s->fill = f->fill;
    s->next++;
    append_raw(s, f);
    if (f->num < s->total)
        return AIS_EPARTIAL;

    *payload = s->chars;
    *len = s->nchars;
    *fill = s->fill;
    *meta = s->meta;
    meta->raw = s->raw_ok ? s->raw : NULL;
    meta->raw_len = s->raw_ok ? s->raw_len : 0;
    release(r, idx);
    return AIS_OK;
}

uint64_t ais_reasm_flush(struct ais_reasm *r)
{
    uint64_t n = 0;
    while (r->nactive)
        drop(r, r->nactive - 1, &n);
    return n;
}
