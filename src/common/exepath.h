/* exepath.h: bundled folders (reference data, the web page) found beside the
 * running binary, so build/rel/atalaya finds the checkout's and an installed
 * bin/atalaya finds ../share/atalaya's, with an environment variable first. */
#ifndef ATALAYA_COMMON_EXEPATH_H
#define ATALAYA_COMMON_EXEPATH_H

#include <stddef.h>

/* The first folder holding marker (a file path inside it) into out: $env
 * when set and not empty (then only it); else each of cand, relative to the
 * running binary's folder (an absolute one as is). Returns out, or NULL. */
const char *exe_find_dir(const char *env, const char *const cand[], size_t ncand, const char *marker, char *out,
                         size_t n);

#endif
