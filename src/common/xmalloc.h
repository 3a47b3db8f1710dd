/* xmalloc.h: allocation for long-lived tables. Out of memory is not a
 * recoverable condition for a tracker, so these abort with file:line.
 * Parsers and decoders do not allocate at all (they use caller buffers). */
#ifndef ATALAYA_COMMON_XMALLOC_H
#define ATALAYA_COMMON_XMALLOC_H

#include <stddef.h>

void *xmalloc_at(size_t n, const char *file, int line);
void *xcalloc_at(size_t nmemb, size_t size, const char *file, int line);
void *xrealloc_at(void *p, size_t n, const char *file, int line);
char *xstrdup_at(const char *s, const char *file, int line);

#define xmalloc(n) xmalloc_at((n), __FILE__, __LINE__)
#define xcalloc(m, n) xcalloc_at((m), (n), __FILE__, __LINE__)
#define xrealloc(p, n) xrealloc_at((p), (n), __FILE__, __LINE__)
#define xstrdup(s) xstrdup_at((s), __FILE__, __LINE__)

#endif
