#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

int log_threshold = LOG_WARN;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_write(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "atalaya: %s: ", level_names[lvl]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int log_sample(unsigned long n)
{
    if (n <= 10)
        return 1;
    while (n % 10 == 0)
        n /= 10;
    return n == 1;
}
