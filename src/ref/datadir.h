/* datadir.h: where the bundled reference data (data/ in the source tree) is.
 * Order: $ATALAYA_DATA; then ../../data beside the running binary (so
 * build/rel/atalaya finds the checkout's data/); then ../share/atalaya beside
 * it (an installed bin/atalaya); then ATALAYA_DATA_PREFIX (compile-time,
 * default /usr/local/share/atalaya). */
#ifndef ATALAYA_REF_DATADIR_H
#define ATALAYA_REF_DATADIR_H

#include <stddef.h>

/* Writes the data directory into out; returns out, or NULL when none of the
 * candidates holds the MID table (the marker of a complete data folder). */
const char *ref_data_dir(char *out, size_t n);

#endif
