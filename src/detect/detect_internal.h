/* detect_internal.h: state the detector files share. Not a public header. */
#ifndef ATALAYA_DETECT_INTERNAL_H
#define ATALAYA_DETECT_INTERNAL_H

#include "common/buf.h"
#include "common/hash.h"
#include "detect/detect.h"

#define DET_EVIDENCE 320  /* raw message kept per boundary, bytes */
#define DET_RECENT 16     /* recent position times kept per vessel */
#define DET_SPEED_BINS 51 /* 0.0 .. 5.0 kn in 0.1 kn steps, last bin = more */

struct det_vessel {
    uint32_t mmsi;
    bool freed; /* a forgotten vessel's slot, on the free list (det.c) */
    bool dirty; /* changed since the last checkpoint (checkpoint.c) */
    /* The last name heard: the tracker forgets a vessel silent for an hour,
     * so after a dark gap its own record is empty. */
    char name[sizeof ((struct trk_vessel *)0)->name];
    int64_t first_t;             /* first position */
    double first_lat, first_lon;
    char first_evidence[DET_EVIDENCE];
    int64_t last_t;
    double last_lat, last_lon, last_kn;
    char last_source[32];
    char last_evidence[DET_EVIDENCE];
    int64_t recent[DET_RECENT];
    int recent_head, recent_n;
    uint32_t imo;          /* last IMO number heard from this MMSI (the tracker forgets an expired vessel's) */
    int64_t alias_last_t;  /* last heard under another MMSI with the same IMO (identity.c) */
    int64_t gap_open_t;    /* event time its silence was last reported open (gap.c); 0: not open */
    int64_t loiter_open_t; /* likewise for its slow spell (loiter.c) */
    uint32_t cell; /* encounter grid cell, 0 = none */
    uint32_t npairs; /* open encounter pairs this vessel is in */
    /* loitering */
    int64_t slow_since, slow_last;
    double slow_lat, slow_lon, slow_kn_sum;
    int slow_n;
    char slow_evidence[DET_EVIDENCE];
};

struct det_pair {
    uint32_t a, b; /* vessel indices, a < b; a == b == 0xFFFFFFFF: empty slot */
    int64_t start, last;
    double lat, lon, min_m;
    uint16_t speed_bins[DET_SPEED_BINS];
    int64_t open_t; /* event time last reported open; 0: not yet */
    bool dirty;     /* changed since the last checkpoint */
    char evidence[DET_EVIDENCE];
};

struct det_source {
    char name[32];
    int64_t last_t;
    int64_t silent_from[64], silent_to[64]; /* ring of silences longer than 10 min */
    int silent_n, silent_head;
    bool dirty; /* changed since the last checkpoint */
};

struct det_cell {
    uint32_t key;
    uint32_t *v; /* vessel indices */
    uint32_t n, cap;
};

struct det {
    struct det_config cfg;
    event_sink_fn sink;
    void *sink_ctx;
    const struct ref *ref;
    struct det_stats stats;
    int64_t clock;          /* latest event time seen (updates and det_tick) */
    int64_t next_gap_sweep; /* det_tick: when to look for vessels gone silent */
    struct hash_u32 index; /* mmsi -> vessel index */
    struct det_vessel *v;
    size_t nv, capv;        /* slots used (forgotten ones included), allocated */
    uint32_t *vfree;        /* forgotten slots, reused first */
    size_t nvfree;
    uint64_t room_retry;    /* det_vessels_make_room: no pass before this many vessels */
    /* Checkpoints (checkpoint.c): on once det_checkpoint_enable is called. */
    bool ckpt;
    uint32_t *vdirty;       /* vessels changed since the last checkpoint */
    size_t nvdirty, capvdirty;
    struct hash_u32 heard_dirty; /* coverage cells changed since */
    struct det_gone { char kind[8]; int64_t id; } *gone; /* records to delete */
    size_t ngone, capgone;
    struct det_pair *pairs;
    size_t pair_cap, npairs;
    struct det_source src[64];
    int nsrc;
    struct hash_u32 cell_index; /* cell key -> index into cells */
    struct hash_u32 heard;      /* (1-degree cell, hour) -> positions heard there then: coverage */
    struct hash_u32 by_imo;     /* IMO -> index of the vessel (MMSI) last seen with it */
    struct det_cell *cells;
    size_t ncells, capcells;
    struct det_portcall *portcall; /* portcall.c */
    struct det_geofence *geofence; /* geofence.c */
    struct det_spoof *spoof; /* spoof.c */
    struct det_flights *flights; /* flight.c: per-aircraft flight and squawk state */
    struct det_distress *distress; /* distress.c: AIS-SART, MOB, EPIRB-AIS and status 14 transmitters */
    struct event scratch;        /* restore.c: an event closed on restore */
};

/* identity.c */
bool det_imo_valid(uint32_t imo);

/* det.c */
/* Hands a finished event (key set) to the sink. */
void det_emit(struct det *d, struct event *e);
/* How often an open event is reported again while it lasts (open_update_min). */
int64_t det_open_every_ms(const struct det *d);
/* Whether an open event last reported at *last is due again at now (or
 * for the first time); when it is, *last becomes now. */
bool det_open_due(const struct det *d, int64_t *last, int64_t now);
/* The vessel of an MMSI, created when new (det.c). */
struct det_vessel *det_vessel_get(struct det *d, uint32_t mmsi, uint32_t *index);
/* Room for one more vessel under max_vessels: forgets the least recently
 * heard with nothing open (det.c). */
void det_vessels_make_room(struct det *d);
/* Of n last-heard times t (sorted here), the cut below which the want
 * least recent lie: those at the cut itself count up to *at_cut. */
int64_t det_lru_cut(int64_t *t, size_t n, size_t want, size_t *at_cut);
/* Whether the entity last heard at t is one of those want (visiting them in
 * table order): older than the cut, or at it while *at_cut lasts (counted
 * down here). */
static inline bool det_lru_take(int64_t t, int64_t cut, size_t *at_cut)
{
    if (t > cut || (t == cut && !*at_cut))
        return false;
    if (t == cut)
        (*at_cut)--;
    return true;
}
/* checkpoint.c: marks state changed for the next checkpoint; records a
 * deleted record. */
void det_vessel_dirty(struct det *d, uint32_t vi);
void det_gone(struct det *d, const char *kind, int64_t id);
/* The record's text: numbers and %-escaped strings separated by spaces
 * (checkpoint.c); a reader takes them back in the same order. */
struct buf;
void ck_int(struct buf *b, int64_t v);
void ck_real(struct buf *b, double v);
void ck_str(struct buf *b, const char *s);
struct ck_reader { const char *p; bool bad; };
int64_t ck_get_int(struct ck_reader *r);
/* A latitude and longitude a record may carry back (finite, on the globe). */
bool det_place_ok(double lat, double lon);
double ck_get_real(struct ck_reader *r);
void ck_get_str(struct ck_reader *r, char *dst, size_t cap);
/* encounter.c: a pair as a record; a vessel's cell left (it is forgotten). */
int64_t det_pair_id(const struct det *d, const struct det_pair *p);
void det_pair_write(const struct det_pair *p, struct buf *b);
int det_pair_read(struct det *d, int64_t id, struct ck_reader *r);
/* A record in b (NUL-terminated here) handed to put; b emptied (checkpoint.c). */
int ck_put(det_state_fn put, void *ctx, const char *kind, int64_t id, int64_t t_ms, struct buf *b);
/* portcall.c, geofence.c: their records ("port": a vessel's visit, by MMSI;
 * "geofence": an entity's visits, by its key), those changed since the
 * last checkpoint written (non-zero: put failed), one read back. */
int det_portcall_checkpoint(struct det *d, det_state_fn put, void *ctx, struct buf *b);
int det_portcall_read(struct det *d, int64_t id, struct ck_reader *r);
int det_portcall_restore(struct det *d, const struct event *e);
int det_geofence_checkpoint(struct det *d, det_state_fn put, void *ctx, struct buf *b);
int det_geofence_read(struct det *d, int64_t id, struct ck_reader *r);
void det_encounter_forget(struct det *d, uint32_t vi);
/* Puts a vessel in the encounter grid at its last position (a restored one). */
void det_encounter_place(struct det *d, uint32_t vi);
struct det_source *det_source_get(struct det *d, const char *name);
/* Fraction of [t0, t1] that the source's longest silence in it covers. */
double det_source_silence(const struct det_source *s, int64_t t0, int64_t t1);

/* Counts n positions heard at (lat, lon) at t (a restored gap's coverage). */
void det_note_heard_n(struct det *d, double lat, double lon, int64_t t, uint32_t n);
/* restore.c's helpers in the files that own the state (0 restored, 1 not). */
int det_encounter_restore(struct det *d, const struct event *e);
int det_geofence_restore(struct det *d, const struct event *e);

/* How many positions were heard from anyone within ~1 degree of (lat, lon)
 * during [t0, t1): whether the area had reception while a vessel was silent. */
uint32_t det_heard_near(const struct det *d, double lat, double lon, int64_t t0, int64_t t1);

/* identity.c */
void det_identity_on_update(struct det *d, const struct trk_update *u, uint32_t vi, const char *evidence,
                            size_t evlen);

/* gap.c, encounter.c, loiter.c */
void det_gap_on_position(struct det *d, struct det_vessel *v, const struct trk_vessel *tv, int64_t t,
                         const char *evidence, size_t evlen);
/* A gap from `from`'s last position to t1: closed at `to`'s first position
 * (the same ship under two MMSIs, linked by IMO: new_mmsi; or one MMSI's
 * silence), or open (still silent at t1; tv may be NULL). */
void det_gap_emit(struct det *d, struct det_vessel *from, const struct trk_vessel *tv, int64_t t1, double lat1,
                  double lon1, const char *end_evidence, size_t end_len, uint32_t new_mmsi, bool open);
/* Reports open every vessel silent past gap_min_h at now (det_tick), again
 * when due (or, force, whenever now moved on: the end of input). */
void det_gap_sweep(struct det *d, int64_t now, bool force);
void det_encounter_on_position(struct det *d, uint32_t vi, const char *evidence, size_t evlen);
void det_encounter_finish(struct det *d);
void det_loiter_on_position(struct det *d, struct det_vessel *v, int64_t t, double lat, double lon, double kn,
                            const char *evidence, size_t evlen);
void det_loiter_close(struct det *d, struct det_vessel *v);

/* portcall.c, geofence.c: each keeps its own state behind the pointer in struct det. */
struct det_portcall *det_portcall_new(void);
void det_portcall_free(struct det_portcall *p);
void det_portcall_on_position(struct det *d, const struct trk_vessel *tv, int64_t t, double kn,
                              const char *evidence, size_t evlen);
void det_portcall_finish(struct det *d);
struct det_geofence *det_geofence_new(void);
void det_geofence_free(struct det_geofence *g);
void det_geofence_on_update(struct det *d, const struct trk_update *u, const char *evidence, size_t evlen);
/* spoof.c (with jump.c, land.c, gnss.c): impossible kinematics, positions on land,
 * GNSS degradation. Sees every update, vessels and aircraft. */
struct det_spoof *det_spoof_new(void);
void det_spoof_free(struct det_spoof *s);
void det_spoof_on_update(struct det *d, const struct trk_update *u, const char *evidence, size_t evlen);
void det_spoof_finish(struct det *d);
/* squawk.c: an emergency code (7500, 7600, 7700) held by one aircraft. */
struct det_squawk {
    uint16_t code;       /* the code while one is open, 0 otherwise */
    int64_t t0, last;    /* set; last message while still set */
    int64_t open_t;      /* last reported open */
    uint32_t reports;    /* messages that carried it */
    bool pos, alt_ok;
    double lat, lon;
    int32_t alt_ft;
    char callsign[9];
    char ev0[DET_EVIDENCE], ev1[DET_EVIDENCE]; /* the message that set it, the last one or the change back */
};
void det_squawk_on_update(struct det *d, struct det_squawk *s, const struct trk_update *u, const char *evidence,
                          size_t evlen);
/* Ends an open code at its last report (end of input: ongoing). */
void det_squawk_close(struct det *d, struct det_squawk *s, uint32_t icao, bool ongoing);

/* flight.c: flights (takeoff to landing) of aircraft, and the per-aircraft
 * table the squawk state lives in. */
struct det_flights;
struct det_flights *det_flights_new(void);
void det_flights_free(struct det_flights *f);
void det_flights_on_update(struct det *d, const struct trk_update *u, const char *evidence, size_t evlen);
void det_flights_finish(struct det *d);

/* distress.c: locating devices (MMSI 970/972/974, ITU-R M.585) and status 14. */
struct det_distress;
struct det_distress *det_distress_new(void);
void det_distress_free(struct det_distress *s);
void det_distress_on_update(struct det *d, const struct trk_update *u, const char *evidence, size_t evlen);
/* Closes transmitters silent past distress_silence_min at now. */
void det_distress_tick(struct det *d, int64_t now);
/* End of input: the silent ones closed, the others reported open. */
void det_distress_finish(struct det *d);
int det_distress_restore(struct det *d, const struct event *e);

#endif
