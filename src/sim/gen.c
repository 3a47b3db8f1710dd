/* gen.c: the transmission schedule and the receivers.
 *
 * Rates, as the standards set them:
 *  - AIS Class A position (types 1/3; ITU-R M.1371-5 Annex 1 table 1):
 *    3 min at anchor or moored and not above 3 kn, 10 s at 0-14 kn,
 *    6 s at 14-23 kn, 2 s above 23 kn; while changing course (a loiter's
 *    circle, the turn at a waypoint) 3 1/3 s at 0-14 kn and 2 s above;
 *    static data (type 5) every 6 min.
 *  - AIS Class B "CS" (table 2): type 18 every 3 min at 2 kn or less, else
 *    30 s; type 24 parts A and B every 6 min.
 *  - ADS-B (DO-260B 2.2.3.3.1): airborne position and velocity each at
 *    random intervals of 0.4-0.6 s, identification 4.8-5.2 s, emergency
 *    status (TC 28) 0.8-1.2 s while an emergency code is set, operational
 *    status (TC 31, version 1 or 2; none from version 0) 2.4-2.6 s, target
 *    state and status (TC 29 subtype 1, version 2 only) 1.2-1.3 s.
 *  - On the ground (taxi, and the stand with the transponder on; DO-260B
 *    2.2.3.3.1.3): surface position (TC 7) 0.4-0.6 s while moving, 4.8-5.2 s
 *    when stationary; identification 4.8-5.2 s moving, 9.8-10.2 s
 *    stationary; surface operational status (TC 31 subtype 1, version 1
 *    or 2) 4.8-5.2 s (its rate while the quality does not change); DF11 as
 *    airborne; all with CA 4 (on the ground). No velocity, TC 29 or radar
 *    replies there.
 *  - Mode S (Annex 10 Vol IV 3.1.2.8.5): acquisition squitter DF11 at random
 *    0.8-2.4 s; DF4/DF5 replies to a ground radar sweeping every 4-6 s; DF20/
 *    DF21 Comm-B replies (BDS 2,0 identification) to an EHS radar every 8-12 s.
 * Aircraft parked between their ground phases are silent.
 * A message is written when a receiver hears it: AIS within the receiver's
 * range (the nearest one's id goes in the tag block s:), aircraft within
 * the radio horizon of both antennas (1.23 (sqrt(h_ft) + sqrt(H_ft)) NM),
 * capped by the range; satellite AIS receivers hear any vessel during their
 * passes, where no coast station does. Mode S is one merged feed, as an
 * aggregator gives. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/geo.h"
#include "common/xmalloc.h"
#include "modes/framer.h"
#include "modes/modes.h"
#include "modes/modes_msg.h"
#include "sim/encode.h"
#include "sim/rng.h"
#include "sim/sim.h"

enum ev_kind { EV_AIS_POS, EV_AIS_STATIC, EV_ES_POS, EV_ES_VEL, EV_ES_IDENT, EV_ES_STATUS,
               EV_DF11, EV_DF4, EV_DF5, EV_ES_OPSTATUS, EV_DF20, EV_DF21, EV_ES_TSS };

struct ev {
    int64_t t;
    uint32_t ent;
    uint8_t kind;
};

struct heap {
    struct ev *a;
    size_t n, cap;
};

static bool ev_less(const struct ev *x, const struct ev *y)
{
    if (x->t != y->t)
        return x->t < y->t;
    if (x->ent != y->ent)
        return x->ent < y->ent;
    return x->kind < y->kind;
}

static void heap_push(struct heap *h, struct ev e)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 1024;
        h->a = xrealloc(h->a, h->cap * sizeof *h->a);
    }
    size_t i = h->n++;
    while (i > 0 && ev_less(&e, &h->a[(i - 1) / 2])) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = e;
}

static struct ev heap_pop(struct heap *h)
{
    struct ev top = h->a[0], last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && ev_less(&h->a[c + 1], &h->a[c]))
            c++;
        if (!ev_less(&h->a[c], &last))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n)
        h->a[i] = last;
    return top;
}

/* Per-entity transmitter state. */
struct tx {
    uint8_t seq;   /* AIS sequential message id for multi-sentence messages */
    bool chan_b;   /* AIS alternates channels A and B */
    bool odd;      /* CPR format of the next position squitter */
};

struct gen {
    struct sim_scenario *sc;
    const struct sim_outputs *out;
    struct sim_counts *c;
    struct sim_rng rng;
    struct heap h;
    struct tx *tx;
    struct buf ais, modes;
    uint64_t ts12_base; /* receiver counter at the scenario start */
    int err;            /* the ais_heard hook failed */
};

uint64_t sim_ts12_base(uint64_t seed)
{
    struct sim_rng r;
    sim_rng_seed(&r, seed ^ UINT64_C(0x7E57C0DE12345678));
    return (UINT64_C(1) << 40) + (sim_rng_u64(&r) >> 17); /* 1 to 13 days of uptime */
}

static int64_t jitter(struct gen *g, int64_t lo_ms, int64_t hi_ms)
{
    return lo_ms + (int64_t)sim_rng_below(&g->rng, (uint32_t)(hi_ms - lo_ms + 1));
}

/* The behaviour of that kind acting on entity ent at t, or NULL. */
static const struct sim_behaviour *active(const struct sim_scenario *sc, size_t ent, int kind,
                                          int64_t t)
{
    for (size_t i = 0; i < sc->nbeh; i++) {
        const struct sim_behaviour *b = &sc->beh[i];
        if (b->kind == kind && b->ent[0] == ent && t >= b->t0 && t < b->t1)
            return b;
    }
    return NULL;
}

/* The position broadcast: the true one, or the spoofed one. */
static void broadcast_position(const struct sim_scenario *sc, size_t ent, int64_t t,
                               const struct sim_state *s, double *lat, double *lon)
{
    const struct sim_behaviour *b = active(sc, ent, SIM_BEH_SPOOF, t);
    *lat = s->lat;
    *lon = s->lon;
    if (!b)
        return;
    if (b->spoof == SIM_SPOOF_FIXED) {
        *lat = b->lat;
        *lon = b->lon;
    } else if (b->spoof == SIM_SPOOF_OFFSET) {
        *lat += b->lat;
        *lon += b->lon;
    } else {
        double lap = (double)((t - b->t0) % 600000) / 600000.0;
        geo_destination(b->lat, b->lon, 360.0 * lap, b->radius_m, lat, lon);
    }
}

/* The static identity broadcast at t (an identity behaviour overrides parts of it). */
static void broadcast_identity(const struct sim_scenario *sc, size_t ent, int64_t t,
                               struct sim_ais_static *st, uint32_t *icao, char *callsign)
{
    const struct sim_entity *e = &sc->ent[ent];
    *st = e->st;
    *icao = e->icao;
    memcpy(callsign, e->callsign, sizeof e->callsign);
    if (e->kind == SIM_AIRCRAFT && !callsign[0]) {
        /* No flight callsign: the registration without its hyphen, as a
         * private flight files it (ICAO Doc 4444 item 7). */
        size_t n = 0;
        for (const char *p = e->registration; *p && n < 8; p++)
            if (*p != '-')
                callsign[n++] = *p;
        callsign[n] = '\0';
    }
    const struct sim_behaviour *b = active(sc, ent, SIM_BEH_IDENTITY, t);
    if (!b)
        return;
    if (b->mmsi)
        st->mmsi = b->mmsi;
    if (b->imo)
        st->imo = b->imo;
    if (b->name[0])
        memcpy(st->name, b->name, sizeof st->name);
    if (b->callsign[0]) {
        memcpy(st->callsign, b->callsign, sizeof st->callsign - 1); /* AIS: 7 characters */
        st->callsign[sizeof st->callsign - 1] = '\0';
        memcpy(callsign, b->callsign, sizeof b->callsign);
    }
    if (b->icao)
        *icao = b->icao;
}

/* The receiver that hears a transmitter at (lat, lon), or NULL. alt_ft < 0:
 * a vessel (the receiver's range only). *dist_nm: distance to it. */
static const struct sim_receiver *heard(const struct sim_scenario *sc, int64_t t, double lat,
                                        double lon, double alt_ft, double *dist_nm)
{
    const struct sim_receiver *best = NULL, *sat = NULL;
    double coslat = cos(lat * M_PI / 180.0);
    for (size_t i = 0; i < sc->nrx; i++) {
        const struct sim_receiver *r = &sc->rx[i];
        if (r->satellite) {
            int64_t k = t - sc->start - r->phase_ms;
            if (!sat && alt_ft < 0 && k >= 0 && k % r->revisit_ms < r->pass_ms)
                sat = r;
            continue;
        }
        double range = r->range_nm;
        if (alt_ft >= 0) {
            double horizon = 1.23 * (sqrt(alt_ft) + sqrt(r->alt_m * 3.28084));
            if (horizon < range)
                range = horizon;
        }
        /* Most transmitters are far from most receivers: a flat-earth
         * estimate with a wide margin skips them before the exact distance. */
        double dlat = fabs(lat - r->lat), dlon = fabs(lon - r->lon);
        if (dlon > 180)
            dlon = 360 - dlon;
        double approx_nm = 60.0 * (dlat > dlon * coslat ? dlat : dlon * coslat);
        if (approx_nm > 1.5 * range + 60.0)
            continue;
        double d = geo_distance_m(lat, lon, r->lat, r->lon) / GEO_M_PER_NM;
        if (d <= range && (!best || d < *dist_nm)) {
            best = r;
            *dist_nm = d;
        }
    }
    /* A satellite counts only where no coast station hears the vessel. */
    if (!best && sat) {
        *dist_nm = 0;
        return sat;
    }
    return best;
}

const struct sim_receiver *sim_heard(const struct sim_scenario *sc, int64_t t, double lat, double lon,
                                    double alt_ft, double *dist_nm)
{
    return heard(sc, t, lat, lon, alt_ft, dist_nm);
}

static unsigned ais_interval_ms(const struct sim_entity *e, const struct sim_state *s)
{
    if (e->ais_class == 'B')
        return s->sog_kn <= 2.0 ? 180000 : 30000;
    if ((s->nav_status == SIM_NAV_ANCHORED || s->nav_status == SIM_NAV_MOORED) && s->sog_kn <= 3.0)
        return 180000;
    if (s->rot_dpm != 0) /* changing course */
        return s->sog_kn <= 14.0 ? 3333 : 2000;
    return s->sog_kn <= 14.0 ? 10000 : s->sog_kn <= 23.0 ? 6000 : 2000;
}

/* ROT_AIS (ITU-R M.1371-5 table 45): 4.733 sqrt(degrees/min), signed, to
 * +-126 (the turn indicator's range; 127 means "turning, no indicator"). */
static int rot_ais(double rot_dpm)
{
    long v = lround(4.733 * sqrt(fabs(rot_dpm)));
    if (v > 126)
        v = 126;
    return (int)(rot_dpm < 0 ? -v : v);
}

/* Writes one message heard by receiver r (NULL: nobody heard it). */
static void ais_emit(struct gen *g, size_t ei, const struct sim_receiver *r, double dist_nm,
                     const uint8_t *bits, unsigned nbits, int64_t t)
{
    g->c->ais_sent++;
    struct tx *x = &g->tx[ei];
    if (r) {
        g->c->ais_heard++;
        size_t before = g->ais.len;
        sim_nmea_write(&g->ais, bits, nbits, x->chan_b ? 'B' : 'A', x->seq, r->id, t / 1000);
        for (size_t i = before; i < g->ais.len; i++)
            g->c->ais_lines += g->ais.p[i] == '\n';
        if (g->out->ais_heard &&
            g->out->ais_heard(g->out->ais_heard_ctx, t, x->chan_b ? 'B' : 'A', bits, nbits, r, dist_nm))
            g->err = 1;
    }
    x->chan_b = !x->chan_b;
}

static void ais_event(struct gen *g, struct ev *ev, const struct sim_state *s)
{
    struct sim_entity *e = &g->sc->ent[ev->ent];
    uint8_t bits[SIM_AIS_BYTES_MAX];
    bool dark = active(g->sc, ev->ent, SIM_BEH_AIS_DARK, ev->t) != NULL;
    double d = 0;
    /* Messages nobody hears are counted but not encoded. */
    const struct sim_receiver *r = dark ? NULL : heard(g->sc, ev->t, s->lat, s->lon, -1, &d);
    int64_t t = ev->t;
    ev->t += ev->kind == EV_AIS_POS ? ais_interval_ms(e, s) : 360000;
    if (dark) {
        g->c->ais_dark += ev->kind == EV_AIS_POS || e->ais_class == 'A' ? 1 : 2;
        return;
    }
    struct sim_ais_static st;
    uint32_t icao;
    char callsign[9];
    broadcast_identity(g->sc, ev->ent, t, &st, &icao, callsign);
    if (ev->kind == EV_AIS_POS) {
        double lat, lon;
        broadcast_position(g->sc, ev->ent, t, s, &lat, &lon);
        struct sim_ais_pos p = {
            .type = e->ais_class == 'B' ? 18 : 1,
            .mmsi = st.mmsi,
            .nav_status = s->nav_status,
            .turn = rot_ais(s->rot_dpm),
            .sog_dkn = (unsigned)lround(s->sog_kn * 10),
            .accuracy = false,
            .lat = lat,
            .lon = lon,
            .cog_ddeg = (unsigned)lround(s->cog_deg * 10) % 3600,
            .heading = e->ais_class == 'B' ? SIM_AIS_HEADING_NA : (unsigned)lround(s->cog_deg) % 360,
            .second = (unsigned)(t / 1000 % 60),
        };
        unsigned n = !r ? 0 : p.type == 18 ? sim_ais_encode_18(&p, bits) : sim_ais_encode_pos(&p, bits);
        ais_emit(g, ev->ent, r, d, bits, n, t);
    } else if (e->ais_class == 'B') {
        /* Both parts on one channel: receivers that pair them (gpsd keeps
         * one part A queue per channel) would otherwise never match them. */
        bool chan_b = g->tx[ev->ent].chan_b;
        for (int part = 0; part < 2; part++) {
            unsigned n = r ? sim_ais_encode_24(&st, part, bits) : 0;
            g->tx[ev->ent].chan_b = chan_b;
            ais_emit(g, ev->ent, r, d, bits, n, t);
        }
    } else {
        unsigned n = r ? sim_ais_encode_5(&st, bits) : 0;
        ais_emit(g, ev->ent, r, d, bits, n, t);
        g->tx[ev->ent].seq = (uint8_t)((g->tx[ev->ent].seq + 1) % 10);
    }
}

static unsigned emergency_of(unsigned squawk)
{
    /* DO-260B table 2-99: 1 general (7700), 4 no communications (7600),
     * 5 unlawful interference (7500). */
    return squawk == 7700 ? 1 : squawk == 7600 ? 4 : squawk == 7500 ? 5 : 0;
}

/* TC 29 subtype 1 as an airliner's autopilot would fill it: the cruise
 * level selected on the MCP while climbing and level, the approach
 * altitude while descending; the standard setting (1013.25 hPa, sent as
 * 1013.6) above the transition level, selected heading the track. */
static void target_state(const struct sim_entity *e, const struct sim_state *s, uint8_t *msg,
                         uint32_t icao)
{
    bool descending = s->vrate_fpm < 0, level = s->vrate_fpm == 0;
    struct sim_modes_tss t = {
        .sel_alt_ft = descending ? 3000 : (int32_t)lround(e->cruise_ft),
        .qnh_hpa = 1013.25,
        .sel_heading_deg = s->cog_deg,
        .nac_p = 9,
        .nic_baro = 1,
        .sil = 3,
        .modes_valid = true,
        .ap_modes = (uint8_t)(MODES_AP_TCAS | MODES_AP_LNAV |
                              (s->alt_ft > 1000 ? MODES_AP_AUTOPILOT : 0) |
                              (level ? MODES_AP_ALT_HOLD : MODES_AP_VNAV) |
                              (descending && s->alt_ft < 5000 ? MODES_AP_APPROACH : 0)),
    };
    sim_modes_target_state(msg, icao, &t);
}

/* The time to an aircraft's next transmission of that kind (the rates in
 * the file header): one random draw per event, so the stream stays fixed. */
static int64_t modes_interval(struct gen *g, int kind, bool ground, bool moving)
{
    static const int64_t lo[] = {[EV_ES_POS] = 400,     [EV_ES_VEL] = 400, [EV_ES_IDENT] = 4800,
                                 [EV_ES_STATUS] = 800,  [EV_DF11] = 800,   [EV_DF4] = 4000,
                                 [EV_DF5] = 4000,       [EV_ES_OPSTATUS] = 2400,
                                 [EV_DF20] = 8000,      [EV_DF21] = 8000,  [EV_ES_TSS] = 1200};
    static const int64_t hi[] = {[EV_ES_POS] = 600,     [EV_ES_VEL] = 600, [EV_ES_IDENT] = 5200,
                                 [EV_ES_STATUS] = 1200, [EV_DF11] = 2400,  [EV_DF4] = 6000,
                                 [EV_DF5] = 6000,       [EV_ES_OPSTATUS] = 2600,
                                 [EV_DF20] = 12000,     [EV_DF21] = 12000, [EV_ES_TSS] = 1300};
    if (ground && ((kind == EV_ES_POS && !moving) || kind == EV_ES_OPSTATUS))
        return jitter(g, 4800, 5200);
    if (ground && kind == EV_ES_IDENT)
        return moving ? jitter(g, 4800, 5200) : jitter(g, 9800, 10200);
    return jitter(g, lo[kind], hi[kind]);
}

static void modes_event(struct gen *g, struct ev *ev, const struct sim_state *s)
{
    struct sim_entity *e = &g->sc->ent[ev->ent];
    const struct sim_behaviour *sq = active(g->sc, ev->ent, SIM_BEH_SQUAWK, ev->t);
    unsigned squawk = sq ? sq->code : e->squawk;
    unsigned emerg = emergency_of(squawk);
    int64_t t = ev->t;
    bool ground = !s->airborne, moving = s->sog_kn > 0;
    ev->t += modes_interval(g, ev->kind, ground, moving);
    bool odd = g->tx[ev->ent].odd;
    if (ev->kind == EV_ES_POS && (s->airborne || s->surface))
        g->tx[ev->ent].odd = !odd; /* even and odd formats alternate */
    if (!s->airborne && !s->surface)
        return; /* parked, transponder off */
    if (ev->kind == EV_ES_STATUS && emerg == 0)
        return;
    if ((ev->kind == EV_ES_OPSTATUS && e->adsb_version == 0) ||
        (ev->kind == EV_ES_TSS && e->adsb_version < 2))
        return;
    if (ground && ev->kind != EV_ES_POS && ev->kind != EV_ES_IDENT && ev->kind != EV_DF11 &&
        ev->kind != EV_ES_STATUS && ev->kind != EV_ES_OPSTATUS)
        return;
    if (active(g->sc, ev->ent, SIM_BEH_ADSB_OFF, t)) {
        g->c->modes_off++;
        return;
    }
    g->c->modes_sent++;
    double d = 0;
    if (!heard(g->sc, t, s->lat, s->lon, s->alt_ft > 0 ? s->alt_ft : 0, &d))
        return;
    g->c->modes_heard++;
    if (!g->out->modes && !g->out->modes_heard)
        return;
    struct sim_ais_static st;
    uint32_t icao;
    char callsign[9];
    broadcast_identity(g->sc, ev->ent, t, &st, &icao, callsign);
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    f.len = 14;
    switch (ev->kind) {
    case EV_ES_POS: {
        double lat, lon;
        broadcast_position(g->sc, ev->ent, t, s, &lat, &lon);
        if (ground)
            sim_modes_surface_pos(f.msg, icao, s->sog_kn, moving ? s->cog_deg : -1, lat, lon, odd);
        else
            sim_modes_airborne_pos(f.msg, icao, (int32_t)lround(s->alt_ft), lat, lon, odd,
                                   emerg != 0);
        break;
    }
    case EV_ES_TSS:
        target_state(e, s, f.msg, icao);
        break;
    case EV_ES_VEL: {
        double rad = s->cog_deg * M_PI / 180.0;
        sim_modes_velocity(f.msg, icao, s->sog_kn * sin(rad), s->sog_kn * cos(rad),
                           (int32_t)lround(s->vrate_fpm));
        break;
    }
    case EV_ES_IDENT:
        sim_modes_ident(f.msg, icao, e->category, callsign);
        if (ground)
            sim_modes_on_ground(f.msg);
        break;
    case EV_ES_STATUS:
        sim_modes_status(f.msg, icao, emerg, squawk);
        if (ground)
            sim_modes_on_ground(f.msg);
        break;
    case EV_ES_OPSTATUS:
        /* GPS quality of a modern airliner: NACp 9 (< 30 m), GVA 2, SIL 3,
         * NIC-baro 1, SDA 2 (GVA and SDA only in version 2). */
        if (ground) {
            /* Length/width code roughly by wake category: A5 heavy 13,
             * A4 11, A3 9, A2 5, A1 1 (DO-260B table 2-74 classes). */
            static const uint8_t lw[8] = {0, 1, 5, 9, 11, 13, 0, 0};
            unsigned cat = (e->category >> 4) == 0xA ? e->category & 7u : 0;
            sim_modes_opstatus_surface(f.msg, icao, e->adsb_version, 9, 2, 3, 2, lw[cat]);
        } else {
            sim_modes_opstatus(f.msg, icao, e->adsb_version, 9, 2, 3, 1, 2);
        }
        break;
    case EV_DF20:
        sim_modes_df20_ident(f.msg, icao, emerg ? 2 : 0, (int32_t)lround(s->alt_ft), callsign);
        break;
    case EV_DF21:
        sim_modes_df21_ident(f.msg, icao, emerg ? 2 : 0, squawk, callsign);
        break;
    case EV_DF11:
        f.len = 7;
        sim_modes_df11(f.msg, icao);
        if (ground)
            sim_modes_on_ground(f.msg);
        break;
    default:
        f.len = 7;
        /* FS 2: airborne with alert (an emergency code is a permanent alert). */
        if (ev->kind == EV_DF4)
            sim_modes_df4(f.msg, icao, emerg ? 2 : 0, (int32_t)lround(s->alt_ft));
        else
            sim_modes_df5(f.msg, icao, emerg ? 2 : 0, squawk);
        break;
    }
    /* 12 MHz counter of a receiver that booted some time before the
     * scenario (free-running, 48 bits, wraps after 271 days; never 0, which
     * AVR reads as "no timestamp"); level falls with range. */
    f.ts12 = (g->ts12_base + (uint64_t)(t - g->sc->start) * 12000) & ((UINT64_C(1) << 48) - 1);
    if (f.ts12 == 0)
        f.ts12 = 1;
    f.signal = -3.0 - 20.0 * log10(1.0 + d / 5.0);
    f.source = MODES_SRC_BEAST;
    if (g->out->modes_heard && g->out->modes_heard(g->out->modes_heard_ctx, t, f.msg, f.len, f.signal))
        g->err = 1;
    if (g->out->avr)
        modes_write_avr(&g->modes, &f);
    else
        modes_write_beast(&g->modes, &f);
}

static int flush_if(struct buf *b, FILE *f, size_t at)
{
    if (!f) {
        b->len = 0;
        return 0;
    }
    return b->len >= at ? buf_flush(b, f) : 0;
}

int sim_generate(struct sim_scenario *sc, uint64_t seed, const struct sim_outputs *out,
                 struct sim_counts *counts)
{
    struct gen g = {.sc = sc, .out = out, .c = counts};
    memset(counts, 0, sizeof *counts);
    sim_rng_seed(&g.rng, seed);
    g.ts12_base = sim_ts12_base(seed);
    g.tx = xcalloc(sc->nent ? sc->nent : 1, sizeof *g.tx);
    buf_init(&g.ais, 1 << 20);
    buf_init(&g.modes, 1 << 20);
    /* First transmissions at a random phase within each schedule's period. */
    for (size_t i = 0; i < sc->nent; i++) {
        struct sim_entity *e = &sc->ent[i];
        sim_entity_rewind(e);
        int64_t t0 = e->nlegs ? e->legs[0].t0 : sc->end;
        if (t0 < sc->start)
            t0 = sc->start; /* under way before the scenario opens: join at its start */
        if (e->kind == SIM_VESSEL) {
            heap_push(&g.h, (struct ev){t0 + jitter(&g, 0, 10000), (uint32_t)i, EV_AIS_POS});
            heap_push(&g.h, (struct ev){t0 + jitter(&g, 0, 60000), (uint32_t)i, EV_AIS_STATIC});
        } else {
            static const int64_t period[] = {[EV_ES_POS] = 500,   [EV_ES_VEL] = 500,
                                             [EV_ES_IDENT] = 5000, [EV_ES_STATUS] = 1000,
                                             [EV_DF11] = 2400,     [EV_DF4] = 5000,
                                             [EV_DF5] = 5000,      [EV_ES_OPSTATUS] = 2500,
                                             [EV_DF20] = 10000,    [EV_DF21] = 10000,
                                             [EV_ES_TSS] = 1250};
            for (int k = EV_ES_POS; k <= EV_ES_TSS; k++)
                heap_push(&g.h, (struct ev){t0 + jitter(&g, 0, period[k]), (uint32_t)i, (uint8_t)k});
        }
    }
    int rc = 0;
    while (g.h.n && rc == 0) {
        struct ev ev = heap_pop(&g.h);
        if (ev.t >= sc->end)
            continue;
        struct sim_entity *e = &sc->ent[ev.ent];
        struct sim_state s;
        if (!sim_entity_state(e, ev.t, &s))
            continue; /* past its last leg: it has left the scenario */
        if (e->kind == SIM_VESSEL)
            ais_event(&g, &ev, &s);
        else
            modes_event(&g, &ev, &s);
        if (out->progress)
            out->progress(out->progress_ctx, ev.t - sc->start, counts);
        heap_push(&g.h, ev);
        if (flush_if(&g.ais, out->ais, 1 << 19) || flush_if(&g.modes, out->modes, 1 << 19) || g.err)
            rc = -1;
    }
    if (rc == 0 && (flush_if(&g.ais, out->ais, 0) || flush_if(&g.modes, out->modes, 0)))
        rc = -1;
    buf_free(&g.ais);
    buf_free(&g.modes);
    free(g.h.a);
    free(g.tx);
    return rc;
}
