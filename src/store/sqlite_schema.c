/* sqlite_schema.c: the SQLite store's tables, versions 3 onwards of the
 * file's numbered migrations (versions 1-2 are the reference tables,
 * src/ref/schema.c, applied first by ref_db_open, so registry, watchlists
 * and the store can live in one file). Append only: a shipped migration is
 * never edited, a change is a new number. The PostgreSQL store keeps its own
 * (postgres_schema.c). */
#include <sqlite3.h>

#include "ref/db.h"
#include "store/sqlite_internal.h"

static const char *const migrations[] = {
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
};

int sqlite_store_migrate(sqlite3 *db, char *err, size_t errn)
{
    return ref_db_apply(db, ref_db_schema_version() + 1, migrations, (int)(sizeof migrations / sizeof migrations[0]),
                        1, err, errn);
}
