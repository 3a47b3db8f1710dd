/* spoof.c: the spoofing detector's entity table and dispatch: every tracker
 * update goes to the kinematic spells (jump.c), the land test (land.c) and
 * the NACp counter (gnss.c); spells of all kinds that have been quiet for
 * spoof_settle_min end in a sweep once a minute of event time, and quiet
 * entities are forgotten, so memory follows the live picture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais/ais.h"
#include "common/xmalloc.h"
#include "detect/spoof.h"

#define SWEEP_MS 60000
/* An entity without open spells is forgotten after this long unheard: the
 * tracker's vessel TTL (an hour), after which its last fix means nothing. */
#define FORGET_MS 3600000

struct det_spoof *det_spoof_new(void)
{
    struct det_spoof *s = xcalloc(1, sizeof *s);
    hash_u32_init(&s->index, 1024);
    return s;
}

void det_spoof_free(struct det_spoof *s)
{
    if (!s)
        return;
    hash_u32_free(&s->index);
    free(s->ents);
    free(s->free_ents);
    free(s->spells);
    free(s->free_spells);
    free(s);
}

void spoof_copy_ev(char *dst, const char *ev, size_t len)
{
    size_t n = ev ? (len < DET_EVIDENCE - 1 ? len : DET_EVIDENCE - 1) : 0;
    if (n)
        memcpy(dst, ev, n);
    dst[n] = 0;
}

int32_t spoof_spell_new(struct det_spoof *s, uint8_t kind, uint32_t ent, int64_t t)
{
    uint32_t i;
    if (s->nfree) {
        i = s->free_spells[--s->nfree];
    } else {
        if (s->nspells == s->capspells) {
            s->capspells   = s->capspells ? 2 * s->capspells : 64;
            s->spells      = xrealloc(s->spells, s->capspells * sizeof *s->spells);
            s->free_spells = xrealloc(s->free_spells, s->capspells * sizeof *s->free_spells);
        }
        i = (uint32_t)s->nspells++;
    }
    struct spoof_spell *sp = &s->spells[i];
    memset(sp, 0, sizeof *sp);
    sp->kind = kind;
    sp->ent  = ent;
    sp->t0 = sp->t1 = t;
    return (int32_t)i;
}

void spoof_spell_release(struct det_spoof *s, int32_t i)
{
    s->spells[i].kind          = SPELL_FREE;
    s->free_spells[s->nfree++] = (uint32_t)i;
}

void spoof_entity_fields(struct event *ev, const struct spoof_ent *e)
{
    if (e->key & SPOOF_AIRCRAFT) {
        ev_entity(ev, EVENT_AIRCRAFT, e->key & 0xFFFFFFu, "subject");
        ev_hex24(ev, "icao", e->key);
        if (e->key & 0x1000000u) /* the tracker's key space for anonymous / TIS-B track numbers */
            ev_bool(ev, "non_icao", true);
        if (e->label[0])
            ev_str(ev, "callsign", e->label);
    } else {
        ev_entity(ev, EVENT_VESSEL, e->key, "subject");
        ev_uint(ev, "mmsi", e->key);
        if (e->label[0])
            ev_str(ev, "name", e->label);
    }
}

/* Nothing open: no spell, no jamming area that names it. */
static bool forgettable(const struct det_spoof *s, size_t i)
{
    const struct spoof_ent *e = &s->ents[i];
    return e->key != SPOOF_FREE_KEY && e->kin == SPOOF_NONE && e->land == SPOOF_NONE && e->gnss == SPOOF_NONE &&
           !spoof_in_area(s, (uint32_t)i);
}

static void forget(struct det_spoof *s, size_t i)
{
    struct spoof_ent *e = &s->ents[i];
    hash_u32_del(&s->index, e->key);
    e->key = SPOOF_FREE_KEY;
    s->free_ents[s->nfree_ents++] = (uint32_t)i;
}

/* Named by the recent-degraded list or an open jamming area. */
static bool jamming(const struct det_spoof *s, size_t i)
{
    for (int k = 0; k < s->nrecent; k++)
        if (s->recent[k].ent == i)
            return true;
    return spoof_in_area(s, (uint32_t)i);
}

static void close_spell(struct det *d, int32_t si);

/* Room for one more under max_vessels (an hour's quiet forgets the rest,
 * below): a flood of new identities costs a bounded table. The least
 * recently heard go, a 32nd of the cap at a time, open spells and all (a
 * flood of random positions opens a land spell for every third): a spell
 * that qualifies is reported as it ends, the others end unsaid. */
static void make_room(struct det *d)
{
    struct det_spoof *s = d->spoof;
    size_t live = s->nents - s->nfree_ents, cap = d->cfg.max_vessels, n = 0;
    if (live < cap)
        return;
    int64_t *t = xmalloc((s->nents + 1) * sizeof *t);
    for (size_t i = 0; i < s->nents; i++)
        if (s->ents[i].key != SPOOF_FREE_KEY)
            t[n++] = s->ents[i].last_t;
    size_t at_cut;
    int64_t cut = det_lru_cut(t, n, live - cap + 1 + cap / 32, &at_cut);
    free(t);
    for (size_t i = 0; i < s->nents; i++) {
        struct spoof_ent *e = &s->ents[i];
        if (e->key == SPOOF_FREE_KEY || !det_lru_take(e->last_t, cut, &at_cut) || jamming(s, i))
            continue;
        if (e->kin != SPOOF_NONE)
            close_spell(d, e->kin);
        if (e->land != SPOOF_NONE)
            close_spell(d, e->land);
        if (e->gnss != SPOOF_NONE)
            close_spell(d, e->gnss);
        forget(s, i);
        d->stats.spoof_evicted++;
    }
}

static uint32_t entity(struct det *d, uint32_t key)
{
    struct det_spoof *s = d->spoof;
    uint32_t i;
    if (hash_u32_get(&s->index, key, &i))
        return i;
    make_room(d);
    if (s->nfree_ents) {
        i = s->free_ents[--s->nfree_ents];
    } else {
        if (s->nents == s->capents) {
            s->capents   = s->capents ? 2 * s->capents : 1024;
            s->ents      = xrealloc(s->ents, s->capents * sizeof *s->ents);
            s->free_ents = xrealloc(s->free_ents, s->capents * sizeof *s->free_ents);
        }
        i = (uint32_t)s->nents++;
    }
    struct spoof_ent *e = &s->ents[i];
    memset(e, 0, sizeof *e);
    e->key = key;
    e->kin = e->land = e->gnss = SPOOF_NONE;
    hash_u32_put(&s->index, key, i);
    return i;
}

static int64_t settle_ms(const struct det *d)
{
    return (int64_t)(d->cfg.spoof_settle_min * 60000.0);
}

static void close_spell(struct det *d, int32_t si)
{
    switch (d->spoof->spells[si].kind) {
    case SPELL_KIN:
        spoof_kin_close(d, si);
        break;
    case SPELL_LAND:
        spoof_land_close(d, si);
        break;
    case SPELL_GNSS:
        spoof_gnss_close(d, si);
        break;
    default:
        break;
    }
}

/* Ends every spell whose last sign is older than the settle time at now
 * (all of them when now is INT64_MAX). */
static void sweep(struct det *d, int64_t now)
{
    struct det_spoof *s = d->spoof;
    int64_t settle      = settle_ms(d);
    for (size_t i = 0; i < s->nspells; i++) {
        const struct spoof_spell *sp = &s->spells[i];
        if (sp->kind != SPELL_FREE && (now == INT64_MAX || now - sp->t1 > settle))
            close_spell(d, (int32_t)i);
    }
    spoof_areas_sweep(d, now == INT64_MAX ? INT64_MAX : now - settle);
    /* Forget quiet entities (bounded memory in a live run), but not while an
     * open jamming area names them, nor while the recent-degraded list
     * (looking back jam_window_min) might. */
    int64_t forget_ms = FORGET_MS;
    int64_t look_back = (int64_t)(d->cfg.jam_window_min * 60000.0) + 2 * settle;
    if (look_back > forget_ms)
        forget_ms = look_back;
    for (size_t i = 0; i < s->nents && now != INT64_MAX; i++)
        if (forgettable(s, i) && now - s->ents[i].last_t > forget_ms)
            forget(s, i);
}

void det_spoof_on_update(struct det *d, const struct trk_update *u, const char *ev, size_t evlen)
{
    struct det_spoof *s = d->spoof;
    if (u->t_ms >= s->next_sweep) {
        if (s->next_sweep)
            sweep(d, u->t_ms);
        s->next_sweep = u->t_ms + SWEEP_MS;
    }
    bool vessel  = u->kind == TRK_VESSEL;
    uint32_t key = vessel ? u->e.vessel->mmsi : SPOOF_AIRCRAFT | u->e.aircraft->icao;
    if (!(u->flags & (TRK_U_POS | TRK_U_POS_REJECTED | TRK_U_NAC_P)) &&
        !hash_u32_get(&s->index, key, &(uint32_t){0}))
        return; /* nothing to judge from an entity we hold nothing on */
    uint32_t ei         = entity(d, key);
    struct spoof_ent *e = &s->ents[ei];
    if (u->t_ms > e->last_t)
        e->last_t = u->t_ms;
    const char *label = vessel ? u->e.vessel->name : u->e.aircraft->callsign;
    if (label[0])
        snprintf(e->label, sizeof e->label, "%s", label);
    /* A spell quiet for the settle time is over before this update is judged. */
    int64_t settle = settle_ms(d);
    if (e->kin != SPOOF_NONE && u->t_ms - s->spells[e->kin].t1 > settle)
        spoof_kin_close(d, e->kin);
    if (e->land != SPOOF_NONE && u->t_ms - s->spells[e->land].t1 > settle)
        spoof_land_close(d, e->land);
    if (e->gnss != SPOOF_NONE && u->t_ms - s->spells[e->gnss].t1 > settle)
        spoof_gnss_close(d, e->gnss);
    double lat = vessel ? u->e.vessel->lat : u->e.aircraft->lat;
    double lon = vessel ? u->e.vessel->lon : u->e.aircraft->lon;
    if (!vessel)
        spoof_gnss_on_update(d, ei, u, ev, evlen);
    if (vessel) {
        /* Only ship stations: base stations and aids to navigation stand on
         * land by design, SAR aircraft fly over it. */
        uint8_t st = u->e.vessel->station;
        bool ship  = st == AIS_STATION_CLASS_A || st == AIS_STATION_CLASS_B;
        if (ship && (u->flags & TRK_U_POS))
            spoof_land_on_fix(d, ei, u->t_ms, lat, lon, false, ev, evlen);
        else if (ship && (u->flags & TRK_U_POS_REJECTED))
            spoof_land_on_fix(d, ei, u->t_ms, u->rejected_lat, u->rejected_lon, true, ev, evlen);
    }
    spoof_kin_on_update(d, ei, u, lat, lon, ev, evlen);
}

void det_spoof_finish(struct det *d)
{
    sweep(d, INT64_MAX);
}
