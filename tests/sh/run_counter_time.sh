#!/usr/bin/env bash
# A recording pushed into `atalaya run` at full speed gives the picture
# `atalaya replay` gives: Mode S frames are timed by the receiver's 12 MHz
# counter, not by their arrival, so positions seconds apart in the recording
# stay seconds apart and none is rejected as an impossible jump. (Timed by
# arrival, one of the Toulouse capture's three positions was rejected.)
# Checked for Beast and for AVR with '@' counters. Loopback only.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
python3 - "$ATALAYA" "$root" "$tmp" <<'PY'
import json, os, signal, socket, subprocess, sys, time
atalaya, root, tmp = sys.argv[1:4]
sample = os.path.join(root, "tests/samples/modes/beast/sample_dump1090.bin")
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what); sys.stdout.flush()
def stat(text, key):  # "positions: 3" (replay) or "positions 3" (run)
    for part in text.replace(";", ",").replace("(", ",").replace(")", ",").replace("\n", ",").split(","):
        words = part.replace(":", " ").split()
        if len(words) >= 2 and " ".join(words[:-1]) == key:
            return int(words[-1])
    return None
def picture(path):
    d = json.load(open(path))
    return {a["hex"]: (a.get("messages"), a.get("lat"), a.get("lon"), a.get("flight")) for a in d["aircraft"]}, d

rep = subprocess.run([atalaya, "replay", "--stats", "--aircraft-json", "replay.json", sample],
                     capture_output=True, text=True)
want, _ = picture("replay.json")
want_pos, want_rej = stat(rep.stderr, "positions"), stat(rep.stderr, "positions rejected")
check(rep.returncode == 0 and want_pos == 3 and want_rej == 0 and any(v[1] for v in want.values()),
      f"replay: the reference picture ({want_pos} positions, {want_rej} rejected)")

def push(fmt, data):
    port, jdir = free_port(), os.path.join(tmp, fmt)
    os.mkdir(jdir)
    proc = subprocess.Popen([atalaya, "run", "--db", "/nonexistent", "--input", f"{fmt}+listen://127.0.0.1:{port}",
                             "--json-dir", jdir, "--json-interval", "0.2", "--stats", "--stats-interval", "100"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for _ in range(100):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5); break
        except OSError:
            time.sleep(0.05)
    s.sendall(data)  # the whole recording (24 s of traffic) in one go
    s.close()
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)  # the last snapshot is written on the way out
    _, err = proc.communicate(timeout=20)
    got, doc = picture(os.path.join(jdir, "aircraft.json"))
    check(proc.returncode == 0, f"{fmt}: run exits cleanly ({proc.returncode})")
    return got, doc, err

avr = subprocess.run([atalaya, "decode", "--format", "avr", sample], capture_output=True).stdout
for fmt, data in (("beast", open(sample, "rb").read()), ("avr", avr)):
    got, doc, err = push(fmt, data)
    pos, rej = stat(err, "positions"), stat(err, "rejected")
    check(pos == want_pos and rej == want_rej,
          f"{fmt} at full speed: every position accepted ({pos} of {want_pos}, {rej} rejected)")
    check(got == want, f"{fmt} at full speed: the same aircraft, messages and last positions as replay"
          + ("" if got == want else f" ({got} vs {want})"))
    ages = [a.get(k) for a in doc["aircraft"] for k in ("seen", "seen_pos") if k in a]
    check(all(x >= 0 for x in ages), f"{fmt}: no negative ages while event time runs ahead of the clock")
PY
