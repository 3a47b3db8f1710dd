#!/usr/bin/env python3
"""feeders_test.py ATALAYA ROOT WORKDIR: `atalaya run` with a listen input
under a flood of silent feeders, loopback only, about 20 s:

A. `ulimit -n 160`: 300 feeders connect and say nothing. The listener caps
   them below the descriptor limit (160 - 64 reserved), closes the rest at
   once, and --http still answers; the process does not spin (its CPU time
   over 3 s stays low). Then idle HTTP connections take every descriptor
   left, more feeders knock: accept() fails with EMFILE and the listener
   pauses (logged once) instead of spinning; the page answers again once
   the HTTP connections go.
B. --feeder-idle-s 2: silent feeders are closed after 2 s, one that sends
   a sentence twice a second stays, and its messages are counted.

Prints ok/not ok lines."""
import json
import os
import socket
import subprocess
import sys
import time

atalaya, root, work = sys.argv[1:4]
HOST = "127.0.0.1"
TICK = os.sysconf("SC_CLK_TCK")
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


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def http_get(port, path, timeout=3):
    s = socket.create_connection((HOST, port), timeout=timeout)
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body
    finally:
        s.close()


def answers(port):
    try:
        return http_get(port, "/api/v1/stats")[0] == 200
    except (OSError, IndexError, ValueError):
        return False


def closed_by_server(s):
    s.settimeout(0.02)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def start(args, ulimit=None):
    log = open(os.path.join(work, "run.log"), "a")
    cmd = [atalaya, "run", *args]
    if ulimit:
        cmd = ["bash", "-c", f'ulimit -n {ulimit} && exec "$@"', "run", *cmd]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    return p


def wait_up(port):
    for _ in range(100):
        if answers(port):
            return True
        time.sleep(0.1)
    return False


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def connect_many(port, n, budget_s=8.0):
    """Up to n connections, giving up when budget_s has passed (a server
    that stopped accepting fills its backlog, and connects then hang)."""
    out = []
    end = time.time() + budget_s
    for _ in range(n):
        if time.time() > end:
            break
        try:
            out.append(socket.create_connection((HOST, port), timeout=1.5))
        except OSError:
            pass
    return out


# ------------------------------------------------------------------ A
fport, hport = free_port(), free_port()
p = start(["--input", f"nmea+listen://{HOST}:{fport}", "--http", f"{HOST}:{hport}", "--feeder-idle-s", "0"],
          ulimit=160)
try:
    ok(wait_up(hport), "run starts under ulimit -n 160")
    feeders = connect_many(fport, 300)
    time.sleep(1.0)
    c0 = cpu_s(p.pid)
    ok(all(answers(hport) for _ in range(5)), "--http answers with 300 silent feeders connected")
    time.sleep(3.0)
    c1 = cpu_s(p.pid)
    held = [s for s in feeders if not closed_by_server(s)]
    ok(len(feeders) >= 250 and 0 < len(held) <= 96, "feeders are held up to the cap below the descriptor limit, "
       "the rest closed at once", f"{len(held)} of {len(feeders)} held")
    print(f"# {len(held)} of {len(feeders)} feeders held, CPU {c1 - c0:.2f} s over 3 s", flush=True)
    ok(c1 - c0 < 0.5, "no spinning with 300 feeders (CPU over 3 s)", f"{c1 - c0:.2f} s")
    # Every descriptor left goes to idle HTTP connections (their request
    # deadline is 10 s: the next steps fit inside it).
    hogs = connect_many(hport, 120)
    time.sleep(0.5)
    more = connect_many(fport, 20)
    time.sleep(0.5)
    c2 = cpu_s(p.pid)
    time.sleep(3.0)
    c3 = cpu_s(p.pid)
    print(f"# EMFILE: {len(hogs)} HTTP connections, {len(more)} more feeders, CPU {c3 - c2:.2f} s over 3 s",
          flush=True)
    ok(c3 - c2 < 0.5, "no spinning while accept fails with EMFILE (CPU over 3 s)", f"{c3 - c2:.2f} s")
    with open(os.path.join(work, "run.log")) as f:
        logged = f.read().count("paused")
    ok(logged == 1, "the descriptor shortage is logged once", f"{logged} lines")
    for s in hogs:
        s.close()
    time.sleep(0.5)
    ok(any(answers(hport) for _ in range(20)), "--http answers again once descriptors come back")
    ok(p.poll() is None, "run is still running")
    for s in feeders + more:
        s.close()
finally:
    stop(p)

# ------------------------------------------------------------------ B
fport, hport = free_port(), free_port()
p = start(["--input", f"nmea+listen://{HOST}:{fport}", "--http", f"{HOST}:{hport}", "--feeder-idle-s", "2"])
try:
    ok(wait_up(hport), "run starts with --feeder-idle-s 2")
    silent = connect_many(fport, 50)
    talker = socket.create_connection((HOST, fport), timeout=2)
    line = b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\r\n"
    t0 = time.time()
    while time.time() - t0 < 4.5:
        talker.sendall(line)
        time.sleep(0.5)
    gone = sum(closed_by_server(s) for s in silent)
    ok(gone == 50, "silent feeders are closed after the idle time-out", f"{gone}/50")
    ok(not closed_by_server(talker), "a feeder that talks stays connected")
    st, body = http_get(hport, "/api/v1/stats")
    tr = json.loads(body).get("tracker", {})
    ok(st == 200 and tr.get("updates_ais", 0) >= 8, "its messages reach the tracker", str(tr.get("updates_ais")))
    talker.close()
    for s in silent:
        s.close()
finally:
    stop(p)
with open(os.path.join(work, "run.log"), errors="replace") as f:
    text = f.read()
ok("Sanitizer" not in text and "runtime error" not in text, "no sanitizer report from run", text[-300:])
sys.exit(1 if failures else 0)
