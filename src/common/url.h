/* url.h: the HOST[:PORT][?K=V&...] part of the URLs atalaya takes for its
 * servers (nats://, mqtt://), split the same way everywhere: an IPv6 host in
 * brackets, a port 1-65535, a trailing '/' before the query ignored. */
#ifndef ATALAYA_COMMON_URL_H
#define ATALAYA_COMMON_URL_H

#include <stdbool.h>
#include <stddef.h>

/* rest: what follows "scheme://". Fills host (without brackets) and *port
 * (left as it was when the URL gives none) and points *query past the '?'
 * (NULL: none). Returns NULL, or a reason. */
const char *url_authority(const char *rest, char *host, size_t hostn, int *port, const char **query);

/* One K=V of a query: copies the key and value of the parameter at *q and
 * moves *q past it (NULL after the last). Returns false at the end, true
 * with *why set (NULL: fine) otherwise. */
struct url_param {
    char key[32];
    char value[256];
};
bool url_next_param(const char **q, struct url_param *p, const char **why);

#endif
