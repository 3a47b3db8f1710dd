/* fuzz_http.c: libFuzzer target over what atalaya itself parses of an HTTP
 * request (libmicrohttpd splits the request; we read its pieces). The input
 * is read as a request,
 *     METHOD TARGET HTTP/1.1\r\nName: value\r\n...\r\n\r\nBODY
 * and its pieces go where the server sends them:
 * - the target's query arguments (percent-decoded as libmicrohttpd does)
 *   through the per-endpoint check of every endpoint and every parameter
 *   parser; what a parser accepts must be in its documented range, and a
 *   refusal must be a JSON error;
 * - the path through the static file checks, below an empty web root;
 * - Accept-Encoding and If-None-Match through the negotiation (encode.c):
 *   a tag always matches itself, gzip of the body always inflates back;
 * - the body, when it is JSON, through the API's JSON writer
 *   (api_write_json: shortest doubles, coordinates at 6 decimals), whose
 *   output must be JSON again. */
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/json.h"
#include "http/api.h"
#include "http/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 32

struct query {
    char *name[MAX_ARGS], *value[MAX_ARGS]; /* value NULL: a bare name */
    int n;
};

static const char *query_arg(void *cls, const char *name)
{
    const struct query *q = cls;
    for (int i = 0; i < q->n; i++)
        if (strcmp(q->name[i], name) == 0)
            return q->value[i] ? q->value[i] : "";
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* In place; "+" is a space in a query. Stops at a decoded NUL, as a C
 * string would. */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        } else {
            *o++ = *p == '+' ? ' ' : *p;
        }
    }
    *o = 0;
}

static void split_query(char *qs, struct query *q)
{
    q->n = 0;
    for (char *p = qs; p && *p && q->n < MAX_ARGS;) {
        char *amp = strchr(p, '&');
        if (amp)
            *amp = 0;
        char *eq = strchr(p, '=');
        if (eq)
            *eq = 0;
        unescape(p);
        if (eq)
            unescape(eq + 1);
        q->name[q->n] = p;
        q->value[q->n++] = eq ? eq + 1 : NULL;
        p = amp ? amp + 1 : NULL;
    }
}

static void check_json_error(const struct api_reply *out)
{
    json_t *j = json_loadb(out->body.p, out->body.len, 0, NULL);
    if (!j || json_integer_value(json_object_get(j, "status")) != out->status)
        abort();
    json_decref(j);
}

static void parse_values(const char *v)
{
    int64_t t;
    double box[4];
    size_t lim;
    uint8_t kind;
    uint32_t id;
    bool b;
    char store[512];
    const char *words[16];
    api_parse_time(v, &t);
    if (api_parse_bbox(v, box) == 0)
        for (int i = 0; i < 4; i++)
            if (!isfinite(box[i]) || fabs(box[i]) > (i % 2 ? 180 : 90))
                abort();
    if (api_parse_limit(v, 10, 100, &lim) == 0 && (lim < 1 || lim > 100))
        abort();
    if (api_parse_entity_ref(v, &kind, &id) == 0 && kind == 2 && id > 0xFFFFFF)
        abort();
    api_parse_entity("vessel", v, &kind, &id);
    api_parse_entity("aircraft", v, &kind, &id);
    int n = api_parse_words(v, store, sizeof store, words, 16);
    if (n > 16)
        abort();
    api_parse_bool(v, &b);
    api_event_kind_known(v);
}

static void check_params(struct query *q)
{
    static const char *const endpoints[] = {"entities", "timespan", "search", "events", "flights",
                                            "portcalls", "alerts", "track", "watchlist", "entity"};
    struct api_req r = {.method = "GET", .path = "/", .arg = query_arg, .arg_cls = q};
    for (size_t e = 0; e < sizeof endpoints / sizeof endpoints[0]; e++) {
        struct api_reply out = {0};
        buf_init(&out.body, 128);
        int st = api_check_params(endpoints[e], &r, &out);
        if (st != 0 && st != 400)
            abort();
        if (st)
            check_json_error(&out);
        buf_free(&out.body);
    }
    for (int i = 0; i < q->n; i++)
        if (q->value[i])
            parse_values(q->value[i]);
}

static int web_root(void)
{
    static int fd = -1;
    if (fd < 0) {
        char dir[] = "/tmp/fuzz_http.XXXXXX";
        if (!mkdtemp(dir))
            abort();
        char index[64];
        snprintf(index, sizeof index, "%s/index.html", dir);
        int f = open(index, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (f >= 0)
            close(f);
        fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    return fd;
}

static void check_path(char *path)
{
    unescape(path);
    if (path[0] != '/' || strlen(path) > HTTP_MAX_PATH)
        return; /* libmicrohttpd and the server refuse these before */
    int fd;
    off_t size;
    const char *ctype;
    int st = http_static_open(web_root(), path, &fd, &size, &ctype);
    if (st == 200)
        close(fd);
    else if (st != 400 && st != 403 && st != 404 && st != 414)
        abort();
}

static void check_headers(char *headers, const char *body, size_t body_len)
{
    for (char *line = headers; line && *line;) {
        char *next = strstr(line, "\r\n");
        if (next)
            *next = 0;
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = 0;
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            if (strcasecmp(line, "Accept-Encoding") == 0 && http_accepts_gzip(v) && body_len) {
                struct buf z;
                buf_init(&z, 64);
                if (http_gzip(body, body_len, &z) != 0)
                    abort();
                char *back = malloc(body_len);
                uLongf n = body_len;
                z_stream s = {0};
                inflateInit2(&s, 31);
                s.next_in = (Bytef *)z.p;
                s.avail_in = (uInt)z.len;
                s.next_out = (Bytef *)back;
                s.avail_out = (uInt)n;
                if (inflate(&s, Z_FINISH) != Z_STREAM_END || s.total_out != body_len || memcmp(back, body, body_len))
                    abort();
                inflateEnd(&s);
                free(back);
                buf_free(&z);
            }
            if (strcasecmp(line, "If-None-Match") == 0) {
                char tag[HTTP_ETAG_LEN];
                http_etag_of(v, strlen(v), tag);
                http_etag_matches(v, tag);
                if (!http_etag_matches(tag, tag))
                    abort();
            }
        }
        line = next ? next + 2 : NULL;
    }
}

static void check_body(const char *body, size_t n)
{
    json_t *j = json_loadb(body, n, JSON_DECODE_ANY, NULL);
    if (!j)
        return;
    struct buf b;
    struct jw w;
    buf_init(&b, 256);
    jw_init(&w, &b);
    api_write_json(&w, NULL, j);
    json_t *back = json_loadb(b.p, b.len, JSON_DECODE_ANY, NULL);
    if (!back)
        abort(); /* our writer must write JSON */
    if (json_is_real(j) && json_number_value(back) != json_real_value(j))
        abort(); /* a top-level real is written shortest, never rounded (2719.0 may read back as 2719) */
    json_decref(back);
    json_decref(j);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *req = malloc(size + 1);
    memcpy(req, data, size);
    req[size] = 0;
    char *end_head = strstr(req, "\r\n\r\n");
    const char *body = end_head ? end_head + 4 : "";
    size_t body_len = end_head ? size - (size_t)(end_head + 4 - req) : 0;
    if (end_head)
        *end_head = 0;
    char *eol = strstr(req, "\r\n");
    char *headers = eol ? eol + 2 : NULL;
    if (eol)
        *eol = 0;
    /* The request line: METHOD TARGET VERSION. */
    char *target = strchr(req, ' ');
    if (target) {
        *target++ = 0;
        char *sp = strchr(target, ' ');
        if (sp)
            *sp = 0;
        char *qm = strchr(target, '?');
        struct query q;
        split_query(qm ? qm + 1 : NULL, &q);
        if (qm)
            *qm = 0;
        check_params(&q);
        check_path(target);
    }
    check_headers(headers, body, body_len);
    check_body(body, body_len);
    free(req);
    return 0;
}
