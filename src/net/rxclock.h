/* rxclock.h: event time for Mode S frames from a receiver's 12 MHz counter.
 *
 * Beast and AVR '@' frames carry the counter of the receiver that heard them.
 * It says when each frame was heard, whatever speed the frames are sent at:
 * a recording pushed faster than real time keeps its spacing, so positions
 * seconds apart stay seconds apart and pass the tracker's speed check, as in
 * `replay --modes-epoch`. The counter has no date, so a connection's clock
 * is anchored to the arrival of its first counted frame. One clock per
 * connection: each receiver's counter has its own zero.
 */
#ifndef ATALAYA_NET_RXCLOCK_H
#define ATALAYA_NET_RXCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* mlat-client's results carry this in place of a counter ("\xff\0MLAT"). */
#define NET_TS12_MLAT UINT64_C(0xFF004D4C4154)

struct net_rxclock {
    bool anchored;
    uint64_t anchor_ts12; /* counter value at the anchor */
    int64_t anchor_ms;    /* event time at the anchor, ms since the epoch */
    int64_t last_ms;      /* latest event time handed out */
    uint64_t reanchors;   /* counter stepped back: anchored again */
};

/* Counter progress from `from` to `to` in ms, modulo the counter's 48 bits
 * (a wrap is a small step forward); negative when `to` is earlier. */
int64_t net_ts12_delta_ms(uint64_t from, uint64_t to);

/* Event time of a frame with counter ts12 that arrived at arrival_ms. A frame
 * without a counter (0, or an mlat result) takes its arrival time. A counter
 * more than a second behind the latest time given (receiver restarted,
 * another receiver behind a multiplexer) is anchored again, at that latest
 * time if it is later than arrival, so the clock never runs back by more. */
int64_t net_rxclock_time(struct net_rxclock *c, uint64_t ts12, int64_t arrival_ms);

#endif
