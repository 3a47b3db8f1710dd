/* thin.c: see thin.h. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/xmalloc.h"
#include "store/thin.h"

struct thin_track {
    struct store_position kept, held;
    bool have_kept, have_held;
};

struct thinner {
    struct thin_config cfg;
    struct hash_u32 index; /* entity key -> track */
    struct thin_track *tr;
    size_t n, cap;
};

struct thinner *thin_new(const struct thin_config *cfg)
{
    struct thinner *t = xcalloc(1, sizeof *t);
    t->cfg = cfg ? *cfg : (struct thin_config){0};
    if (t->cfg.vessel_ms <= 0) t->cfg.vessel_ms = 60000;
    if (t->cfg.aircraft_ms <= 0) t->cfg.aircraft_ms = 10000;
    if (t->cfg.course_deg <= 0) t->cfg.course_deg = 10;
    if (t->cfg.vessel_kn <= 0) t->cfg.vessel_kn = 2;
    if (t->cfg.aircraft_kt <= 0) t->cfg.aircraft_kt = 25;
    if (t->cfg.alt_ft <= 0) t->cfg.alt_ft = 300;
    hash_u32_init(&t->index, 4096);
    return t;
}

void thin_free(struct thinner *t)
{
    if (!t)
        return;
    hash_u32_free(&t->index);
    free(t->tr);
    free(t);
}

/* MMSIs stay below 2^30 and ICAO addresses below 2^24: one key space. */
static uint32_t key(const struct store_position *p)
{
    return p->kind == STORE_AIRCRAFT ? 0x80000000u | (p->id & 0xFFFFFFu) : p->id & 0x7FFFFFFFu;
}

static bool differs(double a, double b, double by)
{
    if (isfinite(a) != isfinite(b))
        return true;
    return isfinite(a) && fabs(a - b) >= by;
}

static bool turned(double a, double b, double by)
{
    if (!isfinite(a) || !isfinite(b))
        return isfinite(a) != isfinite(b);
    double d = fabs(fmod(a - b + 540.0, 360.0) - 180.0);
    return d >= by;
}

int thin_offer(struct thinner *t, const struct store_position *p, struct store_position out[2])
{
    uint32_t i;
    if (!hash_u32_get(&t->index, key(p), &i)) {
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 1024;
            t->tr = xrealloc(t->tr, t->cap * sizeof *t->tr);
        }
        i = (uint32_t)t->n++;
        memset(&t->tr[i], 0, sizeof t->tr[i]);
        hash_u32_put(&t->index, key(p), i);
    }
    struct thin_track *tr = &t->tr[i];
    bool air = p->kind == STORE_AIRCRAFT;
    int64_t every = air ? t->cfg.aircraft_ms : t->cfg.vessel_ms;
    int n = 0;
    bool keep = !tr->have_kept;
    if (!keep) {
        const struct store_position *k = &tr->kept;
        /* A silence since the last fix heard: the fix before it is history. */
        if (tr->have_held && p->t_ms - tr->held.t_ms >= every) {
            out[n++] = tr->held;
            keep = true;
        }
        keep = keep || p->t_ms - k->t_ms >= every || turned(p->course_deg, k->course_deg, t->cfg.course_deg) ||
               differs(p->speed_kt, k->speed_kt, air ? t->cfg.aircraft_kt : t->cfg.vessel_kn) ||
               (air && differs(p->alt_ft, k->alt_ft, t->cfg.alt_ft));
    }
    if (keep) {
        out[n++] = *p;
        tr->kept = *p;
        tr->have_kept = true;
        tr->have_held = false;
    } else {
        tr->held = *p;
        tr->have_held = true;
    }
    return n;
}

int thin_flush(struct thinner *t, thin_flush_cb cb, void *ctx)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->tr[i].have_held) {
            t->tr[i].have_held = false;
            if (cb(ctx, &t->tr[i].held))
                return -1;
        }
    return 0;
}
