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
    /* 8: the detectors' checkpoint (src/detect/checkpoint.c): per vessel,
     * encounter pair, receiver and coverage cell, the state a restart needs
     * to carry on where the last commit left off (a vessel's last position,
     * time, receiver and raw message, a slow spell's samples...), as one
     * text record each, replaced as it changes, written in the transaction
     * of the rows it goes with. t: the event time it stands at. */
    "CREATE TABLE det_state ("
    " kind TEXT NOT NULL, id INTEGER NOT NULL, t INTEGER NOT NULL, state TEXT NOT NULL,"
    " PRIMARY KEY (kind, id)) WITHOUT ROWID;",
};

int sqlite_store_migrate(sqlite3 *db, char *err, size_t errn)
{
    return ref_db_apply(db, ref_db_schema_version() + 1, migrations, (int)(sizeof migrations / sizeof migrations[0]),
                        1, err, errn);
}
