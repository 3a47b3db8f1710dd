/* test_ref_watchlist.c: the OFAC SDN importer on the real list (bundled
 * copy), a lookup of every identifier of the peer's derived tables,
 * operator linking,
 * matching by every rule, the user CSV format and the SQLite store. */
#include "test.h"

#include <fcntl.h>
#include <sqlite3.h>

#include "ref/csv.h"

#include "ref/db.h"
#include "ref/ref.h"
#include "ref/registry.h"
#include "ref/watchlist.h"

static struct ref *R;
static struct ref_wl_set S;
static struct ref_wl_sdn_stats ST;
static struct ref_wl_index *X;

static const struct ref_wl_entry *by_ent(const char *num)
{
    for (size_t i = 0; i < S.n; i++)
        if (S.e[i].entry_num && !strcmp(S.e[i].entry_num, num))
            return &S.e[i];
    return NULL;
}

static int has_ident(const struct ref_wl_entry *e, enum ref_wl_id t, const char *v)
{
    for (int i = 0; e && i < e->nids; i++)
        if (e->ids[i].type == t && !strcmp(e->ids[i].value, v))
            return 1;
    return 0;
}

static void test_sdn_counts(void)
{
    CHECK_EQ_INT(ST.entries, 14965);
    CHECK_EQ_INT(ST.vessels, 851);
    CHECK_EQ_INT(ST.aircraft, 376);
    CHECK_EQ_INT(ST.vessels_imo, 844);
    CHECK_EQ_INT(ST.vessels_mmsi, 154);
    printf("# SDN: %zu entries, %zu vessels (%zu IMO, %zu MMSI), %zu aircraft (%zu registration, "
           "%zu Mode S), %zu organisations linked to a designator\n",
           ST.entries, ST.vessels, ST.vessels_imo, ST.vessels_mmsi, ST.aircraft,
           ST.aircraft_registration, ST.aircraft_icao24, ST.designators);
}

static void test_sdn_entries(void)
{
    const struct ref_wl_entry *e = by_ent("15068");
    CHECK(e && e->kind == REF_WL_VESSEL && !strcmp(e->name, "FORTUNE"));
    CHECK(has_ident(e, REF_WL_ID_IMO, "9283746") && has_ident(e, REF_WL_ID_MMSI, "422303000"));
    CHECK(has_ident(e, REF_WL_ID_CALL_SIGN, "9BAC"));
    CHECK(has_ident(e, REF_WL_ID_LINKED_TO, "NATIONAL IRANIAN TANKER COMPANY"));
    CHECK(e && e->flag && !strcmp(e->flag, "Iran") && !strcmp(e->program, "IRAN"));
    e = by_ent("4243"); /* EBANO, f.k.a. ANA I and SAND SWAN */
    CHECK(has_ident(e, REF_WL_ID_ALIAS, "ANA I") && has_ident(e, REF_WL_ID_ALIAS, "SAND SWAN"));
    e = by_ent("12927");
    CHECK(e && e->kind == REF_WL_ORGANISATION && !strcmp(e->program, "SDGT; NPWMD; IFSR"));
    e = by_ent("15431"); /* EP-GOM */
    CHECK(e && e->kind == REF_WL_AIRCRAFT && has_ident(e, REF_WL_ID_REGISTRATION, "EP-GOM"));
    CHECK(has_ident(e, REF_WL_ID_MSN, "1023409321") && has_ident(e, REF_WL_ID_OPERATOR, "YAS AIR"));
    CHECK(has_ident(e, REF_WL_ID_LINKED_TO, "POUYA AIR") && has_ident(e, REF_WL_ID_MODEL, "IL76-TD"));
}

static void test_operator_links(void)
{
    CHECK(has_ident(by_ent("12927"), REF_WL_ID_DESIGNATOR, "IRM")); /* MAHAN AIR */
    CHECK(has_ident(by_ent("26344"), REF_WL_ID_DESIGNATOR, "QFZ")); /* QESHM FARS AIR */
    CHECK(has_ident(by_ent("28230"), REF_WL_ID_DESIGNATOR, "VCV")); /* CONVIASA, by abbreviation */
    /* A non-aviation organisation gets none. */
    CHECK(!ref_wl_entry_get(by_ent("25045"), REF_WL_ID_DESIGNATOR));
}

static int matches(const struct ref_wl_match *m, int n, const char *ent, enum ref_wl_rule rule)
{
    for (int i = 0; i < n; i++)
        if (m[i].entry->entry_num && !strcmp(m[i].entry->entry_num, ent) && m[i].rule == rule)
            return 1;
    return 0;
}

static void test_match_aircraft(void)
{
    struct ref_wl_match m[16];
    struct ref_wl_aircraft a = {.icao24 = 0xFFFFFFFF, .callsign = "IRM1234"};
    int n = ref_wl_match_aircraft(X, &a, m, 16);
    CHECK(matches(m, n, "12927", REF_WL_RULE_OPERATOR));
    a.callsign = "VCV123";
    n = ref_wl_match_aircraft(X, &a, m, 16);
    CHECK(matches(m, n, "28230", REF_WL_RULE_OPERATOR));
    a.callsign = "QFZ9A";
    n = ref_wl_match_aircraft(X, &a, m, 16);
    CHECK(matches(m, n, "26344", REF_WL_RULE_OPERATOR));
    a.callsign = "BAW123";
    CHECK_EQ_INT(ref_wl_match_aircraft(X, &a, m, 16), 0);
    struct ref_wl_aircraft b = {.icao24 = 0xFFFFFFFF, .registration = "ep-gom"};
    n = ref_wl_match_aircraft(X, &b, m, 16);
    CHECK(n == 1 && matches(m, n, "15431", REF_WL_RULE_REGISTRATION) && !m[0].weak);
    struct ref_wl_aircraft c = {.icao24 = 0x140AE7};
    n = ref_wl_match_aircraft(X, &c, m, 16);
    CHECK(n >= 1 && m[0].rule == REF_WL_RULE_ICAO24);
}

static void test_match_vessel(void)
{
    struct ref_wl_match m[16];
    struct ref_wl_vessel v = {.mmsi = 422303000};
    int n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(n == 1 && matches(m, n, "15068", REF_WL_RULE_MMSI));
    v = (struct ref_wl_vessel){.imo = 9283760}; /* FOREST */
    n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(n == 1 && !strcmp(m[0].entry->name, "FOREST") && m[0].rule == REF_WL_RULE_IMO);
    v = (struct ref_wl_vessel){.mmsi = 572438210};
    n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(n == 1 && !strcmp(m[0].entry->name, "FOREST"));
    v = (struct ref_wl_vessel){.imo = 9432658}; /* PDVSA's AMUAY */
    n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(n == 1 && !strcmp(m[0].entry->name, "AMUAY") && strstr(m[0].entry->program, "VENEZUELA"));
    v = (struct ref_wl_vessel){.mmsi = 244123456, .imo = 9999998, .name = "NORDIC BREEZE",
                               .flag = "Netherlands (Kingdom of the)"};
    CHECK_EQ_INT(ref_wl_match_vessel(X, &v, m, 16), 0);
    /* The same vessel by every identifier reports one match, the strongest. */
    v = (struct ref_wl_vessel){.mmsi = 422303000, .imo = 9283746, .name = "FORTUNE"};
    n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(n >= 1 && m[0].rule == REF_WL_RULE_MMSI && !m[0].weak);
    int fortunes = 0;
    for (int i = 0; i < n && i < 16; i++)
        fortunes += m[i].entry == by_ent("15068");
    CHECK_EQ_INT(fortunes, 1);
}

static void test_name_normalisation(void)
{
    char a[64], b[64];
    CHECK_STR(ref_wl_norm_vessel("m/t  Fortune.", a, sizeof a), "FORTUNE");
    CHECK_STR(ref_wl_norm_vessel("M.V. SAND-SWAN", a, sizeof a), "SAND SWAN");
    CHECK_STR(ref_wl_norm_vessel("MT", b, sizeof b), "MT"); /* a name, not a prefix */
    struct ref_wl_match m[16];
    struct ref_wl_vessel v = {.name = "m/t Fortune", .flag = "Iran (Islamic Republic of)"};
    int n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(n >= 1 && m[0].rule == REF_WL_RULE_NAME_FLAG && m[0].weak &&
          !strcmp(m[0].entry->name, "FORTUNE"));
    v.flag = "Panama";
    n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(n >= 1 && m[0].rule == REF_WL_RULE_NAME);
    v = (struct ref_wl_vessel){.name = "sand swan"}; /* a former name of EBANO */
    n = ref_wl_match_vessel(X, &v, m, 16);
    CHECK(matches(m, n, "4243", REF_WL_RULE_NAME));
}

static int match_has(const struct ref_wl_match *m, int n, const char *ent, enum ref_wl_rule rule)
{
    for (int i = 0; i < n && i < 64; i++)
        if (!strcmp(m[i].entry->entry_num, ent) && m[i].rule == rule)
            return 1;
    return 0;
}

/* Every vessel IMO and MMSI, aircraft registration and Mode S address of the
 * list, as the peer's derived tables give them, looked up through the index
 * as the tracker does: each must find its own entry by that rule. The tables
 * write IMOs as OFAC does ("9228980 (Russia)"); the number is what a ship
 * broadcasts, so that is what is looked up. */
static void test_ofac_lookup_all(void)
{
    const char *dir = test_shared_data();
    if (!dir) {
        SKIP(test_ofac_lookup_all, "no shared data");
        return;
    }
    char path[1024], line[4096], buf[4096];
    int rows = 0, imo_ok = 0, imo_n = 0, mmsi_ok = 0, mmsi_n = 0;
    struct ref_wl_match m[64];
    snprintf(path, sizeof path, "%s/sanctions/ofac/derived_sdn_vessels.csv", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char *fl[16];
        /* ent_num,vessel_name,programs,call_sign,vessel_type,tonnage,grt,
         * flag,owner,imo,mmsi,... */
        if (rows++ == 0 || ref_csv_split(line, strcspn(line, "\r\n"), buf, fl, 16) < 11)
            continue;
        if (*fl[9]) {
            struct ref_wl_vessel v = {.imo = (uint32_t)strtoul(fl[9], NULL, 10)};
            imo_n++;
            int ok = match_has(m, ref_wl_match_vessel(X, &v, m, 64), fl[0], REF_WL_RULE_IMO);
            if (!ok)
                fprintf(stderr, "# IMO %s (SDN %s) not found\n", fl[9], fl[0]);
            imo_ok += ok;
        }
        if (*fl[10]) {
            struct ref_wl_vessel v = {.mmsi = (uint32_t)strtoul(fl[10], NULL, 10)};
            mmsi_n++;
            mmsi_ok += match_has(m, ref_wl_match_vessel(X, &v, m, 64), fl[0], REF_WL_RULE_MMSI);
        }
    }
    fclose(f);
    CHECK_EQ_INT(imo_n, 844);
    CHECK_EQ_INT(mmsi_n, 154);
    CHECK_EQ_INT(imo_ok, imo_n);
    CHECK_EQ_INT(mmsi_ok, mmsi_n);
    /* The two the list writes with a country suffix. */
    struct ref_wl_vessel v = {.imo = 9228980};
    int n = ref_wl_match_vessel(X, &v, m, 64);
    CHECK(n == 1 && !strcmp(m[0].entry->name, "ARCTICA 1") && has_ident(m[0].entry, REF_WL_ID_IMO, "9228980"));
    v.imo = 9256860;
    n = ref_wl_match_vessel(X, &v, m, 64);
    CHECK(n == 1 && !strcmp(m[0].entry->name, "PEGAS") && m[0].rule == REF_WL_RULE_IMO);
    int reg_ok = 0, reg_n = 0, modes_ok = 0, modes_n = 0;
    snprintf(path, sizeof path, "%s/sanctions/ofac/derived_sdn_aircraft.csv", dir);
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *fl[16];
        /* ent_num,sdn_name,programs,tail_number,mode_s_hex,...: an aircraft
         * without a tail number is listed under it ("EP-GOM"). */
        if (rows++ == 0 || ref_csv_split(line, strcspn(line, "\r\n"), buf, fl, 16) < 5)
            continue;
        struct ref_wl_aircraft a = {.icao24 = 0xFFFFFFFF, .registration = *fl[3] ? fl[3] : fl[1]};
        reg_n++;
        int ok = match_has(m, ref_wl_match_aircraft(X, &a, m, 64), fl[0], REF_WL_RULE_REGISTRATION);
        if (!ok)
            fprintf(stderr, "# registration %s (SDN %s) not found\n", a.registration, fl[0]);
        reg_ok += ok;
        if (*fl[4]) {
            struct ref_wl_aircraft b = {.icao24 = (uint32_t)strtoul(fl[4], NULL, 16)};
            modes_n++;
            modes_ok += match_has(m, ref_wl_match_aircraft(X, &b, m, 64), fl[0], REF_WL_RULE_ICAO24);
        }
    }
    fclose(f);
    CHECK_EQ_INT(reg_n, 376);
    CHECK_EQ_INT(reg_ok, reg_n);
    CHECK_EQ_INT(modes_ok, modes_n);
    printf("# OFAC lookups: IMO %d/%d, MMSI %d/%d, registration %d/%d, Mode S %d/%d\n", imo_ok,
           imo_n, mmsi_ok, mmsi_n, reg_ok, reg_n, modes_ok, modes_n);
}

static void test_store_and_registry(void)
{
    char dbp[] = "/tmp/atalaya_wl_XXXXXX";
    int fd = mkstemp(dbp);
    CHECK(fd >= 0);
    close(fd);
    struct sqlite3 *db;
    char err[512];
    CHECK_EQ_INT(ref_db_open(dbp, &db, err, sizeof err), 0);
    CHECK_EQ_INT(ref_wl_db_replace(db, "ofac-sdn", &S, err, sizeof err), 0);
    /* Importing again replaces, never duplicates. */
    CHECK_EQ_INT(ref_wl_db_replace(db, "ofac-sdn", &S, err, sizeof err), 0);
    struct ref_wl_set L;
    ref_wl_set_init(&L);
    CHECK_EQ_INT(ref_wl_db_load(db, NULL, &L, err, sizeof err), 0);
    CHECK_EQ_INT(L.n, S.n);
    int same = L.n == S.n;
    for (size_t i = 0; same && i < L.n; i++)
        same = L.e[i].nids == S.e[i].nids && !strcmp(L.e[i].name, S.e[i].name);
    CHECK(same);
    /* Registry: the address of EP-FAA (SDN 26345) comes from the registry. */
    char csvp[] = "/tmp/atalaya_reg_XXXXXX";
    fd = mkstemp(csvp);
    const char *csv = "icao24,registration,icao_type,db_flags,description\n"
                      "731821,EP-FAA,B742,00,BOEING 747-200\n4ca123,ei-abc,A320,00,AIRBUS A-320\n";
    CHECK(write(fd, csv, strlen(csv)) == (ssize_t)strlen(csv));
    close(fd);
    size_t rows = 0;
    CHECK_EQ_INT(ref_registry_import(db, csvp, &rows, err, sizeof err), 0);
    CHECK_EQ_INT(rows, 2);
    struct ref_aircraft ac;
    CHECK(ref_registry_by_registration(db, "EI-ABC", &ac) == 1 && ac.icao24 == 0x4ca123);
    CHECK(ref_registry_by_icao24(db, 0x731821, &ac) == 1 && !strcmp(ac.type, "B742"));
    CHECK_EQ_INT(ref_registry_by_icao24(db, 0x123456, &ac), 0);
    struct ref_wl_index *x = ref_wl_index_build(&L, db);
    struct ref_wl_match m[4];
    struct ref_wl_aircraft a = {.icao24 = 0x731821};
    int n = ref_wl_match_aircraft(x, &a, m, 4);
    CHECK(n == 1 && m[0].rule == REF_WL_RULE_REGISTRY && !strcmp(m[0].entry->entry_num, "26345"));
    ref_wl_index_free(x);
    /* Remove one entry: gone after reload. */
    CHECK_EQ_INT(ref_wl_db_remove(db, L.e[0].id, err, sizeof err), 1);
    CHECK_EQ_INT(ref_wl_db_remove(db, L.e[0].id, err, sizeof err), 0);
    ref_wl_set_free(&L);
    ref_wl_set_init(&L);
    CHECK_EQ_INT(ref_wl_db_load(db, "ofac-sdn", &L, err, sizeof err), 0);
    CHECK_EQ_INT(L.n, S.n - 1);
    ref_wl_set_free(&L);
    ref_db_close(db);
    unlink(dbp);
    unlink(csvp);
}

static void test_user_csv(void)
{
    char p[] = "/tmp/atalaya_wlcsv_XXXXXX";
    int fd = mkstemp(p);
    const char *csv = "kind,name,imo,mmsi,icao24,registration,callsign_prefix,flag,program,note\n"
                      "vessel,\"M/V Sea Star\",9123456,,,,,Malta,mine,watch\n"
                      "aircraft,Test jet,,,ABC123,g-abcd,,,mine,\n"
                      "organisation,Example Air,,,,,exa,,mine,\n";
    CHECK(write(fd, csv, strlen(csv)) == (ssize_t)strlen(csv));
    close(fd);
    struct ref_wl_set u;
    char err[256];
    ref_wl_set_init(&u);
    CHECK_EQ_INT(ref_wl_import_csv(&u, p, "mine", err, sizeof err), 0);
    CHECK_EQ_INT(u.n, 3);
    struct ref_wl_index *x = ref_wl_index_build(&u, NULL);
    struct ref_wl_match m[4];
    struct ref_wl_vessel v = {.name = "SEA STAR", .flag = "Malta"};
    CHECK(ref_wl_match_vessel(x, &v, m, 4) == 1 && m[0].rule == REF_WL_RULE_NAME_FLAG);
    struct ref_wl_aircraft a = {.icao24 = 0xabc123, .registration = "G-ABCD", .callsign = "EXA42"};
    int n = ref_wl_match_aircraft(x, &a, m, 4);
    CHECK(n == 2 && m[0].rule == REF_WL_RULE_ICAO24 && m[1].rule == REF_WL_RULE_OPERATOR);
    ref_wl_index_free(x);
    ref_wl_set_free(&u);
    ref_wl_set_init(&u);
    const char *bad = "kind,name\nsubmarine,X\n";
    fd = open(p, O_WRONLY | O_TRUNC);
    CHECK(write(fd, bad, strlen(bad)) == (ssize_t)strlen(bad));
    close(fd);
    CHECK_EQ_INT(ref_wl_import_csv(&u, p, "mine", err, sizeof err), -1);
    ref_wl_set_free(&u);
    unlink(p);
}

int main(void)
{
    char err[512] = "", dir[1024], sdn[1100];
    const char *root = getenv("ATALAYA_ROOT");
    snprintf(dir, sizeof dir, "%s/data", root ? root : ".");
    snprintf(sdn, sizeof sdn, "%s/sanctions/sdn_2024-05-03.csv.gz", dir);
    R = ref_load(dir, err, sizeof err);
    ref_wl_set_init(&S);
    if (!R || ref_wl_import_sdn(&S, sdn, "2024-05-03", R, &ST, err, sizeof err)) {
        fprintf(stderr, "setup: %s\n", err);
        return 1;
    }
    X = ref_wl_index_build(&S, NULL);
    RUN(test_sdn_counts);
    RUN(test_sdn_entries);
    RUN(test_operator_links);
    RUN(test_match_aircraft);
    RUN(test_match_vessel);
    RUN(test_name_normalisation);
    RUN(test_ofac_lookup_all);
    RUN(test_store_and_registry);
    RUN(test_user_csv);
    ref_wl_index_free(X);
    ref_wl_set_free(&S);
    ref_free(R);
    TEST_MAIN_END();
}
