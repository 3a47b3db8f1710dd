/* schema.c: numbered schema migrations for the SQLite store (db.h). Append
 * only: a shipped migration is never edited, a change is a new number. */
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
    /* 3: the embedded store (src/store): identities over time, positions with an
     * R*Tree over them, events and alerts. kind: 1 vessel (id = MMSI), 2 aircraft
     * (id = ICAO address); times are event time in ms since the epoch. */
    "CREATE TABLE identity ("
    " kind INTEGER NOT NULL, id INTEGER NOT NULL,"
    " field TEXT NOT NULL,"          /* name, callsign, imo, shiptype, flag, registration */
    " value TEXT NOT NULL,"
    " valid_from INTEGER NOT NULL,"
    " valid_to INTEGER);"            /* NULL while current */
    "CREATE INDEX identity_entity ON identity(kind, id, field, valid_to);"
    "CREATE INDEX identity_value ON identity(field, value);"
    "CREATE TABLE position ("
    " rowid INTEGER PRIMARY KEY,"
    " kind INTEGER NOT NULL, id INTEGER NOT NULL, t INTEGER NOT NULL,"
    " lat REAL NOT NULL, lon REAL NOT NULL,"
    " alt REAL, speed REAL, course REAL,"  /* ft, kn, degrees; NULL unknown */
    " source TEXT);"
    "CREATE INDEX position_entity ON position(kind, id, t);"
    "CREATE INDEX position_t ON position(t);"
    "CREATE VIRTUAL TABLE position_rtree USING rtree(pid, min_lat, max_lat, min_lon, max_lon);"
    "CREATE TABLE event ("
    " rowid INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL, t_start INTEGER NOT NULL, t_end INTEGER,"
    " entities TEXT,"                /* JSON array of {kind, id} */
    " lat REAL, lon REAL, details TEXT, evidence TEXT);"
    "CREATE INDEX event_t ON event(t_start);"
    "CREATE TABLE alert ("
    " rowid INTEGER PRIMARY KEY,"
    " t INTEGER NOT NULL, kind INTEGER, id INTEGER,"
    " rule TEXT NOT NULL, message TEXT, evidence TEXT);"
    "CREATE INDEX alert_t ON alert(t);",
    /* 4: which entities an event is about, so an entity's events (a dossier)
     * are an index lookup rather than a scan of every event's JSON; events by
     * kind and time (flights by operator, port calls) likewise. */
    "CREATE TABLE event_entity ("
    " event INTEGER NOT NULL REFERENCES event(rowid) ON DELETE CASCADE,"
    " kind INTEGER NOT NULL, id INTEGER NOT NULL);"
    "CREATE INDEX event_entity_id ON event_entity(kind, id, event);"
    "CREATE INDEX event_kind_t ON event(kind, t_start);"
    "INSERT INTO event_entity(event, kind, id)"
    " SELECT e.rowid, json_extract(j.value, '$.kind'), json_extract(j.value, '$.id')"
    " FROM event e, json_each(e.entities) j;",
    /* 5: the area index over track segments instead of positions: one box per
     * entity per hour (sid = hour * 2^34 + kind * 2^32 + id, so a writer finds
     * the segment it grows by row id), with kind, id and the hour's first and
     * last ms beside it. An area query takes the boxes that overlap the area,
     * then the entity's positions of that hour through position_entity, each
     * checked against the area. A box only has to contain its positions, so
     * the writer may pad it and rewrite it only when a fix falls outside:
     * about 40 times fewer R*Tree rows and far fewer R*Tree writes than one
     * entry per position (docs/store.md). The hour is floor(t / 3600000). */
    "CREATE VIRTUAL TABLE position_seg USING rtree(sid, min_lat, max_lat, min_lon, max_lon,"
    " +kind, +id, +t0, +t1);"
    "INSERT INTO position_seg(sid, min_lat, max_lat, min_lon, max_lon, kind, id, t0, t1)"
    " SELECT h * 17179869184 + kind * 4294967296 + id, min(lat), max(lat), min(lon), max(lon),"
    " kind, id, h * 3600000, h * 3600000 + 3599999"
    " FROM (SELECT kind, id, lat, lon, (t - ((t % 3600000) + 3600000) % 3600000) / 3600000 AS h FROM position)"
    " GROUP BY kind, id, h;"
    "DROP TABLE position_rtree;",
    /* 6: typed events (src/detect/event.h). An event is one row over its
     * life: (kind, key) names the occurrence, state says whether it is still
     * open, and a writer updates the row in place (seq: the order rows were
     * last written, for a live reader). entities, details and evidence hold
     * the JSON texts the event writer renders (entities with their roles,
     * details the event's own fields, evidence an array of raw messages);
     * rows written before are converted to them. Alerts are keyed alike. */
    "ALTER TABLE event ADD COLUMN state INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE event ADD COLUMN key INTEGER;"
    "ALTER TABLE event ADD COLUMN alert TEXT;"
    "ALTER TABLE event ADD COLUMN seq INTEGER;"
    "ALTER TABLE event_entity ADD COLUMN role TEXT;"
    "ALTER TABLE alert ADD COLUMN key INTEGER;"
    "UPDATE event SET seq = rowid;"
    "UPDATE event SET alert = json_extract(details, '$.match.rule')"
    " WHERE json_valid(details) AND json_extract(details, '$.alert') IS NOT NULL;"
    "UPDATE event SET details = json_remove(details, '$.event', '$.alert', '$.t_start_ms', '$.t_end_ms', '$.t_ms',"
    " '$.time', '$.start', '$.end', '$.hours', '$.lat', '$.lon') WHERE json_valid(details);"
    "UPDATE event SET entities = (SELECT json_group_array(json(CASE json_extract(j.value, '$.kind')"
    " WHEN 1 THEN json_object('kind', 'vessel', 'mmsi', json_extract(j.value, '$.id'), 'role', 'subject')"
    " ELSE json_object('kind', 'aircraft', 'icao', printf('%06x', json_extract(j.value, '$.id')), 'role', 'subject')"
    " END)) FROM json_each(event.entities) j) WHERE json_valid(entities);"
    "UPDATE event_entity SET role = 'subject';"
    "UPDATE event SET evidence = (WITH RECURSIVE s(part, rest) AS (SELECT NULL, event.evidence || char(10)"
    " UNION ALL SELECT substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1)"
    " FROM s WHERE rest <> '') SELECT json_group_array(part) FROM s WHERE part <> '')"
    " WHERE evidence IS NOT NULL AND substr(evidence, 1, 1) <> '[';"
    "UPDATE alert SET evidence = (WITH RECURSIVE s(part, rest) AS (SELECT NULL, alert.evidence || char(10)"
    " UNION ALL SELECT substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1)"
    " FROM s WHERE rest <> '') SELECT json_group_array(part) FROM s WHERE part <> '')"
    " WHERE evidence IS NOT NULL AND substr(evidence, 1, 1) <> '[';"
    "CREATE UNIQUE INDEX event_key ON event(kind, key);"
    "CREATE INDEX event_seq ON event(seq);"
    "CREATE INDEX event_state ON event(state, kind);"
    "CREATE UNIQUE INDEX alert_key ON alert(key);",
    /* 7: natural keys, so ingesting the same input again (after a kill -9,
     * or twice) leaves the rows of one run (docs/store.md): a position is one
     * per entity, ms and source (events and alerts have their keys from 6);
     * rows a re-run already doubled are dropped (the first kept).
     * The position key replaces position_entity under the same name (its
     * first columns are the old index). input_mark: how far an ingest got
     * through each input file, written in the transaction of the rows
     * (offset: decoded bytes; rows: store calls already made for the line
     * ending there), so `ingest --resume` writes exactly what is missing. */
    "DELETE FROM position WHERE rowid NOT IN"
    " (SELECT min(rowid) FROM position GROUP BY kind, id, t, ifnull(source, ''));"
    "DROP INDEX position_entity;"
    "CREATE UNIQUE INDEX position_entity ON position(kind, id, t, ifnull(source, ''));"
    "CREATE TABLE input_mark ("
    " path TEXT PRIMARY KEY,"        /* absolute path of the input */
    " size INTEGER NOT NULL,"        /* bytes on disk when it was read */
    " head_len INTEGER NOT NULL,"    /* how many of its first bytes head_hash covers */
    " head_hash INTEGER NOT NULL,"
    " offset INTEGER NOT NULL,"      /* decoded bytes of lines fully stored; INT64_MAX: all, and the run's end */
    " rows INTEGER NOT NULL);",      /* store calls of the line at offset already committed */
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int ref_db_schema_version(void) { return NMIGRATIONS; }

int ref_db_migrate(sqlite3 *db, char *err, size_t errn)
{
    sqlite3_stmt *st;
    int have = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (have > NMIGRATIONS) {
        snprintf(err, errn, "database schema %d is newer than this build (%d)", have, NMIGRATIONS);
        return -1;
    }
    for (int v = have; v < NMIGRATIONS; v++) {
        char sql[64], *msg = NULL;
        snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
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
