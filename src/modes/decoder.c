/* decoder.c: the decoder context: per-aircraft state that turns CPR into
 * positions (even/odd pairing, local decoding from the last position or the
 * receiver), remembers each aircraft's ADS-B version and NIC supplements,
 * and rejects implausible positions (range from the receiver, implied speed
 * from the last position), counting every rejection.
 *
 * State table: a set-associative hash of MODES_WAYS slots per bucket, sized
 * once at creation (bounded memory, no allocation per frame). A slot whose
 * aircraft has been silent for aircraft_ttl_ms is free; when a bucket is full
 * of live aircraft the least recently heard is evicted and counted.
 *
 * Time: the frame's event time (time_ms), else its 12 MHz counter, else a
 * count of frames (then pairing windows are in frames, MODES_NOTIME_FRAMES,
 * and the speed check is skipped: without time there is no speed). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "modes/cpr.h"
#include "modes/es.h"
#include "modes/modes_dec.h"
#include "modes/modes_msg.h"

#define MODES_WAYS 4
#define MODES_NOTIME_FRAMES 2000
#define MODES_SURFACE_MAX_KT 250.0 /* above any take-off roll still reporting surface */
#define MODES_SPEED_SLACK_NM 1.0   /* CPR resolution and timing jitter */

struct modes_cpr_half {
    bool valid;
    bool surface;
    uint32_t lat, lon;
    int64_t t;
};

struct modes_ac {
    uint32_t addr; /* key: 24-bit address, DF18 CF + 1 in bits 24-27 */
    bool used;
    int64_t t_seen;
    struct modes_cpr_half cpr[2]; /* [0] even, [1] odd */
    bool have_pos;
    double lat, lon;
    int64_t t_pos;
    struct modes_es_ctx es;
};

struct modes_decoder {
    struct modes_decoder_cfg cfg;
    struct modes_decode_stats stats;
    bool clock_is_frames; /* no time seen yet: count frames */
    int64_t frames;
    size_t nbuckets; /* power of two */
    struct modes_ac *slots;
};

struct modes_decoder *modes_decoder_new(const struct modes_decoder_cfg *cfg)
{
    struct modes_decoder *d = xcalloc(1, sizeof *d);
    if (cfg)
        d->cfg = *cfg;
    if (d->cfg.max_range_nm <= 0)
        d->cfg.max_range_nm = 450.0;
    if (d->cfg.max_speed_kt <= 0)
        d->cfg.max_speed_kt = 1500.0;
    if (d->cfg.pair_max_ms <= 0)
        d->cfg.pair_max_ms = 10000;
    if (d->cfg.max_aircraft == 0)
        d->cfg.max_aircraft = 4096;
    if (d->cfg.aircraft_ttl_ms <= 0)
        d->cfg.aircraft_ttl_ms = 300000;
    size_t want = (d->cfg.max_aircraft + MODES_WAYS - 1) / MODES_WAYS, n = 1;
    while (n < want)
        n <<= 1;
    d->nbuckets = n;
    d->slots = xcalloc(n * MODES_WAYS, sizeof *d->slots);
    return d;
}

void modes_decoder_free(struct modes_decoder *d)
{
    if (!d)
        return;
    free(d->slots);
    free(d);
}

const struct modes_decode_stats *modes_decoder_stats(const struct modes_decoder *d)
{
    return &d->stats;
}

/* Frame time in ms (see the file comment); *timed false for frame counts. */
static int64_t frame_clock(struct modes_decoder *d, const struct modes_frame *f, bool *timed)
{
    d->frames++;
    *timed = true;
    if (f->time_ms != MODES_NO_TIME)
        return f->time_ms;
    if (f->ts12 != 0)
        return (int64_t)(f->ts12 / 12000u);
    *timed = false;
    return d->frames;
}

/* The state of aircraft `addr` (a 24-bit address with its origin in bits
 * 24-27, see modes_decode), created if absent; NULL only when !create. */
static struct modes_ac *ac_find(struct modes_decoder *d, uint32_t addr, int64_t now, int64_t ttl,
                                bool create)
{
    uint32_t h = (addr * 2654435761u) >> 8;
    struct modes_ac *b = d->slots + (h & (d->nbuckets - 1)) * MODES_WAYS;
    struct modes_ac *victim = NULL;
    for (int i = 0; i < MODES_WAYS; i++) {
        struct modes_ac *a = &b[i];
        bool live = a->used && now - a->t_seen <= ttl && now >= a->t_seen;
        if (live && a->addr == addr)
            return a;
        if (!live) {
            if (!victim || victim->used)
                victim = a;
        } else if (!victim || (victim->used && a->t_seen < victim->t_seen)) {
            victim = a;
        }
    }
    if (!create)
        return NULL;
    if (victim->used && now - victim->t_seen <= ttl && now >= victim->t_seen)
        d->stats.table_evictions++;
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    victim->addr = addr;
    victim->t_seen = now;
    return victim;
}

/* Great-circle distance in nautical miles (spherical Earth, 3440.065 NM). */
static double dist_nm(double lat1, double lon1, double lat2, double lon2)
{
    double r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2.0 * 3440.065 * asin(fmin(1.0, sqrt(a)));
}

/* Whether two points lie farther apart than limit_nm. The path along a
 * meridian and then a parallel is at least the great-circle distance, and no
 * longer than 60 NM per degree of latitude plus longitude difference: when
 * that bound is within the limit (nearly always), no trigonometry is needed. */
static bool farther_than(double lat1, double lon1, double lat2, double lon2, double limit_nm)
{
    double dlon = fabs(lon2 - lon1);
    if (dlon > 180.0)
        dlon = 360.0 - dlon;
    if (60.0 * (fabs(lat2 - lat1) + dlon) <= limit_nm)
        return false;
    return dist_nm(lat1, lon1, lat2, lon2) > limit_nm;
}

/* Range and speed plausibility; returns true to accept (counted otherwise). */
static bool plausible(struct modes_decoder *d, const struct modes_ac *a, double lat, double lon,
                      bool surface, int64_t now, bool timed)
{
    if (d->cfg.have_ref &&
        farther_than(d->cfg.ref_lat, d->cfg.ref_lon, lat, lon, d->cfg.max_range_nm)) {
        d->stats.cpr_range++;
        return false;
    }
    if (timed && a->have_pos && now >= a->t_pos) {
        double max_kt = surface ? MODES_SURFACE_MAX_KT : d->cfg.max_speed_kt;
        double hours = (double)(now - a->t_pos) / 3600000.0;
        if (farther_than(a->lat, a->lon, lat, lon, max_kt * hours + MODES_SPEED_SLACK_NM)) {
            d->stats.cpr_speed++;
            return false;
        }
    }
    return true;
}

/* Resolves m's CPR into lat/lon when the state allows (DO-260B A.1.7):
 * a fresh even/odd pair of the same kind decodes globally; otherwise a
 * recent position of this aircraft, or (surface, or a receiver range under
 * 180 NM) the receiver position, decodes locally. */
static void resolve_position(struct modes_decoder *d, struct modes_ac *a, struct modes_msg *m,
                             int64_t now, bool timed)
{
    int i = m->cpr_odd ? 1 : 0;
    a->cpr[i] = (struct modes_cpr_half){true, m->cpr_surface, m->cpr_lat, m->cpr_lon, now};
    const struct modes_cpr_half *o = &a->cpr[!i];
    /* Surface pairs get 2.5 times longer: at taxi speed a 25 s old frame
     * still lies within the same zone (DO-260B A.1.7.8 allows 25-50 s). */
    int64_t window = !timed ? MODES_NOTIME_FRAMES
                            : m->cpr_surface ? d->cfg.pair_max_ms * 5 / 2 : d->cfg.pair_max_ms;
    bool pair = o->valid && o->surface == m->cpr_surface && now - o->t <= window && now >= o->t;
    bool have_local = a->have_pos && now >= a->t_pos &&
                      now - a->t_pos <= (timed ? d->cfg.pair_max_ms * 6 : MODES_NOTIME_FRAMES);
    double lat = 0, lon = 0;
    int rc = CPR_BAD;
    uint8_t kind = MODES_POS_NONE;
    if (pair) {
        const struct modes_cpr_half *e = i ? o : &a->cpr[0], *od = i ? &a->cpr[1] : o;
        if (m->cpr_surface) {
            bool ref = have_local || d->cfg.have_ref;
            if (!ref) {
                d->stats.cpr_no_ref++;
                return;
            }
            rc = cpr_surface_global(have_local ? a->lat : d->cfg.ref_lat,
                                    have_local ? a->lon : d->cfg.ref_lon, e->lat, e->lon, od->lat,
                                    od->lon, i == 1, &lat, &lon);
        } else {
            rc = cpr_airborne_global(e->lat, e->lon, od->lat, od->lon, i == 1, &lat, &lon);
        }
        if (rc == CPR_RETRY)
            d->stats.cpr_zone_retry++;
        kind = MODES_POS_GLOBAL;
    }
    if (rc != CPR_OK && have_local) {
        rc = cpr_local(a->lat, a->lon, m->cpr_lat, m->cpr_lon, i == 1, m->cpr_surface, &lat, &lon);
        kind = MODES_POS_LOCAL_AC;
    }
    if (rc != CPR_OK && d->cfg.have_ref && (m->cpr_surface || d->cfg.max_range_nm < 180.0)) {
        rc = cpr_local(d->cfg.ref_lat, d->cfg.ref_lon, m->cpr_lat, m->cpr_lon, i == 1,
                       m->cpr_surface, &lat, &lon);
        kind = MODES_POS_LOCAL_REF;
    }
    if (rc != CPR_OK) {
        if (!pair)
            d->stats.cpr_no_pair++;
        return;
    }
    if (!plausible(d, a, lat, lon, m->cpr_surface, now, timed)) {
        /* A global pair that fails is stale or corrupt: start over. */
        if (kind == MODES_POS_GLOBAL)
            a->cpr[!i].valid = false;
        return;
    }
    if (kind == MODES_POS_GLOBAL)
        d->stats.cpr_global++;
    else
        d->stats.cpr_local++;
    m->lat = lat;
    m->lon = lon;
    m->pos_kind = kind;
    m->have |= MODES_BIT(MODES_F_POS);
    a->have_pos = true;
    a->lat = lat;
    a->lon = lon;
    a->t_pos = now;
}

int modes_decode(struct modes_decoder *d, const struct modes_frame *f, struct modes_msg *out)
{
    bool timed;
    int64_t now = frame_clock(d, f, &timed);
    int64_t ttl = timed ? d->cfg.aircraft_ttl_ms : 100 * MODES_NOTIME_FRAMES;
    /* Only extended squitters (DF17/18, address in the clear) carry state.
     * The key keeps apart what the ground rebroadcasts (DF18 CF 2-7: TIS-B,
     * ADS-R) from what the aircraft sends, and anonymous addresses (CF 1)
     * from ICAO ones, so CPR halves of different origins never pair. */
    unsigned df = f->msg[0] >> 3;
    bool es = f->len == MODES_LONG_BYTES && (df == 17 || df == 18);
    uint32_t key = (uint32_t)f->msg[1] << 16 | (uint32_t)f->msg[2] << 8 | f->msg[3];
    if (df == 18)
        key |= (uint32_t)((f->msg[0] & 7) + 1) << 24;
    struct modes_ac *a = es && f->crc_ok ? ac_find(d, key, now, ttl, true) : NULL;
    if (a) {
        a->t_seen = now;
        modes_es_opstatus_ctx(f->msg + 4, &a->es);
    }
    int rc = modes_decode_fields(f, out, a ? &a->es : NULL);
    switch (rc) {
    case MODES_DECODE_OK:
        d->stats.decoded++;
        break;
    case MODES_DECODE_ELEN:
        d->stats.rejected_len++;
        return rc;
    case MODES_DECODE_EDF:
        d->stats.rejected_df++;
        return rc;
    default:
        d->stats.rejected_crc++;
        return rc;
    }
    if (out->df == 20 || out->df == 21) {
        if (out->bds_ambiguous)
            d->stats.commb_ambiguous++;
        else if (out->bds == MODES_BDS_EMPTY)
            d->stats.commb_empty++;
        else if (out->bds == MODES_BDS_NONE)
            d->stats.commb_unknown++;
    }
    if (a && MODES_HAS(out, MODES_F_CPR))
        resolve_position(d, a, out, now, timed);
    return MODES_DECODE_OK;
}
