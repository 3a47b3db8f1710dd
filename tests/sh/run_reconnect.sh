#!/usr/bin/env bash
# `atalaya run` keeps a feed it connects to: started before the feeder
# listens, it connects once the feeder is up; when the feeder dies it tries
# again with the back-off --help documents (1 s, then 2, 4, ... up to 60 s)
# and frames flow again once the feeder is back. The stats count the
# reconnect and the failed attempts. Loopback only; bounded in time.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$ATALAYA" "$root" <<'PY'
import os, signal, socket, subprocess, sys, threading, time
atalaya, root = sys.argv[1:3]
sample = os.path.join(root, "tests/samples/modes/beast/sample_dump1090.bin")
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what); sys.stdout.flush()
p_feed, p_out = free_port(), free_port()
# The frames `run` re-broadcasts as AVR. On the second connection the aircraft
# are known, so the frames that name them only by parity are valid too:
# `decode` of the sample twice over gives both.
twice = subprocess.run([atalaya, "decode", "--input", "beast", "--format", "avr", "-"],
                       input=open(sample, "rb").read() * 2, capture_output=True).stdout.decode().splitlines()
expected = subprocess.run([atalaya, "decode", "--format", "avr", sample], capture_output=True).stdout.decode().splitlines()
expected2 = twice[len(expected):]
# The feeder is its own process, killed outright as a crashing dump1090 would be.
FEEDER = """
import socket, sys, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", int(sys.argv[1]))); l.listen(1)
c, _ = l.accept(); c.sendall(open(sys.argv[2], "rb").read())
time.sleep(60)
"""
def feeder_up():
    f = subprocess.Popen([sys.executable, "-c", FEEDER, str(p_feed), sample])
    time.sleep(0.3)
    return f
proc = subprocess.Popen([atalaya, "run", "--db", "/nonexistent", "--input", f"beast+tcp://127.0.0.1:{p_feed}",
                         "--output", f"avr+listen://127.0.0.1:{p_out}", "--stats", "--stats-interval", "100"],
                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
for _ in range(100):
    try:
        out = socket.create_connection(("127.0.0.1", p_out), timeout=5); break
    except OSError:
        time.sleep(0.05)
lines, lock = [], threading.Lock()
def drain():
    buf = b""
    out.settimeout(0.2)
    while True:
        try:
            d = out.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            break
        if not d:
            break
        buf += d
        *done, buf = buf.split(b"\n")
        with lock:
            lines.extend((time.time(), l.decode()) for l in done)
threading.Thread(target=drain, daemon=True).start()
def wait_lines(n, limit):
    end = time.time() + limit
    while time.time() < end:
        with lock:
            if len(lines) >= n:
                return lines[n - 1][0]
        time.sleep(0.05)
    return None

time.sleep(2.5)  # nothing listens yet: attempts at 0, 1 and 3 s fail or are due
t_up = time.time()
feeder = feeder_up()
t_first = wait_lines(len(expected), 4 + 1)  # the next attempt is at most 4 s away
check(t_first is not None and [l for _, l in lines] == expected,
      f"frames arrive once the feeder is up ({len(lines)} of {len(expected)}, "
      f"{(t_first or 0) - t_up:.1f} s after it started)")
time.sleep(2.2)  # beyond the duplicate window: the next copy is new traffic
feeder.kill(); feeder.wait()
time.sleep(1.5)  # `run` tries again after 1 s, fails, then waits 2 s
t_back = time.time()
feeder = feeder_up()
t_again = wait_lines(len(expected) + len(expected2), 2 + 1.5)
check(t_again is not None and [l for _, l in lines[len(expected):]] == expected2,
      f"after the feeder restarts, `run` reconnects within the back-off and frames flow again "
      f"({len(lines) - len(expected)} of {len(expected2)}, {(t_again or 0) - t_back:.1f} s after the restart)")
feeder.kill(); feeder.wait()
proc.send_signal(signal.SIGTERM)
_, err = proc.communicate(timeout=20)
out.close()
stats = [l for l in err.splitlines() if "reconnects" in l]
last = stats[-1] if stats else ""
reconnects = int(last.split("reconnects ")[1].split(",")[0]) if last else -1
failed = int(last.split("failed connects ")[1].split(";")[0]) if last else -1
frames = int(last.split("frames ")[1].split(",")[0]) if last else -1
check(reconnects == 1, f"the stats count one reconnect ({reconnects})")
check(failed >= 3, f"the stats count the failed attempts ({failed})")
check(frames == 2 * 239, f"every frame of both connections was read ({frames})")
check(proc.returncode == 0, f"exits cleanly ({proc.returncode})")
PY
