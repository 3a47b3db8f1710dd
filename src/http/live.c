/* live.c: the documents rendered from the live tracker. aircraft.json and
 * vessels.json are the tracker's own writers (docs/formats/live-json.md);
 * receiver.json is what tar1090 reads before it polls (version, refresh in
 * ms, history count, optional receiver position); stats is ours
 * (docs/formats/api-v1.md). */
#include <time.h>

#include "common/json.h"
#include "http/http_internal.h"
#include "http/sse.h"
#include "detect/detect.h"
#include "track/track.h"

static void write_tracker(const struct http_live *l, struct jw *wp)
{
    struct jw w = *wp;
    const struct trk_stats *t = trk_stats(l->trk);
    jw_kuint(&w, "aircraft", trk_aircraft_count(l->trk));
    jw_kuint(&w, "vessels", trk_vessel_count(l->trk));
    jw_key(&w, "tracker");
    jw_obj_begin(&w);
    jw_kuint(&w, "updates_ais", t->updates_ais);
    jw_kuint(&w, "updates_modes", t->updates_modes);
    jw_kuint(&w, "positions", t->positions);
    jw_kuint(&w, "positions_rejected", t->positions_rejected);
    jw_kuint(&w, "positions_out_of_order", t->positions_out_of_order);
    jw_kuint(&w, "identity_changes", t->identity_changes);
    jw_kuint(&w, "expired_aircraft", t->expired_aircraft);
    jw_kuint(&w, "expired_vessels", t->expired_vessels);
    jw_kuint(&w, "evicted_aircraft", t->evicted_aircraft);
    jw_kuint(&w, "evicted_vessels", t->evicted_vessels);
    jw_kuint(&w, "max_entities", trk_max_entities(l->trk));
    jw_obj_end(&w);
    *wp = w;
}

static void write_stats(const struct http_live *l, int64_t now_ms, struct buf *out)
{
    struct jw w;
    jw_init(&w, out);
    jw_obj_begin(&w);
    jw_kfixed(&w, "now", (double)now_ms / 1000.0, 1);
    jw_kfixed(&w, "uptime", (double)(now_ms - l->started_ms) / 1000.0, 1);
    if (l->trk)
        write_tracker(l, &w);
    if (l->det) {
        const struct det_stats *d = det_stats(l->det);
        jw_key(&w, "detectors");
        jw_obj_begin(&w);
        jw_kuint(&w, "vessels", d->vessels);
        jw_kuint(&w, "vessels_evicted", d->vessels_evicted);
        jw_kuint(&w, "spoof_evicted", d->spoof_evicted);
        jw_kuint(&w, "max_vessels", det_max_vessels(l->det));
        jw_obj_end(&w);
    }
    if (l->api)
        http_store_stats(l->api, &w);
    if (l->hub) {
        struct sse_stats s;
        sse_hub_stats(l->hub, &s);
        jw_key(&w, "stream");
        jw_obj_begin(&w);
        jw_kuint(&w, "clients", s.clients);
        jw_kuint(&w, "accepted", s.accepted);
        jw_kuint(&w, "refused", s.refused);
        jw_kuint(&w, "messages", s.messages);
        jw_kuint(&w, "bytes", s.bytes);
        jw_kuint(&w, "dropped", s.dropped);
        jw_obj_end(&w);
    }
    jw_key(&w, "http");
    jw_obj_begin(&w);
    jw_kuint(&w, "requests", atomic_load(&l->counters->requests));
    jw_kuint(&w, "status_4xx", atomic_load(&l->counters->status_4xx));
    jw_kuint(&w, "bytes_static", atomic_load(&l->counters->bytes_static));
    jw_kuint(&w, "not_modified", atomic_load(&l->counters->not_modified));
    jw_kuint(&w, "gzipped", atomic_load(&l->counters->gzipped));
    jw_kuint(&w, "connections", atomic_load(&l->counters->conns_open));
    jw_kuint(&w, "timed_out", atomic_load(&l->counters->conns_expired));
    jw_kuint(&w, "evicted", atomic_load(&l->counters->conns_evicted));
    jw_kuint(&w, "refused", atomic_load(&l->counters->conns_over));
    jw_obj_end(&w);
    jw_obj_end(&w);
    buf_putc(out, '\n');
}

static bool tracker_doc(const struct http_live *l, enum http_doc doc)
{
    return l->trk && (doc == HTTP_DOC_AIRCRAFT || doc == HTTP_DOC_VESSELS);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Leases and render budgets are wall-clock matters (CPU time, a reader's
 * patience), counted on the monotonic clock, whatever time the picture is
 * at (a recording played at --speed runs its own). */
bool http_live_due(struct http_live *l, enum http_doc doc)
{
    int64_t now_ms = mono_ms();
    if (!tracker_doc(l, doc) || !l->rendered[doc])
        return l->rendered[doc] = true;
    uint64_t reads = atomic_load(&l->counters->doc_reads[doc]);
    if (reads != l->reads_seen[doc]) {
        l->reads_seen[doc] = reads;
        l->due_until_ms[doc] = now_ms + HTTP_LIVE_LEASE_MS;
    }
    if (now_ms < l->next_ms[doc])
        return false;
    if (now_ms < l->due_until_ms[doc])
        return true;
    struct sse_stats st;
    sse_hub_stats(l->hub, &st);
    return st.clients > 0;
}

void http_live_write(struct http_live *l, enum http_doc doc, int64_t now_ms, struct buf *out)
{
    int64_t t0 = tracker_doc(l, doc) ? mono_ms() : 0;
    switch (doc) {
    case HTTP_DOC_AIRCRAFT:
        if (l->trk)
            trk_write_aircraft_json(l->trk, now_ms, out);
        else
            http_store_write(l->api, doc, out);
        break;
    case HTTP_DOC_VESSELS:
        if (l->trk)
            trk_write_vessels_json(l->trk, now_ms, out);
        else
            http_store_write(l->api, doc, out);
        break;
    case HTTP_DOC_RECEIVER:
        trk_write_receiver_json(out, l->refresh_ms, l->have_receiver, l->receiver_lat,
                                l->receiver_lon);
        break;
    case HTTP_DOC_STATS:
        write_stats(l, now_ms, out);
        break;
    case HTTP_DOC_COUNT:
        break;
    }
    if (t0) {
        int64_t t1 = mono_ms();
        l->next_ms[doc] = t1 + 4 * (t1 - t0);
    }
}
