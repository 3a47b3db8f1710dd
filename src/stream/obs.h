/* obs.h: one observation on the stream, as a receiver (`run --publish
 * nats://...`) sends it and a stream worker (`ingest --from nats://...`)
 * takes it: the raw bytes of one validated message, with the event time the
 * receiver's pipeline gave it, the receiver's id and the kind of source.
 *
 * Subjects: atalaya.obs.<shard>, shard = obs_shard(entity) modulo the
 * stream's shard count, so every report of one vessel or aircraft, from any
 * receiver, reaches the one worker holding that shard, in the order the
 * stream stored them. A message on the wire (NATS headers + payload):
 *   Atalaya-Time      event time, ms since the epoch (decimal)
 *   Atalaya-Receiver  the receiver's id (its --receiver name, else host name)
 *   Atalaya-Source    nmea | beast | avr | sbs
 *   Atalaya-Entity    vessel:<MMSI> | aircraft:<6 hex digits>
 *   Nats-Msg-Id       <receiver>.<boot>.<seq>: JetStream drops a copy
 *                     resent from the spool within the stream's duplicate
 *                     window
 *   payload           the message as received: NMEA sentence(s) with their
 *                     tag block, each ending in '\n'; one Beast frame (escaped,
 *                     from its 0x1a); one AVR line; one SBS line with '\n'.
 * This module is the format only (no I/O, no libnats): obs_encode and
 * obs_decode turn it into the bytes a spool file keeps, and the header
 * values into and out of text. */
#ifndef ATALAYA_STREAM_OBS_H
#define ATALAYA_STREAM_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OBS_SUBJECT_PREFIX "atalaya.obs."
#define OBS_SUBJECTS "atalaya.obs.>"
#define OBS_MAX_SHARDS 1024
#define OBS_RECEIVER_MAX 64 /* bytes with the NUL */
#define OBS_MAX_PAYLOAD 4096

#define OBS_H_TIME "Atalaya-Time"
#define OBS_H_RECEIVER "Atalaya-Receiver"
#define OBS_H_SOURCE "Atalaya-Source"
#define OBS_H_ENTITY "Atalaya-Entity"
#define OBS_H_MSGID "Nats-Msg-Id"

enum obs_source { OBS_NMEA = 1, OBS_BEAST, OBS_AVR, OBS_SBS };

struct obs {
    int64_t t_ms;                    /* event time the receiver's pipeline gave it */
    char receiver[OBS_RECEIVER_MAX]; /* [A-Za-z0-9_-], at least one */
    enum obs_source source;
    uint8_t kind;                    /* enum trk_kind: TRK_VESSEL, TRK_AIRCRAFT */
    uint32_t id;                     /* MMSI or ICAO address */
    uint64_t boot;                   /* the publishing run's start (ms): seq restarts with it */
    uint64_t seq;                    /* 1, 2, ... within one run of the receiver */
    const uint8_t *data;             /* the message as received */
    size_t len;                      /* 1 .. OBS_MAX_PAYLOAD */
};

/* The entity's shard in 0 .. nshards-1 (nshards 1 .. OBS_MAX_SHARDS): the
 * same for the same entity in every process and version (FNV-1a of kind and
 * id, not the tracker's hash, which may change). */
unsigned obs_shard(uint8_t kind, uint32_t id, unsigned nshards);
/* "atalaya.obs.<shard>" into buf; returns its length, or -1 if n is too small. */
int obs_subject(char *buf, size_t n, unsigned shard);
/* The shard of a subject "atalaya.obs.<shard>", or -1. */
int obs_subject_shard(const char *subject);

const char *obs_source_name(enum obs_source s);
/* 0 on an unknown name. */
enum obs_source obs_source_parse(const char *name);
/* "vessel:123456789" / "aircraft:4ca1fa" into buf (>= 24 bytes). */
void obs_entity_format(char *buf, size_t n, uint8_t kind, uint32_t id);
bool obs_entity_parse(const char *text, uint8_t *kind, uint32_t *id);
/* "<receiver>.<boot>.<seq>" into buf (>= OBS_RECEIVER_MAX + 42 bytes). */
void obs_msgid_format(char *buf, size_t n, const struct obs *o);
/* A receiver id as given: 1..63 of [A-Za-z0-9_-]. */
bool obs_receiver_ok(const char *name);

/* One observation as a self-delimiting record (a spool file's unit):
 * returns the bytes written to out, or 0 when cap is too small or o is
 * invalid. OBS_RECORD_MAX bounds any record. */
#define OBS_RECORD_MAX (OBS_MAX_PAYLOAD + OBS_RECEIVER_MAX + 64)
size_t obs_encode(const struct obs *o, uint8_t *out, size_t cap);
/* Reads one record from p (n bytes available): returns its length with *o
 * filled (o->data points into p), 0 when the record is not complete yet,
 * or -1 when the bytes are not a record (a torn or corrupt spool). */
long obs_decode(const uint8_t *p, size_t n, struct obs *o);

#endif
