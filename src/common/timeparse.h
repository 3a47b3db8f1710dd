/* timeparse.h: event times as people type them and as we print them. All
 * UTC: a recording's time is the broadcast's, never the local clock's. */
#ifndef ATALAYA_COMMON_TIMEPARSE_H
#define ATALAYA_COMMON_TIMEPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the epoch from "1768176000000" (ms, 11 digits or
 * more), "1768176000" (s, 10 digits or fewer, may have a fraction),
 * "2026-01-12", "2026-01-12T06:30", "2026-01-12T06:30:15", with optional
 * ".fff" and "Z" (a space may stand for the "T"). False on anything else,
 * including impossible dates. */
bool time_parse_ms(const char *s, int64_t *ms);

/* "2026-01-12T06:30:15Z" into out (at least 21 bytes). */
void time_iso(int64_t ms, char *out, unsigned n);
/* The one ISO 8601 writer: "2026-01-12T06:30:15Z", or with millis
 * "2026-01-12T06:30:15.123Z" (25 bytes with the NUL), truncated to n.
 * Negative times are before 1970 (the second is floored). Returns the length. */
size_t time_iso_ms(int64_t ms, bool millis, char *out, size_t n);

#endif
