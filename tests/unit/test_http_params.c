/* test_http_params.c: the API's parameter parsers (src/http/api_params.c):
 * what is accepted, what is refused, and the values. */
#include "test.h"

#include "http/api.h"
#include "store/store.h"

static void test_time(void)
{
    int64_t t = 0;
    CHECK(api_parse_time("1772445600000", &t) == 0);
    CHECK_EQ_INT(t, 1772445600000LL);
    CHECK(api_parse_time("2026-03-02T10:00:00Z", &t) == 0);
    CHECK_EQ_INT(t, 1772445600000LL);
    CHECK(api_parse_time("2026-03-02T10:00:00.250Z", &t) == 0);
    CHECK_EQ_INT(t, 1772445600250LL);
    CHECK(api_parse_time("2026-03-02T11:00:00+01:00", &t) == 0);
    CHECK_EQ_INT(t, 1772445600000LL);
    CHECK(api_parse_time("2026-03-02T10:00Z", &t) == 0);
    CHECK_EQ_INT(t, 1772445600000LL);
    CHECK(api_parse_time("2026-03-02", &t) == 0);
    CHECK_EQ_INT(t, 1772409600000LL);
    CHECK(api_parse_time("", &t) != 0);
    CHECK(api_parse_time("yesterday", &t) != 0);
    CHECK(api_parse_time("2026-02-31T00:00:00Z", &t) != 0);
    CHECK(api_parse_time("2026-03-02T25:00:00Z", &t) != 0);
    CHECK(api_parse_time("2026-03-02T10:00:00Zjunk", &t) != 0);
    CHECK(api_parse_time("-5", &t) != 0);
    CHECK(api_parse_time("12e3", &t) != 0);
    CHECK(api_parse_time("99999999999999999999", &t) != 0);
}

static void test_bbox(void)
{
    double b[4];
    CHECK(api_parse_bbox("10.5,-70,12,-60.25", b) == 0);
    CHECK_NEAR(b[0], 10.5, 1e-12);
    CHECK_NEAR(b[1], -70, 1e-12);
    CHECK_NEAR(b[2], 12, 1e-12);
    CHECK_NEAR(b[3], -60.25, 1e-12);
    CHECK(api_parse_bbox("10,-70,12", b) != 0);
    CHECK(api_parse_bbox("10,-70,12,-60,5", b) != 0);
    CHECK(api_parse_bbox("91,0,0,0", b) != 0);
    CHECK(api_parse_bbox("0,181,0,0", b) != 0);
    CHECK(api_parse_bbox("nan,0,0,0", b) != 0);
    CHECK(api_parse_bbox("0x1,0,0,0", b) != 0);
    CHECK(api_parse_bbox("1,,2,3", b) != 0);
}

static void test_limit_entity_words(void)
{
    size_t n;
    CHECK(api_parse_limit(NULL, 50, 100, &n) == 0 && n == 50);
    CHECK(api_parse_limit("7", 50, 100, &n) == 0 && n == 7);
    CHECK(api_parse_limit("0", 50, 100, &n) != 0);
    CHECK(api_parse_limit("101", 50, 100, &n) != 0);
    CHECK(api_parse_limit("-1", 50, 100, &n) != 0);
    CHECK(api_parse_limit("ten", 50, 100, &n) != 0);
    uint8_t k;
    uint32_t id;
    CHECK(api_parse_entity("vessel", "211000001", &k, &id) == 0 && k == STORE_VESSEL && id == 211000001);
    CHECK(api_parse_entity("aircraft", "ABC123", &k, &id) == 0 && k == STORE_AIRCRAFT && id == 0xabc123);
    CHECK(api_parse_entity("vessel", "1234567890", &k, &id) != 0);
    CHECK(api_parse_entity("vessel", "12a", &k, &id) != 0);
    CHECK(api_parse_entity("aircraft", "abc12", &k, &id) != 0);
    CHECK(api_parse_entity("aircraft", "abc12g", &k, &id) != 0);
    CHECK(api_parse_entity("boat", "1", &k, &id) != 0);
    CHECK(api_parse_entity_ref("aircraft:0d0a1b", &k, &id) == 0 && k == STORE_AIRCRAFT && id == 0x0d0a1b);
    CHECK(api_parse_entity_ref("vessel211000001", &k, &id) != 0);
    char store[64];
    const char *w[4];
    CHECK_EQ_INT(api_parse_words("ais_gap,encounter", store, sizeof store, w, 4), 2);
    CHECK_STR(w[1], "encounter");
    CHECK_EQ_INT(api_parse_words("a,b,c,d,e", store, sizeof store, w, 4), -1);
    CHECK_EQ_INT(api_parse_words("gap;drop", store, sizeof store, w, 4), -1);
    CHECK_EQ_INT(api_parse_words("gap,", store, sizeof store, w, 4), -1);
    bool b;
    CHECK(api_parse_bool("1", &b) == 0 && b);
    CHECK(api_parse_bool("false", &b) == 0 && !b);
    CHECK(api_parse_bool("maybe", &b) != 0);
}

int main(void)
{
    RUN(test_time);
    RUN(test_bbox);
    RUN(test_limit_entity_words);
    TEST_MAIN_END();
}
