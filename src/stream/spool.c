/* spool.c: the receiver's bounded spool of observations (spool.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream/spool.h"

#define SEG_MAX_CAP (64ull << 20)   /* largest segment: what one deletion frees at most */
#define WBUF_MAX (256u * 1024)      /* written out when this much is buffered */
#define RBUF_SIZE (256u * 1024)     /* > OBS_RECORD_MAX: a refill always holds a whole record */

struct seg {
    uint64_t num;
    uint64_t size;      /* bytes in the file */
    uint64_t records;   /* records in it, buffered ones of the write segment included */
    uint64_t acked_off; /* every record before this offset is acknowledged */
    uint64_t acked_n;   /* records before acked_off */
    uint64_t read_n;    /* records read (handed out) */
};

struct spool {
    char dir[4096];
    int lockfd;
    uint64_t max, seg_max;
    struct seg *segs; /* oldest first; the last is the write segment when wfd >= 0 */
    size_t nsegs, cap;
    uint64_t next_num;
    int wfd;
    uint8_t *wbuf;    /* records appended to the write segment, not written yet */
    size_t wlen;
    bool dirty;       /* written since the last fdatasync */
    /* Reader: the next record is at roff in segment rseg (or the first
     * segment after rseg when that one is gone). */
    uint64_t rseg, roff;
    int rfd;
    uint64_t rfd_seg;
    uint8_t *rbuf;
    uint64_t rbuf_off;
    size_t rlen;
    struct spool_stats st;
    uint64_t dropped_unreported;
    char err[4400]; /* room for a path */
};

static void seg_path(const struct spool *sp, uint64_t num, char *out, size_t n)
{
    snprintf(out, n, "%s/%016" PRIu64 ".spool", sp->dir, num);
}

static bool is_write_seg(const struct spool *sp, size_t i)
{
    return sp->wfd >= 0 && i + 1 == sp->nsegs;
}

static uint64_t held_bytes(const struct spool *sp)
{
    uint64_t b = sp->wlen;
    for (size_t i = 0; i < sp->nsegs; i++)
        b += sp->segs[i].size;
    return b;
}

static struct seg *push_seg(struct spool *sp, uint64_t num)
{
    if (sp->nsegs == sp->cap) {
        sp->cap = sp->cap ? 2 * sp->cap : 16;
        if (!(sp->segs = realloc(sp->segs, sp->cap * sizeof *sp->segs)))
            abort();
    }
    struct seg *s = &sp->segs[sp->nsegs++];
    memset(s, 0, sizeof *s);
    s->num = num;
    return s;
}

static void close_reader(struct spool *sp)
{
    if (sp->rfd >= 0)
        close(sp->rfd);
    sp->rfd = -1;
    sp->rlen = 0;
}

/* Removes segment i (its file too). */
static void remove_seg(struct spool *sp, size_t i)
{
    char path[4200];
    seg_path(sp, sp->segs[i].num, path, sizeof path);
    if (sp->rfd >= 0 && sp->rfd_seg == sp->segs[i].num)
        close_reader(sp);
    if (is_write_seg(sp, i)) {
        close(sp->wfd);
        sp->wfd = -1;
        sp->wlen = 0;
    }
    unlink(path);
    memmove(&sp->segs[i], &sp->segs[i + 1], (sp->nsegs - i - 1) * sizeof *sp->segs);
    sp->nsegs--;
}

/* Whole records of one file left by an earlier run; a torn or corrupt end
 * is cut off. Returns the records kept, or -1 when it cannot be read. */
static long scan_segment(struct spool *sp, const char *path, uint64_t *size)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    uint64_t off = 0;
    long n = 0;
    size_t have = 0;
    bool eof = false, torn = false;
    uint8_t *b = sp->rbuf;
    for (;;) {
        if (!eof && have < OBS_RECORD_MAX) {
            ssize_t r = pread(fd, b + have, RBUF_SIZE - have, (off_t)(off + have));
            if (r < 0) {
                close(fd);
                return -1;
            }
            eof = r == 0;
            have += (size_t)r;
            continue;
        }
        if (!have)
            break;
        struct obs o;
        long r = obs_decode(b, have, &o);
        if (r <= 0) {
            torn = true; /* not a record, or one cut short by the end of the file */
            break;
        }
        n++;
        off += (uint64_t)r;
        have -= (size_t)r;
        memmove(b, b + r, have);
    }
    if (torn) {
        sp->st.torn++;
        if (ftruncate(fd, (off_t)off) != 0)
            n = -1;
    }
    close(fd);
    *size = off;
    return n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The segments an earlier run left, oldest first. */
static int scan_dir(struct spool *sp)
{
    DIR *d = opendir(sp->dir);
    if (!d) {
        snprintf(sp->err, sizeof sp->err, "cannot read %s: %s", sp->dir, strerror(errno));
        return -1;
    }
    uint64_t *nums = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (strlen(name) != 22 || strcmp(name + 16, ".spool") != 0 || strspn(name, "0123456789") != 16)
            continue;
        if (n == cap && !(nums = realloc(nums, (cap = cap ? 2 * cap : 16) * sizeof *nums)))
            abort();
        nums[n++] = strtoull(name, NULL, 10);
    }
    closedir(d);
    if (n)
        qsort(nums, n, sizeof *nums, cmp_u64);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        seg_path(sp, nums[i], path, sizeof path);
        uint64_t size;
        long recs = scan_segment(sp, path, &size);
        if (recs < 0) {
            snprintf(sp->err, sizeof sp->err, "cannot read %s: %s", path, strerror(errno));
            rc = -1;
            break;
        }
        if (recs == 0) {
            unlink(path);
            continue;
        }
        struct seg *s = push_seg(sp, nums[i]);
        s->size = size;
        s->records = (uint64_t)recs;
        sp->st.found += (uint64_t)recs;
    }
    sp->next_num = n ? nums[n - 1] + 1 : 1;
    free(nums);
    return rc;
}

struct spool *spool_open(const char *dir, uint64_t max_bytes, char *err, size_t errn)
{
    if (max_bytes < SPOOL_MIN_BYTES) {
        snprintf(err, errn, "spool size %" PRIu64 " below the minimum %u bytes", max_bytes, SPOOL_MIN_BYTES);
        return NULL;
    }
    if (strlen(dir) >= 4000) {
        snprintf(err, errn, "spool folder name too long");
        return NULL;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errn, "cannot create %s: %s", dir, strerror(errno));
        return NULL;
    }
    struct spool *sp = calloc(1, sizeof *sp);
    if (!sp)
        abort();
    snprintf(sp->dir, sizeof sp->dir, "%s", dir);
    sp->wfd = sp->rfd = -1;
    sp->max = max_bytes;
    sp->seg_max = max_bytes / 8;
    if (sp->seg_max > SEG_MAX_CAP)
        sp->seg_max = SEG_MAX_CAP;
    if (sp->seg_max < 2 * OBS_RECORD_MAX)
        sp->seg_max = 2 * OBS_RECORD_MAX;
    if (!(sp->wbuf = malloc(WBUF_MAX + OBS_RECORD_MAX)) || !(sp->rbuf = malloc(RBUF_SIZE)))
        abort();
    char path[4200];
    snprintf(path, sizeof path, "%s/lock", dir);
    sp->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (sp->lockfd < 0) {
        snprintf(err, errn, "cannot create %s: %s", path, strerror(errno));
        spool_close(sp);
        return NULL;
    }
    if (flock(sp->lockfd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errn, "spool %s is in use by another process", dir);
        spool_close(sp);
        return NULL;
    }
    if (scan_dir(sp) != 0) {
        snprintf(err, errn, "%s", sp->err);
        spool_close(sp);
        return NULL;
    }
    sp->err[0] = 0;
    return sp;
}

/* The buffered records out to the write segment (no sync). */
static int write_out(struct spool *sp)
{
    if (!sp->wlen)
        return 0;
    struct seg *s = &sp->segs[sp->nsegs - 1];
    size_t done = 0;
    while (done < sp->wlen) {
        ssize_t w = write(sp->wfd, sp->wbuf + done, sp->wlen - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            /* The buffered records are lost; the file keeps whole records. */
            snprintf(sp->err, sizeof sp->err, "cannot write %s/%016" PRIu64 ".spool: %s", sp->dir, s->num,
                     w < 0 ? strerror(errno) : "no space");
            if (ftruncate(sp->wfd, (off_t)s->size) != 0 || lseek(sp->wfd, (off_t)s->size, SEEK_SET) < 0)
                s->size = (uint64_t)lseek(sp->wfd, 0, SEEK_END);
            uint64_t lost = 0;
            for (size_t off = 0; off < sp->wlen;) {
                struct obs o;
                long r = obs_decode(sp->wbuf + off, sp->wlen - off, &o);
                if (r <= 0)
                    break;
                off += (size_t)r;
                lost++;
            }
            s->records -= lost;
            sp->st.write_errors += lost;
            sp->wlen = 0;
            return -1;
        }
        done += (size_t)w;
    }
    s->size += sp->wlen;
    sp->wlen = 0;
    sp->dirty = true;
    return 0;
}

int spool_sync(struct spool *sp)
{
    if (sp->wfd < 0)
        return 0;
    int rc = write_out(sp);
    if (sp->dirty && fdatasync(sp->wfd) != 0) {
        snprintf(sp->err, sizeof sp->err, "cannot sync %s: %s", sp->dir, strerror(errno));
        rc = -1;
    }
    sp->dirty = false;
    return rc;
}

/* A new write segment after the current one (written out and synced). */
static int roll(struct spool *sp)
{
    int rc = 0;
    if (sp->wfd >= 0) {
        rc = spool_sync(sp);
        close(sp->wfd);
        sp->wfd = -1;
    }
    char path[4200];
    uint64_t num = sp->next_num++;
    seg_path(sp, num, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(sp->err, sizeof sp->err, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    push_seg(sp, num);
    sp->wfd = fd;
    return rc;
}

/* Drops the oldest segment to make room (spool.h: the oldest data goes). */
static void drop_oldest(struct spool *sp)
{
    struct seg *s = &sp->segs[0];
    uint64_t lost = s->records - s->acked_n;
    sp->st.dropped += lost;
    sp->dropped_unreported += lost;
    remove_seg(sp, 0);
}

int spool_append(struct spool *sp, const struct obs *o)
{
    uint8_t rec[OBS_RECORD_MAX];
    size_t n = obs_encode(o, rec, sizeof rec);
    if (!n) {
        snprintf(sp->err, sizeof sp->err, "observation not encodable");
        sp->st.write_errors++;
        return -1;
    }
    if (sp->wfd < 0 || sp->segs[sp->nsegs - 1].size + sp->wlen + n > sp->seg_max) {
        if (roll(sp) != 0) {
            sp->st.write_errors++;
            return -1;
        }
    }
    while (held_bytes(sp) + n > sp->max) {
        if (sp->nsegs == 1 && roll(sp) != 0) { /* the write segment itself is full: it becomes the oldest */
            sp->st.write_errors++;
            return -1;
        }
        drop_oldest(sp);
    }
    memcpy(sp->wbuf + sp->wlen, rec, n);
    sp->wlen += n;
    sp->segs[sp->nsegs - 1].records++;
    sp->st.appended++;
    if (sp->wlen >= WBUF_MAX && write_out(sp) != 0)
        return -1;
    return 0;
}

/* Index of the reader's segment: rseg, or the first one after it (then
 * read from its start); nsegs when there is none. */
static size_t reader_seg(struct spool *sp)
{
    for (size_t i = 0; i < sp->nsegs; i++)
        if (sp->segs[i].num >= sp->rseg) {
            if (sp->segs[i].num != sp->rseg) {
                sp->rseg = sp->segs[i].num;
                sp->roff = 0;
            }
            return i;
        }
    return sp->nsegs;
}

int spool_next(struct spool *sp, struct obs *o, struct spool_pos *pos)
{
    for (;;) {
        size_t i = reader_seg(sp);
        if (i == sp->nsegs)
            return 0;
        struct seg *s = &sp->segs[i];
        bool w = is_write_seg(sp, i);
        if (w && sp->roff >= s->size && sp->wlen && write_out(sp) != 0)
            return 0;
        if (sp->roff >= s->size) {
            if (w || i + 1 == sp->nsegs)
                return 0;
            sp->rseg = sp->segs[i + 1].num;
            sp->roff = 0;
            continue;
        }
        if (sp->rfd < 0 || sp->rfd_seg != s->num) {
            close_reader(sp);
            char path[4200];
            seg_path(sp, s->num, path, sizeof path);
            if ((sp->rfd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
                snprintf(sp->err, sizeof sp->err, "cannot read %s: %s", path, strerror(errno));
                s->size = sp->roff; /* what cannot be read is cut off like a torn end */
                s->records = s->read_n;
                sp->st.torn++;
                continue;
            }
            sp->rfd_seg = s->num;
        }
        uint64_t end = sp->rbuf_off + sp->rlen;
        if (sp->roff < sp->rbuf_off || sp->roff >= end ||
            (end - sp->roff < OBS_RECORD_MAX && end < s->size)) {
            ssize_t r = pread(sp->rfd, sp->rbuf, RBUF_SIZE, (off_t)sp->roff);
            sp->rbuf_off = sp->roff;
            sp->rlen = r > 0 ? (size_t)r : 0;
            end = sp->rbuf_off + sp->rlen;
            if (end > s->size)
                end = s->size;
        }
        if (end > s->size)
            end = s->size;
        long r = obs_decode(sp->rbuf + (sp->roff - sp->rbuf_off), (size_t)(end - sp->roff), o);
        if (r <= 0) {
            /* Changed under us (the folder is locked, so a disk fault):
             * the rest of the segment is cut off, counted. */
            sp->st.torn++;
            s->size = sp->roff;
            s->records = s->read_n;
            continue;
        }
        sp->roff += (uint64_t)r;
        s->read_n++;
        pos->seg = s->num;
        pos->end = sp->roff;
        return 1;
    }
}

void spool_acked(struct spool *sp, const struct spool_pos *pos)
{
    for (size_t i = 0; i < sp->nsegs; i++) {
        struct seg *s = &sp->segs[i];
        if (s->num != pos->seg)
            continue;
        if (pos->end > s->acked_off) {
            s->acked_off = pos->end;
            s->acked_n++;
        }
        break;
    }
    /* Acknowledged in order, so wholly acknowledged segments are at the front. */
    while (sp->nsegs && sp->segs[0].acked_off >= sp->segs[0].size && sp->segs[0].acked_n >= sp->segs[0].records &&
           !(is_write_seg(sp, 0) && sp->wlen))
        remove_seg(sp, 0);
}

void spool_rewind(struct spool *sp)
{
    for (size_t i = 0; i < sp->nsegs; i++)
        sp->segs[i].read_n = sp->segs[i].acked_n;
    if (sp->nsegs) {
        sp->rseg = sp->segs[0].num;
        sp->roff = sp->segs[0].acked_off;
    }
}

bool spool_read_all(const struct spool *sp)
{
    for (size_t i = 0; i < sp->nsegs; i++)
        if (sp->segs[i].num >= sp->rseg && sp->segs[i].read_n < sp->segs[i].records)
            return false;
    return true;
}

bool spool_empty(const struct spool *sp)
{
    return sp->nsegs == 0;
}

void spool_get_stats(const struct spool *sp, struct spool_stats *out)
{
    *out = sp->st;
    out->records = 0;
    for (size_t i = 0; i < sp->nsegs; i++)
        out->records += sp->segs[i].records - sp->segs[i].acked_n;
    out->bytes = held_bytes(sp);
    out->files = (unsigned)sp->nsegs;
}

const char *spool_error(const struct spool *sp)
{
    return sp->err;
}

uint64_t spool_take_dropped(struct spool *sp)
{
    uint64_t n = sp->dropped_unreported;
    sp->dropped_unreported = 0;
    return n;
}

void spool_close(struct spool *sp)
{
    if (!sp)
        return;
    if (sp->wfd >= 0) {
        spool_sync(sp);
        close(sp->wfd);
        sp->wfd = -1;
    }
    close_reader(sp);
    /* A segment all of whose records went is not left behind. */
    for (size_t i = sp->nsegs; i-- > 0;)
        if (sp->segs[i].records == sp->segs[i].acked_n)
            remove_seg(sp, i);
    if (sp->lockfd >= 0)
        close(sp->lockfd);
    free(sp->segs);
    free(sp->wbuf);
    free(sp->rbuf);
    free(sp);
}
