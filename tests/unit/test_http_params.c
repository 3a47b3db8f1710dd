/* test_http_params.c: the API's parameter parsers (src/http/api_params.c):
 * what is accepted, what is refused, and the values; the per-endpoint check
 * (empty values, unknown event kinds); content negotiation (encode.c: gzip,
 * entity tags); the connection book's limits and deadlines (conns.c). */
#include "test.h"

#include <jansson.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <zlib.h>

#include "common/json.h"
#include "http/api.h"
#include "http/conns.h"
#include "http/http_internal.h"
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

/* A query string "k=v&k2=&k3" as the server hands it to the API: a bare or
 * empty parameter reads as "". */
static const char *query_arg(void *cls, const char *name)
{
    static char v[128];
    size_t n = strlen(name);
    for (const char *p = cls; p && *p;) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= n && strncmp(p, name, n) == 0 && (len == n || p[n] == '=')) {
            size_t vl = len > n ? len - n - 1 : 0;
            memcpy(v, p + n + (len > n), vl);
            v[vl] = 0;
            return v;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

static int check(const char *endpoint, const char *query)
{
    struct api_req r = {.method = "GET", .path = "/", .arg = query_arg, .arg_cls = (void *)query};
    struct api_reply out = {0};
    buf_init(&out.body, 64);
    int st = api_check_params(endpoint, &r, &out);
    if (st)
        CHECK(strstr(out.body.p, "\"status\":400") != NULL);
    buf_free(&out.body);
    return st;
}

static void test_check_params(void)
{
    CHECK_EQ_INT(check("events", "kind=ais_gap,flight&limit=5"), 0);
    CHECK_EQ_INT(check("events", "kind=yesterday"), 400);
    CHECK_EQ_INT(check("events", "kind=ais_gap,bogus"), 400);
    CHECK_EQ_INT(check("events", "limit="), 400);
    CHECK_EQ_INT(check("events", "limit"), 400);
    CHECK_EQ_INT(check("entities", "at="), 400);
    CHECK_EQ_INT(check("entities", "at=2026-01-01&cachebuster="), 0); /* not a parameter of entities */
    CHECK_EQ_INT(check("track", "from=&to=1"), 400);
    CHECK_EQ_INT(check("flights", "operator="), 400);
    CHECK_EQ_INT(check("timespan", "at="), 0);
    static const char *const kinds[] = {"ais_gap", "encounter", "loitering", "port_call", "flight",
                                        "geofence_enter", "watchlist_sighting", "gnss_jamming_area", "distress"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        CHECK(api_event_kind_known(kinds[i]));
    CHECK(!api_event_kind_known("AIS_GAP"));
}

static void test_encode(void)
{
    CHECK(http_accepts_gzip("gzip, deflate, br"));
    CHECK(http_accepts_gzip("br;q=1.0, gzip;q=0.8"));
    CHECK(http_accepts_gzip("*"));
    CHECK(!http_accepts_gzip("gzip;q=0"));
    CHECK(!http_accepts_gzip("*, gzip;q=0"));
    CHECK(!http_accepts_gzip("identity"));
    CHECK(!http_accepts_gzip(NULL));
    CHECK(!http_accepts_gzip("gzipx"));
    CHECK(http_compressible("application/json") && http_compressible("text/javascript; charset=utf-8"));
    CHECK(!http_compressible("image/png"));

    char a[HTTP_ETAG_LEN], b[HTTP_ETAG_LEN];
    http_etag_of("abc", 3, a);
    http_etag_of("abd", 3, b);
    CHECK(strcmp(a, b) != 0);
    CHECK_EQ_INT(strlen(a), 20);
    CHECK(http_etag_matches(a, a));
    char list[80], strong[24];
    snprintf(list, sizeof list, "\"x\", %s", a);
    CHECK(http_etag_matches(list, a));
    snprintf(strong, sizeof strong, "%s", a + 2); /* the same tag without W/ */
    CHECK(http_etag_matches(strong, a));
    CHECK(!http_etag_matches(b, a));
    CHECK(http_etag_matches("*", a));
    CHECK(!http_etag_matches(NULL, a));

    /* gzip that zlib reads back. */
    struct buf z;
    buf_init(&z, 16);
    char text[2000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "atalaya "[i % 8];
    CHECK(http_gzip(text, sizeof text, &z) == 0);
    CHECK(z.len > 18 && z.len < 200 && (unsigned char)z.p[0] == 0x1f && (unsigned char)z.p[1] == 0x8b);
    char back[4000];
    z_stream s = {0};
    CHECK(inflateInit2(&s, 31) == Z_OK);
    s.next_in = (Bytef *)z.p;
    s.avail_in = (uInt)z.len;
    s.next_out = (Bytef *)back;
    s.avail_out = sizeof back;
    CHECK(inflate(&s, Z_FINISH) == Z_STREAM_END);
    CHECK(s.total_out == sizeof text && memcmp(back, text, sizeof text) == 0);
    inflateEnd(&s);
    buf_free(&z);
}

/* Event details as the store keeps them (jansson wrote 17 digits) come out
 * shortest, coordinates at 6 decimals, keys escaped. */
static void test_write_json(void)
{
    json_t *j = json_loads("{\"gap_s\":27.190000000000001,\"lat\":12.269775123,\"rejected_lon\":-62.2051774,"
                           "\"lat2\":1.5,\"latency\":0.30000000000000004,\"n\":3,\"a\":[0.1,true,null],"
                           "\"k\\\"q\":\"v\"}",
                           0, NULL);
    CHECK(j != NULL);
    struct buf b;
    struct jw w;
    buf_init(&b, 64);
    jw_init(&w, &b);
    api_write_json(&w, NULL, j);
    buf_putc(&b, 0);
    CHECK_STR(b.p, "{\"gap_s\":27.19,\"lat\":12.269775,\"rejected_lon\":-62.205177,\"lat2\":1.500000,"
                   "\"latency\":0.30000000000000004,\"n\":3,\"a\":[0.1,true,null],\"k\\\"q\":\"v\"}");
    json_decref(j);
    buf_free(&b);
}

/* Whether the peer of a shut-down socket sees the end. */
static bool peer_closed(int fd)
{
    char c;
    return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

static void test_conns(void)
{
    struct http_conn_limits lim = {.max_total = 4, .max_per_addr = 2, .deadline_ms = 10000, .over_ms = 2000,
                                   .evict_ms = 1000};
    struct http_conns *t = http_conns_new(&lim);
    struct sockaddr_in a1 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    struct sockaddr_in a2 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000002)};
    int sp[8][2];
    for (int i = 0; i < 8; i++)
        CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp[i]) == 0);
    /* Two from one address: both admitted. */
    struct http_conn *c0 = http_conns_open(t, (struct sockaddr *)&a1, sp[0][0], 0);
    struct http_conn *c1 = http_conns_open(t, (struct sockaddr *)&a1, sp[1][0], 500);
    CHECK(!http_conn_over(t, c0) && !http_conn_over(t, c1));
    /* A third at 600 ms: nobody has been slow for 1 s yet: over (503). */
    struct http_conn *c2 = http_conns_open(t, (struct sockaddr *)&a1, sp[2][0], 600);
    CHECK(http_conn_over(t, c2));
    /* c1's request is whole (a stream, say): never evicted nor timed out. */
    http_conns_answered(t, c1);
    /* At 1.5 s a fourth evicts the slowest still sending: c0, not c1. */
    struct http_conn *c3 = http_conns_open(t, (struct sockaddr *)&a1, sp[3][0], 1500);
    CHECK(!http_conn_over(t, c3));
    CHECK(peer_closed(sp[0][1]));
    CHECK(!peer_closed(sp[1][1]));
    http_conns_close(t, c0);
    /* Another address is not held back by the first one's. */
    struct http_conn *d0 = http_conns_open(t, (struct sockaddr *)&a2, sp[4][0], 1600);
    CHECK(!http_conn_over(t, d0));
    struct http_conn_counters n;
    CHECK_EQ_INT(http_conns_count(t, &n), 4);
    CHECK_EQ_INT(n.evicted, 1);
    CHECK_EQ_INT(n.over, 1);
    /* The over one goes after 2 s; the others after 10 s unless answered. */
    CHECK_EQ_INT(http_conns_sweep(t, 2700), 1);
    CHECK(peer_closed(sp[2][1]));
    CHECK_EQ_INT(http_conns_sweep(t, 11400), 0);
    CHECK_EQ_INT(http_conns_sweep(t, 11600), 2); /* c3 and d0 */
    CHECK(!peer_closed(sp[1][1]));
    /* Once answered, a kept-alive connection's clock restarts. */
    http_conns_idle(t, c1, 11600);
    CHECK_EQ_INT(http_conns_sweep(t, 21000), 0);
    CHECK_EQ_INT(http_conns_sweep(t, 21700), 1);
    CHECK(peer_closed(sp[1][1]));
    CHECK_EQ_INT(http_conns_count(t, &n), 0);
    CHECK_EQ_INT(n.expired, 4);
    http_conns_close(t, c1);
    http_conns_close(t, c2);
    http_conns_close(t, c3);
    http_conns_close(t, d0);
    http_conns_free(t);
    for (int i = 0; i < 8; i++)
        close(sp[i][0]), close(sp[i][1]);
}

int main(void)
{
    RUN(test_time);
    RUN(test_bbox);
    RUN(test_limit_entity_words);
    RUN(test_check_params);
    RUN(test_encode);
    RUN(test_write_json);
    RUN(test_conns);
    TEST_MAIN_END();
}
