/* test.h: the whole unit-test harness. A test is a function; CHECK records a
 * failure with file:line and goes on; RUN prints "ok - name" or "not ok - name"
 * (TAP-like), and TEST_MAIN_END returns non-zero if anything failed.
 * tests/run.sh counts these lines. */
#ifndef ATALAYA_TEST_H
#define ATALAYA_TEST_H

#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

static int test_failures_total;
static int test_failures_now;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);               \
            test_failures_now++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b,  \
                    a_, b_);                                                                       \
            test_failures_now++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (tol))) {                                                           \
            fprintf(stderr, "%s:%d: %s ~ %s failed: %.9g vs %.9g\n", __FILE__, __LINE__, #a, #b,   \
                    a_, b_);                                                                       \
            test_failures_now++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" vs \"%s\"\n", __FILE__, __LINE__, #a,  \
                    #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                   \
            test_failures_now++;                                                                   \
        }                                                                                          \
    } while (0)

#define RUN(fn)                                                                                    \
    do {                                                                                           \
        test_failures_now = 0;                                                                     \
        fn();                                                                                      \
        printf("%s - %s\n", test_failures_now ? "not ok" : "ok", #fn);                             \
        fflush(stdout);                                                                            \
        test_failures_total += test_failures_now;                                                  \
    } while (0)

#define TEST_MAIN_END() return test_failures_total ? 1 : 0

/* Where the peers' test vectors live (tests read them, never copy them);
 * NULL, and the test skips, when that folder is absent. */
static inline const char *test_shared_data(void)
{
    const char *env = getenv("ATALAYA_SHARED_DATA");
    const char *dir = env ? env : "../shared/data";
    char probe[1024];
    snprintf(probe, sizeof probe, "%s/README.md", dir);
    return access(probe, R_OK) == 0 ? dir : NULL;
}

#define SKIP(fn, why) printf("ok - %s # SKIP %s\n", #fn, why)

#endif
