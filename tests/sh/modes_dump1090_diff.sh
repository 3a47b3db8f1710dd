#!/usr/bin/env bash
# modes_dump1090_diff.sh: differential test against dump1090-mutability (Debian).
# The bundled Beast capture (tests/samples/modes/beast/sample_dump1090.bin) is
# fed to dump1090-mutability's Beast input on a free 127.0.0.1 port, its SBS
# output is recorded, and the same file goes through `atalaya decode --input
# beast`. Per aircraft, the callsigns, the barometric altitudes and the
# positions each side reports must agree; and dump1090's SBS output, read
# back through `atalaya decode --input sbs`, must give dump1090's own view
# (the SBS parser against a real SBS writer). Frames are sent at the pace of
# their 12 MHz timestamps (about 24 s): dump1090 times CPR pairs and its
# speed check by arrival, atalaya by the capture's own clock, and only a
# real-time feed makes the two views the same. dump1090 runs only on 127.0.0.1 and
# is stopped at the end. Exit 77 (skip) when dump1090-mutability or python3 is
# missing.
set -u
command -v dump1090-mutability >/dev/null 2>&1 || { echo "# SKIP dump1090-mutability not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "# SKIP python3 not installed"; exit 77; }
root=${ATALAYA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
bin="$root/tests/samples/modes/beast/sample_dump1090.bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$ATALAYA" decode --input beast "$bin" >"$tmp/ours.json"; then
    echo "not ok - atalaya decode --input beast"
    exit 1
fi
exec python3 - "$bin" "$tmp" <<'PY'
import json, os, socket, subprocess, sys, time

beast, tmp = sys.argv[1], sys.argv[2]

def split_beast(data):
    """(12 MHz timestamp, raw bytes) per Beast frame: 0x1a, type '1'/'2'/'3'/'4',
    6-byte counter, signal, 2/7/14 payload bytes; 0x1a inside is doubled."""
    sizes = {0x31: 2, 0x32: 7, 0x33: 14, 0x34: 14}
    out, i = [], 0
    while i + 1 < len(data):
        if data[i] != 0x1a or data[i + 1] not in sizes:
            i += 1
            continue
        need, j, body = 7 + sizes[data[i + 1]], i + 2, bytearray()
        while len(body) < need and j < len(data):
            if data[j] == 0x1a:
                if j + 1 < len(data) and data[j + 1] == 0x1a:
                    j += 1
                else:
                    break
            body.append(data[j])
            j += 1
        if len(body) == need:
            out.append((int.from_bytes(body[:6], "big"), data[i:j]))
        i = j
    return out

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

bi, sbs = free_port(), free_port()
proc = subprocess.Popen(
    ["dump1090-mutability", "--net-only", "--net-bind-address", "127.0.0.1",
     "--net-bi-port", str(bi), "--net-sbs-port", str(sbs), "--net-ri-port", "0",
     "--net-ro-port", "0", "--net-bo-port", "0", "--net-heartbeat", "0", "--quiet"],
    stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "dump1090.err"), "w"))
sbs_lines = []
try:
    reader = None
    for _ in range(100):
        try:
            reader = socket.create_connection(("127.0.0.1", sbs), timeout=0.2)
            break
        except OSError:
            time.sleep(0.1)
    if reader is None:
        print("not ok - dump1090-mutability SBS port did not open")
        sys.exit(1)
    feed = socket.create_connection(("127.0.0.1", bi), timeout=2)
    with open(beast, "rb") as f:
        frames = split_beast(f.read())
    reader.setblocking(False)
    buf = b""
    t0, ts0 = time.monotonic(), frames[0][0] if frames else 0
    for ts, raw in frames:
        delay = (ts - ts0) / 12e6 - (time.monotonic() - t0)
        if delay > 0:
            time.sleep(delay)
        feed.sendall(raw)
        try:
            buf += reader.recv(65536)
        except BlockingIOError:
            pass
    reader.settimeout(1.5)
    while True:
        try:
            chunk = reader.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
    feed.close()
    reader.close()
    sbs_lines = buf.decode("ascii", "replace").splitlines()
finally:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

def agg():
    return {"callsign": {}, "alt": {}, "pos": {}}

theirs, ours = agg(), agg()
for line in sbs_lines:
    f = line.split(",")
    if len(f) < 16 or f[0] != "MSG":
        continue
    icao = f[4].lower()
    if f[10].strip():
        theirs["callsign"].setdefault(icao, set()).add(f[10].strip())
    if f[11].strip():
        theirs["alt"].setdefault(icao, set()).add(int(f[11]))
    if f[14].strip() and f[15].strip():
        theirs["pos"].setdefault(icao, []).append((float(f[14]), float(f[15])))
with open(os.path.join(tmp, "ours.json")) as fp:
    for line in fp:
        m = json.loads(line)
        icao = m.get("icao")
        if icao is None:
            continue
        if "callsign" in m:
            ours["callsign"].setdefault(icao, set()).add(m["callsign"])
        if "alt_baro" in m:
            ours["alt"].setdefault(icao, set()).add(m["alt_baro"])
        if "lat" in m:
            ours["pos"].setdefault(icao, []).append((m["lat"], m["lon"]))

print("# dump1090-mutability: %d SBS lines; atalaya: %d aircraft with positions, dump1090 %d"
      % (len(sbs_lines), len(ours["pos"]), len(theirs["pos"])))

def report(name, ok, detail):
    print("%s - %s%s" % ("ok" if ok else "not ok", name, "" if ok else " # " + detail))

report("dump1090 produced output", len(sbs_lines) > 0, "no SBS lines")
for key in ("callsign", "alt"):
    t, o = theirs[key], ours[key]
    diff = {a: (sorted(t.get(a, [])), sorted(o.get(a, []))) for a in set(t) | set(o)
            if t.get(a, set()) != o.get(a, set())}
    print("# %s: %d aircraft from dump1090, %d from atalaya, %d differ" % (key, len(t), len(o), len(diff)))
    for a, (tv, ov) in sorted(diff.items())[:10]:
        print("#   %s dump1090 %s atalaya %s" % (a, tv, ov))
    report("per-aircraft %s sets agree" % key, not diff and len(t) > 0, "%d differ" % len(diff))

def near(p, ps, tol=0.0005):
    return any(abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol for q in ps)

missing = extra = 0
for a in set(theirs["pos"]) | set(ours["pos"]):
    tp, op = theirs["pos"].get(a, []), ours["pos"].get(a, [])
    m1 = sum(1 for p in tp if not near(p, op))
    m2 = sum(1 for p in op if not near(p, tp))
    if m1 or m2:
        print("#   %s: %d dump1090 positions unmatched, %d atalaya positions unmatched" % (a, m1, m2))
    missing += m1
    extra += m2
npos_t = sum(len(v) for v in theirs["pos"].values())
npos_o = sum(len(v) for v in ours["pos"].values())
print("# positions: dump1090 %d, atalaya %d; unmatched: dump1090 %d, atalaya %d"
      % (npos_t, npos_o, missing, extra))
report("every dump1090 position matched by atalaya", npos_t > 0 and missing == 0, "%d unmatched" % missing)
report("every atalaya position matched by dump1090", extra == 0, "%d unmatched" % extra)

# dump1090's SBS output read back by `atalaya decode --input sbs` must say
# what dump1090 said: same aircraft, callsigns, altitudes and positions.
sbs_path = os.path.join(tmp, "dump1090.sbs")
with open(sbs_path, "w") as fp:
    fp.write("\n".join(sbs_lines) + "\n")
res = subprocess.run([os.environ["ATALAYA"], "decode", "--input", "sbs", sbs_path],
                     capture_output=True, text=True)
back = agg()
nback = 0
for line in res.stdout.splitlines():
    m = json.loads(line)
    nback += 1
    icao = m["icao"]
    if "callsign" in m:
        back["callsign"].setdefault(icao, set()).add(m["callsign"])
    if "alt_baro" in m:
        back["alt"].setdefault(icao, set()).add(m["alt_baro"])
    if "lat" in m:
        back["pos"].setdefault(icao, []).append((m["lat"], m["lon"]))
nmsg = sum(1 for l in sbs_lines if l.startswith("MSG,"))
report("atalaya reads every dump1090 SBS line", res.returncode == 0 and nback == nmsg,
       "%d of %d (rc %d)" % (nback, nmsg, res.returncode))
same = (back["callsign"] == theirs["callsign"] and back["alt"] == theirs["alt"] and
        {a: sorted(v) for a, v in back["pos"].items()} ==
        {a: sorted(v) for a, v in theirs["pos"].items()})
report("SBS read back equals dump1090's own view", same, "differs")
PY
