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
#include <unistd.h>

#include "common/exepath.h"
#include "http/api.h"
#include "http/http.h"
#include "http/http_internal.h"
#include "http/sse.h"
#include "net/loop.h"
#include "net/sock.h"
#include "store/store.h"

/* Request line and headers must fit in this (libmicrohttpd answers 414 or
 * 431 beyond it); GETs carry no body, a POST at most HTTP_MAX_BODY. */
#define HTTP_CONN_MEMORY (32u * 1024u)
#define HTTP_MAX_BODY (16u * 1024u)
/* Stream clients hold their connection: room for a hundred of them from one
 * address (a benchmark, an operations room behind one NAT) beside requests. */
#define HTTP_MAX_CONNECTIONS 512u
#define HTTP_MAX_PER_IP 192u
#define HTTP_IDLE_TIMEOUT_S 30u
#define SSE_MAX_CLIENTS 256u
#define SSE_QUEUE_BYTES (1024u * 1024u)

struct http_server {
    struct MHD_Daemon *d;
    int root_fd, port;
    struct http_live live;
    struct http_counters counters;
    pthread_mutex_t lock; /* guards docs[] */
    struct http_snap *docs[HTTP_DOC_COUNT];
    size_t last_len[HTTP_DOC_COUNT];
    struct http_api *api;       /* store-backed API, or NULL */
    struct sse_hub *hub;        /* /api/v1/stream */
    struct http_stream *stream;
    int64_t docs_row;           /* serve: position row the /data documents are of */
};

/* A request with a body (POST) collects it here between calls. */
struct upload {
    struct buf body;
    bool too_big;
};

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
        free(s);
    }
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
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback_cls(snap->b.len, snap->b.p, http_snap_release, snap);
    if (!r) {
        http_snap_release(snap);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    return answer(s, c, 200, r);
}

static enum MHD_Result serve_static(struct http_server *s, struct MHD_Connection *c, const char *url)
{
    int fd;
    off_t size;
    const char *ctype;
    int st = http_static_open(s->root_fd, url, &fd, &size, &ctype);
    if (st != 200)
        return error(s, c, st);
    struct MHD_Response *r = MHD_create_response_from_fd64((uint64_t)size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    atomic_fetch_add(&s->counters.bytes_static, (unsigned long long)size);
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    /* Everything the page needs is served from here: no CDN, no tiles. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                            "frame-ancestors 'none'");
    return answer(s, c, 200, r);
}

static const char *arg_of(void *cls, const char *name)
{
    return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, name);
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
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(rep.body.len, rep.body.p, free);
    if (!r) {
        buf_free(&rep.body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", rep.ctype ? rep.ctype : "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-cache");
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

static enum MHD_Result serve_stream(struct http_server *s, struct MHD_Connection *c)
{
    struct MHD_Response *r = sse_hub_attach(s->hub, c);
    if (!r)
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
                                   const char *method, size_t *upload_size, void **con_cls)
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
    if (!has_body(c, *upload_size))
        return serve_api(s, c, method, url + 7, NULL);
    struct upload *u = calloc(1, sizeof *u);
    if (!u)
        return MHD_NO;
    buf_init(&u->body, 1024);
    *con_cls = u;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    struct http_server *s = cls;
    (void)version;
    struct upload *u = *con_cls;
    if (u) {
        /* A body arriving in pieces (a chunked one has no length to refuse
         * early): keep up to the bound, then answer. */
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
        return serve_api(s, c, method, url + 7, &u->body);
    }
    atomic_fetch_add(&s->counters.requests, 1);
    if (strlen(url) > HTTP_MAX_PATH)
        return error(s, c, 414);
    if (is_write(method))
        return begin_write(s, c, url, method, upload_size, con_cls);
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return error(s, c, 405);
    if (has_body(c, *upload_size))
        return error(s, c, 413);
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(url, routes[i].path) == 0)
            return serve_doc(s, c, routes[i].doc);
    if (strcmp(url, "/api/v1/stream") == 0)
        return serve_stream(s, c);
    if (s->api && strncmp(url, "/api/v1/", 8) == 0)
        return serve_api(s, c, method, url + 7, NULL);
    if (strncmp(url, "/api/", 5) == 0 || strncmp(url, "/data/", 6) == 0)
        return error(s, c, 404);
    return serve_static(s, c, url);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct upload *u = *con_cls;
    if (u) {
        buf_free(&u->body);
        free(u);
        *con_cls = NULL;
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
        if (!http_live_due(&s->live, (enum http_doc)d, now_ms))
            continue;
        struct http_snap *snap = malloc(sizeof *snap);
        if (!snap)
            abort();
        atomic_init(&snap->refs, 1);
        buf_init(&snap->b, s->last_len[d] + 1024);
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
    (void)l;
    http_refresh(ctx, net_realtime_ms());
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
    s->hub = sse_hub_new(SSE_MAX_CLIENTS, cfg->stream_queue_bytes ? cfg->stream_queue_bytes : SSE_QUEUE_BYTES);
    s->stream = http_stream_new(trk ? NULL : api, s->hub);
    s->docs_row = -1;
    s->live = (struct http_live){.trk = trk, .api = api, .hub = s->hub, .refresh_ms = cfg->refresh_ms > 0 ? cfg->refresh_ms : 1000,
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
                            MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                            (size_t)HTTP_CONN_MEMORY, MHD_OPTION_CONNECTION_LIMIT, HTTP_MAX_CONNECTIONS,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_MAX_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
                            HTTP_IDLE_TIMEOUT_S, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "cannot start the HTTP server on %s:%s", host, port);
        close(lfd);
        http_stop(s);
        return NULL;
    }
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
