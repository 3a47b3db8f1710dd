/* registry.h: the aircraft registry (ICAO 24-bit address -> registration,
 * type, operator) in the SQLite store (db.h, table `registry`). The user
 * supplies the table; atalaya bundles none. */
#ifndef ATALAYA_REF_REGISTRY_H
#define ATALAYA_REF_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;

struct ref_aircraft {
    uint32_t icao24;
    char registration[24];
    char type[16];
    char operator_name[96];
    char description[96];
};

/* Imports a CSV (gzip/zstd transparently) with a header naming its columns:
 * icao24 (or icao, hex), registration (or reg), type (or icao_type,
 * typecode), operator (or ownop), description. Rows with the same address
 * replace earlier ones. One transaction. Returns 0 and the row count in
 * *rows, or -1 with err filled. */
int ref_registry_import(struct sqlite3 *db, const char *path, size_t *rows, char *err,
                        size_t errn);
/* 1 found, 0 not found, -1 on a database error. */
int ref_registry_by_icao24(struct sqlite3 *db, uint32_t icao24, struct ref_aircraft *out);
/* Case-insensitive; a registration written without its hyphen ("EPFAA") is
 * not the same key: registries print the hyphen and so do sanctions lists. */
int ref_registry_by_registration(struct sqlite3 *db, const char *reg, struct ref_aircraft *out);

#endif
