#!/usr/bin/env python3
"""live_server.py ATALAYA ROOT -- COMMAND...: starts `atalaya run --http` on a
free 127.0.0.1 port with a Beast and an NMEA input, feeds it the Toulouse
Beast capture (tests/samples) and a few AIS vessels of known kinds off the
Gulf of Lion (written by tests/tools/ais_make.py at the current time, so they
are live), waits until /data/aircraft.json and /data/vessels.json show them with
positions (the capture resolves one aircraft's position: TRA89M),
then runs COMMAND with ATALAYA_URL set and exits with its status. atalaya is
stopped with SIGTERM; a non-zero exit of atalaya fails the run.
Loopback only, bounded in time."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

atalaya, root = sys.argv[1:3]
command = sys.argv[sys.argv.index("--") + 1:]
HOST = "127.0.0.1"
sys.path.insert(0, os.path.join(root, "tests/tools"))
from ais_make import pos1, static5  # noqa: E402

# mmsi, name, ITU ship type, lat, lon, speed, course
VESSELS = [
    (227006760, "ATALAYA TANKER", 80, 43.05, 4.10, 11.0, 250.0),
    (227006770, "ATALAYA CARGO", 70, 43.20, 3.70, 14.0, 60.0),
    (227006780, "ATALAYA FERRY", 60, 43.10, 4.60, 18.0, 140.0),
    (227006790, "ATALAYA FISHER", 30, 43.30, 4.30, 0.0, 0.0),
]


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def connect(port):
    for _ in range(200):
        try:
            return socket.create_connection((HOST, port), timeout=5)
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"cannot connect to {port}")


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


p_http, p_beast, p_nmea = free_port(), free_port(), free_port()
log = open(os.environ.get("ATALAYA_SERVER_LOG", os.devnull), "w")
proc = subprocess.Popen([atalaya, "run", "--http", f"{HOST}:{p_http}", "--db", "/nonexistent.db",
                         "--input", f"beast+listen://{HOST}:{p_beast}", "--input", f"nmea+listen://{HOST}:{p_nmea}"],
                        stdout=log, stderr=log)
url = f"http://{HOST}:{p_http}"
rc = 1
try:
    s = connect(p_beast)
    with open(os.path.join(root, "tests/samples/modes/beast/sample_dump1090.bin"), "rb") as f:
        s.sendall(f.read())
    s.close()
    now = int(time.time())
    lines = []
    for mmsi, name, kind, lat, lon, sog, cog in VESSELS:
        lines += static5(mmsi, 9000000 + mmsi % 1000000 // 10, "F" + str(mmsi)[-5:], name, kind, "MARSEILLE", now)
        lines.append(pos1(mmsi, lat, lon, sog, cog, now))
    s = connect(p_nmea)
    s.sendall("".join(l if l.endswith("\n") else l + "\n" for l in lines).encode())
    s.close()
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            air, sea = get(url + "/data/aircraft.json"), get(url + "/data/vessels.json")
            if any("lat" in a for a in air["aircraft"]) and sum("lat" in v for v in sea["vessels"]) == len(VESSELS):
                break
        except OSError:
            pass
        time.sleep(0.3)
    env = dict(os.environ, ATALAYA_URL=url)
    rc = subprocess.run(command, env=env).returncode
finally:
    proc.terminate()
    try:
        status = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = proc.wait()
if status != 0:
    print(f"not ok - atalaya run exits cleanly on SIGTERM (status {status})")
    rc = rc or 1
sys.exit(rc)
