#!/usr/bin/env python3
"""store_server.py ATALAYA STORE_URL -- COMMAND...: starts `atalaya serve --store
STORE_URL --http 127.0.0.1:PORT` on a free loopback port, waits until
/api/v1/timespan answers, runs COMMAND with ATALAYA_URL set and exits with its
status. atalaya is stopped with SIGTERM; a non-zero exit of atalaya (other
than by that signal) fails the run. Bounded in time; loopback only."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

atalaya, store = sys.argv[1:3]
command = sys.argv[sys.argv.index("--") + 1:]
HOST = "127.0.0.1"


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


port = free_port()
url = f"http://{HOST}:{port}"
log = open(os.environ.get("ATALAYA_SERVER_LOG", os.devnull), "w")
proc = subprocess.Popen([atalaya, "serve", "--store", store, "--http", f"{HOST}:{port}"], stdout=log, stderr=log)
rc = 1
try:
    span = None
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/api/v1/timespan", timeout=5) as r:
                span = json.load(r)
                break
        except (OSError, urllib.error.URLError, ValueError):
            time.sleep(0.2)
    if span is None:
        print(f"not ok - atalaya serve answers /api/v1/timespan on {url} (exit {proc.poll()})")
    else:
        print(f"# atalaya serve on {url}, timespan {span}")
        rc = subprocess.run(command, env=dict(os.environ, ATALAYA_URL=url)).returncode
finally:
    if proc.poll() is None:
        proc.terminate()
        try:
            status = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            status = proc.wait()
    else:
        status = proc.returncode
if status not in (0, -15):
    print(f"not ok - atalaya serve exits cleanly on SIGTERM (status {status})")
    rc = rc or 1
sys.exit(rc)
