/* db.h: the on-disk store of the reference side (aircraft registry,
 * watchlists) in SQLite. The schema lives in numbered migrations (schema.c),
 * applied in order and recorded in PRAGMA user_version, so the store issue can
 * append its own tables as migrations 3, 4, ... to the same file. */
#ifndef ATALAYA_REF_DB_H
#define ATALAYA_REF_DB_H

#include <stddef.h>

struct sqlite3;

/* Opens (creating if needed) and migrates. Returns 0, or -1 with err filled. */
int ref_db_open(const char *path, struct sqlite3 **db, char *err, size_t errn);
void ref_db_close(struct sqlite3 *db);
/* Applies the migrations newer than the file's user_version, each in its own
 * transaction. Returns 0 or -1. */
int ref_db_migrate(struct sqlite3 *db, char *err, size_t errn);
/* The schema version this build writes. */
int ref_db_schema_version(void);

#endif
