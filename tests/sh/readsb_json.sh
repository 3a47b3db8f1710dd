#!/usr/bin/env bash
# readsb_json.sh: our aircraft.json and receiver.json against readsb's
# published description (tests/tools/readsb_fields.py: every key, type, unit
# and range), from `replay`, from `run --json-dir` and from `run --http`'s
# /data/, on an hour of simulated Caribbean traffic (aircraft standing at
# airports give alt_baro "ground"). Then tar1090's own page in chromium, served
# as it is beside readsb (its html/, and our --json-dir as its data/), when a
# copy of tar1090 is present (TAR1090_DIR, default
# /usr/share/tar1090/html or /tmp/tar1090/html; never vendored): skipped with
# a message otherwise. Loopback only; servers stopped by a trap.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ATALAYA" simulate "$root/scenarios/caribbean.json" --modes "$tmp/m.bin" --hours 1 2>/dev/null ||
    { echo "not ok - simulate an hour of the Caribbean scenario"; exit 1; }
tar=${TAR1090_DIR:-}
for d in /usr/share/tar1090/html /tmp/tar1090/html; do
    [ -z "$tar" ] && [ -f "$d/index.html" ] && [ -f "$d/early.js" ] && tar=$d
done
export TMPDIR_T="$tmp" TAR="$tar" ROOT="$root"
timeout 170 python3 - <<'PY'
import json, os, signal, socket, subprocess, sys, time, urllib.error, urllib.request
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests/tools"))
from readsb_fields import check_aircraft, check_receiver

atalaya, tmp, tar, root = os.environ["ATALAYA"], os.environ["TMPDIR_T"], os.environ["TAR"], os.environ["ROOT"]
LAT, LON = 10.6031, -66.9906  # the scenario's receiver area (Maiquetia)
fails = 0

def check(cond, name, detail=""):
    global fails
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else f": {detail}"))
    fails += not cond

def fields(doc, bad, name):
    check(not bad, name, "; ".join(bad[:8]))

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)

rep = subprocess.run([atalaya, "replay", "--aircraft-json", f"{tmp}/replay.json", f"{tmp}/m.bin"],
                     capture_output=True)
doc = json.load(open(f"{tmp}/replay.json"))
fields(doc, check_aircraft(doc), "replay aircraft.json: every key, type and range as readsb documents them")
ac = doc["aircraft"]
ground = [a for a in ac if a.get("alt_baro") == "ground"]
check(len(ground) >= 1 and any("alt_baro" in a and a["alt_baro"] != "ground" for a in ac),
      f"alt_baro \"ground\" for aircraft on the ground ({len(ground)} of {len(ac)}), feet for the others", ac[:3])
check(all(k in a for a in ac for k in ("messages", "seen", "rssi")) and any("seen_pos" in a for a in ac),
      "messages, seen, rssi for every aircraft, seen_pos with positions")

def start_run():
    p_http, p_in, jdir = free_port(), free_port(), os.path.join(tmp, f"json{free_port()}")
    os.mkdir(jdir)
    proc = subprocess.Popen([atalaya, "run", "--db", "/nonexistent", "--input", f"beast+listen://127.0.0.1:{p_in}",
                             "--http", f"127.0.0.1:{p_http}", "--json-dir", jdir, "--json-interval", "0.2",
                             "--receiver-lat", str(LAT), "--receiver-lon", str(LON)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", p_in), timeout=5); break
        except OSError:
            time.sleep(0.05)
    s.sendall(open(f"{tmp}/m.bin", "rb").read())
    s.close()
    url = f"http://127.0.0.1:{p_http}"
    for _ in range(100):  # until the pushed hour is in the picture
        try:
            if any(a.get("alt_baro") == "ground" for a in get(url + "/data/aircraft.json")["aircraft"]):
                break
        except OSError:
            pass
        time.sleep(0.1)
    return proc, url, jdir

proc, url, jdir = start_run()
try:
    live, rec = get(url + "/data/aircraft.json"), get(url + "/data/receiver.json")
    fields(live, check_aircraft(live), "run --http /data/aircraft.json: as readsb documents it")
    check(any(a.get("alt_baro") == "ground" for a in live["aircraft"]), "run --http: \"ground\" aircraft")
    fields(rec, check_receiver(rec), "run --http /data/receiver.json: as readsb documents it")
    check(rec.get("lat") == LAT and rec.get("lon") == LON and rec["version"].startswith("atalaya"),
          "receiver.json carries the receiver's position and our version", rec)
    time.sleep(0.5)
    files = {n: json.load(open(os.path.join(jdir, n))) for n in ("aircraft.json", "receiver.json")}
    fields(files["aircraft.json"], check_aircraft(files["aircraft.json"]), "run --json-dir aircraft.json: as readsb documents it")
    fields(files["receiver.json"], check_receiver(files["receiver.json"]), "run --json-dir receiver.json: as readsb documents it")
    check(files["receiver.json"].get("lat") == LAT and files["receiver.json"].get("refresh") == 200,
          "run --json-dir receiver.json: position and refresh in ms", files["receiver.json"])
finally:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
check(proc.returncode == 0, "run exits cleanly", proc.returncode)

# tar1090's page against our /data.
chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
pw = os.path.join(root, "tests/e2e/node_modules/playwright-core")
if not tar:
    print("ok - tar1090 page against our /data # SKIP no tar1090 copy (set TAR1090_DIR to its html/ folder)")
elif not os.access(chromium, os.X_OK) or not os.path.isdir(pw):
    print("ok - tar1090 page against our /data # SKIP chromium or playwright-core missing (scripts/deps.sh test; npm ci in tests/e2e)")
else:
    # As tar1090 is deployed beside readsb: a web server gives its html/ and,
    # under data/, the folder readsb writes (here: our --json-dir); then the
    # same page with data/ forwarded to our own HTTP server's /data/.
    import functools, http.server, threading
    proc, url, jdir = start_run()
    site = os.path.join(tmp, "site")
    os.mkdir(site)
    for n in os.listdir(tar):
        os.symlink(os.path.join(tar, n), os.path.join(site, n))
    os.symlink(jdir, os.path.join(site, "data"))

    class Files(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    class Forward(Files):
        def do_GET(self):
            if not self.path.startswith("/data/"):
                return super().do_GET()
            try:
                with urllib.request.urlopen(url + self.path, timeout=5) as r:
                    body, status, ctype = r.read(), r.status, r.headers.get("Content-Type", "application/json")
            except urllib.error.HTTPError as e:
                body, status, ctype = e.read(), e.code, "application/json"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    servers = []
    for handler in (Files, Forward):
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=site))
        httpd.handle_error = lambda *a: None  # the browser drops requests it no longer needs
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    try:
        for httpd, how in zip(servers, ("--json-dir as data/", "run --http's /data/")):
            r = subprocess.run(["node", os.path.join(root, "tests/e2e/tar1090.test.mjs"),
                                f"http://127.0.0.1:{httpd.server_address[1]}/", str(LAT), str(LON)],
                               capture_output=True, text=True, timeout=90, env=dict(os.environ, CHROMIUM=chromium))
            sys.stdout.write(r.stdout.replace("- tar1090: ", f"- tar1090 ({how}): "))
            if r.returncode:
                print(f"not ok - tar1090 page ({how}): exit {r.returncode} {r.stderr[-500:]}")
                fails += 1
    finally:
        for httpd in servers:
            httpd.shutdown()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
sys.exit(1 if fails else 0)
PY
