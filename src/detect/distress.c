/* distress.c: AIS-SART, man-overboard and EPIRB-AIS transmissions, and
 * vessels broadcasting navigational status 14, as the highest-priority alert.
 *
 * Who is in distress (sources in docs/detectors.md, "Distress"):
 *  - ITU-R M.585 (Annex 2, section 3) gives the locating devices MMSIs of
 *    their own: 970xxyyyy AIS-SART, 972xxyyyy MOB (man overboard),
 *    974xxyyyy EPIRB-AIS. Anything heard from such an MMSI is a device.
 *  - ITU-R M.1371-5 navigational status 14 is "AIS-SART (active)"; a device
 *    sends it in its position reports (types 1-3) when active, and a ship's
 *    own transponder set to it is a distress too (rule status_14).
 *  - M.1371-5 message 14 (safety related broadcast) from a device says
 *    "SART ACTIVE" / "MOB ACTIVE" / "EPIRB ACTIVE", or "... TEST" in test
 *    mode: a test is reported as a test (severity "test", no alert).
 * A device neither known active nor known to be testing (position reports
 * without status 14, no text yet) is an alarm: a distress beacon is assumed
 * real until it says otherwise.
 *
 * One event per transmitter: open from its first message, reported again
 * when its mode or its text changes and every open_update_min while it keeps sending,
 * closed distress_silence_min after its last message (or, for a ship's status
 * 14, when its status changes back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "ais/text.h"
#include "common/xmalloc.h"
#include "detect/detect_internal.h"

enum dev_kind { DEV_NONE = 0, DEV_SART, DEV_MOB, DEV_EPIRB, DEV_VESSEL };
enum dev_mode { MODE_UNKNOWN = 0, MODE_ACTIVE, MODE_TEST };

static const char *const kind_name[] = {"", "ais_sart", "mob", "epirb", "vessel"};
static const char *const rule_name[] = {"", "ais_sart", "mob", "epirb", "status_14"};
static const char *const mode_name[] = {"unknown", "active", "test"};

struct dev {
    uint32_t mmsi;
    uint8_t kind, mode, emitted_mode;
    bool emitted, pos, news; /* news: a safety text not reported yet */
    int16_t nav_status; /* last heard; -1 unknown */
    int64_t t0, last, open_t;
    uint32_t reports;
    double lat, lon;
    char text[64]; /* last safety text (message 14) */
    char ev0[DET_EVIDENCE], ev_text[DET_EVIDENCE], ev1[DET_EVIDENCE];
};

struct det_distress {
    struct ais_ctx *ais; /* re-frames a device's sentences (its message type and text) */
    struct dev *dev;     /* transmitters open now: a handful at most */
    size_t n, cap;
};

struct det_distress *det_distress_new(void)
{
    struct det_distress *s = xcalloc(1, sizeof *s);
    s->ais = ais_ctx_new();
    return s;
}

void det_distress_free(struct det_distress *s)
{
    if (!s)
        return;
    ais_ctx_free(s->ais);
    free(s->dev);
    free(s);
}

/* ITU-R M.585 Annex 2 section 3: 970, 972, 974 then the manufacturer (xx)
 * and its serial (yyyy). */
static enum dev_kind device_of(uint32_t mmsi)
{
    switch (mmsi / 1000000) {
    case 970: return DEV_SART;
    case 972: return DEV_MOB;
    case 974: return DEV_EPIRB;
    default: return DEV_NONE;
    }
}

static void keep(char *dst, const char *ev, size_t n)
{
    size_t k = n < DET_EVIDENCE - 1 ? n : DET_EVIDENCE - 1;
    if (ev)
        memcpy(dst, ev, k);
    dst[ev ? k : 0] = '\0';
}

/* The message behind a device's update, from its sentences (the tracker
 * keeps neither the message type nor a safety text). Returns the type, 0
 * when the evidence does not decode; *status -1 when it carried none. */
static int decode(struct det_distress *s, const char *ev, size_t len, int *status, char *text, size_t textn)
{
    *status = -1;
    text[0] = '\0';
    const char *p = ev, *end = ev ? ev + len : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        struct ais_payload pl;
        if (ais_feed_line(s->ais, p, n, false, &pl) == AIS_OK) {
            struct ais_msg m;
            if (ais_decode(pl.bits, pl.nbits, &m) != AIS_OK)
                return 0;
            if ((m.type <= 3 || m.type == 27) && (m.has & AIS_HAS_STATUS))
                *status = m.nav_status;
            if (m.type == 14 && m.nbits > 40) {
                unsigned nch = (m.nbits - 40) / 6;
                if (nch > textn - 1)
                    nch = (unsigned)textn - 1;
                ais_text(m.bits, m.nbits, 40, nch, text);
            }
            return m.type;
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

static void emit(struct det *d, const struct dev *v, bool open)
{
    struct event e;
    ev_begin(&e, "distress", v->t0, v->last);
    ev_state(&e, open ? EVENT_OPEN : EVENT_CLOSED);
    if (v->pos)
        ev_pos(&e, v->lat, v->lon);
    ev_entity(&e, EVENT_VESSEL, v->mmsi, "subject");
    ev_uint(&e, "mmsi", v->mmsi);
    ev_str(&e, "device", kind_name[v->kind]);
    ev_str(&e, "mode", mode_name[v->mode]);
    ev_str(&e, "severity", v->mode == MODE_TEST ? "test" : "critical");
    if (v->nav_status >= 0)
        ev_int(&e, "nav_status", v->nav_status);
    if (v->text[0])
        ev_str(&e, "text", v->text);
    uint32_t vi;
    struct det_vessel *dv = det_vessel_get(d, v->mmsi, &vi);
    if (dv->name[0])
        ev_str(&e, "name", dv->name);
    ev_uint(&e, "reports", v->reports);
    if (v->mode != MODE_TEST)
        ev_alert(&e, rule_name[v->kind]);
    ev_evidence_str(&e, v->ev0);
    if (v->ev_text[0] && strcmp(v->ev_text, v->ev0))
        ev_evidence_str(&e, v->ev_text);
    if (strcmp(v->ev1, v->ev0) && strcmp(v->ev1, v->ev_text))
        ev_evidence_str(&e, v->ev1);
    det_emit(d, &e);
}

static void close_at(struct det *d, size_t i, bool open)
{
    struct det_distress *s = d->distress;
    struct dev *v = &s->dev[i];
    if (v->mode == MODE_TEST)
        d->stats.distress_tests++;
    else
        d->stats.distress++;
    emit(d, v, open);
    s->dev[i] = s->dev[--s->n];
}

static struct dev *find(struct det_distress *s, uint32_t mmsi)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->dev[i].mmsi == mmsi)
            return &s->dev[i];
    return NULL;
}

void det_distress_on_update(struct det *d, const struct trk_update *u, const char *evidence, size_t evlen)
{
    struct det_distress *s = d->distress;
    const struct trk_vessel *tv = u->e.vessel;
    int64_t t = u->t_ms;
    enum dev_kind kind = device_of(tv->mmsi);
    int status = -1;
    char text[64] = "";
    if (kind != DEV_NONE) {
        if (!decode(s, evidence, evlen, &status, text, sizeof text) && tv->v_status.source &&
            tv->v_status.t_ms == t)
            status = tv->nav_status; /* no sentences (or not NMEA): the tracker's reading */
    } else if (tv->v_status.source && tv->v_status.t_ms == t) {
        status = tv->nav_status;
    }
    struct dev *v = find(s, tv->mmsi);
    if (kind == DEV_NONE) {
        if (status == 14)
            kind = DEV_VESSEL;
        else {
            /* A ship that cleared status 14: its distress ends with this report. */
            if (v && status >= 0) {
                v->last = t;
                keep(v->ev1, evidence, evlen);
                close_at(d, (size_t)(v - s->dev), false);
            }
            return;
        }
    }
    if (!v) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 8;
            s->dev = xrealloc(s->dev, s->cap * sizeof *s->dev);
        }
        v = &s->dev[s->n++];
        memset(v, 0, sizeof *v);
        v->mmsi = tv->mmsi;
        v->kind = (uint8_t)kind;
        v->nav_status = -1;
        v->t0 = t;
        keep(v->ev0, evidence, evlen);
    }
    v->reports++;
    if (t > v->last)
        v->last = t;
    keep(v->ev1, evidence, evlen);
    if (tv->v_pos.source && tv->v_pos.t_ms == t) {
        v->pos = true;
        v->lat = tv->lat;
        v->lon = tv->lon;
    } else if (!v->pos && tv->v_pos.source) {
        v->pos = true; /* a position heard before this transmitter counted */
        v->lat = tv->lat;
        v->lon = tv->lon;
    }
    if (status >= 0)
        v->nav_status = (int16_t)status;
    if (status == 14 || kind == DEV_VESSEL)
        v->mode = MODE_ACTIVE;
    if (text[0]) {
        v->news |= strcmp(v->text, text) != 0;
        snprintf(v->text, sizeof v->text, "%s", text);
        keep(v->ev_text, evidence, evlen);
        /* "SART ACTIVE", "MOB TEST", ... (M.1371-5, message 14); active wins. */
        if (strstr(text, "ACTIVE"))
            v->mode = MODE_ACTIVE;
        else if (strstr(text, "TEST") && v->mode != MODE_ACTIVE)
            v->mode = MODE_TEST;
    }
    bool changed = !v->emitted || v->mode != v->emitted_mode || v->news;
    if (det_open_due(d, &v->open_t, t) || changed) {
        v->open_t = t;
        v->emitted = true;
        v->news = false;
        v->emitted_mode = v->mode;
        emit(d, v, true);
    }
}

void det_distress_tick(struct det *d, int64_t now)
{
    struct det_distress *s = d->distress;
    int64_t silence = (int64_t)(d->cfg.distress_silence_min * 60000.0);
    for (size_t i = s->n; i-- > 0;)
        if (now - s->dev[i].last > silence)
            close_at(d, i, false);
}

void det_distress_finish(struct det *d)
{
    struct det_distress *s = d->distress;
    det_distress_tick(d, d->clock);
    while (s->n)
        close_at(d, s->n - 1, true);
}

int det_distress_restore(struct det *d, const struct event *e)
{
    const struct event_entity *who = event_entity_role(e, "subject");
    const struct event_field *dev = event_field_get(e, "device"), *mode = event_field_get(e, "mode");
    if (!who || who->kind != EVENT_VESSEL || !dev || dev->type != EVF_STR || !mode || mode->type != EVF_STR)
        return 1;
    uint8_t kind = 0, m = 0;
    for (uint8_t k = DEV_SART; k <= DEV_VESSEL; k++)
        if (!strcmp(dev->s, kind_name[k]))
            kind = k;
    for (uint8_t k = 0; k <= MODE_TEST; k++)
        if (!strcmp(mode->s, mode_name[k]))
            m = k;
    struct det_distress *s = d->distress;
    if (!kind || find(s, who->id))
        return 1;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->dev = xrealloc(s->dev, s->cap * sizeof *s->dev);
    }
    struct dev *v = &s->dev[s->n++];
    memset(v, 0, sizeof *v);
    v->mmsi = who->id;
    v->kind = kind;
    v->mode = v->emitted_mode = m;
    v->emitted = true;
    v->t0 = e->t_start_ms;
    v->last = v->open_t = e->t_end_ms;
    const struct event_field *f = event_field_get(e, "nav_status");
    v->nav_status = f && f->type == EVF_INT ? (int16_t)f->i : f && f->type == EVF_UINT ? (int16_t)f->u : -1;
    if ((f = event_field_get(e, "text")) && f->type == EVF_STR)
        snprintf(v->text, sizeof v->text, "%s", f->s);
    if ((f = event_field_get(e, "reports")))
        v->reports = f->type == EVF_UINT ? (uint32_t)f->u : f->type == EVF_INT ? (uint32_t)f->i : 0;
    if (e->lat == e->lat && e->lon == e->lon) {
        v->pos = true;
        v->lat = e->lat;
        v->lon = e->lon;
    }
    if (e->nevidence)
        keep(v->ev0, e->evidence[0], strlen(e->evidence[0]));
    if (e->nevidence > 1)
        keep(v->ev1, e->evidence[e->nevidence - 1], strlen(e->evidence[e->nevidence - 1]));
    if (e->t_end_ms > d->clock)
        d->clock = e->t_end_ms;
    return 0;
}
