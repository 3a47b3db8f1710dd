/* test_spool.c: the publisher's spool (stream/spool.h) in a temporary
 * folder: order across segments, acknowledged segments deleted, records
 * found again after a restart, a torn end and a corrupt record cut off and
 * counted, the bound dropping the oldest, rewinding to the first record not
 * acknowledged, one process per folder. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream/obs.h"
#include "stream/spool.h"
#include "test.h"
#include "tmp_dir.h"
#include "track/track.h"

static char dir[64];

static void fresh_dir(void)
{
    tmp_dir_make(dir, sizeof dir, "spool");
}

static void remove_dir(void)
{
    tmp_dir_remove(dir);
}

static int count_files(const char *suffix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        if (strlen(e->d_name) > strlen(suffix) && !strcmp(e->d_name + strlen(e->d_name) - strlen(suffix), suffix))
            n++;
    if (d)
        closedir(d);
    return n;
}

/* Record k: its seq is k, its payload names k. */
static int append(struct spool *sp, uint64_t k)
{
    char text[128];
    int n = snprintf(text, sizeof text, "!AIVDM,1,1,,A,record %llu padded to a plausible sentence length,0*00\n",
                     (unsigned long long)k);
    struct obs o = {.t_ms = 1700000000000 + (int64_t)k, .source = OBS_NMEA, .kind = TRK_VESSEL, .id = 200000000 + (uint32_t)k,
                    .boot = 77, .seq = k, .data = (const uint8_t *)text, .len = (size_t)n};
    strcpy(o.receiver, "rx");
    return spool_append(sp, &o);
}

static bool next_is(struct spool *sp, uint64_t k, struct spool_pos *pos)
{
    struct obs o;
    if (spool_next(sp, &o, pos) != 1)
        return false;
    char want[64];
    snprintf(want, sizeof want, "record %llu ", (unsigned long long)k);
    return o.seq == k && o.id == 200000000 + k && o.len > strlen(want) && memmem(o.data, o.len, want, strlen(want));
}

static void order_and_delete(void)
{
    fresh_dir();
    char err[4400];
    struct spool *sp = spool_open(dir, 1 << 20, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp)
        return;
    for (uint64_t k = 1; k <= 5000; k++)
        CHECK_EQ_INT(append(sp, k), 0);
    CHECK_EQ_INT(spool_sync(sp), 0);
    CHECK(count_files(".spool") > 2); /* 1 MiB bound: 128 KiB segments */
    struct spool_stats st;
    spool_get_stats(sp, &st);
    CHECK_EQ_INT(st.records, 5000);
    CHECK_EQ_INT(st.dropped, 0);
    struct spool_pos pos;
    bool in_order = true;
    for (uint64_t k = 1; k <= 5000; k++) {
        in_order &= next_is(sp, k, &pos);
        spool_acked(sp, &pos);
    }
    CHECK(in_order);
    struct obs o;
    CHECK_EQ_INT(spool_next(sp, &o, &pos), 0);
    CHECK(spool_read_all(sp));
    CHECK(spool_empty(sp));
    CHECK_EQ_INT(count_files(".spool"), 0);
    /* Appending again after it emptied: read on from there. */
    CHECK_EQ_INT(append(sp, 5001), 0);
    CHECK(!spool_read_all(sp));
    CHECK(next_is(sp, 5001, &pos));
    spool_acked(sp, &pos);
    CHECK(spool_empty(sp));
    spool_close(sp);
    remove_dir();
}

static void found_after_restart(void)
{
    fresh_dir();
    char err[4400];
    struct spool *sp = spool_open(dir, 1 << 20, err, sizeof err);
    for (uint64_t k = 1; k <= 3000; k++)
        append(sp, k);
    /* Half read and acknowledged, some read and not: those come again. */
    struct spool_pos pos;
    for (uint64_t k = 1; k <= 1500; k++) {
        next_is(sp, k, &pos);
        spool_acked(sp, &pos);
    }
    for (uint64_t k = 1501; k <= 1600; k++)
        next_is(sp, k, &pos);
    spool_close(sp);
    sp = spool_open(dir, 1 << 20, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp)
        return;
    struct spool_stats st;
    spool_get_stats(sp, &st);
    /* Acknowledgements are not on disk: at most one segment comes again. */
    CHECK(st.found >= 1500 && st.found < 1500 + 1400);
    CHECK_EQ_INT(st.torn, 0);
    struct obs o;
    CHECK_EQ_INT(spool_next(sp, &o, &pos), 1);
    uint64_t first = o.seq, last = o.seq, n = 1;
    bool contiguous = true;
    while (spool_next(sp, &o, &pos) == 1) {
        contiguous &= o.seq == last + 1;
        last = o.seq;
        n++;
    }
    CHECK(contiguous);
    CHECK(first <= 1501);
    CHECK_EQ_INT(last, 3000);
    CHECK_EQ_INT(n, st.found);
    spool_close(sp);
    remove_dir();
}

static uint64_t file_size(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0 ? (uint64_t)s.st_size : 0;
}

static void torn_and_corrupt(void)
{
    fresh_dir();
    char err[4400], path[512];
    struct spool *sp = spool_open(dir, 1 << 20, err, sizeof err);
    for (uint64_t k = 1; k <= 100; k++)
        append(sp, k);
    spool_close(sp);
    snprintf(path, sizeof path, "%s/0000000000000001.spool", dir);
    uint64_t whole = file_size(path);
    CHECK(whole > 0);
    /* A kill during a write: the next record cut short. */
    FILE *f = fopen(path, "ab");
    fwrite("AO1\001\001\0\0\0\0", 1, 9, f);
    fclose(f);
    sp = spool_open(dir, 1 << 20, err, sizeof err);
    struct spool_stats st;
    spool_get_stats(sp, &st);
    CHECK_EQ_INT(st.found, 100);
    CHECK_EQ_INT(st.torn, 1);
    CHECK_EQ_INT(file_size(path), whole); /* cut off */
    spool_close(sp);
    /* Bytes that are not a record in the middle (record 41's checksum
     * broken): the 40 before are kept, the rest of the segment cut off. */
    size_t rec = whole / 100; /* every record has the same length here */
    int fd = open(path, O_RDWR);
    uint8_t b;
    CHECK(pread(fd, &b, 1, (off_t)(40 * rec + rec - 1)) == 1);
    b ^= 0xff;
    CHECK(pwrite(fd, &b, 1, (off_t)(40 * rec + rec - 1)) == 1);
    close(fd);
    sp = spool_open(dir, 1 << 20, err, sizeof err);
    spool_get_stats(sp, &st);
    CHECK_EQ_INT(st.found, 40);
    CHECK_EQ_INT(st.torn, 1);
    struct spool_pos pos;
    bool ok = true;
    for (uint64_t k = 1; k <= 40; k++)
        ok &= next_is(sp, k, &pos);
    CHECK(ok);
    struct obs o;
    CHECK_EQ_INT(spool_next(sp, &o, &pos), 0);
    spool_close(sp);
    /* Garbage only: a segment with no record is removed. */
    snprintf(path, sizeof path, "%s/0000000000000009.spool", dir);
    f = fopen(path, "wb");
    fwrite("garbage, not a record", 1, 21, f);
    fclose(f);
    sp = spool_open(dir, 1 << 20, err, sizeof err);
    spool_get_stats(sp, &st);
    CHECK_EQ_INT(st.found, 40);
    CHECK_EQ_INT(st.torn, 1);
    CHECK(access(path, F_OK) != 0);
    spool_close(sp);
    remove_dir();
}

static void full_drops_oldest(void)
{
    fresh_dir();
    char err[4400];
    const uint64_t max = SPOOL_MIN_BYTES;
    struct spool *sp = spool_open(dir, max, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp)
        return;
    const uint64_t n = 3000; /* ~400 KB of records into 64 KiB */
    for (uint64_t k = 1; k <= n; k++)
        append(sp, k);
    spool_sync(sp);
    struct spool_stats st;
    spool_get_stats(sp, &st);
    CHECK(st.bytes <= max);
    CHECK(st.dropped > 0);
    CHECK_EQ_INT(st.dropped + st.records, n); /* every record held or counted */
    CHECK(spool_take_dropped(sp) == st.dropped);
    CHECK_EQ_INT(spool_take_dropped(sp), 0);
    /* What is left is the newest, in order, to the last. */
    struct obs o;
    struct spool_pos pos;
    uint64_t first = 0, last = 0, got = 0;
    bool contiguous = true;
    while (spool_next(sp, &o, &pos) == 1) {
        if (!first)
            first = o.seq;
        else
            contiguous &= o.seq == last + 1;
        last = o.seq;
        got++;
    }
    CHECK(contiguous);
    CHECK_EQ_INT(last, n);
    CHECK_EQ_INT(first, st.dropped + 1);
    CHECK_EQ_INT(got, st.records);
    /* Dropping while being read: the reader goes on from the oldest left. */
    for (uint64_t k = n + 1; k <= n + 200; k++)
        append(sp, k);
    CHECK(spool_next(sp, &o, &pos) == 1 && o.seq == n + 1);
    spool_close(sp);
    remove_dir();
}

static void rewind_to_unacked(void)
{
    fresh_dir();
    char err[4400];
    struct spool *sp = spool_open(dir, 1 << 20, err, sizeof err);
    for (uint64_t k = 1; k <= 20; k++)
        append(sp, k);
    struct spool_pos pos;
    for (uint64_t k = 1; k <= 10; k++) {
        next_is(sp, k, &pos);
        if (k <= 5)
            spool_acked(sp, &pos);
    }
    spool_rewind(sp);
    CHECK(!spool_read_all(sp));
    CHECK(next_is(sp, 6, &pos));
    struct spool_stats st;
    spool_get_stats(sp, &st);
    CHECK_EQ_INT(st.records, 15);
    spool_close(sp);
    remove_dir();
}

static void one_process_per_folder(void)
{
    fresh_dir();
    char err[4400];
    struct spool *a = spool_open(dir, 1 << 20, err, sizeof err);
    struct spool *b = spool_open(dir, 1 << 20, err, sizeof err);
    CHECK(a != NULL);
    CHECK(b == NULL);
    CHECK(strstr(err, "in use") != NULL);
    spool_close(a);
    CHECK(spool_open(dir, 1000, err, sizeof err) == NULL); /* below the minimum */
    struct spool *c = spool_open(dir, 1 << 20, err, sizeof err);
    CHECK(c != NULL);
    spool_close(c);
    remove_dir();
}

int main(void)
{
    RUN(order_and_delete);
    RUN(found_after_restart);
    RUN(torn_and_corrupt);
    RUN(full_drops_oldest);
    RUN(rewind_to_unacked);
    RUN(one_process_per_folder);
    TEST_MAIN_END();
}
