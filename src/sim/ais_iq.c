/* ais_iq.c: AIS bursts into I/Q samples (see ais_iq.h). Levels are set
 * against a noise floor given per 9.6 kHz, so the SNR is Es/N0 per symbol:
 * with --snr fixed for every burst, otherwise falling 20 dB per decade of
 * distance (-15 dBFS at 1 NM). */
#include "sim/ais_iq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "sim/rng.h"

#define BAUD 9600.0
#define BT 0.4
#define RAMP 8
#define PULSE_SPAN 4      /* the frequency pulse is negligible beyond +-4 T */
#define PULSE_RES 256     /* table points per symbol */
#define SLOT_MS (60000.0 / 2250.0)

unsigned sim_ais_symbols(const uint8_t *bits, unsigned nbits, int8_t *levels)
{
    uint8_t raw[SIM_AIS_MAX_SYMBOLS];
    unsigned n = 0;
    for (int i = 0; i < RAMP + 24; i++)
        raw[n++] = (uint8_t)(i & 1); /* 0101...: ramp-up, then the training sequence */
    static const uint8_t flag[8] = {0, 1, 1, 1, 1, 1, 1, 0};
    memcpy(raw + n, flag, 8);
    n += 8;
    unsigned crc = 0xFFFFu, ones = 0;
    unsigned nbytes = (nbits + 7) / 8;
    for (unsigned i = 0; i < nbytes * 8 + 16 && n < SIM_AIS_MAX_SYMBOLS - 40; i++) {
        unsigned b;
        if (i < nbytes * 8) {
            unsigned byte = i / 8, pos = i % 8; /* each byte least significant bit first */
            b = (bits[byte] >> pos) & 1u;
            crc = aisd_crc_bit(crc, b);
        } else {
            b = ((crc ^ 0xFFFFu) >> (i - nbytes * 8)) & 1u; /* the FCS, LSB first */
        }
        raw[n++] = (uint8_t)b;
        ones = b ? ones + 1 : 0;
        if (ones == 5) {
            raw[n++] = 0;
            ones = 0;
        }
    }
    memcpy(raw + n, flag, 8);
    n += 8;
    for (int i = 0; i < RAMP; i++)
        raw[n++] = 0;
    int level = 1;
    for (unsigned i = 0; i < n; i++) {
        if (!raw[i])
            level = -level; /* NRZI: a 0 changes the level */
        levels[i] = (int8_t)level;
    }
    return n;
}

/* The Gaussian-filtered rectangular frequency pulse, unit height, at
 * PULSE_RES points per symbol over +-PULSE_SPAN symbols. */
static float pulse[2 * PULSE_SPAN * PULSE_RES + 1];
static void pulse_init(void)
{
    if (pulse[PULSE_SPAN * PULSE_RES] > 0)
        return;
    double sigma = sqrt(log(2.0)) / (2 * M_PI * BT); /* in symbols */
    for (int i = 0; i <= 2 * PULSE_SPAN * PULSE_RES; i++) {
        double t = (double)i / PULSE_RES - PULSE_SPAN;
        pulse[i] = (float)(0.5 * (erf((t + 0.5) / (sigma * M_SQRT2)) - erf((t - 0.5) / (sigma * M_SQRT2))));
    }
}

size_t sim_ais_modulate(const int8_t *levels, unsigned nsym, double rate, double freq_hz, double amp,
                        double phase, float complex *out, size_t n)
{
    pulse_init();
    double sps = rate / BAUD;
    size_t span = (size_t)ceil(nsym * sps);
    if (span > n)
        span = n;
    double ph = phase, dph_c = 2 * M_PI * freq_hz / rate;
    for (size_t s = 0; s < span; s++) {
        double t = (s + 0.5) / sps; /* in symbols; symbol k spans [k, k+1) */
        long k0 = (long)floor(t) - PULSE_SPAN, k1 = (long)floor(t) + PULSE_SPAN;
        double f = 0;
        for (long k = k0 < 0 ? 0 : k0; k <= k1 && k < (long)nsym; k++) {
            double u = t - (k + 0.5); /* from the symbol's centre */
            long i = lround((u + PULSE_SPAN) * PULSE_RES);
            if (i >= 0 && i <= 2 * PULSE_SPAN * PULSE_RES)
                f += levels[k] * pulse[i];
        }
        /* h = 1/2: a unit-height pulse one symbol long turns the phase by pi/2. */
        ph += f * (M_PI / 2) / sps + dph_c;
        double a = amp;
        if (t < RAMP)
            a *= 0.5 - 0.5 * cos(M_PI * t / RAMP);
        else if (t > nsym - RAMP)
            a *= 0.5 - 0.5 * cos(M_PI * (nsym - t) / RAMP);
        out[s] += (float)(a * cos(ph)) + I * (float)(a * sin(ph));
    }
    return span;
}

struct pending {
    uint64_t start, end;
    char channel;
    bool collided;
    int64_t t_ms;
    double level_db, snr_db, freq_hz, dist_nm;
    char rx[32];
    char payload[AISD_MAX_PAYLOAD_BITS / 6 + 2];
    unsigned nbits;
};

struct sim_ais_iq {
    struct sim_ais_iq_cfg cfg;
    FILE *iq, *truth;
    struct sim_rng rng;
    float complex *acc;   /* acc[0] is sample `pos` */
    size_t cap;
    uint64_t pos;         /* samples written */
    double sigma;         /* noise per component */
    struct pending *pend;
    size_t npend, cappend;
    uint64_t bursts;
    uint32_t last_mmsi;
    double last_slot;
    uint8_t *obuf;
    struct buf tb;
    int err;
};

struct sim_ais_iq *sim_ais_iq_new(const struct sim_ais_iq_cfg *cfg, FILE *iq, FILE *truth)
{
    struct sim_ais_iq *w = xcalloc(1, sizeof *w);
    w->cfg = *cfg;
    w->iq = iq;
    w->truth = truth;
    sim_rng_seed(&w->rng, cfg->seed ^ UINT64_C(0x1A15F00D));
    w->cap = (size_t)(cfg->rate * 0.25) + SIM_AIS_MAX_SYMBOLS * (size_t)(cfg->rate / BAUD + 1);
    w->acc = xcalloc(w->cap, sizeof *w->acc);
    w->obuf = xmalloc(w->cap * 8);
    /* Noise power in the whole band: the 9.6 kHz figure times fs / 9600. */
    w->sigma = sqrt(pow(10, cfg->noise_db / 10) * cfg->rate / BAUD / 2);
    buf_init(&w->tb, 4096);
    return w;
}

void sim_ais_iq_free(struct sim_ais_iq *w)
{
    if (!w)
        return;
    free(w->acc);
    free(w->obuf);
    free(w->pend);
    buf_free(&w->tb);
    free(w);
}

static double gauss(struct sim_rng *r)
{
    double u = sim_rng_unit(r), v = sim_rng_unit(r);
    return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static void truth_line(struct sim_ais_iq *w, const struct pending *p)
{
    if (!w->truth)
        return;
    struct buf *b = &w->tb;
    b->len = 0;
    buf_printf(b,
               "{\"burst\":%llu,\"time_ms\":%lld,\"sample\":%llu,\"samples\":%llu,\"channel\":\"%c\","
               "\"receiver\":\"%s\",\"dist_nm\":%.3f,\"level_dbfs\":%.2f,\"snr_db\":%.2f,\"freq_hz\":%.1f,"
               "\"collided\":%s,\"nbits\":%u,\"payload\":\"%s\"}\n",
               (unsigned long long)w->bursts++, (long long)p->t_ms, (unsigned long long)p->start,
               (unsigned long long)(p->end - p->start), p->channel, p->rx, p->dist_nm, p->level_db,
               p->snr_db, p->freq_hz, p->collided ? "true" : "false", p->nbits, p->payload);
    if (fwrite(b->p, 1, b->len, w->truth) != b->len)
        w->err = 1;
}

/* Writes samples [pos, upto) with noise, quantised; truth for bursts that end before. */
static void write_until(struct sim_ais_iq *w, uint64_t upto)
{
    while (w->pos < upto && !w->err) {
        size_t n = upto - w->pos < w->cap / 2 ? (size_t)(upto - w->pos) : w->cap / 2;
        uint8_t *o = w->obuf;
        size_t bytes = 0;
        for (size_t k = 0; k < n; k++) {
            double i = crealf(w->acc[k]) + w->sigma * gauss(&w->rng);
            double q = cimagf(w->acc[k]) + w->sigma * gauss(&w->rng);
            switch (w->cfg.format) {
            case AISD_CU8:
                o[bytes++] = (uint8_t)fmin(255, fmax(0, lround(i * 127.5 + 127.5)));
                o[bytes++] = (uint8_t)fmin(255, fmax(0, lround(q * 127.5 + 127.5)));
                break;
            case AISD_CS8:
                o[bytes++] = (uint8_t)(int8_t)fmin(127, fmax(-128, lround(i * 128)));
                o[bytes++] = (uint8_t)(int8_t)fmin(127, fmax(-128, lround(q * 128)));
                break;
            case AISD_CS16: {
                int16_t a = (int16_t)fmin(32767, fmax(-32768, lround(i * 32768)));
                int16_t b = (int16_t)fmin(32767, fmax(-32768, lround(q * 32768)));
                o[bytes++] = (uint8_t)(a & 0xFF);
                o[bytes++] = (uint8_t)((uint16_t)a >> 8);
                o[bytes++] = (uint8_t)(b & 0xFF);
                o[bytes++] = (uint8_t)((uint16_t)b >> 8);
                break;
            }
            default: {
                float a = (float)i, b = (float)q;
                memcpy(o + bytes, &a, 4);
                memcpy(o + bytes + 4, &b, 4);
                bytes += 8;
                break;
            }
            }
        }
        if (fwrite(o, 1, bytes, w->iq) != bytes)
            w->err = 1;
        memmove(w->acc, w->acc + n, (w->cap - n) * sizeof *w->acc);
        memset(w->acc + w->cap - n, 0, n * sizeof *w->acc);
        w->pos += n;
    }
    size_t keep = 0;
    for (size_t i = 0; i < w->npend; i++) {
        if (w->pend[i].end <= w->pos)
            truth_line(w, &w->pend[i]);
        else
            w->pend[keep++] = w->pend[i];
    }
    w->npend = keep;
}

int sim_ais_iq_burst(struct sim_ais_iq *w, int64_t t_ms, char channel, const uint8_t *bits, unsigned nbits,
                     const char *rx, double dist_nm)
{
    if (t_ms < w->cfg.start_ms || nbits > AISD_MAX_PAYLOAD_BITS)
        return w->err ? -1 : 0;
    /* Bursts start on their slot's boundary: two ships in one slot collide.
     * One ship's messages at one instant (type 24 parts A and B) take
     * consecutive slots, as a transmitter would. */
    double slot = floor((t_ms - w->cfg.start_ms) / SLOT_MS);
    uint32_t mmsi = nbits >= 38 ? (uint32_t)bits_u(bits, 8, 30) : 0;
    if (mmsi == w->last_mmsi && slot <= w->last_slot)
        slot = w->last_slot + 1;
    w->last_mmsi = mmsi;
    w->last_slot = slot;
    uint64_t start = (uint64_t)llround(slot * SLOT_MS * w->cfg.rate / 1000.0);
    if (start < w->pos)
        start = w->pos;
    write_until(w, start);
    int8_t lv[SIM_AIS_MAX_SYMBOLS];
    unsigned nsym = sim_ais_symbols(bits, nbits, lv);
    struct pending p = {.start = start, .channel = channel, .t_ms = t_ms, .dist_nm = dist_nm, .nbits = nbits};
    snprintf(p.rx, sizeof p.rx, "%s", rx ? rx : "");
    p.snr_db = isnan(w->cfg.snr_db) ? -15 - 20 * log10(fmax(dist_nm, 0.05)) - w->cfg.noise_db : w->cfg.snr_db;
    p.level_db = w->cfg.noise_db + p.snr_db;
    /* The receiver's error moves every burst alike; each transmitter adds its own (+-200 Hz). */
    p.freq_hz = (channel == 'B' ? 25000.0 : -25000.0) + w->cfg.ppm * 162.0 + sim_rng_range(&w->rng, -200, 200);
    double amp = sqrt(pow(10, p.level_db / 10));
    size_t span = sim_ais_modulate(lv, nsym, w->cfg.rate, p.freq_hz, amp, sim_rng_range(&w->rng, 0, 2 * M_PI),
                                   w->acc, w->cap);
    p.end = start + span;
    p.freq_hz -= channel == 'B' ? 25000.0 : -25000.0;
    unsigned nchars = (nbits + 5) / 6;
    for (unsigned i = 0; i < nchars; i++) {
        unsigned avail = nbits - 6 * i < 6 ? nbits - 6 * i : 6;
        unsigned v = (unsigned)bits_u(bits, 6 * i, avail) << (6 - avail);
        p.payload[i] = (char)(v < 40 ? v + 48 : v + 56);
    }
    p.payload[nchars] = 0;
    for (size_t i = 0; i < w->npend; i++)
        if (w->pend[i].channel == channel && w->pend[i].end > start)
            w->pend[i].collided = p.collided = true;
    if (w->npend == w->cappend) {
        w->cappend = w->cappend ? 2 * w->cappend : 16;
        w->pend = xrealloc(w->pend, w->cappend * sizeof *w->pend);
    }
    w->pend[w->npend++] = p;
    return w->err ? -1 : 0;
}

int sim_ais_iq_finish(struct sim_ais_iq *w, int64_t end_ms)
{
    uint64_t end = end_ms > w->cfg.start_ms ? (uint64_t)llround((end_ms - w->cfg.start_ms) * w->cfg.rate / 1000.0) : 0;
    for (size_t i = 0; i < w->npend; i++)
        if (w->pend[i].end > end)
            end = w->pend[i].end;
    write_until(w, end);
    return w->err ? -1 : 0;
}
