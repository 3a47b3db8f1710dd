/* modes.h: the Mode S layer's contract.
 *
 *   framers (AVR, Beast, IQ demodulator)  ->  struct modes_frame (raw bytes + time + signal)
 *   modes_frame_validate()                ->  CRC checked, 1-bit fixed, address known
 *   modes_decode()                        ->  struct modes_msg (fields, CPR resolved when possible)
 *
 * SBS/BaseStation input is already decoded text: it produces struct modes_msg
 * directly (modes_sbs_parse) and is marked as the lower-trust source it is.
 * Nothing here reads the clock: times come in with the frames.
 */
#ifndef ATALAYA_MODES_MODES_H
#define ATALAYA_MODES_MODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODES_SHORT_BYTES 7
#define MODES_LONG_BYTES 14
#define MODES_NO_TIME INT64_MIN

/* Where a frame came from, in increasing order of how much we trust its bits. */
enum modes_frame_source { MODES_SRC_SBS = 0, MODES_SRC_IQ, MODES_SRC_AVR, MODES_SRC_BEAST };

/* One received frame, as the framers hand it on. */
struct modes_frame {
    uint8_t msg[MODES_LONG_BYTES];      /* bytes after error correction */
    uint8_t verbatim[MODES_LONG_BYTES]; /* bytes as received, before any correction */
    uint8_t len;                        /* 7 or 14 (Mode S), 2 for Mode A/C (Beast type '1') */
    uint8_t source;                     /* enum modes_frame_source */
    int8_t corrected_bits;              /* set by modes_frame_validate: 0, 1, 2 */
    bool crc_ok;                        /* set by modes_frame_validate */
    bool addr_from_ap;                  /* address recovered from the AP field (DF0/4/5/16/20/21) */
    bool addr_unverified;               /* AP address never heard in clear: accepted only by a
                                         * validator that trusts unverified addresses (offline
                                         * analysis); never fed to the tracker */
    uint32_t addr;                      /* ICAO 24-bit address once known (validate) */
    uint64_t ts12;                      /* 12 MHz receiver counter (Beast, AVR '@'); 0 if none */
    int64_t time_ms;                    /* event time in ms since the epoch; MODES_NO_TIME if unknown */
    double signal;                      /* signal level in dBFS (0 is full scale); NAN if unknown */
    uint64_t sample_offset;             /* IQ: sample index of the preamble start */
};

#endif
