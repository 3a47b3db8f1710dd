/* validate.c: the acceptance rules of validate.h (CRC-24 residual per DF,
 * correction by syndrome, address/parity through the recently-seen filter). */
#include "modes/validate.h"

#include <string.h>

#include "modes/crc.h"

#define PRUNE_MIN 4096 /* a busy receiver sees a few thousand aircraft a day */

void modes_validator_init(struct modes_validator *v, int max_fix)
{
    memset(v, 0, sizeof *v);
    v->max_fix = max_fix < 0 ? 0 : max_fix > 2 ? 2 : max_fix;
    v->ttl_ms = 60000;
    /* Small to start (it grows at 70% load): a few hundred aircraft fit in
     * L1, where the 64 KiB of a 4096-entry table did not. */
    hash_u32_init(&v->seen, 256);
    v->prune_at = PRUNE_MIN;
}

void modes_validator_free(struct modes_validator *v) { hash_u32_free(&v->seen); }

int64_t modes_frame_clock_ms(struct modes_validator *v, const struct modes_frame *f)
{
    if (f->time_ms != MODES_NO_TIME)
        return f->time_ms;
    if (f->ts12)
        return (int64_t)(f->ts12 / 12000u);
    return ++v->pseudo_ms;
}

static uint32_t aa_field(const uint8_t *msg) { return (uint32_t)msg[1] << 16 | (uint32_t)msg[2] << 8 | msg[3]; }

static bool fresh(const struct modes_validator *v, uint32_t t_s, int64_t now_ms)
{
    int64_t age_ms = now_ms - (int64_t)t_s * 1000;
    return age_ms <= v->ttl_ms && age_ms >= -v->ttl_ms;
}

/* Deletes every address past its time-to-live. Deleting leaves tombstones
 * and moves no entry, so the slots can be walked while deleting. The next
 * sweep waits until the table has doubled again: amortised O(1) per insert. */
static void prune(struct modes_validator *v, int64_t now_ms)
{
    struct hash_u32 *h = &v->seen;
    for (size_t i = 0; i < h->cap; i++)
        if (h->keys[i] <= 0xFFFFFFu && !fresh(v, h->vals[i], now_ms)) /* free slots hold key 0xFFFFFFFF */
            hash_u32_del(h, h->keys[i]);
    v->prune_at = h->used * 2 > PRUNE_MIN ? h->used * 2 : PRUNE_MIN;
}

static void remember(struct modes_validator *v, uint32_t addr, int64_t now_ms)
{
    hash_u32_put(&v->seen, addr, (uint32_t)(now_ms / 1000));
    if (v->seen.used >= v->prune_at)
        prune(v, now_ms);
}

static bool recently_seen(struct modes_validator *v, uint32_t addr, int64_t now_ms)
{
    uint32_t t_s;
    return hash_u32_get(&v->seen, addr, &t_s) && fresh(v, t_s, now_ms);
}

bool modes_frame_validate(struct modes_validator *v, struct modes_frame *f)
{
    v->stats.frames++;
    f->crc_ok = false;
    f->corrected_bits = 0;
    f->addr_from_ap = false;
    f->addr_unverified = false;
    if (f->len == 2) {
        v->stats.modeac++;
        return false;
    }
    unsigned df = f->msg[0] >> 3;
    if (df > 24)
        df = 24; /* DF24 ELM: only the first two bits count */
    bool long_df = df >= 16;
    int bits = f->len * 8;
    if ((long_df ? MODES_LONG_BYTES : MODES_SHORT_BYTES) != f->len) {
        v->stats.bad_len++;
        return false;
    }
    int64_t now = modes_frame_clock_ms(v, f);
    uint32_t r;
    switch (df) {
    case 11:
        r = modes_crc_residual(f->msg, bits);
        /* A lockout reply carries the interrogator's ID in the low 7 bits. */
        if ((r & 0xFFFF80u) != 0) {
            int fixed = v->max_fix ? modes_crc_fix(f->msg, bits, v->max_fix) : -1;
            if (fixed <= 0) {
                v->stats.bad_crc++;
                return false;
            }
            f->corrected_bits = (int8_t)fixed;
            r = 0;
        }
        break;
    case 17:
    case 18: {
        int fixed = modes_crc_fix(f->msg, bits, v->max_fix);
        if (fixed < 0) {
            v->stats.bad_crc++;
            return false;
        }
        f->corrected_bits = (int8_t)fixed;
        r = 0;
        break;
    }
    case 0: case 4: case 5: case 16: case 20: case 21:
        r = modes_crc_residual(f->msg, bits);
        if (!recently_seen(v, r, now)) {
            v->stats.ap_unknown++;
            if (!v->trust_unverified)
                return false;
            v->stats.ap_unverified++;
            f->addr_unverified = true;
        }
        f->addr = r;
        f->addr_from_ap = true;
        f->crc_ok = true;
        v->stats.ap_recovered++;
        v->stats.ok++;
        return true;
    default:
        v->stats.unsupported_df++;
        return false;
    }
    f->addr = aa_field(f->msg);
    f->crc_ok = true;
    v->stats.ok++;
    if (f->corrected_bits == 1)
        v->stats.fixed1++;
    else if (f->corrected_bits == 2)
        v->stats.fixed2++;
    /* Only clean frames vouch for an address: a corrected one might be a
     * mangled frame that happens to land on a valid codeword. DF18 non-ICAO
     * addresses (CF != 0) are not aircraft addresses and never vouch. */
    if (f->corrected_bits == 0 && r == 0 && (df != 18 || (f->msg[0] & 7) == 0))
        remember(v, f->addr, now);
    return true;
}
