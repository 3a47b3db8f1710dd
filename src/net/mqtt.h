/* mqtt.h: `run --output mqtt://HOST[:PORT][?topic=PREFIX&qos=N]`, a
 * pipeline sink that publishes, as JSON (docs/formats/mqtt.md):
 *   PREFIX/vessel/{mmsi}     a compact position per vessel, at most one a
 *   PREFIX/aircraft/{icao}   second of event time per entity;
 *   PREFIX/event/{kind}      every detector event and watchlist alert, the
 *                            one event JSON (detect/event.h);
 *   PREFIX/alert/{rule}      every alert once more, by the rule that raised it.
 * PREFIX defaults to "atalaya", qos to 0 (0, 1 or 2), PORT to 1883.
 *
 * The connection is libmosquitto's threaded loop (mosquitto_loop_start): its
 * own thread connects, keeps the session alive and reconnects with back-off
 * (1 s doubling to 30 s) while the broker is away, so a slow or absent broker
 * never holds up the pipeline's event loop. While disconnected, positions are
 * dropped (a newer one follows within seconds) and counted; events and
 * alerts at qos >= 1 are queued by the library (up to MQTT_QUEUE_MAX) and
 * sent on reconnect, at qos 0 dropped and counted. */
#ifndef ATALAYA_NET_MQTT_H
#define ATALAYA_NET_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pipeline_sink;

struct net_mqtt_url {
    char host[256];
    int port;
    char prefix[128];
    int qos;
};

struct net_mqtt_stats {
    uint64_t connects, disconnects;  /* sessions opened (the first included) and lost */
    uint64_t positions, events, alerts; /* messages handed to the library */
    uint64_t thinned;                /* positions within a second of the entity's last one */
    uint64_t dropped;                /* not sent: disconnected (qos 0, positions) or over the queue bound */
    uint64_t delivered;              /* sent (qos 0) or acknowledged by the broker (qos 1, 2) */
    bool connected;
};

/* Whether an --output value is an MQTT URL ("mqtt://..."). */
bool net_mqtt_is_url(const char *s);
/* Parses "mqtt://HOST[:PORT][/][?topic=PREFIX&qos=N]". Returns 0, or -1 with err filled. */
int net_mqtt_parse(const char *url, struct net_mqtt_url *out, char *err, size_t errn);

struct net_mqtt;
/* Starts connecting in the background and waits up to 2 s for the first
 * connection (a broker not up by then is retried in the background).
 * Returns NULL with err filled on a bad URL or a library failure. */
struct net_mqtt *net_mqtt_open(const char *url, char *err, size_t errn);
/* The sink to add to the pipeline (its ctx is m). */
void net_mqtt_sink(struct net_mqtt *m, struct pipeline_sink *s);
void net_mqtt_get_stats(const struct net_mqtt *m, struct net_mqtt_stats *out);
/* One line of counters (run --stats). */
void net_mqtt_print_stats(const struct net_mqtt *m, FILE *f);
/* Waits up to wait_ms for what was published to be delivered, while the
 * broker is connected (the end of a run). */
void net_mqtt_flush(struct net_mqtt *m, int wait_ms);
/* Disconnects, stops the library's thread and frees. NULL is fine. */
void net_mqtt_close(struct net_mqtt *m);

#endif
