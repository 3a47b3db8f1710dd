/* input.h: byte and line input from a file or stdin, with gzip and zstd
 * recognised by their magic bytes (not the file name), so `atalaya decode
 * log.gz` and `zcat log.gz | atalaya decode` behave the same.
 *
 * Lines end at LF; a CR before it is dropped (CR, LF and CRLF logs all work;
 * a lone CR inside a line is left for the parser to reject). A line longer
 * than IN_MAX_LINE is not returned whole: its first IN_MAX_LINE bytes come back
 * with *overlong set and the rest is skipped, so a 100 kB junk line costs
 * nothing and never breaks the lines around it. */
#ifndef ATALAYA_COMMON_INPUT_H
#define ATALAYA_COMMON_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IN_MAX_LINE 4096

struct in_file;

/* Opens path ("-" or NULL for stdin). Returns NULL and sets errno on failure. */
struct in_file *in_open(const char *path);
/* The same, with "PATH: reason" in err on failure. */
struct in_file *in_open_err(const char *path, char *err, size_t errn);
void in_close(struct in_file *f);
const char *in_name(const struct in_file *f);

/* Reads up to n decompressed bytes. Returns bytes read, 0 at end, -1 on error. */
ssize_t in_read(struct in_file *f, void *dst, size_t n);

/* Looks at up to n (<= 1 MiB) decoded bytes without consuming them: the next
 * in_read or in_getline returns them. Returns how many are available (fewer at
 * end of input), -1 on error. */
ssize_t in_peek(struct in_file *f, const uint8_t **p, size_t n);

/* Decoded bytes consumed so far (returned by in_read or in_getline, with
 * their terminators): the offset of the next one. A resumed ingest records
 * where it stands in these (store.h, store_mark). */
int64_t in_tell(const struct in_file *f);

/* Next line without its terminator. The pointer is valid until the next call.
 * Returns 1 for a line, 0 at end of input, -1 on a read or decompression error. */
int in_getline(struct in_file *f, const char **line, size_t *len, int *overlong);

/* For progress: bytes read so far from the file itself (the compressed bytes
 * of a .gz or .zst, read ahead by up to 256 KiB), and its size on disk (0 when
 * unknown: stdin, a pipe). */
uint64_t in_bytes_read(const struct in_file *f);
uint64_t in_size(const struct in_file *f);

#endif
