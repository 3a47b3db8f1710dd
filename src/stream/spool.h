/* spool.h: a receiver's bounded store on disk for the observations the
 * stream has not acknowledged yet (stream/publish.h): what `run --publish`
 * takes while the NATS server is away, and what was in flight when the link
 * died. A folder of append-only segment files
 *   DIR/<16 digits>.spool    obs_encode records (stream/obs.h), in the order taken
 *   DIR/lock                 held (flock) by the one process using the folder
 * read back in the same order. The writer buffers records and writes them
 * out when spool_sync asks (the publisher does so a few times a second) or
 * its buffer fills, then fdatasync: a process killed -9 loses at most the
 * records taken since, a machine that loses power at most those since the
 * last sync. A segment is deleted once every record in it has been read and
 * acknowledged.
 *
 * Bounded: when an append would take the folder past max_bytes, the OLDEST
 * segment goes (its unacknowledged records counted in dropped): after an
 * outage longer than the spool holds, the freshest picture survives and the
 * gap is at the start of the outage, where a worker has the least to lose.
 *
 * On open, the segments left by an earlier run (killed, or stopped while the
 * server was away) are scanned: a record cut short at a segment's end (a
 * kill during a write) or bytes that are not a record (obs_decode -1) end
 * that segment there; what follows is cut off and counted in torn, the
 * records before it are kept and sent. Acknowledgements are not kept on
 * disk: records of a partly acknowledged segment are sent again after a
 * restart, and the stream's duplicate window (link.h) drops them. */
#ifndef ATALAYA_STREAM_SPOOL_H
#define ATALAYA_STREAM_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/obs.h"

#define SPOOL_MIN_BYTES (64u * 1024) /* the smallest max_bytes */

struct spool_stats {
    uint64_t appended;  /* records written by this process */
    uint64_t found;     /* records found on open, left by an earlier run */
    uint64_t dropped;   /* unacknowledged records lost to the bound */
    uint64_t torn;      /* torn or corrupt segment ends cut off (on open or when read) */
    uint64_t write_errors; /* appends that failed (disk full, I/O error): the record is lost */
    uint64_t records;   /* records held now and not yet acknowledged */
    uint64_t bytes;     /* bytes held now (segment files and the write buffer) */
    unsigned files;     /* segment files now */
};

/* Where a record sits, handed out by spool_next and back to spool_acked. */
struct spool_pos {
    uint64_t seg; /* segment number */
    uint64_t end; /* offset just past the record */
};

struct spool;

/* Opens (creates) dir and takes its lock. max_bytes >= SPOOL_MIN_BYTES.
 * Returns NULL with err filled (another process holds the folder, cannot
 * create, cannot read). */
struct spool *spool_open(const char *dir, uint64_t max_bytes, char *err, size_t errn);
/* Writes out and syncs what is buffered, releases the lock. */
void spool_close(struct spool *sp);

/* Appends one record (buffered). Returns 0, or -1 when it could not be
 * written (counted in write_errors; the message in spool_error). */
int spool_append(struct spool *sp, const struct obs *o);
/* Buffered records to the file and fdatasync. Returns 0, or -1. */
int spool_sync(struct spool *sp);

/* The next record not read yet, in the order appended: 1 with *o (o->data
 * valid until the next spool call) and *pos, 0 when every record has been
 * read. */
int spool_next(struct spool *sp, struct obs *o, struct spool_pos *pos);
/* Every record read up to and including pos has been acknowledged (called
 * in the order records were read): segments wholly acknowledged are deleted. */
void spool_acked(struct spool *sp, const struct spool_pos *pos);
/* Reads again from the first record not acknowledged (the link died with
 * records in flight). */
void spool_rewind(struct spool *sp);

/* Every record appended has been read (nothing left to send). */
bool spool_read_all(const struct spool *sp);
/* Nothing held: every record acknowledged (or dropped). */
bool spool_empty(const struct spool *sp);

void spool_get_stats(const struct spool *sp, struct spool_stats *out);
/* The last write or read error, "" if none. */
const char *spool_error(const struct spool *sp);
/* Dropped records since the last call (for a warning line), 0 if none. */
uint64_t spool_take_dropped(struct spool *sp);

#endif
