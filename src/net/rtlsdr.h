/* rtlsdr.h: an RTL-SDR dongle read directly through librtlsdr, as
 *   rtlsdr://INDEX?band=ais|1090&freq=HZ&rate=SPS&gain=DB&ppm=N&agc=0|1
 * (the keys of rtl_tcp's URL, rtltcp.h). librtlsdr's asynchronous read runs
 * in a thread of its own, which copies each USB buffer into a ring
 * (iqring.h) that the event loop drains; when the loop falls behind, whole
 * buffers are dropped and counted there. The samples then take the same
 * path as rtl_tcp's (net/iqin.h).
 * Built in only when librtlsdr was found at build time (HAVE_RTLSDR);
 * otherwise net_rtlsdr_open says so. */
#ifndef ATALAYA_NET_RTLSDR_H
#define ATALAYA_NET_RTLSDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/rtltcp.h"

struct net_rtlsdr;

bool net_rtlsdr_built_in(void);
/* Opens and tunes device INDEX (freq, rate, gain, ppm, agc of c) and starts
 * reading. NULL with a reason in err: "no RTL-SDR device found", an index
 * past the devices found, a device that cannot be opened (busy, no
 * permission) or tuned, or a build without librtlsdr. */
struct net_rtlsdr *net_rtlsdr_open(unsigned index, const struct rtltcp_cfg *c, char *err, size_t errn);
/* Readable while buffers wait (or the device has stopped). */
int net_rtlsdr_fd(const struct net_rtlsdr *d);
/* Hands waiting sample bytes (whole I/Q pairs) to cb; returns 1, or 0 once
 * the device has stopped (unplugged, a USB error) and all is handed on. */
int net_rtlsdr_drain(struct net_rtlsdr *d, rtltcp_samples_cb cb, void *ctx);
/* Sample bytes dropped because the loop was behind. */
uint64_t net_rtlsdr_dropped(const struct net_rtlsdr *d);
/* Stops the reader thread and closes the device. */
void net_rtlsdr_close(struct net_rtlsdr *d);

#endif
