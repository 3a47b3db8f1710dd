#!/usr/bin/env bash
# Two receivers hear one transmission; one copy arrives with a bit error that
# `run` corrects. The copies are still one message: each output carries it
# once, in either order of arrival. Loopback only; bounded in time.
set -u
root=${ATALAYA_ROOT:-.}
python3 - "$ATALAYA" "$root" <<'PY'
import os, signal, socket, subprocess, sys, time
atalaya, root = sys.argv[1:3]
sample = os.path.join(root, "tests/samples/modes/beast/sample_dump1090.bin")
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what); sys.stdout.flush()
def beast(ts, msg):  # one long frame, 0x1a escaped by doubling
    body = ts.to_bytes(6, "big") + b"\x80" + msg
    return b"\x1a3" + body.replace(b"\x1a", b"\x1a\x1a")
avr = subprocess.run([atalaya, "decode", "--format", "avr", sample], capture_output=True).stdout.decode().split()
df17 = [l for l in avr if len(l) == 42 and l[13:15] == "8D"]
(ts1, m1), (ts2, m2) = [(int(l[1:13], 16), bytes.fromhex(l[13:41])) for l in df17[:2]]
def flip(m):  # one bit of the ME field
    b = bytearray(m); b[6] ^= 0x10; return bytes(b)
p_in, p_out = free_port(), free_port()
proc = subprocess.Popen([atalaya, "run", "--db", "/nonexistent", "--input", f"beast+listen://127.0.0.1:{p_in}",
                         "--output", f"avr+listen://127.0.0.1:{p_out}", "--stats", "--stats-interval", "100"],
                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
def connect(port):
    for _ in range(100):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("no connection")
out = connect(p_out)
rx_a, rx_b = connect(p_in), connect(p_in)  # two receivers
time.sleep(0.2)
rx_a.sendall(beast(ts1, flip(m1))); time.sleep(0.1); rx_b.sendall(beast(ts1, m1))   # damaged copy first
time.sleep(0.1)
rx_a.sendall(beast(ts2, m2)); time.sleep(0.1); rx_b.sendall(beast(ts2, flip(m2)))   # clean copy first
time.sleep(0.5)
out.settimeout(1.0)
got = b""
try:
    while True:
        d = out.recv(65536)
        if not d:
            break
        got += d
except socket.timeout:
    pass
rx_a.close(); rx_b.close(); out.close()
proc.send_signal(signal.SIGTERM)
_, err = proc.communicate(timeout=20)
lines = got.decode().split()
want = [f"@{ts1:012X}{m1.hex().upper()};", f"@{ts2:012X}{m2.hex().upper()};"]
check(lines == want, f"each transmission re-broadcast once, corrected ({len(lines)} lines: {lines})")
st = [l for l in err.splitlines() if "duplicates" in l]
dups = int(st[-1].split("duplicates ")[1].split(";")[0]) if st else -1
check(dups == 2, f"both second copies counted as duplicates ({dups})")
check(proc.returncode == 0, f"exits cleanly ({proc.returncode})")
if proc.returncode:
    print(err[-3000:])
PY
