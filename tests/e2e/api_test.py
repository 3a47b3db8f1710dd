#!/usr/bin/env python3
"""api_test.py ATALAYA: the HTTP API of `atalaya run --http` at $ATALAYA_URL
(started and fed by live_server.py): every endpoint with its content, the
static files, and requests that must be refused with a 4xx (path escapes in
every spelling, long URLs, other methods, bodies, symlinks leading out of a
web root). Prints ok/not ok lines."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

atalaya = sys.argv[1]
url = urllib.parse.urlparse(os.environ["ATALAYA_URL"])
HOST, PORT = url.hostname, url.port


def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what, flush=True)


def raw(request, port=None):
    """Sends request bytes as they are (no client-side normalisation);
    returns (status, headers dict, body)."""
    s = socket.create_connection((HOST, port or PORT), timeout=5)
    s.sendall(request)
    data = b""
    while True:
        try:
            d = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not d:
            break
        data += d
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    return status, headers, body


def get(path, port=None, method="GET", extra=b""):
    return raw(f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n".encode() + extra + b"\r\n", port)


def get_json(path):
    st, h, body = get(path)
    try:
        return st, h, json.loads(body)
    except ValueError:
        return st, h, None


# --- the live documents
st, h, air = get_json("/data/aircraft.json")
check(st == 200 and h.get("content-type") == "application/json" and air is not None,
      f"/data/aircraft.json is JSON ({st})")
positions = [a for a in (air or {}).get("aircraft", []) if "lat" in a]
check(air is not None and isinstance(air.get("now"), (int, float)) and isinstance(air.get("messages"), int)
      and len(positions) >= 1 and all(len(a["hex"]) == 6 for a in air["aircraft"]),
      f"aircraft.json in dump1090 form: now, messages, aircraft with hex and positions ({len(positions)})")
check(any(a.get("flight", "").strip() == "TRA89M" and "lat" in a for a in (air or {}).get("aircraft", [])),
      "aircraft.json shows TRA89M with a position from the Beast feed")
st, h, sea = get_json("/data/vessels.json")
names = {v.get("name") for v in (sea or {}).get("vessels", [])}
check(st == 200 and sea is not None and {"ATALAYA TANKER", "ATALAYA CARGO", "ATALAYA FERRY", "ATALAYA FISHER"} <= names,
      f"/data/vessels.json has the four vessels fed ({sorted(n for n in names if n)})")
tanker = next((v for v in (sea or {}).get("vessels", []) if v.get("mmsi") == 227006760), {})
check(tanker.get("shiptype") == 80 and abs(tanker.get("lat", 0) - 43.05) < 1e-3 and abs(tanker.get("lon", 0) - 4.10) < 1e-3,
      "the tanker's type and position are what was sent")
st, h, rec = get_json("/data/receiver.json")
check(st == 200 and rec is not None and rec.get("refresh") == 1000 and rec.get("version", "").startswith("atalaya"),
      "/data/receiver.json carries version and refresh (tar1090 reads it first)")
st, h, stats = get_json("/api/v1/stats")
check(st == 200 and stats is not None and stats.get("vessels") == 4 and stats.get("aircraft", 0) >= 3
      and stats["tracker"]["updates_ais"] >= 8 and stats["http"]["requests"] >= 1,
      f"/api/v1/stats counts targets, tracker updates and requests ({stats and stats.get('aircraft')} aircraft)")
st, h, body = get("/data/aircraft.json", method="HEAD")
check(st == 200 and body == b"" and int(h.get("content-length", "0")) > 0, "HEAD answers headers only")
check(h.get("x-content-type-options") == "nosniff", "nosniff on every answer")

# --- static files
st, h, body = get("/")
check(st == 200 and h.get("content-type", "").startswith("text/html") and b"<title>atalaya" in body,
      "/ serves index.html")
check("default-src 'self'" in h.get("content-security-policy", ""), "the page may load nothing from elsewhere (CSP)")
for path, ctype in [("/vendor/leaflet/leaflet.js", "text/javascript"), ("/vendor/leaflet/leaflet.css", "text/css"),
                    ("/basemap/world-50m.json", "application/json"), ("/js/app.js", "text/javascript")]:
    st, h, body = get(path)
    check(st == 200 and h.get("content-type", "").startswith(ctype) and len(body) > 100, f"{path} served as {ctype}")

# --- refused
bad = [
    ("/../Makefile", 403), ("/%2e%2e/Makefile", 403), ("/%2E%2E/%2E%2E/etc/passwd", 403),
    ("/js/../../Makefile", 403), ("/js/%2e%2e/%2e%2e/Makefile", 403), ("/..%2fMakefile", 403),
    ("/..%5cMakefile", 403), ("/.gitignore", 403), ("/node_modules/leaflet/package.json", 403),
    ("//etc/passwd", 400), ("/js//app.js", 400), ("/a%01b", 400),
    ("/nope.html", 404), ("/js", 404), ("/api/v1/nope", 404), ("/api/v1/stats/x", 404), ("/data/nope.json", 404),
    ("/" + "a" * 600, 414), ("/" + "a" * 40000, 414),
]
for path, want in bad:
    st, h, body = get(path)
    shown = path if len(path) < 60 else path[:20] + f"...({len(path)} bytes)"
    ok = st == want and (st == 414 and len(path) > 30000 or (json.loads(body).get("status") == want))
    check(ok, f"GET {shown} -> {want} ({st})")
for method in ("POST", "PUT", "DELETE"):
    st, h, body = get("/api/v1/stats", method=method, extra=b"Content-Length: 0\r\n")
    check(st == 405 and h.get("allow") == "GET, HEAD", f"{method} -> 405 with Allow")
st, h, body = get("/", extra=b"Content-Length: 5\r\n\r\nhello")
check(st == 413, f"a GET with a body -> 413 ({st})")
st, h, body = get("/", extra=b"X-Big: " + b"x" * 40000 + b"\r\n")
check(400 <= st < 500, f"40 kB of headers -> 4xx ({st})")

# --- live stream: the tracker's picture once a second as server-sent events
s = socket.create_connection((HOST, PORT), timeout=5)
s.sendall(b"GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
data, deadline = b"", time.time() + 4
while data.count(b"event: snapshot") < 2 and time.time() < deadline:
    try:
        data += s.recv(65536)
    except socket.timeout:
        break
s.close()
check(b"text/event-stream" in data and data.count(b"event: snapshot") >= 2 and b'"aircraft":{"now":' in data
      and b'"vessels":{"now":' in data, "/api/v1/stream: a snapshot of aircraft and vessels every second")
st, h, body = get("/api/v1/stats")
check(st == 200 and "dropped" in json.loads(body).get("stream", {}), "stats count stream clients and drops")
st, h, body = get("/api/v1/entities")
check(st == 404, f"without --store the store-backed API is absent ({st})")

# --- symlinks: a second server on a web root holding links in and out
with tempfile.TemporaryDirectory() as tmp:
    web = os.path.join(tmp, "web")
    os.mkdir(web)
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<title>atalaya test root</title>\n")
    with open(os.path.join(tmp, "secret.txt"), "w") as f:
        f.write("outside\n")
    os.symlink("index.html", os.path.join(web, "inside.html"))
    os.symlink("../secret.txt", os.path.join(web, "leak.txt"))
    os.symlink(tmp, os.path.join(web, "up"))
    os.symlink("/etc", os.path.join(web, "etc"))
    s = socket.socket()
    s.bind((HOST, 0))
    port2 = s.getsockname()[1]
    s.close()
    p = subprocess.Popen([atalaya, "run", "--db", "/nonexistent.db", "--http", f"{HOST}:{port2}"],
                         env=dict(os.environ, ATALAYA_WEB=web), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection((HOST, port2), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    st, _, body = get("/inside.html", port2)
    check(st == 200 and b"test root" in body, f"a symlink within the web root is followed ({st})")
    for path in ("/leak.txt", "/up/secret.txt", "/etc/passwd", "/etc/hostname"):
        st, _, body = get(path, port2)
        check(st in (403, 404) and b"outside" not in body and b"root:" not in body,
              f"symlink out of the web root refused: {path} ({st})")
    p.terminate()
    check(p.wait(timeout=10) == 0, "second server exits cleanly")
    p.stderr.close()

# --- an IPv6 literal in brackets
try:
    s6 = socket.socket(socket.AF_INET6)
    s6.bind(("::1", 0))
    port6 = s6.getsockname()[1]
    s6.close()
except OSError:
    port6 = None
if port6 is None:
    print("ok - --http [::1]:PORT # SKIP no IPv6 loopback")
else:
    p = subprocess.Popen([atalaya, "run", "--db", "/nonexistent.db", "--http", f"[::1]:{port6}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    body = b""
    for _ in range(100):
        try:
            c = socket.create_connection(("::1", port6), timeout=2)
            c.sendall(b"GET /api/v1/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            while (d := c.recv(65536)):
                body += d
            c.close()
            break
        except OSError:
            time.sleep(0.05)
    p.terminate()
    p.wait(timeout=10)
    check(body.startswith(b"HTTP/1.1 200") and b'"vessels":0' in body, "--http [::1]:PORT serves on IPv6 loopback")

# --- bad --http values are refused at start
r = subprocess.run([atalaya, "run", "--db", "/nonexistent.db", "--http", "127.0.0.1:http"], capture_output=True)
check(r.returncode != 0 and b"HOST:PORT" in r.stderr, "--http with a bad port is refused")
