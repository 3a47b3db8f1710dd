/* test_net_listener.c: the accept guard (src/net/listener.c) on loopback:
 * caps per listener and in total (the connection beyond is closed at once),
 * a closed connection making room without being reported, idle connections
 * shut down while a talking one stays, and a descriptor shortage pausing the
 * listener instead of calling back in a loop. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/listener.h"
#include "net/loop.h"
#include "net/sock.h"
#include "test.h"

static int port_of(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    return ntohs(sa.sin_port);
}

/* A blocking client connected to 127.0.0.1:port. */
static int client(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Whether the server side closed or shut down this client's connection. */
static bool sees_end(int fd)
{
    char c;
    return recv(fd, &c, 1, 0) == 0;
}

static void no_cb(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    (void)l, (void)fd, (void)ev, (void)ctx;
}

/* accept until a connection is taken (the kernel may not have queued it yet). */
static int accept_one(struct net_listeners *g, int lfd)
{
    for (int i = 0; i < 200; i++) {
        int fd = net_listeners_accept(g, lfd);
        if (fd >= 0 || errno != EAGAIN)
            return fd;
        usleep(5000);
    }
    return -1;
}

static void test_caps_and_idle(void)
{
    struct net_loop *loop = net_loop_new();
    struct net_listeners *g = net_listeners_new(loop, &(struct net_listen_limits){.max_total = 3});
    int la = net_tcp_listen("127.0.0.1", "0"), lb = net_tcp_listen("127.0.0.1", "0");
    CHECK(la >= 0 && lb >= 0);
    CHECK(net_listeners_add(g, la, 2, 300, no_cb, NULL) == 0);
    CHECK(net_listeners_add(g, lb, 0, 0, no_cb, NULL) == 0);
    int pa = port_of(la), pb = port_of(lb);

    /* Two on a, the third refused by a's cap. */
    int c1 = client(pa), c2 = client(pa), c3 = client(pa);
    int s1 = accept_one(g, la), s2 = accept_one(g, la);
    CHECK(s1 >= 0 && s2 >= 0);
    CHECK(accept_one(g, la) < 0);
    CHECK(sees_end(c3));
    /* One on b fills the group (3); a fourth on b is refused by the total. */
    int c4 = client(pb), c5 = client(pb);
    int s4 = accept_one(g, lb);
    CHECK(s4 >= 0);
    CHECK(accept_one(g, lb) < 0);
    CHECK(sees_end(c5));
    struct net_listen_stats st;
    net_listeners_stats(g, &st);
    CHECK_EQ_INT(st.accepted, 3);
    CHECK_EQ_INT(st.refused, 2);
    CHECK_EQ_INT(st.open, 3);

    /* The owner closes s2 without telling: room for another on a. */
    close(s2);
    close(c2);
    int c6 = client(pa);
    int s6 = accept_one(g, la);
    CHECK(s6 >= 0);

    /* Idle: c1 says nothing, c6 keeps talking; b's has no time-out. */
    for (int i = 0; i < 8; i++) {
        usleep(50000);
        CHECK(write(c6, "x", 1) == 1);
        net_listeners_check(g);
    }
    net_listeners_stats(g, &st);
    CHECK_EQ_INT(st.idle_closed, 1);
    CHECK(sees_end(c1));
    char buf[16];
    CHECK(read(s1, buf, sizeof buf) == 0); /* the owner sees the end as from the peer */
    struct timeval tv = {.tv_usec = 100000};
    setsockopt(c6, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c4, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK(recv(c6, buf, 1, 0) < 0 && errno == EAGAIN); /* still open */
    CHECK(recv(c4, buf, 1, 0) < 0 && errno == EAGAIN);

    int fds[] = {c1, c3, c4, c5, c6, s1, s4, s6, la, lb};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        close(fds[i]);
    net_listeners_free(g);
    net_loop_free(loop);
}

/* --- descriptor shortage --- */

static struct {
    struct net_listeners *g;
    int calls, accepted, ticks;
    int fds[8];
} sh;

static void shortage_cb(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    (void)l, (void)ev, (void)ctx;
    sh.calls++;
    int c = net_listeners_accept(sh.g, fd);
    if (c >= 0 && sh.accepted < 8)
        sh.fds[sh.accepted++] = c;
}

static void shortage_tick(struct net_loop *l, void *ctx)
{
    struct rlimit *saved = ctx;
    /* After 600 ms of shortage, descriptors come back; stop 600 ms later. */
    if (++sh.ticks == 12)
        setrlimit(RLIMIT_NOFILE, saved);
    if (sh.ticks == 24)
        net_loop_stop(l);
}

static void test_descriptor_shortage(void)
{
    struct net_loop *loop = net_loop_new();
    sh.g = net_listeners_new(loop, &(struct net_listen_limits){.pause_min_ms = 50, .pause_max_ms = 200});
    int lfd = net_tcp_listen("127.0.0.1", "0");
    CHECK(net_listeners_add(sh.g, lfd, 0, 0, shortage_cb, NULL) == 0);
    int c = client(port_of(lfd));
    CHECK(c >= 0);
    struct rlimit saved, low;
    getrlimit(RLIMIT_NOFILE, &saved);
    low = saved;
    /* No descriptor free above the ones open now (the highest is c). */
    low.rlim_cur = (rlim_t)c + 1;
    CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
    net_loop_every(loop, 50, shortage_tick, &saved);
    net_loop_run(loop);
    struct net_listen_stats st;
    net_listeners_stats(sh.g, &st);
    /* Level-triggered epoll would have called back thousands of times;
     * paused, the listener is polled a handful of times (50, 100, 200 ms). */
    CHECK(sh.calls >= 2 && sh.calls < 20);
    CHECK(st.pauses >= 2 && st.pauses < 20);
    CHECK_EQ_INT(sh.accepted, 1); /* taken once descriptors came back */
    CHECK_EQ_INT(st.paused, 0);
    if (sh.calls >= 20)
        fprintf(stderr, "callbacks during the shortage: %d\n", sh.calls);
    for (int i = 0; i < sh.accepted; i++)
        close(sh.fds[i]);
    close(c);
    close(lfd);
    net_listeners_free(sh.g);
    net_loop_free(loop);
}

int main(void)
{
    RUN(test_caps_and_idle);
    RUN(test_descriptor_shortage);
    TEST_MAIN_END();
}
