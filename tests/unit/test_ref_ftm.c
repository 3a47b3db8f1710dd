/* test_ref_ftm.c: identifier hygiene (IMO check digit, prefixes and
 * suffixes, MMSI, registrations) and the OpenSanctions FollowTheMoney
 * importer on the small files written for these tests
 * (tests/samples/sanctions: both the flat and the nested form). */
#include "test.h"

#include <sqlite3.h>

#include "ref/db.h"
#include "ref/ref.h"
#include "ref/watchlist.h"

static struct ref *R;
static char Samples[1024];

static void test_norm_imo(void)
{
    char o[64];
    CHECK_EQ_INT(ref_wl_norm_imo("9228980 (Russia)", o, sizeof o), 1);
    CHECK_STR(o, "9228980");
    CHECK_EQ_INT(ref_wl_norm_imo("IMO 9256860", o, sizeof o), 1);
    CHECK_STR(o, "9256860");
    CHECK_EQ_INT(ref_wl_norm_imo("imo no. 9283746", o, sizeof o), 1);
    CHECK_STR(o, "9283746");
    CHECK_EQ_INT(ref_wl_norm_imo(" IMO:9283760 ", o, sizeof o), 1);
    CHECK_STR(o, "9283760");
    /* Wrong check digit: the digits are kept, flagged. */
    CHECK_EQ_INT(ref_wl_norm_imo("9228981", o, sizeof o), 0);
    CHECK_STR(o, "9228981");
    /* Not seven digits: kept as written. */
    CHECK_EQ_INT(ref_wl_norm_imo("IMO 543400", o, sizeof o), 0);
    CHECK_STR(o, "IMO 543400");
    CHECK_EQ_INT(ref_wl_norm_imo("  ", o, sizeof o), -1);
    CHECK(ref_imo_check(9074729) && !ref_imo_check(9074728) && !ref_imo_check(123));
}

static void test_norm_mmsi_registration(void)
{
    char o[64];
    CHECK_EQ_INT(ref_wl_norm_mmsi("MMSI 422303000", o, sizeof o), 1);
    CHECK_STR(o, "422303000");
    CHECK_EQ_INT(ref_wl_norm_mmsi("273 452 310", o, sizeof o), 1);
    CHECK_STR(o, "273452310");
    CHECK_EQ_INT(ref_wl_norm_mmsi("42230300", o, sizeof o), 0);
    CHECK_EQ_INT(ref_wl_norm_mmsi("000000000", o, sizeof o), 0);
    CHECK_EQ_INT(ref_wl_norm_registration("ep-gom", o, sizeof o), 1);
    CHECK_STR(o, "EP-GOM");
    CHECK_EQ_INT(ref_wl_norm_registration("YV3344 (Venezuela)", o, sizeof o), 1);
    CHECK_STR(o, "YV3344");
    CHECK_EQ_INT(ref_wl_norm_registration("EP GOM", o, sizeof o), 1);
    CHECK_STR(o, "EPGOM");
    CHECK_EQ_INT(ref_wl_norm_registration("EP/G*M", o, sizeof o), 0);
    CHECK_STR(o, "EP/G*M");
    char k1[16], k2[16];
    CHECK_STR(ref_wl_reg_key("EP-GOM", k1, sizeof k1), ref_wl_reg_key("epgom", k2, sizeof k2));
}

static const struct ref_wl_entry *by_id(const struct ref_wl_set *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->e[i].entry_num && !strcmp(s->e[i].entry_num, id))
            return &s->e[i];
    return NULL;
}

static int has(const struct ref_wl_entry *e, enum ref_wl_id t, const char *v)
{
    for (int i = 0; e && i < e->nids; i++)
        if (e->ids[i].type == t && !strcmp(e->ids[i].value, v))
            return 1;
    return 0;
}

static void test_ftm_flat(void)
{
    char path[1200], err[512];
    snprintf(path, sizeof path, "%s/entities.ftm.json", Samples);
    struct ref_wl_set s;
    struct ref_wl_ftm_stats st;
    ref_wl_set_init(&s);
    CHECK_EQ_INT(ref_wl_import_ftm(&s, path, "opensanctions", R, &st, err, sizeof err), 0);
    CHECK_EQ_INT(st.bad_lines, 2); /* a text line and a JSON array */
    CHECK_EQ_INT(st.sanctions, 4);
    CHECK_EQ_INT(st.sanctions_linked, 3); /* the person's is not ours */
    CHECK_EQ_INT(st.vessels, 2);
    CHECK_EQ_INT(st.aircraft, 1);
    /* The airline (sanctioned, operator) and the ship manager (operator);
     * the unrelated organisation is left out. */
    CHECK_EQ_INT(st.organisations, 2);
    CHECK(!by_id(&s, "t-org-free") && !by_id(&s, "t-person-1"));
    const struct ref_wl_entry *v = by_id(&s, "t-vessel-1");
    CHECK(v && v->kind == REF_WL_VESSEL && !strcmp(v->name, "NORTHERN STAR"));
    CHECK(has(v, REF_WL_ID_IMO, "9176541") && has(v, REF_WL_ID_MMSI, "273452310"));
    CHECK(has(v, REF_WL_ID_CALL_SIGN, "UBCD7") && has(v, REF_WL_ID_ALIAS, "STAR ONE"));
    CHECK(has(v, REF_WL_ID_ALIAS, "OCEAN PEARL") && !has(v, REF_WL_ID_ALIAS, "NORTHERN STAR"));
    CHECK(has(v, REF_WL_ID_PAST_FLAG, "pa") && has(v, REF_WL_ID_PAST_FLAG, "km"));
    CHECK(v && v->flag && !strcmp(v->flag, "ru"));
    CHECK(has(v, REF_WL_ID_REGISTRATION, "RU-12345"));
    CHECK(has(v, REF_WL_ID_DATASET, "us_ofac_sdn") && has(v, REF_WL_ID_DATASET, "eu_fsf"));
    CHECK(has(v, REF_WL_ID_SOURCE_URL, "https://sanctions.example.org/vessel/1"));
    /* Two sanctions, one listed before the vessel in the file. */
    CHECK(v && v->program && !strcmp(v->program, "RUSSIA-EO14024; EU 833/2014"));
    CHECK(has(v, REF_WL_ID_AUTHORITY, "Office of Foreign Assets Control"));
    CHECK(has(v, REF_WL_ID_AUTHORITY, "Council of the European Union"));
    CHECK(has(v, REF_WL_ID_LISTED, "2024-02-23") && has(v, REF_WL_ID_LISTED, "2024-06-24"));
    CHECK(has(v, REF_WL_ID_OPERATOR, "Example Shipmanagement LLC"));
    const struct ref_wl_entry *w = by_id(&s, "t-vessel-2");
    CHECK(has(w, REF_WL_ID_IMO, "9350123") && has(w, REF_WL_ID_IMO_INVALID, "1234560"));
    CHECK(has(w, REF_WL_ID_MMSI_INVALID, "12345") && !ref_wl_entry_get(w, REF_WL_ID_MMSI));
    CHECK_EQ_INT(st.invalid_ids, 2);
    const struct ref_wl_entry *a = by_id(&s, "t-plane-1");
    CHECK(a && a->kind == REF_WL_AIRCRAFT && has(a, REF_WL_ID_REGISTRATION, "EP-TST"));
    CHECK(has(a, REF_WL_ID_MODEL, "A343") && has(a, REF_WL_ID_MSN, "1234"));
    CHECK(has(a, REF_WL_ID_OPERATOR, "Mahan Air") && a->program && !strcmp(a->program, "SDGT"));
    const struct ref_wl_entry *o = by_id(&s, "t-org-air");
    CHECK(o && o->kind == REF_WL_ORGANISATION && has(o, REF_WL_ID_DESIGNATOR, "IRM"));
    CHECK(has(o, REF_WL_ID_LISTED, "2011-10-12"));

    /* Matching by every identifier. */
    struct ref_wl_index *x = ref_wl_index_build(&s, NULL);
    struct ref_wl_match m[8];
    struct ref_wl_vessel q = {.imo = 9176541};
    CHECK(ref_wl_match_vessel(x, &q, m, 8) == 1 && m[0].entry == v && m[0].rule == REF_WL_RULE_IMO);
    q = (struct ref_wl_vessel){.mmsi = 273452310};
    CHECK(ref_wl_match_vessel(x, &q, m, 8) == 1 && m[0].entry == v);
    q = (struct ref_wl_vessel){.name = "Ocean Pearl"};
    CHECK(ref_wl_match_vessel(x, &q, m, 8) == 1 && m[0].entry == v && m[0].weak);
    q = (struct ref_wl_vessel){.imo = 1234560}; /* the flagged IMO, sent as written */
    CHECK(ref_wl_match_vessel(x, &q, m, 8) == 1 && m[0].entry == w);
    struct ref_wl_aircraft ac = {.icao24 = 0xFFFFFFFF, .registration = "EPTST"};
    CHECK(ref_wl_match_aircraft(x, &ac, m, 8) == 1 && m[0].entry == a);
    ac = (struct ref_wl_aircraft){.icao24 = 0xFFFFFFFF, .callsign = "IRM1071"};
    CHECK(ref_wl_match_aircraft(x, &ac, m, 8) == 1 && m[0].entry == o &&
          m[0].rule == REF_WL_RULE_OPERATOR);
    /* A vessel's national registration never matches a tail number. */
    ac = (struct ref_wl_aircraft){.icao24 = 0xFFFFFFFF, .registration = "RU-12345"};
    CHECK_EQ_INT(ref_wl_match_aircraft(x, &ac, m, 8), 0);
    ref_wl_index_free(x);

    /* Through the store and back, with every identifier type. */
    char dbp[] = "/tmp/atalaya_ftm_XXXXXX";
    int fd = mkstemp(dbp);
    close(fd);
    struct sqlite3 *db;
    CHECK_EQ_INT(ref_db_open(dbp, &db, err, sizeof err), 0);
    CHECK_EQ_INT(ref_wl_db_replace(db, "opensanctions", &s, err, sizeof err), 0);
    struct ref_wl_set l;
    ref_wl_set_init(&l);
    CHECK_EQ_INT(ref_wl_db_load(db, "opensanctions", &l, err, sizeof err), 0);
    CHECK_EQ_INT(l.n, s.n);
    const struct ref_wl_entry *lv = by_id(&l, "t-vessel-1");
    CHECK(lv && v && lv->nids == v->nids && has(lv, REF_WL_ID_LISTED, "2024-06-24"));
    CHECK(has(by_id(&l, "t-vessel-2"), REF_WL_ID_IMO_INVALID, "1234560"));
    ref_wl_set_free(&l);
    ref_db_close(db);
    unlink(dbp);
    ref_wl_set_free(&s);
}

static void test_ftm_nested(void)
{
    char path[1200], err[512];
    snprintf(path, sizeof path, "%s/targets.nested.json", Samples);
    struct ref_wl_set s;
    struct ref_wl_ftm_stats st;
    ref_wl_set_init(&s);
    CHECK_EQ_INT(ref_wl_import_ftm(&s, path, "os", R, &st, err, sizeof err), 0);
    CHECK_EQ_INT(st.bad_lines, 0);
    CHECK_EQ_INT(st.sanctions_linked, 2);
    const struct ref_wl_entry *v = by_id(&s, "n-vessel-1");
    CHECK(has(v, REF_WL_ID_IMO, "9246815") && has(v, REF_WL_ID_MMSI, "636019825"));
    /* The nested sanction names no entity: it is the target's. */
    CHECK(v && v->program && !strcmp(v->program, "Russia"));
    CHECK(has(v, REF_WL_ID_LISTED, "2024-05-09"));
    CHECK(has(v, REF_WL_ID_AUTHORITY, "Office of Financial Sanctions Implementation"));
    CHECK(has(v, REF_WL_ID_SOURCE_URL, "https://sanctions.example.org/uk/7/designation"));
    CHECK(has(v, REF_WL_ID_OWNER, "Dawn Shipping Ltd") && by_id(&s, "n-org-1"));
    const struct ref_wl_entry *a = by_id(&s, "n-plane-1");
    CHECK(has(a, REF_WL_ID_REGISTRATION, "YV3344") && a && !strcmp(a->program, "VENEZUELA-EO13884"));
    /* The nested operator is linked to its designator by abbreviation. */
    CHECK(has(by_id(&s, "n-org-2"), REF_WL_ID_DESIGNATOR, "VCV"));
    ref_wl_set_free(&s);
    /* No entities at all is an error, with the count of bad lines. */
    ref_wl_set_init(&s);
    CHECK_EQ_INT(ref_wl_import_ftm(&s, "/dev/null", "os", NULL, &st, err, sizeof err), -1);
    CHECK(strstr(err, "no FollowTheMoney entities") != NULL);
    ref_wl_set_free(&s);
}

int main(void)
{
    char err[512] = "", dir[1024];
    const char *root = getenv("ATALAYA_ROOT");
    snprintf(dir, sizeof dir, "%s/data", root ? root : ".");
    snprintf(Samples, sizeof Samples, "%s/tests/samples/sanctions", root ? root : ".");
    R = ref_load(dir, err, sizeof err);
    if (!R) {
        fprintf(stderr, "setup: %s\n", err);
        return 1;
    }
    RUN(test_norm_imo);
    RUN(test_norm_mmsi_registration);
    RUN(test_ftm_flat);
    RUN(test_ftm_nested);
    ref_free(R);
    TEST_MAIN_END();
}
