/* schema.c: numbered schema migrations of the reference tables (db.h):
 * versions 1-2. The store's tables are versions 3 onwards, kept by the store
 * (src/store/sqlite_schema.c) in the same PRAGMA user_version, so registry,
 * watchlists and the store can share one file. Append only: a shipped
 * migration is never edited, a change is a new number. */
#include <stdio.h>

#include <sqlite3.h>

#include "ref/db.h"

static const char *const migrations[] = {
    /* 1: aircraft registry, keyed by ICAO 24-bit address. */
    "CREATE TABLE registry ("
    " icao24 INTEGER PRIMARY KEY,"   /* 24-bit address as an integer */
    " registration TEXT,"            /* upper case, as printed on the aircraft */
    " type TEXT,"                    /* ICAO type designator (Doc 8643) */
    " operator TEXT,"
    " description TEXT);"
    "CREATE INDEX registry_registration ON registry(registration);",
    /* 2: watchlists: one row per listed entity, its identifiers beside it. */
    "CREATE TABLE watchlist ("
    " id INTEGER PRIMARY KEY,"
    " list TEXT NOT NULL,"           /* e.g. ofac-sdn, or the user's list name */
    " list_date TEXT,"               /* publication date of the list, ISO 8601 */
    " kind TEXT NOT NULL,"           /* vessel, aircraft, organisation, individual */
    " name TEXT NOT NULL,"
    " program TEXT,"                 /* sanctions programme(s), e.g. SDGT; IFSR */
    " entry_num TEXT,"               /* the list's own entry number (OFAC ent_num) */
    " flag TEXT,"
    " note TEXT);"
    "CREATE INDEX watchlist_list ON watchlist(list);"
    "CREATE TABLE watchlist_ident ("
    " entry_id INTEGER NOT NULL REFERENCES watchlist(id) ON DELETE CASCADE,"
    " type TEXT NOT NULL,"           /* imo, mmsi, icao24, registration, designator, ... */
    " value TEXT NOT NULL);"
    "CREATE INDEX watchlist_ident_entry ON watchlist_ident(entry_id);"
    "CREATE INDEX watchlist_ident_value ON watchlist_ident(type, value);",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int ref_db_schema_version(void) { return NMIGRATIONS; }

int ref_db_apply(sqlite3 *db, int first, const char *const *list, int n, int last_part, char *err, size_t errn)
{
    sqlite3_stmt *st;
    int have = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (last_part && have > first + n - 1) {
        snprintf(err, errn, "database schema %d is newer than this build (%d)", have, first + n - 1);
        return -1;
    }
    for (int v = have < first - 1 ? first - 1 : have; v < first + n - 1; v++) {
        char sql[64], *msg = NULL;
        snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, list[v - first + 1], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errn, "migration %d: %s", v + 1, msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    return 0;
}

int ref_db_migrate(sqlite3 *db, char *err, size_t errn)
{
    return ref_db_apply(db, 1, migrations, NMIGRATIONS, 0, err, errn);
}

int ref_db_open(const char *path, sqlite3 **db, char *err, size_t errn)
{
    if (sqlite3_open(path, db) != SQLITE_OK) {
        snprintf(err, errn, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "cannot open");
        sqlite3_close(*db);
        *db = NULL;
        return -1;
    }
    sqlite3_busy_timeout(*db, 5000);
    sqlite3_exec(*db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    if (ref_db_migrate(*db, err, errn)) {
        sqlite3_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

void ref_db_close(sqlite3 *db) { sqlite3_close(db); }
