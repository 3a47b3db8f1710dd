/* log.h: one logging macro with levels. Arguments are not evaluated below the
 * current level. Bad-input logging is rate-limited by the caller (log_sample). */
#ifndef ATALAYA_COMMON_LOG_H
#define ATALAYA_COMMON_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

extern int log_threshold; /* process-wide verbosity, set once by main */

void log_write(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG(lvl, ...)                                                                              \
    do {                                                                                           \
        if ((int)(lvl) <= log_threshold)                                                           \
            log_write((lvl), __VA_ARGS__);                                                         \
    } while (0)

/* Returns 1 when the n-th occurrence of something should be logged:
 * the first 10, then every power of ten, so a flood of bad input stays readable. */
int log_sample(unsigned long n);

#endif
