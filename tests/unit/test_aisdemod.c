/* test_aisdemod.c: the AIS demodulator against the simulator's modulator:
 * HDLC framing both ways, bursts at each supported rate and format on both
 * channels, chunked input, noise only, FM audio, WAV headers. */
#include <complex.h>
#include <stdint.h>

#include "aisdemod/aisdemod.h"
#include "common/buf.h"
#include "sim/ais_iq.h"
#include "sim/encode.h"
#include "sim/rng.h"
#include "test.h"

struct got {
    int n;
    char channel[16];
    uint8_t bits[16][128];
    unsigned nbits[16];
    uint64_t sample[16];
    double level[16];
    bool coherent[16];
};

static void on_msg(void *ctx, const struct aisd_msg *m)
{
    struct got *g = ctx;
    if (g->n < 16) {
        g->channel[g->n] = m->channel;
        memcpy(g->bits[g->n], m->bits, (m->nbits + 7) / 8);
        g->nbits[g->n] = m->nbits;
        g->sample[g->n] = m->sample;
        g->level[g->n] = m->level_db;
        g->coherent[g->n] = m->coherent;
    }
    g->n++;
}

static unsigned msg1(uint8_t *bits, uint32_t mmsi)
{
    struct sim_ais_pos p = {.type = 1, .mmsi = mmsi, .sog_dkn = 123, .lat = 18.5, .lon = -66.1,
                            .cog_ddeg = 2710, .heading = 270, .second = 17, .turn = SIM_AIS_TURN_NA};
    return sim_ais_encode_pos(&p, bits);
}

/* Hard-decision decode of the on-air levels: NRZI, flag, de-stuffing, CRC. */
static void test_hdlc_round_trip(void)
{
    uint8_t bits[SIM_AIS_BYTES_MAX], out[128], raw[1400];
    struct sim_ais_static st = {.mmsi = 224000999, .name = "ONE TWO", .callsign = "EA1"};
    unsigned nbits = sim_ais_encode_5(&st, bits);
    int8_t lv[SIM_AIS_MAX_SYMBOLS];
    unsigned n = sim_ais_symbols(bits, nbits, lv);
    /* 8 + 24 + 8 at the front; the data starts after the start flag. */
    unsigned k = 0, ones = 0;
    for (unsigned i = 40; i < n; i++) {
        unsigned b = lv[i] == lv[i - 1];
        if (b) {
            raw[k++] = 1;
            if (++ones == 6) {
                k -= 7;
                break;
            }
        } else {
            if (ones != 5)
                raw[k++] = 0;
            ones = 0;
        }
    }
    CHECK_EQ_INT(aisd_hdlc_unpack(raw, k, out), 424);
    CHECK(!memcmp(out, bits, 53));
    raw[100] ^= 1;
    CHECK_EQ_INT(aisd_hdlc_unpack(raw, k, out), -1);
    CHECK_EQ_INT(aisd_hdlc_unpack(raw, k - 3, out), -2);
}

/* Writes samples of buffer x (n complex) in format f into bytes. */
static size_t quantise(const float complex *x, size_t n, enum aisd_format f, uint8_t *o)
{
    size_t b = 0;
    for (size_t k = 0; k < n; k++) {
        float v[2] = {crealf(x[k]), cimagf(x[k])};
        for (int j = 0; j < 2; j++) {
            if (f == AISD_CU8)
                o[b++] = (uint8_t)fminf(255, fmaxf(0, roundf(v[j] * 127.5f + 127.5f)));
            else if (f == AISD_CS8)
                o[b++] = (uint8_t)(int8_t)fminf(127, fmaxf(-128, roundf(v[j] * 128)));
            else if (f == AISD_CS16) {
                int16_t s = (int16_t)fminf(32767, fmaxf(-32768, roundf(v[j] * 32768)));
                o[b++] = (uint8_t)(s & 0xFF);
                o[b++] = (uint8_t)((uint16_t)s >> 8);
            } else {
                memcpy(o + b, &v[j], 4);
                b += 4;
            }
        }
    }
    return b;
}

/* Two bursts, A then B, in noise at snr_db (Es/N0), fed in chunks. */
static void run_case(double rate, enum aisd_format f, enum aisd_mode mode, double snr_db, size_t chunk,
                     struct got *g)
{
    size_t n = (size_t)(rate * 0.12);
    float complex *x = calloc(n, sizeof *x);
    uint8_t bits[SIM_AIS_BYTES_MAX], bits2[SIM_AIS_BYTES_MAX];
    int8_t lv[SIM_AIS_MAX_SYMBOLS];
    unsigned nb = msg1(bits, 244123456);
    unsigned ns = sim_ais_symbols(bits, nb, lv);
    double amp = 0.3, noise = amp * amp / pow(10, snr_db / 10); /* per 9.6 kHz */
    sim_ais_modulate(lv, ns, rate, -25000 + 150, amp, 1.0, x + (size_t)(rate * 0.005), n);
    nb = msg1(bits2, 366999001);
    ns = sim_ais_symbols(bits2, nb, lv);
    sim_ais_modulate(lv, ns, rate, 25000 - 300, amp, 2.0, x + (size_t)(rate * 0.04), n);
    struct sim_rng r;
    sim_rng_seed(&r, 7);
    double sigma = sqrt(noise * rate / 9600 / 2);
    for (size_t k = 0; k < n && snr_db < 90; k++) {
        double u = fmax(sim_rng_unit(&r), 1e-300), v = sim_rng_unit(&r);
        double a = sqrt(-2 * log(u));
        x[k] += (float)(sigma * a * cos(2 * M_PI * v)) + I * (float)(sigma * a * sin(2 * M_PI * v));
    }
    uint8_t *o = malloc(n * 8);
    size_t bytes = quantise(x, n, f, o);
    struct aisd_cfg cfg = {.sample_rate = rate, .format = f, .mode = mode};
    struct aisd *d = aisd_new(&cfg);
    memset(g, 0, sizeof *g);
    for (size_t off = 0; off < bytes; off += chunk)
        aisd_feed(d, o + off, bytes - off < chunk ? bytes - off : chunk, on_msg, g);
    aisd_flush(d, on_msg, g);
    CHECK_EQ_INT(aisd_stats(d)->samples, n);
    aisd_free(d);
    free(o);
    free(x);
    if (g->n == 2) {
        CHECK(g->channel[0] == 'A' && g->channel[1] == 'B');
        CHECK(g->nbits[0] == 168 && !memcmp(g->bits[0], bits, 21));
        CHECK(g->nbits[1] == 168 && !memcmp(g->bits[1], bits2, 21));
        /* The flag ends 40 symbols into the burst. */
        double at = rate * 0.005 + 40 * rate / 9600;
        CHECK(fabs((double)g->sample[0] - at) < rate / 9600);
        CHECK_NEAR(g->level[0], 20 * log10(0.3), 2.5);
    }
}

static void test_rates_formats(void)
{
    static const double rates[] = {96000, 288000, 1536000, 2048000, 2400000, 250000, 1024000};
    static const enum aisd_format fmts[] = {AISD_CU8, AISD_CS8, AISD_CS16, AISD_CF32};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        for (int m = 0; m < 2; m++) {
            struct got g;
            run_case(rates[i], fmts[i % 4], (enum aisd_mode)m, 100, 4093, &g);
            if (g.n != 2)
                fprintf(stderr, "rate %.0f format %d mode %d: %d messages\n", rates[i], (int)fmts[i % 4], m, g.n);
            CHECK_EQ_INT(g.n, 2);
            if (m == 0)
                CHECK(g.coherent[0] && g.coherent[1]);
        }
}

static void test_noisy(void)
{
    for (int m = 0; m < 2; m++) {
        struct got g;
        run_case(288000, AISD_CU8, (enum aisd_mode)m, 16, 1 << 16, &g);
        CHECK_EQ_INT(g.n, 2);
    }
    struct got g;
    run_case(1536000, AISD_CS16, AISD_COHERENT, 14, 77777, &g);
    CHECK_EQ_INT(g.n, 2);
}

/* One byte at a time: every split of a sample across calls. */
static void test_bytewise(void)
{
    struct got g;
    run_case(288000, AISD_CS16, AISD_COHERENT, 100, 1, &g);
    CHECK_EQ_INT(g.n, 2);
}

static void test_noise_only(void)
{
    size_t n = 288000 * 5;
    uint8_t *o = malloc(n * 2);
    struct sim_rng r;
    sim_rng_seed(&r, 3);
    for (size_t k = 0; k < 2 * n; k++)
        o[k] = (uint8_t)(127 + (int)sim_rng_below(&r, 9) - 4);
    struct aisd_cfg cfg = {.sample_rate = 288000, .format = AISD_CU8};
    struct aisd *d = aisd_new(&cfg);
    struct got g = {0};
    aisd_feed(d, o, n * 2, on_msg, &g);
    aisd_flush(d, on_msg, &g);
    CHECK_EQ_INT(g.n, 0);
    aisd_free(d);
    /* Silence and a saturated rail: nothing, and the rail counted. */
    memset(o, 127, n * 2);
    d = aisd_new(&cfg);
    aisd_feed(d, o, n * 2, on_msg, &g);
    memset(o, 255, n * 2);
    aisd_feed(d, o, n * 2, on_msg, &g);
    aisd_flush(d, on_msg, &g);
    CHECK_EQ_INT(g.n, 0);
    CHECK_EQ_INT(aisd_stats(d)->clipped, n);
    aisd_free(d);
    free(o);
}

/* FM audio as rtl_fm writes it: the discriminator, angle / pi * 2^14. */
static void test_fm_audio(void)
{
    double rate = 48000;
    size_t n = (size_t)(rate * 0.1);
    float complex *x = calloc(n, sizeof *x);
    uint8_t bits[SIM_AIS_BYTES_MAX];
    int8_t lv[SIM_AIS_MAX_SYMBOLS];
    unsigned nb = msg1(bits, 211222333);
    unsigned ns = sim_ais_symbols(bits, nb, lv);
    sim_ais_modulate(lv, ns, rate, 300, 1, 0, x + 1000, n);
    uint8_t *o = calloc(n, 2);
    for (size_t k = 1; k < n; k++) {
        float complex p = x[k] * conjf(x[k - 1]);
        int16_t s = cabsf(p) > 0 ? (int16_t)lroundf(cargf(p) / (float)M_PI * 16384) : 0;
        o[2 * k] = (uint8_t)(s & 0xFF);
        o[2 * k + 1] = (uint8_t)((uint16_t)s >> 8);
    }
    struct aisd_cfg cfg;
    char err[128];
    CHECK_EQ_INT(aisd_parse_cfg(NULL, "fm16", &cfg, err, sizeof err), 0);
    CHECK_NEAR(cfg.sample_rate, 48000, 0);
    struct aisd *d = aisd_new(&cfg);
    struct got g = {0};
    aisd_feed(d, o, n * 2, on_msg, &g);
    aisd_flush(d, on_msg, &g);
    CHECK_EQ_INT(g.n, 1);
    CHECK(g.channel[0] == 0 && g.nbits[0] == 168 && !memcmp(g.bits[0], bits, 21));
    aisd_free(d);
    free(o);
    free(x);
}

static void test_cfg_wav(void)
{
    struct aisd_cfg cfg;
    char err[128];
    CHECK_EQ_INT(aisd_parse_cfg("1.536M", "cs16", &cfg, err, sizeof err), 0);
    CHECK_NEAR(cfg.sample_rate, 1536000, 0);
    CHECK_EQ_INT(aisd_parse_cfg("288k", "uc8", &cfg, err, sizeof err), 0);
    CHECK(cfg.format == AISD_CU8 && cfg.sample_rate == 288000);
    CHECK_EQ_INT(aisd_parse_cfg("2.4", NULL, &cfg, err, sizeof err), 0);
    CHECK_NEAR(cfg.sample_rate, 2.4e6, 0);
    CHECK_EQ_INT(aisd_parse_cfg("48k", "cu8", &cfg, err, sizeof err), -1);
    CHECK_EQ_INT(aisd_parse_cfg("288k", "s32", &cfg, err, sizeof err), -1);
    CHECK_EQ_INT(aisd_parse_cfg("fast", NULL, &cfg, err, sizeof err), -1);
    uint8_t h[44] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x80\xbb\0\0\0\0\0\0\x02\0\x10\0data\0\0\0\0";
    double rate = 0;
    enum aisd_format f = AISD_CU8;
    CHECK_EQ_INT(aisd_wav_header(h, 44, &rate, &f, err, sizeof err), 44);
    CHECK(rate == 48000 && f == AISD_FM16);
    h[22] = 2; /* stereo 16-bit: I/Q */
    CHECK_EQ_INT(aisd_wav_header(h, 44, &rate, &f, err, sizeof err), 44);
    CHECK(f == AISD_CS16);
    h[34] = 24; /* 24-bit: not ours */
    CHECK_EQ_INT(aisd_wav_header(h, 44, &rate, &f, err, sizeof err), -1);
    CHECK_EQ_INT(aisd_wav_header(h, 30, &rate, &f, err, sizeof err), -1);
    CHECK_EQ_INT(aisd_wav_header((const uint8_t *)"!AIVDM,1,1", 10, &rate, &f, err, sizeof err), 0);
}

static void test_nmea_out(void)
{
    uint8_t bits[SIM_AIS_BYTES_MAX];
    unsigned nb = msg1(bits, 244123456);
    struct aisd_msg m = {.channel = 'B', .bits = bits, .nbits = nb, .time_ms = 12345, .level_db = -23.44};
    struct buf b;
    buf_init(&b, 256);
    aisd_write_nmea(&b, &m, 0);
    buf_putc(&b, 0);
    CHECK(!strncmp(b.p, "\\c:0000000012345,i:-23.4dBFS*", 29));
    CHECK(strstr(b.p, "!AIVDM,1,1,,B,13") != NULL);
    buf_free(&b);
}

int main(void)
{
    RUN(test_hdlc_round_trip);
    RUN(test_rates_formats);
    RUN(test_noisy);
    RUN(test_bytewise);
    RUN(test_noise_only);
    RUN(test_fm_audio);
    RUN(test_cfg_wav);
    RUN(test_nmea_out);
    TEST_MAIN_END();
}
