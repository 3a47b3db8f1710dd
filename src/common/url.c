#include "common/url.h"

#include <stdlib.h>
#include <string.h>

const char *url_authority(const char *rest, char *host, size_t hostn, int *port, const char **query)
{
    const char *q = strchr(rest, '?');
    const char *hend = q ? q : rest + strlen(rest);
    if (hend > rest && hend[-1] == '/')
        hend--;
    const char *colon = NULL, *h = rest, *h_end;
    if (*rest == '[') {
        const char *close = memchr(rest, ']', (size_t)(hend - rest));
        if (!close)
            return "unclosed [ in the host";
        h = rest + 1;
        h_end = close;
        if (close + 1 < hend) {
            if (close[1] != ':')
                return "junk after the host";
            colon = close + 1;
        }
    } else {
        colon = memchr(rest, ':', (size_t)(hend - rest));
        h_end = colon ? colon : hend;
    }
    size_t hl = (size_t)(h_end - h);
    if (hl == 0 || hl >= hostn || memchr(h, '/', hl))
        return "no host";
    memcpy(host, h, hl);
    host[hl] = '\0';
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (end != hend || v < 1 || v > 65535)
            return "the port must be 1-65535";
        *port = (int)v;
    }
    *query = q && q[1] ? q + 1 : NULL;
    return NULL;
}

bool url_next_param(const char **q, struct url_param *p, const char **why)
{
    *why = NULL;
    const char *a = *q;
    if (!a || !*a)
        return false;
    const char *amp = strchr(a, '&'), *e = amp ? amp : a + strlen(a);
    const char *eq = memchr(a, '=', (size_t)(e - a));
    *q = amp ? amp + 1 : NULL;
    if (!eq) {
        *why = "a query parameter without a value";
        return true;
    }
    size_t kl = (size_t)(eq - a), vl = (size_t)(e - eq - 1);
    if (kl == 0 || kl >= sizeof p->key || vl >= sizeof p->value) {
        *why = "a query parameter too long";
        return true;
    }
    memcpy(p->key, a, kl);
    p->key[kl] = '\0';
    memcpy(p->value, eq + 1, vl);
    p->value[vl] = '\0';
    return true;
}
