/* static.c: files of the web root, confined to it.
 *
 * The path is checked twice: by name (every segment a plain name: no "." or
 * "..", nothing hidden, no backslash or control byte; libmicrohttpd has
 * already percent-decoded it, so %2e%2e arrives as "..") and by the kernel
 * (openat2 with RESOLVE_BENEATH, Linux 5.6: no component, symlinks included,
 * may resolve outside the root). Kernels without openat2 get no symlinks at
 * all rather than an unchecked open. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "http/http_internal.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".geojson", "application/geo+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
};

const char *http_content_type(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcmp(path + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

/* 0 when every segment is a plain name; else the status to answer. */
static int check_segments(const char *rel)
{
    const char *seg = rel;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0)
            return 400; /* "//" */
        if (seg[0] == '.')
            return 403; /* ".", "..", dot files */
        if (n == 12 && memcmp(seg, "node_modules", 12) == 0)
            return 403; /* build-time packages are not part of the page */
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)seg[i];
            if (c < 0x20 || c == 0x7f || c == '\\')
                return 400;
        }
        if (!end)
            return 0;
        seg = end + 1;
    }
}

static int open_beneath(int root_fd, const char *rel)
{
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    long fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS) {
        how.resolve = 0;
        struct stat st;
        /* Without openat2 only the last component can be checked cheaply;
         * the name check already excluded "..", so refuse any symlink leaf. */
        if (fstatat(root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(st.st_mode))
            return -1;
        fd = openat(root_fd, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    }
    return (int)fd;
}

int http_static_open(int root_fd, const char *url, int *fd, off_t *size, const char **ctype)
{
    char rel[HTTP_MAX_PATH + 16];
    size_t n = strlen(url);
    if (url[0] != '/')
        return 400;
    if (n > HTTP_MAX_PATH)
        return 414;
    /* A directory URL names its index.html. */
    if (n == 1 || url[n - 1] == '/')
        memcpy(rel, url + 1, n - 1), memcpy(rel + n - 1, "index.html", 11);
    else
        memcpy(rel, url + 1, n);
    int st = check_segments(rel);
    if (st)
        return st;
    int f = open_beneath(root_fd, rel);
    if (f < 0)
        return errno == EXDEV || errno == ELOOP ? 403 : 404;
    struct stat sb;
    if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(f);
        return 404;
    }
    *fd = f;
    *size = sb.st_size;
    *ctype = http_content_type(rel);
    return 200;
}
