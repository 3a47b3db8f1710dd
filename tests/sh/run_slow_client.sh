#!/usr/bin/env bash
# A slow output client never stalls `atalaya run`: a Beast client that stops
# reading is dropped once its queue passes --client-buffer-kib, while a client
# that keeps reading gets every frame and the picture keeps updating. Loopback
# only; bounded in time.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$ATALAYA" "$root" "$tmp" <<'PY'
import os, signal, socket, subprocess, sys, threading, time
atalaya, root, tmp = sys.argv[1:4]
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
p_in, p_out = free_port(), free_port()
proc = subprocess.Popen([atalaya, "run", "--db", "/nonexistent", "--input", f"beast+listen://127.0.0.1:{p_in}",
                         "--output", f"beast+listen://127.0.0.1:{p_out}", "--client-buffer-kib", "4096",
                         "--stats", "--stats-interval", "100", "--json-dir", tmp, "--json-interval", "0.2"],
                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
def connect(port, rcvbuf=None):
    for _ in range(100):
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        try:
            s.connect(("127.0.0.1", port)); return s
        except OSError:
            s.close(); time.sleep(0.05)
    raise RuntimeError("no connection")
slow = connect(p_out, 4096)          # connects, then never reads
fast = connect(p_out)
got = [0]
def drain():
    fast.settimeout(1.0)
    while True:
        try:
            d = fast.recv(1 << 16)
        except socket.timeout:
            break
        if not d:
            break
        got[0] += d.count(b"\x1a\x33") + d.count(b"\x1a\x32")
t = threading.Thread(target=drain); t.start()
sample = open(os.path.join(root, "tests/samples/modes/beast/sample_dump1090.bin"), "rb").read()
feeder = connect(p_in)
t0 = time.time()
feeder.sendall(sample * 3000)        # about 700,000 frames, 18 MB re-broadcast
feeder.close()
t.join(timeout=60)
elapsed = time.time() - t0
proc.send_signal(signal.SIGTERM)
_, err = proc.communicate(timeout=20)
slow.close(); fast.close()
stats = [l for l in err.splitlines() if "clients dropped" in l]
dropped = int(stats[-1].split("clients dropped ")[1].split()[0].rstrip(";")) if stats else -1
frames = int(stats[-1].split("frames ")[1].split(",")[0]) if stats else 0
print(("ok" if dropped == 1 else "not ok") + f" - the client that stopped reading was dropped ({dropped})")
print(("ok" if got[0] >= 0.95 * 232 * 3000 else "not ok") + f" - the reading client kept getting frames ({got[0]})")
print(("ok" if frames >= 239 * 3000 and elapsed < 60 else "not ok") + f" - the loop never stalled ({frames} frames in {elapsed:.1f} s)")
PY
