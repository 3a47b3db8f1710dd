/* framer.h: Mode S byte streams -> struct modes_frame.
 *
 * Framers are resumable state machines: feed them any chunks (a TCP read, a
 * file block, one byte at a time) and they hand out the same frames. Garbage
 * is skipped up to the next frame start and counted; a frame cut short by a
 * new start marker is dropped and counted, never glued to the next one.
 *
 *   AVR:   "*8D4840D6202CC371C32CE0576098;"      (Mode S, no timestamp)
 *          "@0123456789AB8D4840D6...;"           (12 hex digits: 12 MHz counter)
 *   Beast: 0x1a <type> <6-byte 12 MHz counter> <signal> <payload>, where
 *          type '1' = Mode A/C (2 bytes), '2' = short (7), '3' = long (14),
 *          '4' = receiver status (14, skipped); every 0x1a after the type byte
 *          is doubled on the wire.
 */
#ifndef ATALAYA_MODES_FRAMER_H
#define ATALAYA_MODES_FRAMER_H

#include <stddef.h>
#include <stdint.h>

#include "modes/modes.h"

enum modes_framer_kind { MODES_FRAMER_AVR, MODES_FRAMER_BEAST };

struct modes_framer_stats {
    uint64_t frames;        /* frames handed out (Mode S and Mode A/C) */
    uint64_t modeac;        /* of which Mode A/C */
    uint64_t status;        /* Beast receiver-status frames skipped */
    uint64_t garbage_bytes; /* bytes outside any frame */
    uint64_t bad_frames;    /* cut short, bad hex, wrong length, unknown Beast type */
};

struct modes_framer {
    enum modes_framer_kind kind;
    int state;
    uint8_t type;       /* Beast type byte, or AVR '*'/'@' */
    uint8_t buf[40];    /* Beast: counter + signal + payload; AVR: hex digits */
    unsigned len, need;
    int escape;         /* Beast: saw 0x1a inside a frame */
    struct modes_framer_stats stats;
};

typedef void (*modes_frame_cb)(void *ctx, struct modes_frame *f);

void modes_framer_init(struct modes_framer *fr, enum modes_framer_kind kind);
/* Consumes n bytes, calling cb for each complete frame (source, bytes,
 * counter and signal set; validation fields untouched). */
void modes_framer_feed(struct modes_framer *fr, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx);

/* The two state machines behind modes_framer_feed, for callers that know the format. */
void modes_avr_feed(struct modes_framer *fr, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx);
void modes_beast_feed(struct modes_framer *fr, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx);

/* Writers for the same formats, appending to a buf. */
struct buf;
void modes_write_avr(struct buf *out, const struct modes_frame *f);   /* "@TS...;\n" or "*...;\n" */
void modes_write_beast(struct buf *out, const struct modes_frame *f); /* escaped binary frame */

#endif
