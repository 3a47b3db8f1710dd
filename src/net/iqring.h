/* iqring.h: buffers of samples handed from a reader thread (librtlsdr's
 * asynchronous reads) to the event loop. The thread must never wait for the
 * loop, or the dongle's USB transfers overflow inside the driver, unseen: so
 * a fixed number of slots, a buffer copied into a free one, and a buffer
 * with no free slot dropped whole and counted (whole buffers keep I/Q pairs
 * aligned). The loop watches iqring_fd (an eventfd, readable while buffers
 * wait or once the producer has ended) and takes them with iqring_drain.
 * One producer, one consumer. */
#ifndef ATALAYA_NET_IQRING_H
#define ATALAYA_NET_IQRING_H

#include <stddef.h>
#include <stdint.h>

struct iqring;

/* slots of slot_bytes each. NULL when the eventfd cannot be made. */
struct iqring *iqring_new(unsigned slots, size_t slot_bytes);
void iqring_free(struct iqring *r);
int iqring_fd(const struct iqring *r);

/* Producer. A buffer longer than a slot is cut into slot-sized pieces. */
void iqring_put(struct iqring *r, const uint8_t *p, size_t n);
/* Producer: no more buffers will come (the device stopped). */
void iqring_end(struct iqring *r);

/* Consumer: hands at most max waiting buffers to cb, oldest first (the fd
 * stays readable while more wait, so a level-triggered loop comes back).
 * Returns 1 while the producer runs or buffers wait, 0 once it has ended
 * and everything was handed on. */
int iqring_drain(struct iqring *r, unsigned max, void (*cb)(void *ctx, const uint8_t *p, size_t n), void *ctx);

/* Bytes offered to iqring_put, and bytes dropped for want of a free slot. */
uint64_t iqring_offered(const struct iqring *r);
uint64_t iqring_dropped(const struct iqring *r);

#endif
