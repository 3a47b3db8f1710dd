#!/usr/bin/env python3
"""http_load_test.py ATALAYA ROOT WORKDIR: `atalaya serve` under abuse, on
loopback only, bounded in time (about 30 s):

- keep-alive and pipelining: 5 requests written at once get 5 answers on one
  connection, which then takes a sixth;
- slowloris: 250 connections from 127.0.0.1 and 150 from each of two more
  addresses (550, past the server's 512) trickle a header byte a second;
  another client on 127.0.0.1, and one on 127.0.0.2, still get answers,
  and the trickling ones are cut at the request deadline (10 s) although
  they never stop sending;
- JSON 4xx for bad, empty and unknown parameters, and for oversize URLs,
  queries, headers and bodies;
- gzip when asked for, ETag and If-None-Match (304) on the /data documents,
  API answers and static files;
- the counters of all this in /api/v1/stats.

Prints ok/not ok lines."""
import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time

atalaya, root, work = sys.argv[1:4]
HOST = "127.0.0.1"
failures = 0


def ok(cond, name, detail=""):
    global failures
    print(("ok - " if cond else "not ok - ") + name + ("" if cond or not detail else f" ({detail})"), flush=True)
    failures += not cond
    return cond


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Conn:
    """A raw keep-alive client (http.client hides what we want to see)."""

    def __init__(self, port, source=HOST, timeout=5):
        self.s = socket.create_connection((HOST, port), timeout=timeout, source_address=(source, 0))
        self.buf = b""

    def _more(self):
        d = self.s.recv(65536)
        if not d:
            raise ConnectionError("closed by the server")
        self.buf += d

    def response(self, head_only=False):
        """One HTTP/1.1 response: (status, headers dict, body)."""
        while b"\r\n\r\n" not in self.buf:
            self._more()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        n = 0 if head_only or status == 304 else int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            self._more()
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, headers, body

    def send(self, path, headers=None, method="GET"):
        h = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.s.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\n{h}\r\n".encode())

    def get(self, path, headers=None, method="GET"):
        self.send(path, headers, method)
        return self.response(head_only=method == "HEAD")

    def close(self):
        self.s.close()


def get(port, path, headers=None, source=HOST, method="GET"):
    c = Conn(port, source)
    try:
        return c.get(path, headers, method)
    finally:
        c.close()


def is_json_error(status, headers, body, want):
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    return status == want and headers.get("content-type") == "application/json" and doc.get("status") == want


# ----------------------------------------------------------------- a store
db, nmea = os.path.join(work, "t.db"), os.path.join(work, "sim.nmea")
subprocess.run([atalaya, "simulate", os.path.join(root, "scenarios/caribbean.json"), "--ais", nmea, "--seed", "7",
                "--hours", "0.2"], check=True, stdout=subprocess.DEVNULL)
subprocess.run([atalaya, "ingest", "--quiet", "--store", "sqlite:" + db, nmea], check=True)
port = free_port()
log = open(os.path.join(work, "serve.log"), "w")
srv = subprocess.Popen([atalaya, "serve", "--store", "sqlite:" + db, "--http", f"{HOST}:{port}"],
                       stdout=log, stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        try:
            get(port, "/api/v1/timespan")
            break
        except OSError:
            time.sleep(0.1)

    # ------------------------------------------------- keep-alive, pipelining
    c = Conn(port)
    c.s.sendall(b"".join(f"GET /api/v1/{p} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
                         for p in ("timespan", "stats", "entities?limit=2", "timespan", "search?q=DEMO")))
    answers = []
    try:
        for _ in range(5):
            st, h, b = c.response()
            answers.append((st, h))
    except (ConnectionError, socket.timeout) as e:
        print("# " + str(e))
    ok(len(answers) == 5 and all(a[0] == 200 for a in answers), "5 pipelined requests get 5 answers",
       str([a[0] for a in answers]))
    ok(all(a[1].get("connection", "").lower() != "close" for a in answers), "no answer closes the connection",
       str([a[1].get("connection") for a in answers]))
    try:
        st, h, b = c.get("/api/v1/timespan")
        ok(st == 200, "the kept-alive connection takes a sixth request")
    except (ConnectionError, socket.timeout, OSError) as e:
        ok(False, "the kept-alive connection takes a sixth request", str(e))
    c.close()
    # The page asks HEAD of the stream first; the next answer on that
    # connection must still be whole (libmicrohttpd ends a chunked HEAD
    # with a stray chunk terminator).
    c = Conn(port)
    try:
        st, h, _ = c.get("/api/v1/stream", method="HEAD")
        st2, _, b2 = c.get("/api/v1/timespan")
        ok(st == 200 and "event-stream" in h.get("content-type", "") and st2 == 200 and b2.startswith(b"{"),
           "a HEAD of the stream leaves the kept-alive connection clean", f"{st} {st2} {b2[:40]!r}")
    except (ConnectionError, socket.timeout, OSError, ValueError, IndexError) as e:
        ok(False, "a HEAD of the stream leaves the kept-alive connection clean", str(e))
    c.close()

    # ------------------------------------------------------------ JSON 4xx
    bad = [
        ("/api/v1/events?kind=yesterday", 400), ("/api/v1/events?kind=ais_gap,bogus", 400),
        ("/api/v1/events?limit=", 400), ("/api/v1/events?limit", 400), ("/api/v1/entities?at=", 400),
        ("/api/v1/entities?at=yesterday", 400), ("/api/v1/entities?limit=0", 400),
        ("/api/v1/entities?bbox=1,2", 400), ("/api/v1/alerts?from=", 400), ("/api/v1/flights?operator=", 400),
        ("/api/v1/track/vessel/211524940?format=", 400), ("/api/v1/search?q=", 400),
        ("/api/v1/entity/vessel/0", 400), ("/api/v1/entity/boat/1", 400),
        ("/api/v1/nothing", 404), ("/data/nothing.json", 404), ("/nothing.html", 404), ("/%2e%2e/etc/passwd", 403),
        ("/" + "a" * 2000, 414), ("/api/v1/events?x=" + "b" * 10000, 414),
    ]
    for path, want in bad:
        st, h, b = get(port, path)
        ok(is_json_error(st, h, b, want), f"GET {path[:60]} is a JSON {want}", f"{st} {h.get('content-type')} {b[:80]!r}")
    st, h, b = get(port, "/api/v1/stats", {f"X-Pad-{i}": "p" * 1000 for i in range(40)})
    ok(is_json_error(st, h, b, 431), "40 KB of headers is a JSON 431", f"{st} {b[:80]!r}")
    st, h, b = get(port, "/api/v1/events", {"Content-Length": "5"}, method="GET")
    ok(is_json_error(st, h, b, 413), "a body on a GET is a JSON 413", f"{st} {b[:80]!r}")
    st, h, b = get(port, "/api/v1/watchlist", {"Content-Length": "5"}, method="POST")
    ok(is_json_error(st, h, b, 403), "a POST without the token is a JSON 403", f"{st} {b[:80]!r}")
    st, h, b = get(port, "/api/v1/events?kind=ais_gap,flight&limit=5")
    ok(st == 200, "known event kinds are accepted", f"{st} {b[:80]!r}")

    # ------------------------------------------------------ gzip, ETag, 304
    for path in ("/api/v1/entities", "/data/vessels.json", "/", "/js/app.js"):
        st, h, plain = get(port, path)
        if path == "/js/app.js" and st == 404:
            continue
        st2, h2, packed = get(port, path, {"Accept-Encoding": "gzip, deflate"})
        same = st2 == 200 and h2.get("content-encoding") == "gzip" and gzip.decompress(packed) == plain
        print(f"# {path}: {len(plain)} bytes, {len(packed)} gzipped", flush=True)
        ok(same and len(packed) < len(plain), f"{path}: gzip when accepted, the same bytes unpacked",
           f"{st2} {h2.get('content-encoding')} {len(packed)} vs {len(plain)}")
        ok("content-encoding" not in h and "accept-encoding" in h.get("vary", "").lower(),
           f"{path}: identity without Accept-Encoding, Vary says why")
        tag = h.get("etag", "")
        st3, h3, b3 = get(port, path, {"If-None-Match": tag})
        ok(tag.startswith('W/"') and st3 == 304 and b3 == b"" and h3.get("etag") == tag,
           f"{path}: ETag, and 304 for If-None-Match", f"{tag} {st3}")
        st4, _, _ = get(port, path, {"If-None-Match": 'W/"0000000000000000"'})
        ok(st4 == 200, f"{path}: another tag gets the document")

    # ------------------------------------------------------------ slowloris
    trickle = []
    stop = threading.Event()

    def trickler(n, source):
        for _ in range(n):
            try:
                s = socket.create_connection((HOST, port), timeout=2, source_address=(source, 0))
                s.sendall(b"GET /api/v1/stats HTTP/1.1\r\nHost: x\r\n")
                trickle.append(s)
            except OSError:
                pass
        while not stop.is_set():
            for s in list(trickle):
                try:
                    s.send(b"X")
                except OSError:
                    pass
            stop.wait(1.0)

    t0 = time.time()
    th = threading.Thread(target=trickler, args=(250, HOST), daemon=True)
    th.start()
    # Two more addresses bring the total (550) past the server's 512.
    others = [[] for _ in range(2)]

    def trickler_from(n, source, mine):
        for _ in range(n):
            try:
                s = socket.create_connection((HOST, port), timeout=2, source_address=(source, 0))
                s.sendall(b"GET / HTTP/1.1\r\n")
                mine.append(s)
            except OSError:
                pass
        while not stop.is_set():
            for s in list(mine):
                try:
                    s.send(b"Y")
                except OSError:
                    pass
            stop.wait(1.0)

    ths = [threading.Thread(target=trickler_from, args=(150, f"127.0.0.{3 + i}", others[i]), daemon=True)
           for i in range(2)]
    for t in ths:
        t.start()
    time.sleep(2.5)
    answered = same_addr = 0
    for i in range(6):
        for src in (HOST, "127.0.0.2"):
            try:
                st, _, _ = get(port, "/api/v1/stats", source=src)
                if st == 200:
                    answered += 1
                    same_addr += src == HOST
            except OSError:
                pass
        time.sleep(0.5)
    ok(answered == 12, "550 trickling connections (250 from 127.0.0.1, 150 each from two more): "
       "clients on 127.0.0.1 and on 127.0.0.2 are answered", f"{answered}/12, {same_addr} from 127.0.0.1")
    # The deadline: by 14 s every connection opened in the first 2 s is closed
    # although it kept sending a byte a second.
    time.sleep(max(0, t0 + 14 - time.time()))
    first = trickle[:150]
    closed = 0
    for s in first:
        try:
            s.settimeout(0.05)
            d = s.recv(4096)
            closed += d == b"" or b" 503 " in d or b" 408 " in d
        except socket.timeout:
            pass
        except OSError:
            closed += 1
    ok(closed == len(first) and len(first) == 150,
       "trickling connections are cut at the request deadline though never idle", f"{closed}/{len(first)}")
    stop.set()
    th.join()
    for t in ths:
        t.join()
    for s in trickle + others[0] + others[1]:
        s.close()
    st, _, body = get(port, "/api/v1/stats")
    time.sleep(1.2)  # the counters are copied each refresh
    st, _, body = get(port, "/api/v1/stats")
    http = json.loads(body).get("http", {})
    print(f"# slowloris: {answered}/12 answered ({same_addr} from 127.0.0.1), {closed}/{len(first)} cut; "
          f"stats {http}", flush=True)
    ok(http.get("timed_out", 0) > 0 and http.get("evicted", 0) > 0 and http.get("not_modified", 0) >= 4
       and http.get("gzipped", 0) >= 3, "stats count time-outs, evictions, 304s and gzipped answers", str(http))
    ok(srv.poll() is None, "serve is still running")
finally:
    srv.terminate()
    try:
        srv.wait(10)
    except subprocess.TimeoutExpired:
        srv.kill()
log.close()
with open(os.path.join(work, "serve.log"), errors="replace") as f:
    text = f.read()
ok("Sanitizer" not in text and "runtime error" not in text, "no sanitizer report from serve", text[-300:])
sys.exit(1 if failures else 0)
