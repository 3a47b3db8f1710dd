/* link.c: the JetStream connection (link.h). libnats runs its own reconnect
 * thread once connected; publishing and consuming code looks at
 * stream_link_connected and the library's status codes to tell an absent
 * server from a refused request. */
#include "stream/link.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/url.h"
#include "stream/obs.h"

static int fail(char *err, size_t n, const char *why, const char *what)
{
    snprintf(err, n, "%s: %s", what, why);
    return -1;
}

static bool number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool stream_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-'))
            return false;
    return true;
}

int stream_url_parse(const char *url, struct stream_url *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    u->port = 4222;
    snprintf(u->stream, sizeof u->stream, "ATALAYA");
    u->shards = 16;
    u->max_age_h = 48;
    u->dup_window_s = 600;
    u->replicas = 1;
    if (!url || strncmp(url, "nats://", 7))
        return fail(err, errlen, "not a nats:// URL", url ? url : "(none)");
    const char *query, *why = url_authority(url + 7, u->host, sizeof u->host, &u->port, &query);
    if (why)
        return fail(err, errlen, why, url);
    struct url_param p;
    while (url_next_param(&query, &p, &why)) {
        double v;
        if (why)
            return fail(err, errlen, why, url);
        if (!strcmp(p.key, "stream")) {
            size_t n = strlen(p.value);
            if (n >= sizeof u->stream || !stream_name_ok(p.value))
                return fail(err, errlen, "stream must be 1-63 of A-Z a-z 0-9 _ -", url);
            memcpy(u->stream, p.value, n + 1);
        } else if (!strcmp(p.key, "shards")) {
            if (!number(p.value, 1, OBS_MAX_SHARDS, &v) || v != floor(v))
                return fail(err, errlen, "shards must be a whole number 1-1024", url);
            u->shards = (unsigned)v;
        } else if (!strcmp(p.key, "max-age")) {
            if (!number(p.value, 0.01, 24 * 3650, &v))
                return fail(err, errlen, "max-age must be hours, 0.01-87600", url);
            u->max_age_h = v;
        } else if (!strcmp(p.key, "dup-window")) {
            if (!number(p.value, 1, 86400, &v))
                return fail(err, errlen, "dup-window must be seconds, 1-86400", url);
            u->dup_window_s = v;
        } else if (!strcmp(p.key, "replicas")) {
            if (!number(p.value, 1, 5, &v) || v != floor(v))
                return fail(err, errlen, "replicas must be 1-5", url);
            u->replicas = (int)v;
        } else {
            return fail(err, errlen, "unknown parameter (stream, shards, max-age, dup-window, replicas)", url);
        }
    }
    return 0;
}

static void set_nats_err(char *err, size_t n, const char *what, natsStatus s, jsErrCode jerr)
{
    const char *last = nats_GetLastError(NULL);
    if (jerr)
        snprintf(err, n, "%s: %s (JetStream error %d)", what, last && *last ? last : natsStatus_GetText(s),
                 (int)jerr);
    else
        snprintf(err, n, "%s: %s", what, last && *last ? last : natsStatus_GetText(s));
}

#define SHARDS_TAG "atalaya observations; shards="

/* The stream as link.h describes it, made when missing. */
static int ensure_stream(struct stream_link *l)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, l->js, l->url.stream, NULL, &jerr);
    if (s == NATS_OK) {
        const char *d = si->Config && si->Config->Description ? si->Config->Description : "";
        const char *tag = strstr(d, SHARDS_TAG);
        long have = tag ? strtol(tag + strlen(SHARDS_TAG), NULL, 10) : -1;
        jsStreamInfo_Destroy(si);
        if (have != (long)l->url.shards) {
            snprintf(l->err, sizeof l->err,
                     "stream %s was made with %ld shards, not %u: one entity's reports would reach two workers "
                     "(give shards=%ld, or a new stream name)",
                     l->url.stream, have, l->url.shards, have);
            return -1;
        }
        return 0;
    }
    if (s != NATS_NOT_FOUND && jerr != JSStreamNotFoundErr) {
        set_nats_err(l->err, sizeof l->err, "stream info", s, jerr);
        return -1;
    }
    char desc[96];
    snprintf(desc, sizeof desc, SHARDS_TAG "%u", l->url.shards);
    const char *subjects[] = {OBS_SUBJECTS};
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = l->url.stream;
    cfg.Description = desc;
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Retention = js_LimitsPolicy;
    cfg.MaxAge = (int64_t)(l->url.max_age_h * 3600e9);
    cfg.Duplicates = (int64_t)(l->url.dup_window_s * 1e9);
    cfg.Replicas = l->url.replicas;
    cfg.MaxMsgSize = OBS_MAX_PAYLOAD + 1024; /* the stream counts the headers too (under 300 bytes) */
    jerr = 0;
    s = js_AddStream(&si, l->js, &cfg, NULL, &jerr);
    if (s != NATS_OK) {
        set_nats_err(l->err, sizeof l->err, "creating the stream", s, jerr);
        return -1;
    }
    jsStreamInfo_Destroy(si);
    return 0;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct stream_link *stream_link_open(const struct stream_url *u, double wait_s, char *err, size_t errlen)
{
    struct stream_link *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    l->url = *u;
    char addr[300];
    snprintf(addr, sizeof addr, strchr(u->host, ':') ? "nats://[%s]:%d" : "nats://%s:%d", u->host, u->port);
    natsStatus s = natsOptions_Create(&l->opts);
    if (s == NATS_OK)
        s = natsOptions_SetURL(l->opts, addr);
    if (s == NATS_OK)
        s = natsOptions_SetName(l->opts, "atalaya");
    /* Once connected, the library reconnects for ever, 1 s apart, and
     * buffers up to 8 MiB of publishes meanwhile. */
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(l->opts, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(l->opts, 1000);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectBufSize(l->opts, 8 << 20);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(l->opts, 2000);
    if (s != NATS_OK) {
        set_nats_err(err, errlen, "NATS options", s, 0);
        stream_link_close(l);
        return NULL;
    }
    double until = mono_s() + wait_s;
    for (;;) {
        s = natsConnection_Connect(&l->nc, l->opts);
        if (s == NATS_OK || mono_s() >= until)
            break;
        nats_Sleep(250);
    }
    if (s != NATS_OK) {
        set_nats_err(err, errlen, addr, s, 0);
        stream_link_close(l);
        return NULL;
    }
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 5000;
    s = natsConnection_JetStream(&l->js, l->nc, &jo);
    if (s != NATS_OK) {
        set_nats_err(err, errlen, "JetStream", s, 0);
        stream_link_close(l);
        return NULL;
    }
    if (ensure_stream(l) < 0) {
        snprintf(err, errlen, "%s: %s", addr, l->err);
        stream_link_close(l);
        return NULL;
    }
    return l;
}

bool stream_link_connected(const struct stream_link *l)
{
    return l && l->nc && natsConnection_Status(l->nc) == NATS_CONN_STATUS_CONNECTED;
}

void stream_link_close(struct stream_link *l)
{
    if (!l)
        return;
    if (l->js)
        jsCtx_Destroy(l->js);
    if (l->nc) {
        natsConnection_Close(l->nc);
        natsConnection_Destroy(l->nc);
    }
    if (l->opts)
        natsOptions_Destroy(l->opts);
    free(l);
}

int stream_link_counts(struct stream_link *l, uint64_t *counts, unsigned nshards, uint64_t *total)
{
    memset(counts, 0, nshards * sizeof *counts);
    *total = 0;
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Stream.Info.SubjectsFilter = OBS_SUBJECTS;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, l->js, l->url.stream, &jo, &jerr);
    if (s != NATS_OK) {
        set_nats_err(l->err, sizeof l->err, "stream info", s, jerr);
        return -1;
    }
    *total = si->State.Msgs;
    for (int i = 0; si->State.Subjects && i < si->State.Subjects->Count; i++) {
        int shard = obs_subject_shard(si->State.Subjects->List[i].Subject);
        if (shard >= 0 && (unsigned)shard < nshards)
            counts[shard] = si->State.Subjects->List[i].Msgs;
    }
    jsStreamInfo_Destroy(si);
    return 0;
}
