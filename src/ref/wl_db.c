/* wl_db.c: watchlist entries in the SQLite store (tables watchlist and
 * watchlist_ident, schema.c migration 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ref/watchlist.h"

static int fail(sqlite3 *db, const char *what, char *err, size_t errn)
{
    snprintf(err, errn, "%s: %s", what, sqlite3_errmsg(db));
    return -1;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int insert(sqlite3 *db, sqlite3_stmt *ent, sqlite3_stmt *ids, struct ref_wl_entry *e)
{
    sqlite3_reset(ent);
    bind_opt(ent, 1, e->list);
    bind_opt(ent, 2, e->list_date);
    bind_opt(ent, 3, ref_wl_kind_name(e->kind));
    bind_opt(ent, 4, e->name);
    bind_opt(ent, 5, e->program);
    bind_opt(ent, 6, e->entry_num);
    bind_opt(ent, 7, e->flag);
    bind_opt(ent, 8, e->note);
    if (sqlite3_step(ent) != SQLITE_DONE)
        return -1;
    e->id = sqlite3_last_insert_rowid(db);
    for (int k = 0; k < e->nids; k++) {
        sqlite3_reset(ids);
        sqlite3_bind_int64(ids, 1, e->id);
        bind_opt(ids, 2, ref_wl_id_name(e->ids[k].type));
        bind_opt(ids, 3, e->ids[k].value);
        if (sqlite3_step(ids) != SQLITE_DONE)
            return -1;
    }
    return 0;
}

static int insert_all(sqlite3 *db, const char *list, struct ref_wl_entry *e, size_t n,
                      char *err, size_t errn)
{
    sqlite3_stmt *ent = NULL, *ids = NULL, *del = NULL;
    int rc = -1;
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "begin", err, errn);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO watchlist(list,list_date,kind,name,program,entry_num,"
                           "flag,note) VALUES(?,?,?,?,?,?,?,?)",
                           -1, &ent, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO watchlist_ident(entry_id,type,value) VALUES(?,?,?)",
                           -1, &ids, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "DELETE FROM watchlist WHERE list=?", -1, &del, NULL) !=
            SQLITE_OK) {
        fail(db, "prepare", err, errn);
        goto out;
    }
    if (list) {
        sqlite3_bind_text(del, 1, list, -1, SQLITE_STATIC);
        if (sqlite3_step(del) != SQLITE_DONE) {
            fail(db, "delete", err, errn);
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (insert(db, ent, ids, &e[i])) {
            fail(db, "insert", err, errn);
            goto out;
        }
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(db, "commit", err, errn);
out:
    sqlite3_finalize(ent);
    sqlite3_finalize(ids);
    sqlite3_finalize(del);
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int ref_wl_db_replace(sqlite3 *db, const char *list, struct ref_wl_set *s, char *err,
                      size_t errn)
{
    return insert_all(db, list, s->e, s->n, err, errn);
}

int ref_wl_db_add(sqlite3 *db, struct ref_wl_entry *e, char *err, size_t errn)
{
    return insert_all(db, NULL, e, 1, err, errn);
}

int ref_wl_db_remove(sqlite3 *db, int64_t id, char *err, size_t errn)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "DELETE FROM watchlist WHERE id=?", -1, &st, NULL) != SQLITE_OK)
        return fail(db, "remove", err, errn);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "remove", err, errn);
    return sqlite3_changes(db) > 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int ref_wl_db_load(sqlite3 *db, const char *list, struct ref_wl_set *s, char *err, size_t errn)
{
    /* Entries and identifiers in one ordered pass: a LEFT JOIN sorted by id. */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT w.id,w.list,w.list_date,w.kind,w.name,w.program,w.entry_num,"
                           "w.flag,w.note,i.type,i.value FROM watchlist w LEFT JOIN "
                           "watchlist_ident i ON i.entry_id=w.id WHERE ?1 IS NULL OR w.list=?1 "
                           "ORDER BY w.id, i.rowid",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(db, "load", err, errn);
    bind_opt(st, 1, list);
    int64_t last = 0;
    struct ref_wl_entry *e = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (!e || id != last) {
            int kind = ref_wl_kind_parse(col(st, 3) ? col(st, 3) : "");
            e = ref_wl_set_add(s, kind < 0 ? REF_WL_ORGANISATION : (enum ref_wl_kind)kind,
                               col(st, 1), col(st, 4) ? col(st, 4) : "");
            e->id = last = id;
            ref_wl_entry_set(&e->list_date, col(st, 2));
            ref_wl_entry_set(&e->program, col(st, 5));
            ref_wl_entry_set(&e->entry_num, col(st, 6));
            ref_wl_entry_set(&e->flag, col(st, 7));
            ref_wl_entry_set(&e->note, col(st, 8));
        }
        int t = col(st, 9) ? ref_wl_id_parse(col(st, 9)) : -1;
        if (t >= 0)
            ref_wl_entry_ident(e, (enum ref_wl_id)t, col(st, 10));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(db, "load", err, errn);
}
