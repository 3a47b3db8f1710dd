/* validate.h: CRC check, error correction and address recovery for frames
 * from any framer, with the recently-seen address filter that makes
 * address/parity recovery safe.
 *
 * DF11/17/18 carry their address in clear and a pure parity: a residual of 0
 * (or a 1-bit, optionally 2-bit, correction to 0) validates them, and their
 * address enters the filter. DF0/4/5/16/20/21 overlay parity with the address
 * (AP): the residual *is* the address, and any bit error yields a different,
 * plausible-looking one. So an AP frame is accepted only when its address was
 * seen in a clean DF11/17/18 within the filter's time-to-live (dump1090's
 * rule). The filter runs on frame time (12 MHz counter or event time), never
 * the wall clock; for frames with neither, each frame advances a pseudo clock
 * by 1 ms.
 */
#ifndef ATALAYA_MODES_VALIDATE_H
#define ATALAYA_MODES_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/hash.h"
#include "modes/modes.h"

struct modes_validate_stats {
    uint64_t frames;          /* frames offered */
    uint64_t ok;              /* accepted */
    uint64_t fixed1, fixed2;  /* accepted after correcting 1 / 2 bits */
    uint64_t ap_recovered;    /* address/parity frames accepted through the filter */
    uint64_t ap_unknown;      /* address/parity frames whose address was not seen recently */
    uint64_t ap_unverified;   /* ... of those, accepted because trust_unverified is set */
    uint64_t bad_crc;         /* DF11/17/18 that no allowed correction explains */
    uint64_t bad_len;         /* length does not match the DF */
    uint64_t unsupported_df;  /* DF19, 22, 24 and other formats without a checkable parity */
    uint64_t modeac;          /* Mode A/C replies (not validated) */
};

struct modes_validator {
    int max_fix;              /* bits to correct in DF11/17/18: 1 (default) or 2 */
    int64_t ttl_ms;           /* filter time-to-live (default 60 s) */
    struct hash_u32 seen;     /* address -> last clean sighting, in seconds of frame time */
    size_t prune_at;          /* entries at which expired addresses are swept out (a live
                               * run must not grow with every address it ever saw) */
    int64_t pseudo_ms;        /* clock for frames without any time */
    bool trust_unverified;    /* accept AP frames of unheard addresses, flagged addr_unverified
                               * (offline decoding of Comm-B captures, as pyModeS does); a bit
                               * error then yields a wrong address, so nothing downstream that
                               * builds state (the tracker) may use them */
    struct modes_validate_stats stats;
};

void modes_validator_init(struct modes_validator *v, int max_fix);
void modes_validator_free(struct modes_validator *v);

/* Validates f in place: sets crc_ok, corrected_bits, addr, addr_from_ap, and
 * may correct f->msg (f->verbatim keeps the bytes as received). Returns true
 * when the frame is accepted. */
bool modes_frame_validate(struct modes_validator *v, struct modes_frame *f);

/* The frame time the filter uses, in ms (exposed for tests). */
int64_t modes_frame_clock_ms(struct modes_validator *v, const struct modes_frame *f);

#endif
