/* cmd_serve.c: `atalaya serve --store sqlite:PATH [--http 127.0.0.1:8080]
 * [--write-token T]`: the web map and the REST API over a store that
 * `atalaya ingest` fills (docs/formats/api-v1.md). It reads through its own
 * SQLite connection, so it can run beside an ingest writing the same file
 * (WAL); the live stream pushes what the ingest commits.
 *
 * Read-only unless a write token is given (--write-token, or
 * $ATALAYA_WRITE_TOKEN so it stays out of `ps`); then POST/DELETE of
 * watchlist entries need "Authorization: Bearer TOKEN". */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/config.h"
#include "http/http.h"
#include "net/loop.h"
#include "ref/datadir.h"
#include "ref/ref.h"
#include "store/store.h"

struct serve_config {
    const char *store, *http, *write_token, *config;
    long refresh_ms, queue_kib;
    struct cfg_list strings;
};

#define S(f) offsetof(struct serve_config, f)
static const struct cfg_option serve_options[] = {
    {"store", CFG_STR, S(store), "sqlite:atalaya.db", "the store to serve (sqlite:PATH or postgresql://USER@HOST:PORT/DB), as `atalaya ingest` wrote it", S(strings)},
    {"http", CFG_STR, S(http), "127.0.0.1:8080", "listen on HOST:PORT (loopback unless told otherwise; port 0: any free)", S(strings)},
    {"write-token", CFG_STR, S(write_token), NULL, "allow watchlist POST/DELETE with Authorization: Bearer TOKEN (else $ATALAYA_WRITE_TOKEN)", S(strings)},
    {"refresh-ms", CFG_INT, S(refresh_ms), "1000", "period of the /data documents and of the live stream", 0},
    {"stream-queue-kib", CFG_INT, S(queue_kib), "1024", "a stream client further behind than this is dropped", 0},
    CFG_OPTION_CONFIG(struct serve_config, config),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S

const struct cfg_cmd serve_cmd = {
    "serve",
    "usage: atalaya serve [--store sqlite:PATH] [--http HOST:PORT] [--write-token T]\n"
    "  the web map and the REST API (docs/formats/api-v1.md) over a store",
    serve_options, sizeof(struct serve_config), NULL, 0,
};

static struct net_loop *serve_loop;

static void on_signal(int sig)
{
    (void)sig;
    store_stop_waiting();
    if (serve_loop)
        net_loop_stop(serve_loop);
}

int cmd_serve(int argc, char **argv)
{
    struct serve_config cfg = {0};
    char err[512];
    int first;
    int rc = cli_options(&serve_cmd, &cfg, NULL, 0, argc, argv, &first);
    if (rc != 0 || first < argc) {
        if (rc == 0)
            fprintf(stderr, "atalaya serve: unexpected arguments\n");
        cfg_free(serve_options, &cfg);
        return rc <= 0;
    }
    /* A reader: a missing file is a mistake, not a new empty store (a
     * server URL has no file to look for). */
    const char *path = strncmp(cfg.store, "sqlite:", 7) == 0 ? cfg.store + 7 : cfg.store;
    if (!strstr(cfg.store, "://") && access(path, R_OK) != 0) {
        fprintf(stderr, "atalaya serve: %s: no such store (run atalaya ingest first)\n", path);
        cfg_free(serve_options, &cfg);
        return 1;
    }
    const char *token = cfg.write_token ? cfg.write_token : getenv("ATALAYA_WRITE_TOKEN");
    if (token && *token && strlen(token) < 16) {
        fprintf(stderr, "atalaya serve: the write token must be at least 16 characters\n");
        cfg_free(serve_options, &cfg);
        return 1;
    }
    char dir[4096];
    struct ref *ref = NULL;
    if (ref_data_dir(dir, sizeof dir) && !(ref = ref_load(dir, err, sizeof err)))
        fprintf(stderr, "atalaya serve: reference data: %s (no operators from callsigns)\n", err);
    struct net_loop *loop = net_loop_new();
    struct http_config hcfg = {.listen = cfg.http, .refresh_ms = (int)cfg.refresh_ms, .store_url = cfg.store,
                               .write_token = token, .ref = ref,
                               .stream_queue_bytes = cfg.queue_kib > 0 ? (size_t)cfg.queue_kib * 1024 : 0};
    struct http_server *srv = http_start(&hcfg, loop, NULL, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "atalaya serve: %s\n", err);
        rc = 1;
    } else {
        fprintf(stderr, "atalaya serve: listening on %s, port %d; %s, %s\n", cfg.http, http_port(srv), cfg.store,
                token && *token ? "writable with the token" : "read-only");
        serve_loop = loop;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGPIPE, SIG_IGN);
        net_loop_run(loop);
        serve_loop = NULL;
        http_stop(srv);
    }
    net_loop_free(loop);
    ref_free(ref);
    cfg_free(serve_options, &cfg);
    return rc;
}
