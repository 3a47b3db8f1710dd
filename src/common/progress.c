#include "common/progress.h"

#include <time.h>
#include <unistd.h>

#define REDRAW_NS 250000000 /* at most four lines a second */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void progress_start(struct progress *p, const char *what, enum progress_unit unit, uint64_t total)
{
    *p = (struct progress){.on = isatty(STDERR_FILENO) == 1, .what = what, .unit = unit, .total = total,
                           .out = stderr};
    p->start_ns = p->last_ns = now_ns();
}

/* "12.3 MB" or "3.2 h". */
static void amount(const struct progress *p, uint64_t v, char *out, size_t n)
{
    if (p->unit == PROGRESS_BYTES)
        snprintf(out, n, "%.1f MB", (double)v / 1e6);
    else
        snprintf(out, n, "%.1f h", (double)v / 3.6e6);
}

/* "850", "12.3 k", "1.23 M" (followed by a space and the noun). */
static void count(double v, char *out, size_t n)
{
    if (v >= 1e6)
        snprintf(out, n, "%.2f M", v / 1e6);
    else if (v >= 1e4)
        snprintf(out, n, "%.1f k", v / 1e3);
    else
        snprintf(out, n, "%.0f", v);
}

void progress_tick(struct progress *p)
{
    int64_t t = now_ns();
    if (t - p->last_ns < REDRAW_NS)
        return;
    p->last_ns = t;
    double secs = (double)(t - p->start_ns) / 1e9;
    char done[32], total[32], msgs[32], rate[32], eta[32] = "";
    amount(p, p->done, done, sizeof done);
    count((double)p->messages, msgs, sizeof msgs);
    count(secs > 0 ? (double)p->messages / secs : 0, rate, sizeof rate);
    if (p->total) {
        amount(p, p->total, total, sizeof total);
        double share = p->done < p->total ? (double)p->done / (double)p->total : 1;
        if (share > 0.001) {
            long left = (long)(secs / share - secs + 0.5);
            snprintf(eta, sizeof eta, ", %ld:%02ld left", left / 60, left % 60);
        }
        fprintf(p->out, "\r%s: %s of %s (%.0f%%), %s messages, %s messages/s%s\033[K", p->what, done, total,
                share * 100, msgs, rate, eta);
    } else {
        fprintf(p->out, "\r%s: %s, %s messages, %s messages/s\033[K", p->what, done, msgs, rate);
    }
    fflush(p->out);
}

void progress_end(struct progress *p, uint64_t done, uint64_t messages)
{
    if (!p->on)
        return;
    double secs = (double)(now_ns() - p->start_ns) / 1e9;
    char d[32], msgs[32], rate[32];
    amount(p, done, d, sizeof d);
    count((double)messages, msgs, sizeof msgs);
    count(secs > 0 ? (double)messages / secs : 0, rate, sizeof rate);
    fprintf(p->out, "\r%s: done, %s, %s messages in %.1f s (%s messages/s)\033[K\n", p->what, d, msgs, secs, rate);
    fflush(p->out);
}
