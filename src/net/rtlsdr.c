/* rtlsdr.c: an RTL-SDR device through librtlsdr (rtlsdr.h). */
#include "net/rtlsdr.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_RTLSDR

#include <pthread.h>
#include <rtl-sdr.h>

#include "common/xmalloc.h"
#include "net/iqring.h"

/* USB transfers of 256 KiB (54 ms at 2.4 MS/s), and 2 s of them in the ring
 * at 2.4 MS/s: a loop held up that long by a slow store write still loses
 * nothing. */
#define XFER_BYTES (16u * 16384u)
#define XFER_COUNT 12u
#define RING_SLOTS 40u

struct net_rtlsdr {
    rtlsdr_dev_t *dev;
    struct iqring *ring;
    pthread_t thread;
};

bool net_rtlsdr_built_in(void) { return true; }

static void on_xfer(unsigned char *buf, uint32_t len, void *ctx)
{
    struct net_rtlsdr *d = ctx;
    iqring_put(d->ring, buf, len & ~1u);
}

static void *reader(void *arg)
{
    struct net_rtlsdr *d = arg;
    rtlsdr_read_async(d->dev, on_xfer, d, XFER_COUNT, XFER_BYTES);
    /* Returns when cancelled, or on its own when the device went away. */
    iqring_end(d->ring);
    return NULL;
}

static int tune(rtlsdr_dev_t *dev, const struct rtltcp_cfg *c, char *err, size_t errn)
{
    const char *what = NULL;
    if (rtlsdr_set_sample_rate(dev, c->rate) < 0)
        what = "sample rate";
    else if (c->ppm && rtlsdr_set_freq_correction(dev, c->ppm) < 0)
        what = "frequency correction";
    else if (rtlsdr_set_center_freq(dev, c->freq_hz) < 0)
        what = "frequency";
    else if (rtlsdr_set_tuner_gain_mode(dev, c->gain_tenth_db != RTLTCP_GAIN_AUTO) < 0)
        what = "gain mode";
    else if (c->gain_tenth_db != RTLTCP_GAIN_AUTO && rtlsdr_set_tuner_gain(dev, c->gain_tenth_db) < 0)
        what = "gain";
    else if (rtlsdr_set_agc_mode(dev, c->agc) < 0)
        what = "AGC";
    else if (rtlsdr_reset_buffer(dev) < 0)
        what = "buffer reset";
    if (what)
        snprintf(err, errn, "the device refused the %s", what);
    return what ? -1 : 0;
}

struct net_rtlsdr *net_rtlsdr_open(unsigned index, const struct rtltcp_cfg *c, char *err, size_t errn)
{
    uint32_t n = rtlsdr_get_device_count();
    if (n == 0) {
        snprintf(err, errn, "no RTL-SDR device found");
        return NULL;
    }
    if (index >= n) {
        snprintf(err, errn, "no RTL-SDR device %u (%u found: 0 to %u)", index, n, n - 1);
        return NULL;
    }
    rtlsdr_dev_t *dev;
    if (rtlsdr_open(&dev, index) < 0) {
        snprintf(err, errn, "cannot open RTL-SDR device %u (%s): busy, or no permission", index,
                 rtlsdr_get_device_name(index));
        return NULL;
    }
    struct net_rtlsdr *d = xcalloc(1, sizeof *d);
    d->dev = dev;
    if (tune(dev, c, err, errn) != 0)
        goto fail;
    if (!(d->ring = iqring_new(RING_SLOTS, XFER_BYTES))) {
        snprintf(err, errn, "cannot make the sample ring");
        goto fail;
    }
    if (pthread_create(&d->thread, NULL, reader, d) != 0) {
        snprintf(err, errn, "cannot start the reader thread");
        goto fail;
    }
    return d;
fail:
    rtlsdr_close(dev);
    iqring_free(d->ring);
    free(d);
    return NULL;
}

int net_rtlsdr_fd(const struct net_rtlsdr *d) { return iqring_fd(d->ring); }

int net_rtlsdr_drain(struct net_rtlsdr *d, rtltcp_samples_cb cb, void *ctx)
{
    /* A few transfers per wake-up: the loop serves its other inputs between. */
    return iqring_drain(d->ring, 4, cb, ctx);
}

uint64_t net_rtlsdr_dropped(const struct net_rtlsdr *d) { return iqring_dropped(d->ring); }

void net_rtlsdr_close(struct net_rtlsdr *d)
{
    if (!d)
        return;
    rtlsdr_cancel_async(d->dev);
    pthread_join(d->thread, NULL);
    rtlsdr_close(d->dev);
    iqring_free(d->ring);
    free(d);
}

#else

bool net_rtlsdr_built_in(void) { return false; }

struct net_rtlsdr *net_rtlsdr_open(unsigned index, const struct rtltcp_cfg *c, char *err, size_t errn)
{
    (void)index;
    (void)c;
    snprintf(err, errn, "this atalaya was built without librtlsdr (install librtlsdr-dev and rebuild), "
                        "so rtlsdr:// is not available; rtl_tcp (iq+rtltcp://) is");
    return NULL;
}

/* Never reached: no device is ever opened in this build. */
int net_rtlsdr_fd(const struct net_rtlsdr *d) { (void)d; return -1; }
int net_rtlsdr_drain(struct net_rtlsdr *d, rtltcp_samples_cb cb, void *ctx) { (void)d; (void)cb; (void)ctx; return 0; }
uint64_t net_rtlsdr_dropped(const struct net_rtlsdr *d) { (void)d; return 0; }
void net_rtlsdr_close(struct net_rtlsdr *d) { (void)d; }

#endif
