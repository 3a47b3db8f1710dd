/* db.h: the on-disk store of the reference side (aircraft registry,
 * watchlists) in SQLite. The schema lives in numbered migrations (schema.c),
 * applied in order and recorded in PRAGMA user_version; the store's SQLite
 * backend appends its own tables as versions 3, 4, ... of the same file
 * (src/store/sqlite_schema.c). */
#ifndef ATALAYA_REF_DB_H
#define ATALAYA_REF_DB_H

#include <stddef.h>

struct sqlite3;

/* Opens (creating if needed) and migrates. Returns 0, or -1 with err filled. */
int ref_db_open(const char *path, struct sqlite3 **db, char *err, size_t errn);
void ref_db_close(struct sqlite3 *db);
/* Applies the reference migrations newer than the file's user_version, each
 * in its own transaction. Returns 0 or -1. */
int ref_db_migrate(struct sqlite3 *db, char *err, size_t errn);
/* The last reference version (the store's begin after it). */
int ref_db_schema_version(void);
/* Applies list[0..n-1] as versions first..first+n-1, those newer than the
 * file's user_version, each in its own transaction; last_part: the list is
 * the newest part of the sequence, so a file beyond it is refused (newer
 * than this build). Returns 0 or -1 with err. */
int ref_db_apply(struct sqlite3 *db, int first, const char *const *list, int n, int last_part, char *err,
                 size_t errn);

#endif
