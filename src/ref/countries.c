/* countries.c: ISO 3166-1 alpha-2 codes for the airports' countries.
 *
 * airports.dat names its country in words ("Venezuela", "Iran"); OpenFlights
 * publishes the key for those words beside it, countries.dat
 * (name, iso_code, dafif_code). A few names airports.dat uses are missing from
 * countries.dat ("Burma", "Saint Lucia", "Cape Verde": about 20 of 240); for
 * those the code is taken from the World Port Index, whose rows carry ISO
 * codes: each airport of the country votes with the country of the nearest
 * port within PORT_VOTE_M, and the most votes win. A landlocked country with
 * no port near any of its airports keeps no code, and callers report it
 * absent rather than guess. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/input.h"
#include "common/xmalloc.h"
#include "ref/csv.h"
#include "ref/ref_int.h"

#define PORT_VOTE_M 50000.0 /* an airport this close to a port is in the port's country, mostly */

static uint32_t pack(const char *cc)
{
    return (uint32_t)(unsigned char)cc[0] << 8 | (unsigned char)cc[1];
}

static void unpack(uint32_t v, char out[3])
{
    out[0] = (char)(v >> 8);
    out[1] = (char)(v & 0xFF);
    out[2] = '\0';
}

static bool alpha2(const char *s)
{
    return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* Most common port country near the airports named `country`; false if none. */
static bool vote(const struct ref *r, const char *country, char out[3])
{
    struct ref_strmap tally;
    ref_strmap_init(&tally, 8);
    uint32_t best = 0;
    for (size_t i = 0; i < r->nairports; i++) {
        const struct ref_airport *a = &r->airports[i];
        double d;
        const struct ref_port *p;
        if (strcmp(a->country, country) != 0 || !(p = ref_port_nearest(r, a->lat, a->lon, PORT_VOTE_M, &d)) ||
            !alpha2(p->country))
            continue;
        uint32_t n = 0;
        ref_strmap_get(&tally, p->country, &n);
        ref_strmap_put(&tally, p->country, ++n, NULL);
        if (n > best) {
            best = n;
            memcpy(out, p->country, 3);
        }
    }
    ref_strmap_free(&tally);
    return best > 0;
}

int ref_load_country_codes(struct ref *r, const char *path, char *err, size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    struct ref_strmap byname;
    ref_strmap_init(&byname, 512);
    const char *line;
    size_t len;
    int over;
    char buf[IN_MAX_LINE + 1], *fl[4];
    while (in_getline(f, &line, &len, &over) == 1) {
        /* "name","iso_code","dafif_code" */
        if (ref_csv_split(line, len, buf, fl, 4) < 2 || !alpha2(fl[1]))
            continue;
        ref_strmap_put(&byname, fl[0], pack(fl[1]), NULL);
    }
    in_close(f);
    for (size_t i = 0; i < r->nairports; i++) {
        struct ref_airport *a = &r->airports[i];
        uint32_t v;
        if (!ref_strmap_get(&byname, a->country, &v)) {
            char cc[3];
            /* Remembered as 0 when no port votes, so each name is voted once. */
            v = vote(r, a->country, cc) ? pack(cc) : 0;
            ref_strmap_put(&byname, a->country, v, NULL);
        }
        if (v)
            unpack(v, a->country_code);
    }
    ref_strmap_free(&byname);
    return 0;
}
