/* csv.c: see csv.h. */
#include <ctype.h>
#include <string.h>

#include "ref/csv.h"

int ref_csv_split(const char *line, size_t len, char *buf, char **fields, int max)
{
    int n = 0;
    size_t i = 0;
    char *o = buf;
    while (n < max) {
        fields[n++] = o;
        if (i < len && line[i] == '"') {
            i++;
            while (i < len) {
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        *o++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *o++ = line[i++];
            }
            /* Text after the closing quote up to the comma is kept, so a
             * sloppy `"a" b,` still yields `a b` rather than a lost field. */
        }
        while (i < len && line[i] != ',')
            *o++ = line[i++];
        *o++ = '\0';
        if (i >= len)
            break;
        i++; /* the comma */
    }
    return n;
}

char *ref_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

bool ref_csv_null(const char *f)
{
    while (*f == ' ')
        f++;
    size_t n = strlen(f);
    while (n && f[n - 1] == ' ')
        n--;
    return n == 0 || (n == 2 && f[0] == '\\' && f[1] == 'N') || (n == 3 && !memcmp(f, "-0-", 3));
}
