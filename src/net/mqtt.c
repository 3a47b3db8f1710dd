/* mqtt.c: the MQTT output (mqtt.h). The pipeline calls the sink on the
 * main thread; libmosquitto's own thread (mosquitto_loop_start) owns the
 * socket, so the counters it touches (connection state, deliveries) are
 * atomics. */
#include <errno.h>
#include <mosquitto.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/timeparse.h"
#include "common/url.h"
#include "common/xmalloc.h"
#include "detect/event.h"
#include "net/mqtt.h"
#include "pipeline/pipeline.h"

/* Events and alerts held over one absence of the broker (qos >= 1); beyond
 * this they are dropped and counted, so an absent broker cannot eat the
 * memory. */
#define MQTT_QUEUE_MAX 10000
#define MQTT_KEEPALIVE_S 30
#define MQTT_FIRST_WAIT_MS 2000 /* how long the start waits for the first connection */

struct net_mqtt {
    struct net_mqtt_url url;
    struct mosquitto *mosq;
    bool started;
    /* main thread */
    struct hash_u32 last_vessel, last_aircraft; /* id -> event second last published */
    uint64_t positions, events, alerts, thinned, dropped;
    uint64_t offline_n, offline_epoch; /* held since the link was lost (the connects count then) */
    struct buf topic, body;
    /* the library's thread */
    atomic_bool connected;
    atomic_uint_fast64_t connects, disconnects, delivered;
};

bool net_mqtt_is_url(const char *s) { return s && !strncmp(s, "mqtt://", 7); }

static int fail(char *err, size_t errn, const char *what, const char *url)
{
    snprintf(err, errn, "%s: %s", url, what);
    return -1;
}

int net_mqtt_parse(const char *url, struct net_mqtt_url *out, char *err, size_t errn)
{
    memset(out, 0, sizeof *out);
    out->port = 1883;
    out->qos = 0;
    snprintf(out->prefix, sizeof out->prefix, "atalaya");
    if (!net_mqtt_is_url(url))
        return fail(err, errn, "not an mqtt:// URL", url);
    const char *query, *why = url_authority(url + 7, out->host, sizeof out->host, &out->port, &query);
    if (why)
        return fail(err, errn, strcmp(why, "no host") ? why : "no host (mqtt://HOST[:PORT][?topic=PREFIX&qos=N])",
                    url);
    struct url_param p;
    while (url_next_param(&query, &p, &why)) {
        if (why)
            return fail(err, errn, why, url);
        if (!strcmp(p.key, "topic")) {
            size_t vl = strlen(p.value);
            while (vl && p.value[vl - 1] == '/')
                vl--; /* a trailing slash would make empty levels */
            if (vl == 0 || vl >= sizeof out->prefix)
                return fail(err, errn, "topic must be 1-127 characters", url);
            memcpy(out->prefix, p.value, vl);
            out->prefix[vl] = '\0';
            if (strpbrk(out->prefix, "+#"))
                return fail(err, errn, "topic must not hold the wildcards + or #", url);
        } else if (!strcmp(p.key, "qos")) {
            if (strlen(p.value) != 1 || p.value[0] < '0' || p.value[0] > '2')
                return fail(err, errn, "qos must be 0, 1 or 2", url);
            out->qos = p.value[0] - '0';
        } else {
            return fail(err, errn, "unknown parameter (topic, qos)", url);
        }
    }
    return 0;
}

/* ---- the library's thread ---- */

static void on_connect(struct mosquitto *mosq, void *ctx, int rc)
{
    struct net_mqtt *m = ctx;
    (void)mosq;
    if (rc != 0)
        return; /* refused (bad protocol, not authorised): retried like a lost link */
    atomic_store(&m->connected, true);
    atomic_fetch_add(&m->connects, 1);
}

static void on_disconnect(struct mosquitto *mosq, void *ctx, int rc)
{
    struct net_mqtt *m = ctx;
    (void)mosq;
    (void)rc;
    if (atomic_exchange(&m->connected, false))
        atomic_fetch_add(&m->disconnects, 1);
}

static void on_publish(struct mosquitto *mosq, void *ctx, int mid)
{
    struct net_mqtt *m = ctx;
    (void)mosq;
    (void)mid;
    atomic_fetch_add(&m->delivered, 1);
}

/* ---- the main thread ---- */

/* Sent but not yet delivered: only a bound for the wait at the end (a qos 0
 * message lost with a dropped link is never reported either way). */
static uint64_t pending(const struct net_mqtt *m)
{
    uint64_t sent = m->positions + m->events + m->alerts, done = atomic_load(&m->delivered);
    return sent > done ? sent - done : 0;
}

/* Publishes body on topic. Returns true when the library took it. */
static bool publish(struct net_mqtt *m, const struct buf *topic, const struct buf *body, bool can_wait)
{
    bool up = atomic_load(&m->connected);
    if (!up) {
        uint64_t epoch = atomic_load(&m->connects);
        if (epoch != m->offline_epoch) { /* lost again since the last count */
            m->offline_epoch = epoch;
            m->offline_n = 0;
        }
        if (!can_wait || m->url.qos == 0 || m->offline_n >= MQTT_QUEUE_MAX) {
            m->dropped++;
            return false;
        }
        m->offline_n++;
    }
    int rc = mosquitto_publish(m->mosq, NULL, topic->p, (int)body->len, body->p, m->url.qos, false);
    /* At qos >= 1 the library keeps a message it could not send yet. */
    if (rc != MOSQ_ERR_SUCCESS && !(rc == MOSQ_ERR_NO_CONN && m->url.qos > 0 && can_wait)) {
        m->dropped++;
        return false;
    }
    return true;
}

static void topic_of(struct net_mqtt *m, const char *level, const char *name)
{
    m->topic.len = 0;
    buf_put(&m->topic, m->url.prefix, strlen(m->url.prefix));
    buf_putc(&m->topic, '/');
    buf_put(&m->topic, level, strlen(level));
    buf_putc(&m->topic, '/');
    buf_put(&m->topic, name, strlen(name));
    buf_putc(&m->topic, '\0');
}

/* At most one position a second of event time per entity. */
static bool thin(struct net_mqtt *m, struct hash_u32 *h, uint32_t id, int64_t t_ms)
{
    uint32_t s = (uint32_t)(t_ms / 1000), last;
    if (hash_u32_get(h, id, &last) && s <= last) {
        m->thinned++;
        return true;
    }
    hash_u32_put(h, id, s);
    return false;
}

static void begin_position(struct jw *w, int64_t t_ms)
{
    char iso[40];
    time_iso_ms(t_ms, true, iso, sizeof iso);
    jw_obj_begin(w);
    jw_kstr(w, "time", iso);
    jw_kint(w, "t_ms", t_ms);
}

static void on_update(void *ctx, const struct trk_update *u, const char *evidence, size_t evlen)
{
    struct net_mqtt *m = ctx;
    (void)evidence;
    (void)evlen;
    if (!(u->flags & TRK_U_POS) || u->t_ms <= 0)
        return;
    struct jw w;
    char name[16];
    m->body.len = 0;
    jw_init(&w, &m->body);
    if (u->kind == TRK_VESSEL) {
        const struct trk_vessel *v = u->e.vessel;
        if (thin(m, &m->last_vessel, v->mmsi, u->t_ms))
            return;
        snprintf(name, sizeof name, "%u", v->mmsi);
        begin_position(&w, u->t_ms);
        jw_kuint(&w, "mmsi", v->mmsi);
        jw_kfixed(&w, "lat", v->lat, 6);
        jw_kfixed(&w, "lon", v->lon, 6);
        /* Kinematics only when this report carried them (not a stale value). */
        if (v->v_sog.source && v->v_sog.t_ms == u->t_ms)
            jw_kfixed(&w, "speed", v->sog_dkn / 10.0, 1);
        if (v->v_cog.source && v->v_cog.t_ms == u->t_ms)
            jw_kfixed(&w, "course", v->cog_ddeg / 10.0, 1);
        if (v->v_heading.source && v->v_heading.t_ms == u->t_ms)
            jw_kuint(&w, "heading", v->heading_deg);
        if (v->name[0])
            jw_kstr(&w, "name", v->name);
        if (v->callsign[0])
            jw_kstr(&w, "callsign", v->callsign);
        jw_obj_end(&w);
        topic_of(m, "vessel", name);
    } else if (u->kind == TRK_AIRCRAFT) {
        const struct trk_aircraft *a = u->e.aircraft;
        if (thin(m, &m->last_aircraft, a->icao, u->t_ms))
            return;
        snprintf(name, sizeof name, "%s%06x", a->icao & 0x1000000u ? "~" : "", a->icao & 0xFFFFFFu);
        begin_position(&w, u->t_ms);
        jw_kstr(&w, "icao", name);
        jw_kfixed(&w, "lat", a->lat, 6);
        jw_kfixed(&w, "lon", a->lon, 6);
        /* An aircraft's fields come from separate messages: current within a
         * minute (the tracker's stale time, as aircraft.json). */
        int64_t fresh = u->t_ms - 60000;
        if (a->v_alt_baro.source && a->v_alt_baro.t_ms >= fresh)
            jw_kint(&w, "altitude", a->alt_baro_ft);
        if (a->v_gs.source && a->v_gs.t_ms >= fresh)
            jw_kfixed(&w, "speed", a->gs_kt, 1);
        if (a->v_track.source && a->v_track.t_ms >= fresh)
            jw_kfixed(&w, "course", a->track_deg, 1);
        if (a->v_ground.source && a->v_ground.t_ms >= fresh && a->on_ground)
            jw_kbool(&w, "ground", true);
        if (a->callsign[0])
            jw_kstr(&w, "callsign", a->callsign);
        jw_obj_end(&w);
        topic_of(m, "aircraft", name);
    } else {
        return;
    }
    if (publish(m, &m->topic, &m->body, false))
        m->positions++;
}

static void on_event(void *ctx, const struct event *e)
{
    struct net_mqtt *m = ctx;
    struct jw w;
    m->body.len = 0;
    jw_init(&w, &m->body);
    event_write(&w, e);
    topic_of(m, "event", e->kind);
    if (publish(m, &m->topic, &m->body, true))
        m->events++;
    if (e->alert && e->alert[0]) {
        topic_of(m, "alert", e->alert);
        if (publish(m, &m->topic, &m->body, true))
            m->alerts++;
    }
}

struct net_mqtt *net_mqtt_open(const char *url, char *err, size_t errn)
{
    struct net_mqtt_url pu;
    if (net_mqtt_parse(url, &pu, err, errn) != 0)
        return NULL;
    static bool lib_ready;
    if (!lib_ready) {
        mosquitto_lib_init();
        lib_ready = true;
    }
    struct net_mqtt *m = xcalloc(1, sizeof *m);
    m->url = pu;
    char id[64];
    snprintf(id, sizeof id, "atalaya-%ld-%p", (long)getpid(), (void *)m);
    if (!(m->mosq = mosquitto_new(id, true, m))) {
        snprintf(err, errn, "%s: %s", url, strerror(errno));
        free(m);
        return NULL;
    }
    hash_u32_init(&m->last_vessel, 1024);
    hash_u32_init(&m->last_aircraft, 1024);
    buf_init(&m->topic, 256);
    buf_init(&m->body, 1024);
    mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_connect_callback_set(m->mosq, on_connect);
    mosquitto_disconnect_callback_set(m->mosq, on_disconnect);
    mosquitto_publish_callback_set(m->mosq, on_publish);
    mosquitto_reconnect_delay_set(m->mosq, 1, 30, true);
    mosquitto_max_inflight_messages_set(m->mosq, 0); /* bounded by MQTT_QUEUE_MAX instead */
    /* The library's thread takes no signals: SIGINT and SIGTERM stop run's
     * event loop, which only the main thread's wait notices at once. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = mosquitto_loop_start(m->mosq);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        snprintf(err, errn, "%s: %s", url, mosquitto_strerror(rc));
        net_mqtt_close(m);
        return NULL;
    }
    m->started = true;
    /* A broker not up yet is no error: the loop's thread keeps trying. */
    rc = mosquitto_connect_async(m->mosq, m->url.host, m->url.port, MQTT_KEEPALIVE_S);
    if (rc == MOSQ_ERR_INVAL) {
        snprintf(err, errn, "%s: %s", url, mosquitto_strerror(rc));
        net_mqtt_close(m);
        return NULL;
    }
    /* A broker that is up gets the first positions too: they come within
     * milliseconds when a recording is played fast. */
    for (int waited = 0; waited < MQTT_FIRST_WAIT_MS && !atomic_load(&m->connected); waited += 10)
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    return m;
}

void net_mqtt_sink(struct net_mqtt *m, struct pipeline_sink *s)
{
    memset(s, 0, sizeof *s);
    s->ctx = m;
    s->update = on_update;
    s->event = on_event;
}

void net_mqtt_get_stats(const struct net_mqtt *m, struct net_mqtt_stats *o)
{
    o->connects = atomic_load(&m->connects);
    o->disconnects = atomic_load(&m->disconnects);
    o->delivered = atomic_load(&m->delivered);
    o->connected = atomic_load(&m->connected);
    o->positions = m->positions;
    o->events = m->events;
    o->alerts = m->alerts;
    o->thinned = m->thinned;
    o->dropped = m->dropped;
}

void net_mqtt_print_stats(const struct net_mqtt *m, FILE *f)
{
    struct net_mqtt_stats s;
    net_mqtt_get_stats(m, &s);
    fprintf(f,
            "atalaya run: mqtt %s:%d/%s: %s, connects %llu, disconnects %llu; published positions %llu "
            "(thinned %llu), events %llu, alerts %llu; delivered %llu, dropped %llu\n",
            m->url.host, m->url.port, m->url.prefix, s.connected ? "connected" : "not connected",
            (unsigned long long)s.connects, (unsigned long long)s.disconnects, (unsigned long long)s.positions,
            (unsigned long long)s.thinned, (unsigned long long)s.events, (unsigned long long)s.alerts,
            (unsigned long long)s.delivered, (unsigned long long)s.dropped);
}

void net_mqtt_flush(struct net_mqtt *m, int wait_ms)
{
    for (int waited = 0; m->started && waited < wait_ms && pending(m) && atomic_load(&m->connected); waited += 10)
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
}

void net_mqtt_close(struct net_mqtt *m)
{
    if (!m)
        return;
    if (m->mosq) {
        mosquitto_disconnect(m->mosq);
        if (m->started)
            mosquitto_loop_stop(m->mosq, false);
        mosquitto_destroy(m->mosq);
    }
    hash_u32_free(&m->last_vessel);
    hash_u32_free(&m->last_aircraft);
    buf_free(&m->topic);
    buf_free(&m->body);
    free(m);
}
