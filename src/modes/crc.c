/* crc.c: table-driven CRC-24 and syndrome tables for 1- and 2-bit correction.
 *
 * Why syndromes work: the CRC is linear, so the residual of a frame with bit
 * errors is the residual of the clean frame XOR the residual of the error
 * pattern alone. For frames whose clean residual is 0, the residual *is* the
 * error pattern's syndrome. We precompute the syndrome of every single-bit and
 * (optionally) every two-bit error, sort them, and binary-search each bad
 * frame's residual (as antirez's dump1090 explains at length).
 * 112-bit frames: 112 + C(112,2) = 6328 patterns; 56-bit: 56 + 1540.
 * Patterns touching the first 5 bits (the DF) are left out. Tables are built
 * once, thread-safely, and read-only after that.
 */
#include "modes/crc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define POLY 0xFFF409u

/* table[k][b]: the register after byte b and then k zero bytes. The register
 * is 24 bits, three bytes: XOR three data bytes into it and the next register
 * is table[2][top] ^ table[1][middle] ^ table[0][low], three independent
 * lookups instead of a chain of three.
 * The CRC is linear, so the CRC of a frame's n data bytes is also the XOR of
 * table[n-1-i][byte i] over its bytes: with k up to 10 (the 11 data bytes of
 * a long frame) the residual of a fixed-length frame is 11 (or 4) lookups
 * with no dependency between them, not a chain of register updates. */
#define NPOS 11
static uint32_t table[NPOS][256];

struct syndrome {
    uint32_t syn;
    int16_t bit1, bit2; /* 0-based bit positions; bit2 = -1 for single errors */
};

static struct syndrome *syn_long, *syn_short;
static int nsyn_long, nsyn_short;
static pthread_once_t once = PTHREAD_ONCE_INIT;
/* The syndrome tables are only needed for a frame that fails its CRC, and
 * building them (7,900 patterns, then a sort) costs as much as checking tens
 * of thousands of frames: a clean feed, or a short run, never builds them. */
static pthread_once_t syn_once = PTHREAD_ONCE_INIT;

static uint32_t crc24_raw(const uint8_t *data, int nbytes)
{
    uint32_t crc = 0;
    int i = 0;
    for (; i + 3 <= nbytes; i += 3) {
        crc ^= (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        crc = table[2][crc >> 16] ^ table[1][(crc >> 8) & 0xFF] ^ table[0][crc & 0xFF];
    }
    for (; i < nbytes; i++)
        crc = ((crc << 8) ^ table[0][((crc >> 16) ^ data[i]) & 0xFF]) & 0xFFFFFFu;
    return crc;
}

static uint32_t parity_of(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }

static uint32_t residual_raw(const uint8_t *msg, int bits)
{
    if (bits == 112) {
        /* Two chains of XORs (even and odd positions) to halve the depth. */
        uint32_t a = table[10][msg[0]] ^ table[8][msg[2]] ^ table[6][msg[4]] ^ table[4][msg[6]] ^
                     table[2][msg[8]] ^ table[0][msg[10]];
        uint32_t b = table[9][msg[1]] ^ table[7][msg[3]] ^ table[5][msg[5]] ^ table[3][msg[7]] ^
                     table[1][msg[9]];
        return a ^ b ^ parity_of(msg + 11);
    }
    if (bits == 56)
        return table[3][msg[0]] ^ table[2][msg[1]] ^ table[1][msg[2]] ^ table[0][msg[3]] ^ parity_of(msg + 4);
    int n = bits / 8;
    return crc24_raw(msg, n - 3) ^ parity_of(msg + n - 3);
}

static int cmp_syn(const void *a, const void *b)
{
    uint32_t x = ((const struct syndrome *)a)->syn, y = ((const struct syndrome *)b)->syn;
    return x < y ? -1 : x > y;
}

static void flip(uint8_t *msg, int bit) { msg[bit >> 3] ^= (uint8_t)(0x80u >> (bit & 7)); }

/* Called from init_syndromes (inside pthread_once), so it must use the raw
 * functions: the public ones would re-enter pthread_once and deadlock. */
static int build_syndromes(int bits, struct syndrome **out)
{
    int n = 0, cap = bits + bits * (bits - 1) / 2;
    struct syndrome *s = malloc((size_t)cap * sizeof *s);
    if (!s)
        abort();
    uint8_t msg[14];
    for (int i = 5; i < bits; i++) {
        memset(msg, 0, sizeof msg);
        flip(msg, i);
        s[n++] = (struct syndrome){residual_raw(msg, bits), (int16_t)i, -1};
        for (int j = i + 1; j < bits; j++) {
            flip(msg, j);
            s[n++] = (struct syndrome){residual_raw(msg, bits), (int16_t)i, (int16_t)j};
            flip(msg, j);
        }
    }
    qsort(s, (size_t)n, sizeof *s, cmp_syn);
    *out = s;
    return n;
}

static void init_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i << 16;
        for (int k = 0; k < 8; k++)
            c = (c & 0x800000u) ? ((c << 1) ^ POLY) : (c << 1);
        table[0][i] = c & 0xFFFFFFu;
    }
    for (int k = 1; k < NPOS; k++)
        for (int i = 0; i < 256; i++) {
            uint32_t c = table[k - 1][i];
            table[k][i] = ((c << 8) & 0xFFFFFFu) ^ table[0][c >> 16];
        }
}

/* Runs after init_tables (ensure_syndromes calls ensure_init first). */
static void init_syndromes(void)
{
    nsyn_long = build_syndromes(112, &syn_long);
    nsyn_short = build_syndromes(56, &syn_short);
}

/* Set (release) once init_tables has run: every residual checks it with one
 * acquire load, which costs less than a call to pthread_once through the
 * PLT (about 2% of the Beast path when called per frame). */
static atomic_bool tables_ready;

static void init_tables_once(void)
{
    init_tables();
    atomic_store_explicit(&tables_ready, true, memory_order_release);
}

static void ensure_init(void)
{
    if (!atomic_load_explicit(&tables_ready, memory_order_acquire))
        pthread_once(&once, init_tables_once);
}

static void ensure_syndromes(void)
{
    ensure_init();
    pthread_once(&syn_once, init_syndromes);
}

uint32_t modes_crc24(const uint8_t *data, int nbytes)
{
    ensure_init();
    return crc24_raw(data, nbytes);
}

uint32_t modes_crc_residual(const uint8_t *msg, int bits)
{
    ensure_init();
    return residual_raw(msg, bits);
}

int modes_crc_fix(uint8_t *msg, int bits, int max_errors)
{
    if (bits != 112 && bits != 56)
        return -1;
    uint32_t r = modes_crc_residual(msg, bits);
    if (r == 0)
        return 0;
    if (max_errors < 1)
        return -1;
    ensure_syndromes();
    const struct syndrome *tab = bits == 112 ? syn_long : syn_short;
    int n = bits == 112 ? nsyn_long : nsyn_short;
    struct syndrome key = {r, 0, 0};
    const struct syndrome *hit = bsearch(&key, tab, (size_t)n, sizeof *tab, cmp_syn);
    if (!hit)
        return -1;
    /* Several patterns can share a syndrome; prefer a single-bit one, and
     * refuse when two patterns of the allowed weight collide (ambiguous). */
    while (hit > tab && hit[-1].syn == r)
        hit--;
    const struct syndrome *best = NULL;
    int ambiguous = 0;
    for (const struct syndrome *p = hit; p < tab + n && p->syn == r; p++) {
        int weight = p->bit2 < 0 ? 1 : 2;
        if (weight > max_errors)
            continue;
        if (!best || weight < (best->bit2 < 0 ? 1 : 2)) {
            best = p;
            ambiguous = 0;
        } else if (weight == (best->bit2 < 0 ? 1 : 2)) {
            ambiguous = 1;
        }
    }
    if (!best || ambiguous)
        return -1;
    flip(msg, best->bit1);
    if (best->bit2 >= 0)
        flip(msg, best->bit2);
    return best->bit2 < 0 ? 1 : 2;
}
