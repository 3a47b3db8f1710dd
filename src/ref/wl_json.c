/* wl_json.c: watchlist entries and matches as JSON (common/json.h). */
#include "common/json.h"
#include "ref/watchlist.h"

static void opt(struct jw *w, const char *k, const char *v)
{
    if (v)
        jw_kstr(w, k, v);
}

void ref_wl_entry_json(struct jw *w, const struct ref_wl_entry *e)
{
    jw_obj_begin(w);
    if (e->id)
        jw_kint(w, "id", e->id);
    opt(w, "list", e->list);
    opt(w, "list_date", e->list_date);
    jw_kstr(w, "kind", ref_wl_kind_name(e->kind));
    opt(w, "name", e->name);
    opt(w, "program", e->program);
    opt(w, "entry_num", e->entry_num);
    opt(w, "flag", e->flag);
    opt(w, "note", e->note);
    /* Identifiers grouped by type, in enum order, each an array of values. */
    for (int t = 0; t < REF_WL_ID_COUNT; t++) {
        int seen = 0;
        for (int k = 0; k < e->nids; k++) {
            if ((int)e->ids[k].type != t)
                continue;
            if (!seen++) {
                jw_key(w, ref_wl_id_name((enum ref_wl_id)t));
                jw_arr_begin(w);
            }
            jw_str(w, e->ids[k].value);
        }
        if (seen)
            jw_arr_end(w);
    }
    jw_obj_end(w);
}

void ref_wl_match_json(struct jw *w, const struct ref_wl_match *m)
{
    jw_obj_begin(w);
    jw_kstr(w, "rule", ref_wl_rule_name(m->rule));
    jw_key(w, "weak");
    jw_bool(w, m->weak);
    jw_key(w, "entry");
    ref_wl_entry_json(w, m->entry);
    jw_obj_end(w);
}
