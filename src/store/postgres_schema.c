/* postgres_schema.c: numbered migrations of the PostgreSQL store. Append
 * only: a shipped migration is never edited, a change is a new number. The
 * version lives in atalaya_schema; migrations run under an advisory lock, so
 * several workers opening a new database at once apply each step once.
 *
 * The tables mirror the SQLite store's (src/store/sqlite_schema.c) and the
 * watchlists (src/ref/schema.c) with these differences: positions are a
 * PostGIS geography point in a table partitioned by day of event time
 * (partitions made on demand by the writer, postgres.c), with a BRIN index
 * on time and GiST on the point; every text column sorts and compares
 * bytewise (COLLATE "C"), as SQLite's BINARY does, so both backends order
 * rows alike; natural keys (positions: kind, id, t, source; events: kind,
 * key; alerts: key) make a replayed batch add nothing. Migration 1 was
 * reshaped for typed events before any release; from here on, append. */
#include <stdio.h>

#include "store/pg_internal.h"

static const char *const migrations[] = {
    /* 1: the store: identities over time, positions, entities seen, events
     * with their entities and evidence, alerts, watchlists. kind: 1 vessel
     * (id = MMSI), 2 aircraft (id = ICAO address); times are event time in
     * ms since the epoch. */
    "CREATE EXTENSION IF NOT EXISTS postgis;"
    "CREATE TABLE identity ("
    " rid bigserial PRIMARY KEY,"
    " kind smallint NOT NULL, id bigint NOT NULL,"
    " field text COLLATE \"C\" NOT NULL,"   /* name, callsign, imo, shiptype, flag, registration */
    " value text COLLATE \"C\" NOT NULL,"
    " valid_from bigint NOT NULL,"
    " valid_to bigint);"                    /* NULL while current */
    "CREATE INDEX identity_entity ON identity(kind, id, field, valid_to);"
    "CREATE INDEX identity_value ON identity(field, value);"
    /* Column order packs the fixed-width columns without padding. */
    "CREATE SEQUENCE position_rid_seq;"
    "CREATE TABLE position ("
    " t bigint NOT NULL,"
    " rid bigint NOT NULL DEFAULT nextval('position_rid_seq'),"
    " id bigint NOT NULL,"
    " kind smallint NOT NULL,"
    " pos geography(Point, 4326) NOT NULL,"
    " alt double precision, speed double precision, course double precision," /* ft, kn, degrees */
    " source text COLLATE \"C\")"
    " PARTITION BY RANGE (t);"
    /* The natural key doubles as the entity index (kind, id, t). */
    "CREATE UNIQUE INDEX position_key ON position(kind, id, t, source) NULLS NOT DISTINCT;"
    "CREATE INDEX position_t ON position USING brin(t);"
    "CREATE INDEX position_pos ON position USING gist(pos);"
    /* The newest position row and the time span, kept by the writer in the
     * batch's transaction: max() or min() over a partitioned table with no
     * b-tree on them would read every partition. */
    "CREATE TABLE position_top (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
    " rid bigint NOT NULL, tmin bigint, tmax bigint);"
    "INSERT INTO position_top VALUES (true, 0, NULL, NULL);"
    /* Every entity the position table has held: the picture is one probe
     * per entity. */
    "CREATE TABLE entity (kind smallint NOT NULL, id bigint NOT NULL, PRIMARY KEY (kind, id));"
    /* Events as SQLite's migration 6 keeps them (typed events, detect/event.h):
     * one row per (kind, ekey) over the event's life, state 1 while open, seq
     * the order rows were last written (a live reader's cursor, from
     * event_seq), entities/details/evidence the event writer's JSON texts,
     * alert the rule of a watchlist alert. */
    "CREATE SEQUENCE event_seq;"
    "CREATE TABLE event ("
    " rid bigserial PRIMARY KEY,"
    " kind text COLLATE \"C\" NOT NULL, t_start bigint NOT NULL, t_end bigint,"
    " entities text,"                       /* [{"kind":"vessel","mmsi":N,"role":R}, ...] */
    " lat double precision, lon double precision,"
    " details text,"                        /* the event's fields, a JSON object */
    " evidence text,"                       /* a JSON array of raw messages */
    " state smallint NOT NULL DEFAULT 0, ekey bigint, alert text COLLATE \"C\","
    " seq bigint NOT NULL DEFAULT nextval('event_seq'));"
    "CREATE INDEX event_t ON event(t_start);"
    "CREATE INDEX event_kind_t ON event(kind, t_start);"
    "CREATE UNIQUE INDEX event_key ON event(kind, ekey);"
    "CREATE INDEX event_seq_i ON event(seq);"
    "CREATE INDEX event_state ON event(state, kind);"
    /* n: the entity's place in the event, so an open event reads back in order. */
    "CREATE TABLE event_entity ("
    " event bigint NOT NULL REFERENCES event(rid) ON DELETE CASCADE,"
    " n smallint NOT NULL, kind smallint NOT NULL, id bigint NOT NULL,"
    " role text COLLATE \"C\");"
    "CREATE INDEX event_entity_id ON event_entity(kind, id, event);"
    "CREATE INDEX event_entity_event ON event_entity(event, n);"
    /* key: the alert event's key, so a re-run stores an alert once. */
    "CREATE TABLE alert ("
    " rid bigserial PRIMARY KEY,"
    " t bigint NOT NULL, kind smallint, id bigint,"
    " rule text COLLATE \"C\" NOT NULL, message text, evidence text, key bigint);"
    "CREATE INDEX alert_t ON alert(t);"
    "CREATE UNIQUE INDEX alert_key ON alert(key);"
    "CREATE TABLE watchlist ("
    " id bigserial PRIMARY KEY,"
    " list text COLLATE \"C\" NOT NULL, list_date text, kind text NOT NULL, name text NOT NULL,"
    " program text, entry_num text, flag text, note text);"
    "CREATE INDEX watchlist_list ON watchlist(list);"
    "CREATE TABLE watchlist_ident ("
    " rid bigserial PRIMARY KEY,"
    " entry_id bigint NOT NULL REFERENCES watchlist(id) ON DELETE CASCADE,"
    " type text COLLATE \"C\" NOT NULL, value text COLLATE \"C\" NOT NULL);"
    "CREATE INDEX watchlist_ident_entry ON watchlist_ident(entry_id);"
    "CREATE INDEX watchlist_ident_value ON watchlist_ident(type, value);"
    /* The last batch each writer committed: a batch retried after a lost
     * connection whose COMMIT may have gone through is not written twice. */
    "CREATE TABLE batch_log (writer bigint PRIMARY KEY, seq bigint NOT NULL);"
    /* How far an ingest got through each input file, as SQLite's input_mark
     * (migration 7 there), written in the transaction of the rows. */
    "CREATE TABLE input_mark (path text COLLATE \"C\" PRIMARY KEY, size bigint NOT NULL,"
    " head_len bigint NOT NULL, head_hash bigint NOT NULL, \"offset\" bigint NOT NULL, rows bigint NOT NULL);",
    /* 2: the detectors' checkpoint, as SQLite's det_state (migration 8 there). */
    "CREATE TABLE det_state (kind text COLLATE \"C\" NOT NULL, id bigint NOT NULL, t bigint NOT NULL,"
    " state text NOT NULL, PRIMARY KEY (kind, id));",
    /* 3: the details filters by index (postgres_query.c). A flight or port
     * call filter compares members of details, the JSON text the event
     * writer wrote; parsing it for every candidate row made a filter over a
     * year of flights read and parse every flight. The column stays text: it
     * is what reads back, byte for byte as SQLite's, and jsonb would reorder
     * members and respell numbers; a jsonb copy beside it would store the
     * details twice for the one use an index serves alone. event_terms()
     * turns details into "member=value" words, the value as the filter
     * compares it (text, a boolean 1 or 0, ASCII case folded: SQLite's
     * CAST(json_extract()) ... COLLATE NOCASE), and a GIN index on the words
     * answers any conjunction of member filters with "words @> ARRAY[...]",
     * whichever members are asked for, reading only the matching rows. A
     * JSON null is no word (a filter never matches it). The writer's text is
     * always a JSON object; anything else has no words. The function is
     * immutable (it reads its argument only) and calls built-ins only, so
     * it means the same under any search_path (the query spells a word the
     * same way: ev_where()). */
    "CREATE FUNCTION event_terms(details text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
    " AS $$ SELECT array_agg(key || '=' || lower((CASE jsonb_typeof(value) WHEN 'boolean'"
    " THEN value::boolean::int::text ELSE value #>> '{}' END) COLLATE \"C\"))"
    " FROM jsonb_each(CASE jsonb_typeof(details::jsonb) WHEN 'object' THEN details::jsonb END)"
    " WHERE jsonb_typeof(value) <> 'null' $$;"
    /* Words compare bytewise (collation "C"), as the query's array does. */
    "CREATE INDEX event_terms_i ON event USING gin ((event_terms(details)) COLLATE \"C\");"
    /* The words' frequencies for the planner now, not at autovacuum's next
     * visit: an upgraded store's first filters choose the index. */
    "ANALYZE event;",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static int rollback(struct store *s)
{
    pgx_rollback(s);
    return -1;
}

int pg_migrate(struct store *s)
{
    if (pgx_begin(s))
        return -1;
    struct pg_result *r = NULL;
    if (pgx_run(s, "SELECT pg_advisory_xact_lock(7361626961)", 0, NULL) ||
        pgx_run(s, "CREATE TABLE IF NOT EXISTS atalaya_schema (version int NOT NULL)", 0, NULL) ||
        !(r = pgx_exec(s, "SELECT coalesce(max(version), 0) FROM atalaya_schema", 0, NULL)))
        return rollback(s);
    int have = (int)pgx_int(r, 0, 0);
    pgx_clear(r);
    if (have > NMIGRATIONS) {
        snprintf(s->err, sizeof s->err, "database schema %d is newer than this build (%d)", have, NMIGRATIONS);
        return rollback(s);
    }
    for (int v = have; v < NMIGRATIONS; v++) {
        char ver[16];
        snprintf(ver, sizeof ver, "%d", v + 1);
        const char *p[1] = {ver};
        if (pgx_run(s, migrations[v], 0, NULL) || pgx_run(s, "DELETE FROM atalaya_schema", 0, NULL) ||
            pgx_run(s, "INSERT INTO atalaya_schema VALUES ($1::int)", 1, p)) {
            char e[32];
            snprintf(e, sizeof e, "migration %d: ", v + 1);
            pgx_prefix(s, e);
            return rollback(s);
        }
    }
    return pgx_commit(s);
}
