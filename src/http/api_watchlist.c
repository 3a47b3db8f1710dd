/* api_watchlist.c: the watchlists kept in the store: GET lists every entry;
 * POST adds one and DELETE /watchlist/ID removes one, both only with the
 * write token (server.c refuses them before reading a body; checked again
 * here). The body of a POST is one entry in the shape GET writes:
 *   {"list": "user", "kind": "vessel", "name": "DEMO X", "mmsi": ["211000001"],
 *    "program": "...", "flag": "...", "note": "...", "list_date": "2026-03-01"}
 * identifier members (imo, mmsi, icao24, registration, call_sign, designator,
 * alias, ...) take a string or an array of strings. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/json.h"
#include "http/api.h"
#include "store/store.h"

int api_watchlist_get(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    const char *list = api_arg(r, "list");
    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    size_t n = 0;
    for (size_t i = 0; i < a->wl.n; i++)
        n += !list || strcmp(a->wl.e[i].list, list) == 0;
    jw_kuint(&w, "count", n);
    jw_kbool(&w, "writable", a->write_token != NULL);
    jw_key(&w, "entries");
    jw_arr_begin(&w);
    for (size_t i = 0; i < a->wl.n; i++)
        if (!list || strcmp(a->wl.e[i].list, list) == 0)
            ref_wl_entry_json(&w, &a->wl.e[i]);
    jw_arr_end(&w);
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    return 200;
}

static bool printable(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* Identifiers in the form matching compares: ICAO addresses lower case,
 * registrations and call signs upper case, numbers digits only. */
static int normalise(enum ref_wl_id t, const char *in, char *out, size_t n)
{
    size_t len = strlen(in);
    if (len >= n)
        return -1;
    for (size_t i = 0; i <= len; i++)
        out[i] = t == REF_WL_ID_ICAO24 ? (char)tolower((unsigned char)in[i])
                 : t == REF_WL_ID_REGISTRATION || t == REF_WL_ID_CALL_SIGN || t == REF_WL_ID_DESIGNATOR
                     ? (char)toupper((unsigned char)in[i])
                     : in[i];
    if (t == REF_WL_ID_MMSI && (len == 0 || len > 9 || strspn(out, "0123456789") != len))
        return -1;
    if (t == REF_WL_ID_IMO && (len != 7 || strspn(out, "0123456789") != 7))
        return -1;
    if (t == REF_WL_ID_ICAO24 && (len != 6 || strspn(out, "0123456789abcdef") != 6))
        return -1;
    return 0;
}

int api_watchlist_post(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    if (!r->write_ok)
        return api_error(out, 403, "read-only API: start serve with --write-token");
    json_error_t jerr;
    json_t *o = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return api_error(out, 400, "body: a JSON object (%s)", o ? "not an object" : jerr.text);
    }
    const char *list = json_string_value(json_object_get(o, "list"));
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *kind_s = json_string_value(json_object_get(o, "kind"));
    int kind = kind_s ? ref_wl_kind_parse(kind_s) : -1;
    int st = 0;
    if (!list)
        list = "user";
    if (!name || !printable(name, 200) || !printable(list, 64) || kind < 0) {
        json_decref(o);
        return api_error(out, 400, "body: name (text), kind (vessel, aircraft, organisation, individual) required");
    }
    struct ref_wl_set set;
    ref_wl_set_init(&set);
    struct ref_wl_entry *e = ref_wl_set_add(&set, (enum ref_wl_kind)kind, list, name);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        if (!strcmp(k, "list") || !strcmp(k, "name") || !strcmp(k, "kind"))
            continue;
        char **text = !strcmp(k, "program")   ? &e->program
                      : !strcmp(k, "flag")      ? &e->flag
                      : !strcmp(k, "note")      ? &e->note
                      : !strcmp(k, "list_date") ? &e->list_date
                      : !strcmp(k, "entry_num") ? &e->entry_num
                                                : NULL;
        if (text) {
            if (!json_is_string(v) || !printable(json_string_value(v), 500)) {
                st = api_error(out, 400, "%s: text up to 500 characters", k);
                break;
            }
            ref_wl_entry_set(text, json_string_value(v));
            continue;
        }
        int t = ref_wl_id_parse(k);
        if (t < 0) {
            st = api_error(out, 400, "%s: not a watchlist field", k);
            break;
        }
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        if (n == 0 || n > 32) {
            st = api_error(out, 400, "%s: 1 to 32 values", k);
            break;
        }
        for (size_t i = 0; i < n && !st; i++) {
            json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
            char norm[160];
            if (!json_is_string(x) || !printable(json_string_value(x), 128) ||
                normalise((enum ref_wl_id)t, json_string_value(x), norm, sizeof norm))
                st = api_error(out, 400, "%s: not a valid %s", k, k);
            else
                ref_wl_entry_ident(e, (enum ref_wl_id)t, norm);
        }
        if (st)
            break;
    }
    json_decref(o);
    if (!st && a->st->ops->watchlist_add(a->st, e) != 0)
        st = api_error(out, 500, "store: %s", a->st->err);
    if (!st && api_watch_reload(a) != 0)
        st = api_error(out, 500, "store: %s", a->st->err);
    if (!st) {
        struct jw w;
        api_json(out, &w);
        out->status = st = 201;
        ref_wl_entry_json(&w, e);
        buf_putc(&out->body, '\n');
    }
    ref_wl_set_free(&set);
    return st;
}

int api_watchlist_delete(struct http_api *a, const struct api_req *r, const char *id_s, struct api_reply *out)
{
    if (!r->write_ok)
        return api_error(out, 403, "read-only API: start serve with --write-token");
    size_t n = strlen(id_s);
    if (n == 0 || n > 18 || strspn(id_s, "0123456789") != n)
        return api_error(out, 400, "watchlist/ID: the entry's numeric id");
    int rc = a->st->ops->watchlist_remove(a->st, strtoll(id_s, NULL, 10));
    if (rc < 0 || (rc == 1 && api_watch_reload(a) != 0))
        return api_error(out, 500, "store: %s", a->st->err);
    if (rc == 0)
        return api_error(out, 404, "watchlist entry %s: none", id_s);
    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    jw_kint(&w, "deleted", strtoll(id_s, NULL, 10));
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    return 200;
}
