/* csv.h: CSV field splitting for the reference tables (RFC 4180
 * quoting: a quoted field may hold commas and "" for a quote). OpenFlights
 * writes \N for NULL; ref_csv_null() folds that, "" and OFAC's "-0-" to empty. */
#ifndef ATALAYA_REF_CSV_H
#define ATALAYA_REF_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* Splits line (len bytes, left untouched; NUL-terminated fields are written
 * into buf of at least len+1 bytes) into at most max fields. Returns the count. */
int ref_csv_split(const char *line, size_t len, char *buf, char **fields, int max);

/* True when a field means "no value": empty, \N (OpenFlights) or -0- (OFAC),
 * ignoring surrounding blanks. */
bool ref_csv_null(const char *f);

/* Trims leading and trailing blanks in place; returns s. */
char *ref_trim(char *s);

#endif
