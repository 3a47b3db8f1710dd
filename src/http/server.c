/* server.c: libmicrohttpd daemon, routing and error answers (see http.h for
 * the threading and security model). */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/exepath.h"
#include "http/api.h"
#include "http/conns.h"
#include "http/http.h"
#include "http/http_internal.h"
#include "http/sse.h"
#include "net/loop.h"
#include "net/sock.h"
#include "store/store.h"

/* Our own bounds on a request (JSON 414/431 beyond them) sit well inside
 * libmicrohttpd's per-connection memory, so only a request beyond that
 * memory meets libmicrohttpd's own short answer. GETs carry no body, a POST
 * at most HTTP_MAX_BODY. */
#define HTTP_CONN_MEMORY (64u * 1024u)
#define HTTP_MAX_QUERY (8u * 1024u)
#define HTTP_MAX_HEADERS (32u * 1024u)
#define HTTP_MAX_BODY (16u * 1024u)
/* Stream clients hold their connection: room for a hundred of them from one
 * address (a benchmark, an operations room behind one NAT) beside requests.
 * Beyond our limits a connection gets a JSON 503 (conns.h); libmicrohttpd's
 * hard limit, above ours, only guards the descriptors. */
#define HTTP_MAX_CONNECTIONS 512u
#define HTTP_MAX_PER_IP 192u
#define HTTP_HARD_CONNECTIONS 1024u
/* A request (line, headers, body) must be whole within 10 s of its first
 * byte, or of the previous answer on a kept-alive connection; one admitted
 * beyond a limit has 2 s to say what it wants and hear the 503; a request
 * still arriving after 1 s is the first dropped when room is needed. */
#define HTTP_REQUEST_DEADLINE_MS 10000
#define HTTP_OVER_DEADLINE_MS 2000
#define HTTP_EVICT_MS 1000
#define HTTP_IDLE_TIMEOUT_S 30u
/* Bodies smaller than this are sent as they are: gzip would save nothing. */
#define HTTP_GZIP_MIN 512u
/* Static files up to this are compressed per request (the page's own
 * files are far smaller; ETag makes a browser fetch each once). */
#define HTTP_GZIP_MAX_FILE (8u * 1024u * 1024u)
#define SSE_MAX_CLIENTS 256u
#define SSE_QUEUE_BYTES (1024u * 1024u)

struct http_server {
    struct MHD_Daemon *d;
    int root_fd, port;
    struct http_live live;
    struct http_counters counters;
    struct http_conns *conns;
    pthread_mutex_t lock; /* guards docs[] */
    struct http_snap *docs[HTTP_DOC_COUNT];
    size_t last_len[HTTP_DOC_COUNT];
    struct http_api *api;       /* store-backed API, or NULL */
    struct sse_hub *hub;        /* /api/v1/stream */
    struct http_stream *stream;
    int64_t docs_row;           /* serve: position row the /data documents are of */
    int64_t (*picture_clock)(void *ctx); /* http_config's */
    void *picture_clock_ctx;
};

/* A request with a body (POST) collects it here between calls. */
struct upload {
    struct buf body;
    bool too_big;
};

/* The request state of a bodiless request between libmicrohttpd's first
 * call (headers in) and the second, where it is answered: an answer queued
 * on the first call makes libmicrohttpd close the connection, so neither
 * keep-alive nor pipelining would work. */
static char headers_seen;

static const struct {
    const char *path;
    enum http_doc doc;
} routes[] = {
    {"/data/aircraft.json", HTTP_DOC_AIRCRAFT},
    {"/data/receiver.json", HTTP_DOC_RECEIVER},
    {"/data/vessels.json", HTTP_DOC_VESSELS},
    {"/api/v1/stats", HTTP_DOC_STATS},
};

void http_snap_release(void *p)
{
    struct http_snap *s = p;
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
        buf_free(&s->b);
        buf_free(&s->gz);
        pthread_mutex_destroy(&s->lazy_lock);
        free(s);
    }
}

static struct http_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static const char *reason(int status)
{
    switch (status) {
    case 400: return "bad request";
    case 401: return "write token required";
    case 403: return "forbidden";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "request body not accepted";
    case 414: return "URI too long";
    case 431: return "request header fields too large";
    default: return "service unavailable";
    }
}

static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result answer(struct http_server *s, struct MHD_Connection *c, int status, struct MHD_Response *r)
{
    if (!r)
        return MHD_NO;
    common_headers(r);
    if (status >= 400 && status < 500)
        atomic_fetch_add(&s->counters.status_4xx, 1);
    http_conns_answered(s->conns, conn_of(c));
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Errors are JSON for every path: the page and API clients read the same. */
static enum MHD_Result error(struct http_server *s, struct MHD_Connection *c, int status)
{
    char body[128];
    int n = snprintf(body, sizeof body, "{\"error\":\"%s\",\"status\":%d}\n", reason(status), status);
    struct MHD_Response *r = MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
    if (r) {
        MHD_add_response_header(r, "Content-Type", "application/json");
        if (status == 405)
            MHD_add_response_header(r, "Allow", "GET, HEAD");
    }
    return answer(s, c, status, r);
}

/* An error with our own message, in the same JSON shape. */
static enum MHD_Result error_msg(struct http_server *s, struct MHD_Connection *c, int status, const char *msg)
{
    struct api_reply rep = {0};
    buf_init(&rep.body, 128);
    api_error(&rep, status, "%s", msg);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(rep.body.len, rep.body.p, free);
    if (!r) {
        buf_free(&rep.body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    return answer(s, c, status, r);
}

static bool wants_gzip(struct MHD_Connection *c)
{
    return http_accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
}

/* Answers 304 when the client already holds this version. */
static bool not_modified(struct http_server *s, struct MHD_Connection *c, const char *etag, enum MHD_Result *ret)
{
    if (!http_etag_matches(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH), etag))
        return false;
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
        MHD_add_response_header(r, "Cache-Control", "no-cache");
    }
    atomic_fetch_add(&s->counters.not_modified, 1);
    *ret = answer(s, c, 304, r);
    return true;
}

/* The headers of a body that has an entity tag and may be compressed. */
static void body_headers(struct http_server *s, struct MHD_Response *r, const char *ctype, const char *etag, bool gz)
{
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    if (etag && *etag)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    if (http_compressible(ctype))
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (gz) {
        MHD_add_response_header(r, "Content-Encoding", "gzip");
        atomic_fetch_add(&s->counters.gzipped, 1);
    }
}

/* Replaces body by its gzip form when the client takes it and it pays. */
static bool maybe_gzip(struct MHD_Connection *c, const char *ctype, struct buf *body)
{
    if (body->len < HTTP_GZIP_MIN || !http_compressible(ctype) || !wants_gzip(c))
        return false;
    struct buf z;
    buf_init(&z, body->len / 4 + 64);
    if (http_gzip(body->p, body->len, &z) != 0) {
        buf_free(&z);
        return false;
    }
    buf_free(body);
    *body = z;
    return true;
}

static enum MHD_Result serve_doc(struct http_server *s, struct MHD_Connection *c, enum http_doc doc)
{
    atomic_fetch_add(&s->counters.doc_reads[doc], 1);
    pthread_mutex_lock(&s->lock);
    struct http_snap *snap = s->docs[doc];
    if (snap)
        atomic_fetch_add(&snap->refs, 1);
    pthread_mutex_unlock(&s->lock);
    if (!snap)
        return error(s, c, 503);
    /* The first client that needs the tag, or gzip, makes it for all. */
    bool gz = snap->b.len >= HTTP_GZIP_MIN && wants_gzip(c);
    pthread_mutex_lock(&snap->lazy_lock);
    if (!snap->etag[0])
        http_etag_of(snap->b.p, snap->b.len, snap->etag);
    pthread_mutex_unlock(&snap->lazy_lock);
    enum MHD_Result ret;
    if (not_modified(s, c, snap->etag, &ret)) {
        http_snap_release(snap);
        return ret;
    }
    const struct buf *body = &snap->b;
    if (gz) {
        pthread_mutex_lock(&snap->lazy_lock);
        if (!snap->gz.len)
            http_gzip(snap->b.p, snap->b.len, &snap->gz);
        if (snap->gz.len)
            body = &snap->gz; /* never written again once made */
        pthread_mutex_unlock(&snap->lazy_lock);
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback_cls(body->len, body->p, http_snap_release, snap);
    if (!r) {
        http_snap_release(snap);
        return MHD_NO;
    }
    body_headers(s, r, "application/json", snap->etag, body == &snap->gz);
    return answer(s, c, 200, r);
}

/* A whole file into out (0), or -1. */
static int read_file(int fd, off_t size, struct buf *out)
{
    buf_reserve(out, (size_t)size);
    while (out->len < (size_t)size) {
        ssize_t n = pread(fd, out->p + out->len, (size_t)size - out->len, (off_t)out->len);
        if (n <= 0)
            return -1;
        out->len += (size_t)n;
    }
    return 0;
}

static enum MHD_Result serve_static(struct http_server *s, struct MHD_Connection *c, const char *url)
{
    int fd;
    off_t size;
    const char *ctype;
    int st = http_static_open(s->root_fd, url, &fd, &size, &ctype);
    if (st != 200)
        return error(s, c, st);
    /* The tag names the file's version: inode, size and modification time. */
    struct stat sb;
    char etag[HTTP_ETAG_LEN] = "";
    if (fstat(fd, &sb) == 0) {
        const uint64_t id[4] = {(uint64_t)sb.st_ino, (uint64_t)sb.st_size, (uint64_t)sb.st_mtim.tv_sec,
                                (uint64_t)sb.st_mtim.tv_nsec};
        http_etag_of(id, sizeof id, etag);
    }
    enum MHD_Result ret;
    if (*etag && not_modified(s, c, etag, &ret)) {
        close(fd);
        return ret;
    }
    struct MHD_Response *r = NULL;
    bool gz = false;
    if (size >= (off_t)HTTP_GZIP_MIN && size <= (off_t)HTTP_GZIP_MAX_FILE && http_compressible(ctype) &&
        wants_gzip(c)) {
        struct buf raw;
        buf_init(&raw, (size_t)size);
        if (read_file(fd, size, &raw) == 0 && maybe_gzip(c, ctype, &raw)) {
            close(fd);
            fd = -1;
            gz = true;
            size = (off_t)raw.len;
            r = MHD_create_response_from_buffer_with_free_callback(raw.len, raw.p, free);
            if (!r)
                buf_free(&raw);
        } else {
            buf_free(&raw);
        }
        if (gz && !r)
            return MHD_NO;
    }
    if (!gz) {
        r = MHD_create_response_from_fd64((uint64_t)size, fd);
        if (!r) {
            close(fd);
            return MHD_NO;
        }
    }
    atomic_fetch_add(&s->counters.bytes_static, (unsigned long long)size);
    body_headers(s, r, ctype, etag, gz);
    /* Everything the page needs is served from here: no CDN, no tiles. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                            "frame-ancestors 'none'");
    return answer(s, c, 200, r);
}

/* A query argument's value; "" for one given empty ("limit=") or bare
 * ("limit"), so the API can refuse it (api_params.c). */
static const char *arg_of(void *cls, const char *name)
{
    const char *v = MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, name);
    if (!v && MHD_lookup_connection_value_n(cls, MHD_GET_ARGUMENT_KIND, name, strlen(name), NULL, NULL) == MHD_YES)
        return "";
    return v;
}

/* Answers /api/v1/... from the store (api.c). The reply's buffer becomes the
 * response's, freed by libmicrohttpd. */
static enum MHD_Result serve_api(struct http_server *s, struct MHD_Connection *c, const char *method,
                                 const char *path, const struct buf *body)
{
    struct api_req req = {.method = method, .path = path, .arg = arg_of, .arg_cls = c,
                          .body = body ? body->p : NULL, .body_len = body ? body->len : 0,
                          .write_ok = http_api_token_ok(s->api, MHD_lookup_connection_value(
                                                                    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))};
    struct api_reply rep = {0};
    buf_init(&rep.body, 4096);
    http_api_handle(s->api, &req, &rep);
    const char *ctype = rep.ctype ? rep.ctype : "application/json";
    char etag[HTTP_ETAG_LEN] = "";
    if (rep.status == 200 && (strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)) {
        enum MHD_Result ret;
        http_etag_of(rep.body.p, rep.body.len, etag);
        if (not_modified(s, c, etag, &ret)) {
            buf_free(&rep.body);
            return ret;
        }
    }
    bool gz = maybe_gzip(c, ctype, &rep.body);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(rep.body.len, rep.body.p, free);
    if (!r) {
        buf_free(&rep.body);
        return MHD_NO;
    }
    body_headers(s, r, ctype, etag, gz);
    if (rep.filename[0]) {
        char cd[128];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", rep.filename);
        MHD_add_response_header(r, "Content-Disposition", cd);
    }
    if (rep.status == 405)
        MHD_add_response_header(r, "Allow", strncmp(path, "/watchlist", 10) == 0 ? "GET, HEAD, POST, DELETE"
                                                                                  : "GET, HEAD");
    return answer(s, c, rep.status, r);
}

static enum MHD_Result serve_stream(struct http_server *s, struct MHD_Connection *c, const char *method)
{
    /* A HEAD (the page asks before opening an EventSource) gets the headers
     * alone: libmicrohttpd would end a HEAD of the chunked stream with a
     * chunk terminator, which a kept-alive connection would then read as
     * the start of its next answer. */
    bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    struct MHD_Response *r = head ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
                                  : sse_hub_attach(s->hub, c);
    if (!r && !head)
        return error_msg(s, c, 503, "too many stream clients");
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    /* Proxies (nginx) would otherwise buffer the stream. */
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    return answer(s, c, 200, r);
}

static bool is_write(const char *method)
{
    return strcmp(method, MHD_HTTP_METHOD_POST) == 0 || strcmp(method, MHD_HTTP_METHOD_DELETE) == 0;
}

/* Whether the request announces a body. */
static bool has_body(struct MHD_Connection *c, size_t upload_size)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return (cl && strcmp(cl, "0") != 0) || upload_size ||
           MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* The first call for a write (POST, DELETE below /api/v1): refused before
 * any body is read unless the API is writable and the token is right. */
static enum MHD_Result begin_write(struct http_server *s, struct MHD_Connection *c, const char *url,
                                   void **con_cls)
{
    if (!s->api || strncmp(url, "/api/v1/", 8) != 0)
        return error(s, c, 405);
    if (!http_api_writable(s->api))
        return error_msg(s, c, 403, "read-only API: start serve with --write-token (or $ATALAYA_WRITE_TOKEN)");
    if (!http_api_token_ok(s->api, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION)))
        return error_msg(s, c, 403, "writes need the header Authorization: Bearer TOKEN");
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && (strspn(cl, "0123456789") != strlen(cl) || strlen(cl) > 9 || strtoul(cl, NULL, 10) > HTTP_MAX_BODY))
        return error_msg(s, c, 413, "request body over 16 KiB");
    struct upload *u = calloc(1, sizeof *u);
    if (!u)
        return MHD_NO;
    buf_init(&u->body, 1024);
    *con_cls = u;
    return MHD_YES;
}

static enum MHD_Result sum_len(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* 414 for a path or query beyond our bounds, 431 for headers; else 0. */
static int oversize(struct MHD_Connection *c, const char *url)
{
    size_t query = 0, headers = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, sum_len, &query);
    MHD_get_connection_values(c, MHD_HEADER_KIND, sum_len, &headers);
    if (strlen(url) > HTTP_MAX_PATH || query > HTTP_MAX_QUERY)
        return 414;
    return headers > HTTP_MAX_HEADERS ? 431 : 0;
}

/* A connection admitted beyond a limit (conns.h): a 503 that says so, and
 * the connection closed. */
static enum MHD_Result busy(struct http_server *s, struct MHD_Connection *c)
{
    struct api_reply rep = {0};
    buf_init(&rep.body, 128);
    api_error(&rep, 503, "too many connections (at most %u, %u per address): retry shortly", HTTP_MAX_CONNECTIONS,
              HTTP_MAX_PER_IP);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(rep.body.len, rep.body.p, free);
    if (!r) {
        buf_free(&rep.body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Retry-After", "1");
    MHD_add_response_header(r, "Connection", "close");
    return answer(s, c, 503, r);
}

static enum MHD_Result route(struct http_server *s, struct MHD_Connection *c, const char *url, const char *method)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(url, routes[i].path) == 0)
            return serve_doc(s, c, routes[i].doc);
    if (strcmp(url, "/api/v1/stream") == 0)
        return serve_stream(s, c, method);
    if (s->api && strncmp(url, "/api/v1/", 8) == 0)
        return serve_api(s, c, method, url + 7, NULL);
    if (strncmp(url, "/api/", 5) == 0 || strncmp(url, "/data/", 6) == 0)
        return error(s, c, 404);
    return serve_static(s, c, url);
}

/* libmicrohttpd calls this once the headers are in (answering then closes
 * the connection: only refusals do), again per piece of body, and once more
 * when the request is whole: the answer. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    struct http_server *s = cls;
    (void)version;
    if (!*con_cls) {
        atomic_fetch_add(&s->counters.requests, 1);
        if (http_conn_over(s->conns, conn_of(c)))
            return busy(s, c);
        int st = oversize(c, url);
        if (st)
            return error(s, c, st);
        if (is_write(method))
            return begin_write(s, c, url, con_cls);
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
            return error(s, c, 405);
        if (has_body(c, *upload_size))
            return error(s, c, 413);
        *con_cls = &headers_seen;
        return MHD_YES;
    }
    if (*con_cls == &headers_seen)
        return route(s, c, url, method);
    /* A body arriving in pieces (a chunked one has no length to refuse
     * early): keep up to the bound, then answer. */
    struct upload *u = *con_cls;
    if (*upload_size) {
        if (u->body.len + *upload_size > HTTP_MAX_BODY)
            u->too_big = true;
        else
            buf_put(&u->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (u->too_big)
        return error_msg(s, c, 413, "request body over 16 KiB");
    return serve_api(s, c, method, url + 7, u->body.len ? &u->body : NULL);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;
    (void)toe;
    struct upload *u = *con_cls;
    if (u && *con_cls != &headers_seen) {
        buf_free(&u->body);
        free(u);
    }
    *con_cls = NULL;
    /* A kept-alive connection's next request starts its clock now. */
    if (c)
        http_conns_idle(s->conns, conn_of(c), net_monotonic_ms());
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ad = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        *socket_context = http_conns_open(s->conns, ad ? ad->client_addr : NULL, fd ? fd->connect_fd : -1,
                                          net_monotonic_ms());
    } else {
        http_conns_close(s->conns, *socket_context);
        *socket_context = NULL;
    }
}

void http_refresh(struct http_server *s, int64_t now_ms)
{
    /* serve: the /data documents change only when an ingest adds positions. */
    bool data_fresh = true;
    if (!s->live.trk) {
        struct store_rows rows = {0};
        pthread_mutex_lock(&s->api->lock);
        s->api->st->ops->last_rows(s->api->st, &rows);
        pthread_mutex_unlock(&s->api->lock);
        data_fresh = rows.position == s->docs_row && s->docs[HTTP_DOC_AIRCRAFT];
        s->docs_row = rows.position;
    }
    for (int d = 0; d < HTTP_DOC_COUNT; d++) {
        if (data_fresh && !s->live.trk && (d == HTTP_DOC_AIRCRAFT || d == HTTP_DOC_VESSELS))
            continue;
        if (!http_live_due(&s->live, (enum http_doc)d))
            continue;
        struct http_snap *snap = malloc(sizeof *snap);
        if (!snap)
            abort();
        atomic_init(&snap->refs, 1);
        buf_init(&snap->b, s->last_len[d] + 1024);
        snap->gz = (struct buf){0};
        pthread_mutex_init(&snap->lazy_lock, NULL);
        snap->etag[0] = 0;
        http_live_write(&s->live, (enum http_doc)d, now_ms, &snap->b);
        s->last_len[d] = snap->b.len;
        pthread_mutex_lock(&s->lock);
        struct http_snap *old = s->docs[d];
        s->docs[d] = snap;
        pthread_mutex_unlock(&s->lock);
        http_snap_release(old);
    }
    /* The loop thread owns these two documents' latest versions. */
    http_stream_tick(s->stream, now_ms, &s->docs[HTTP_DOC_AIRCRAFT]->b, &s->docs[HTTP_DOC_VESSELS]->b);
}

static void on_tick(struct net_loop *l, void *ctx)
{
    struct http_server *s = ctx;
    (void)l;
    http_conns_sweep(s->conns, net_monotonic_ms());
    struct http_conn_counters n;
    atomic_store(&s->counters.conns_open, http_conns_count(s->conns, &n));
    atomic_store(&s->counters.conns_expired, n.expired);
    atomic_store(&s->counters.conns_evicted, n.evicted);
    atomic_store(&s->counters.conns_over, n.over);
    int64_t t = s->picture_clock ? s->picture_clock(s->picture_clock_ctx) : 0;
    http_refresh(s, t > 0 ? t : net_realtime_ms());
}

/* HOST:PORT, [V6]:PORT or PORT alone (127.0.0.1). */
static int split_listen(const char *spec, char *host, size_t hn, char *port, size_t pn)
{
    const char *colon = strrchr(spec, ':');
    const char *h = spec, *p = colon ? colon + 1 : spec;
    size_t hl = colon ? (size_t)(colon - spec) : 0;
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
        h++, hl -= 2;
    if (hl == 0)
        h = "127.0.0.1", hl = 9;
    if (hl >= hn || strlen(p) >= pn || !*p || strspn(p, "0123456789") != strlen(p))
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    strcpy(port, p);
    return 0;
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

struct http_server *http_start(const struct http_config *cfg, struct net_loop *loop, struct trk *trk, char *err,
                               size_t errlen)
{
    char host[256], port[16], root[4096];
    const char *web = cfg->web_root ? cfg->web_root : http_find_web_root(root, sizeof root);
    if (split_listen(cfg->listen ? cfg->listen : "127.0.0.1:8080", host, sizeof host, port, sizeof port) != 0) {
        snprintf(err, errlen, "--http %s: expected HOST:PORT", cfg->listen);
        return NULL;
    }
    if (!web) {
        snprintf(err, errlen, "no web root with index.html (set ATALAYA_WEB)");
        return NULL;
    }
    if (!trk && !cfg->store_url) {
        snprintf(err, errlen, "nothing to serve: no tracker and no store");
        return NULL;
    }
    struct http_api *api = NULL;
    if (cfg->store_url && !(api = http_api_open(cfg->store_url, cfg->write_token, cfg->ref, err, errlen)))
        return NULL;
    struct http_server *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    pthread_mutex_init(&s->lock, NULL);
    s->api = api;
    s->conns = http_conns_new(&(struct http_conn_limits){.max_total = HTTP_MAX_CONNECTIONS,
                                                         .max_per_addr = HTTP_MAX_PER_IP,
                                                         .deadline_ms = HTTP_REQUEST_DEADLINE_MS,
                                                         .over_ms = HTTP_OVER_DEADLINE_MS,
                                                         .evict_ms = HTTP_EVICT_MS});
    s->hub = sse_hub_new(SSE_MAX_CLIENTS, cfg->stream_queue_bytes ? cfg->stream_queue_bytes : SSE_QUEUE_BYTES);
    s->stream = http_stream_new(trk ? NULL : api, s->hub);
    s->docs_row = -1;
    s->live = (struct http_live){.trk = trk, .det = cfg->det, .api = api, .hub = s->hub, .refresh_ms = cfg->refresh_ms > 0 ? cfg->refresh_ms : 1000,
                                 .started_ms = net_realtime_ms(), .have_receiver = cfg->have_receiver,
                                 .receiver_lat = cfg->receiver_lat, .receiver_lon = cfg->receiver_lon,
                                 .counters = &s->counters};
    s->root_fd = open(web, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0) {
        snprintf(err, errlen, "web root %s: %s", web, strerror(errno));
        s->root_fd = -1;
        http_stop(s);
        return NULL;
    }
    int lfd = net_tcp_listen(host, port);
    if (lfd < 0) {
        snprintf(err, errlen, "cannot listen on %s:%s: %s", host, port, strerror(errno));
        http_stop(s);
        return NULL;
    }
    s->port = bound_port(lfd);
    http_refresh(s, net_realtime_ms());
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
                            NULL, on_request, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_LISTEN_SOCKET, lfd,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
                            MHD_OPTION_CONNECTION_LIMIT, HTTP_HARD_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
                            HTTP_IDLE_TIMEOUT_S, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "cannot start the HTTP server on %s:%s", host, port);
        close(lfd);
        http_stop(s);
        return NULL;
    }
    s->picture_clock = cfg->picture_clock;
    s->picture_clock_ctx = cfg->picture_clock_ctx;
    net_loop_every(loop, s->live.refresh_ms, on_tick, s);
    return s;
}

void http_stop(struct http_server *s)
{
    if (!s)
        return;
    /* Suspended stream connections must be resumed before the daemon stops. */
    sse_hub_shutdown(s->hub);
    if (s->d)
        MHD_stop_daemon(s->d); /* closes the listening socket too */
    http_conns_free(s->conns);
    sse_hub_free(s->hub);
    http_stream_free(s->stream);
    http_api_close(s->api);
    for (int d = 0; d < HTTP_DOC_COUNT; d++)
        http_snap_release(s->docs[d]);
    if (s->root_fd >= 0)
        close(s->root_fd);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int http_port(const struct http_server *s) { return s->port; }

void http_push(struct http_server *s, const char *event, const char *json, size_t n)
{
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(json + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - json) : n;
        if (e > i)
            sse_hub_send(s->hub, event, json + i, e - i, 0);
        i = e + 1;
    }
}

const char *http_find_web_root(char *out, size_t n)
{
    static const char *const cand[] = {"../../web", "../share/atalaya/web"};
    return exe_find_dir("ATALAYA_WEB", cand, sizeof cand / sizeof cand[0], "index.html", out, n);
}
