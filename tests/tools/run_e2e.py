#!/usr/bin/env python3
"""Drives tests/sh/run_e2e.sh: starts `atalaya run`, feeds it over loopback,
reads its outputs, prints ok/not ok lines. Bounded in time; loopback only."""
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

atalaya, root, tmp = sys.argv[1:4]
HOST = "127.0.0.1"


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
    sys.stdout.flush()


beast = open(os.path.join(root, "tests/samples/modes/beast/sample_dump1090.bin"), "rb").read()
with gzip.open(os.path.join(root, "tests/samples/ais/amsa/ais.txt.gz"), "rt", errors="replace") as f:
    ais_lines = [next(f) for _ in range(3000)]

p_beast_in, p_udp, p_avr_feeder, p_beast_out, p_nmea_out, p_sbs_out, p_avr_out = (free_port() for _ in range(7))

# An AVR feeder that atalaya connects to (as dump1090's port 30002 would be).
avr_text = subprocess.run([atalaya, "decode", "--format", "avr", "-"], input=beast, capture_output=True).stdout
feeder = socket.socket()
feeder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
feeder.bind((HOST, p_avr_feeder))
feeder.listen(1)
feeder.settimeout(10)
beast_sent = threading.Event()


def serve_avr():
    try:
        c, _ = feeder.accept()
        # After the Beast feeders, well inside the duplicate window: its copies
        # are the duplicates, so each output carries every frame exactly once.
        beast_sent.wait(10)
        time.sleep(0.3)
        c.sendall(avr_text)
        time.sleep(3)
        c.close()
    except OSError:
        pass


threading.Thread(target=serve_avr, daemon=True).start()

# A user watchlist naming the Transavia aircraft in the capture.
csv = os.path.join(tmp, "mine.csv")
with open(csv, "w") as f:
    f.write("kind,name,icao24,program,note\naircraft,TEST WATCHED,48520a,TEST,e2e\n")
db = os.path.join(tmp, "w.db")
subprocess.run([atalaya, "watchlist", "--db", db, "import", "--format", "csv", "--list", "mine", csv],
               check=True, capture_output=True)
# ...and the real OFAC SDN list, with a sanctioned tanker among the AIS traffic.
subprocess.run([atalaya, "watchlist", "--db", db, "import", "--format", "ofac-sdn",
                os.path.join(root, "data/sanctions/sdn_2024-05-03.csv.gz")], check=True, capture_output=True)
sys.path.insert(0, os.path.join(root, "tests/tools"))
from ais_make import pos1  # noqa: E402
ais_lines.insert(1500, pos1(422303000, 26.5, 56.3, 12.0, 270.0, int(time.time())) + "\n")

jdir = os.path.join(tmp, "json")
os.mkdir(jdir)
proc = subprocess.Popen([atalaya, "run", "--input", f"beast+listen://{HOST}:{p_beast_in}",
                         "--input", f"nmea+udp://{HOST}:{p_udp}", "--input", f"raw+tcp://{HOST}:{p_avr_feeder}",
                         "--output", f"beast+listen://{HOST}:{p_beast_out}",
                         "--output", f"nmea+listen://{HOST}:{p_nmea_out}",
                         "--output", f"sbs+listen://{HOST}:{p_sbs_out}",
                         "--output", f"avr+listen://{HOST}:{p_avr_out}",
                         "--json-dir", jdir, "--json-interval", "0.2", "--stats", "--stats-interval", "100",
                         "--db", db],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def connect(port):
    for _ in range(100):
        try:
            return socket.create_connection((HOST, port), timeout=5)
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"cannot connect to {port}")


out_beast = connect(p_beast_out)
out_nmea = connect(p_nmea_out)
out_sbs = connect(p_sbs_out)
out_avr = connect(p_avr_out)
received = {"beast": b"", "nmea": b"", "sbs": b"", "avr": b""}


def drain(sock, key):
    sock.settimeout(0.5)
    end = time.time() + 8
    while time.time() < end:
        try:
            d = sock.recv(65536)
            if not d:
                break
            received[key] += d
        except socket.timeout:
            continue


threads = [threading.Thread(target=drain, args=(out_beast, "beast")),
           threading.Thread(target=drain, args=(out_nmea, "nmea")),
           threading.Thread(target=drain, args=(out_sbs, "sbs")),
           threading.Thread(target=drain, args=(out_avr, "avr"))]
for t in threads:
    t.start()
time.sleep(0.3)

# Two Beast feeders with the same capture: the second is a duplicate receiver.
for _ in range(2):
    s = connect(p_beast_in)
    s.sendall(beast)
    s.close()
beast_sent.set()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(0, len(ais_lines), 20):
    u.sendto("".join(ais_lines[i:i + 20]).encode(), (HOST, p_udp))
    time.sleep(0.005)
u.close()


def snapshot(name):
    try:
        with open(os.path.join(jdir, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


time.sleep(1)  # the AVR feeder's copy follows the Beast feeders
deadline = time.time() + 10
aircraft = vessels = None
while time.time() < deadline:
    aircraft, vessels = snapshot("aircraft.json"), snapshot("vessels.json")
    if aircraft and vessels and any(a.get("flight", "").strip() == "TRA89M" for a in aircraft["aircraft"]) \
            and len(vessels["vessels"]) > 100:
        break
    time.sleep(0.2)
for t in threads:
    t.join()
proc.send_signal(signal.SIGTERM)
try:
    out, err = proc.communicate(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    out, err = proc.communicate()
lines = [json.loads(l) for l in out.decode().splitlines() if l.startswith("{")]
alerts = [x for x in lines if x.get("alert")]  # the detectors' events come too


def about(x, kind, key, value):
    return any(e.get("kind") == kind and e.get(key) == value for e in x.get("entities", []))
err = err.decode(errors="replace")

check(aircraft is not None and any(a.get("flight", "").strip() == "TRA89M" and "lat" in a
                                   for a in aircraft["aircraft"]), "aircraft.json shows TRA89M with a position")
expected = subprocess.run([atalaya, "decode", "-"], input="".join(ais_lines).encode(), capture_output=True).stdout
mmsis = {json.loads(l)["mmsi"] for l in expected.splitlines()} - {0}  # MMSI 0 is no station
check(vessels is not None and len(vessels["vessels"]) == len(mmsis),
      f"vessels.json has every vessel sent over UDP ({len(vessels['vessels']) if vessels else 0} of {len(mmsis)})")
rec = snapshot("receiver.json")
check(rec is not None and rec.get("refresh") == 200, "receiver.json written")
# What the outputs must carry: every frame that validates, once, as fed in.
avr_in = [l for l in avr_text.decode().splitlines() if l]
avr_out = [l for l in received["avr"].decode(errors="replace").splitlines() if l]
if avr_out != avr_in:
    import difflib
    print("\n".join(difflib.unified_diff(avr_in, avr_out, lineterm="", n=1)))
check(avr_out == avr_in, f"AVR output is exactly the frames fed in ({len(avr_out)} lines, {len(avr_in)} expected)")
beast_as_avr = subprocess.run([atalaya, "decode", "--input", "beast", "--format", "avr", "-"], input=received["beast"],
                              capture_output=True).stdout.decode().splitlines()
check(beast_as_avr == avr_in, f"Beast output is exactly the frames fed in ({len(beast_as_avr)} of {len(avr_in)})")
# SBS: one line per decoded message, per aircraft as `decode` counts them.
msgs = [json.loads(l) for l in subprocess.run([atalaya, "decode", "-"], input=beast, capture_output=True).stdout.splitlines()]
want_sbs = {}
for m in msgs:
    want_sbs[m["icao"].upper()] = want_sbs.get(m["icao"].upper(), 0) + 1
sbs = [l for l in received["sbs"].split(b"\r\n") if l]
got_sbs = {}
for l in sbs:
    icao = l.split(b",")[4].decode()
    got_sbs[icao] = got_sbs.get(icao, 0) + 1
check(all(l.startswith(b"MSG,") for l in sbs) and got_sbs == want_sbs,
      f"SBS output has every decoded message, per aircraft ({got_sbs} vs {want_sbs})")
want_pos = sum(1 for m in msgs if "lat" in m)
got_pos = sum(1 for l in sbs if l.split(b",")[14:16] != [b"", b""])
check(got_pos == want_pos and any(b"TRA89M" in l for l in sbs),
      f"SBS output carries the positions and the callsign ({got_pos} positions of {want_pos})")
# NMEA: each decoded message's sentences re-broadcast byte for byte, in order.
nmea = [l.decode() for l in received["nmea"].split(b"\r\n") if l]
n_msgs = len([l for l in expected.splitlines() if l.strip()])
it = iter(l.rstrip("\r\n") for l in ais_lines)
in_order = all(any(l == x for x in it) for l in nmea)
check(len(nmea) == n_msgs and in_order,
      f"NMEA output re-broadcast each decoded sentence as sent, in order ({len(nmea)} of {n_msgs})")
dups = [l for l in err.splitlines() if "duplicates" in l]
ndup = int(dups[-1].split("duplicates ")[1].split(";")[0]) if dups else 0
n_frames = int(subprocess.run([atalaya, "decode", "--stats", "--format", "none", "-"], input=beast,
                              capture_output=True).stderr.decode().split("frames: ")[1].split()[0])
check(ndup == n_frames + len(avr_in),
      f"the second receiver's and the AVR feeder's copies were dropped as duplicates ({ndup})")
air = [x for x in alerts if about(x, "aircraft", "icao", "48520a")]
check(len(air) == 1 and air[0]["match"]["entry"]["list"] == "mine" and air[0]["evidence"],
      f"one alert for the aircraft on the user's list, with evidence ({len(air)})")
sdn = [x for x in alerts if about(x, "vessel", "mmsi", 422303000)]
check(len(sdn) == 1 and sdn[0]["match"]["entry"]["list"] == "ofac-sdn" and "AIVDM" in sdn[0]["evidence"][0],
      f"one alert for the SDN-listed tanker, with its sentence ({len(sdn)})")
check(len(alerts) == 2, f"no other alerts ({len(alerts)})")
check(proc.returncode == 0, f"exits cleanly on SIGTERM (status {proc.returncode})")
