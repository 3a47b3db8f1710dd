#!/usr/bin/env python3
"""obs_pub.py: a test-only publisher of observations (src/stream/obs.h) to a
JetStream stream on 127.0.0.1, speaking the NATS text protocol directly (no
client library: Debian has none for Python). It stands for receivers that
publish AIS as they hear it, so the stream workers can be tested without
`atalaya run --publish`.

  obs_pub.py PORT SHARDS [--rate N] [--start K] [--merged OUT] RX=FILE...
  obs_pub.py PORT SHARDS --drained STREAM [SECONDS]
  obs_pub.py PORT SHARDS --reset STREAM

Each FILE is one receiver's AIS recording (tag blocks with c: times, as
`atalaya simulate` writes them); the files are merged in event-time order
(as receivers on the air publish) and each message (its sentences, with
their tag blocks) goes to atalaya.obs.<shard> with the obs.h headers; every
publish is acknowledged by the stream before the script ends. --rate paces
to N messages a second (0: as fast as possible); --start K skips the first K
messages of the merge (published by an earlier run); --merged writes the
merge as one recording (what a single node hearing all the receivers would
ingest) and publishes nothing. Prints the count.

--drained waits (default 120 s) until every shard's consumer (shard-N, and the
global stage's "global", as the workers make them) has been handed every message and has every one
acknowledged, i.e. the workers committed all; exit 1 if that never came.
--reset deletes those consumers (a new run of workers on the same stream is
then drained only once it has made them again)."""
import heapq
import json
import re
import socket
import sys
import threading
import time

TAG = re.compile(rb'^\\([^\\]*)\\')


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def mmsi_of(sentence):
    """The MMSI of an !AIVDM sentence's first fragment, or None."""
    fields = sentence.split(b',')
    if len(fields) < 7 or not fields[5]:
        return None
    bits = 0
    for c in fields[5][:7]:
        v = c - 48
        if v > 40:
            v -= 8
        bits = (bits << 6) | (v & 63)
    if len(fields[5]) < 7:
        return None
    return (bits >> (42 - 38)) & 0x3FFFFFFF


def messages(path, rx):
    """(time_ms, receiver, order, payload, mmsi) per whole AIS message."""
    frags, n = [], 0
    with open(path, 'rb') as f:
        for line in f:
            line = line.rstrip(b'\r\n')
            m = TAG.match(line)
            if not m:
                continue
            tags = dict(t.split(b':', 1) for t in m.group(1).split(b'*')[0].split(b',') if b':' in t)
            body = line[m.end():]
            parts = body.split(b',')
            if len(parts) < 3:
                continue
            frags.append(line)
            if parts[1] != parts[2]:
                continue
            first = frags[0][TAG.match(frags[0]).end():]
            payload = b''.join(x + b'\n' for x in frags)
            frags = []
            mmsi = mmsi_of(first)
            if mmsi is None or b'c' not in tags:
                continue
            n += 1
            yield (int(tags[b'c']) * 1000, rx, n, payload, mmsi)


def drained(port, shards, stream, seconds, reset=False):
    s = socket.create_connection(('127.0.0.1', port))
    s.settimeout(5)
    f = s.makefile('rb')
    f.readline()  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\nSUB _OBSPUB.info 1\r\n')

    # The entity shards' consumers shard-N and the global stage's (worker.h).
    names = [b'shard-%d' % n for n in range(shards)] + [b'global']

    def info(name, what=b'INFO'):
        s.sendall(b'PUB $JS.API.CONSUMER.%s.%s.%s _OBSPUB.info 0\r\n\r\n' % (what, stream.encode(), name))
        while True:
            raw = f.readline()
            if not raw:  # the server went away: an answer never comes
                sys.stderr.write('obs_pub: the server closed the connection\n')
                sys.exit(1)
            line = raw.rstrip(b'\r\n')
            if line == b'PING':
                s.sendall(b'PONG\r\n')
            elif line.startswith(b'MSG '):
                body = f.read(int(line.split()[-1]) + 2)
                return json.loads(body[:-2])

    if reset:
        for name in names:
            info(name, b'DELETE')
        return 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = []
        for name in names:
            i = info(name)
            if 'error' in i or i.get('num_pending') != 0 or i.get('num_ack_pending') != 0:
                left.append((name, i))
        if not left:
            return 0
        time.sleep(0.5)
    sys.stderr.write('obs_pub: %d of %d consumers drained after %d s\n' % (len(names) - len(left), len(names), seconds))
    for name, i in left:
        sys.stderr.write('obs_pub:   %s: %s\n' % (name.decode(), i.get('error') or 'pending %s, ack pending %s, '
                         'delivered %s, ack floor %s, redelivered %s' % (
                             i.get('num_pending'), i.get('num_ack_pending'), i.get('delivered'),
                             i.get('ack_floor'), i.get('num_redelivered'))))
    return 1


def main():
    args = sys.argv[1:]
    port, shards = int(args[0]), int(args[1])
    if args[2] == '--reset':
        sys.exit(drained(port, shards, args[3], 0, reset=True))
    if args[2] == '--drained':
        sys.exit(drained(port, shards, args[3], float(args[4]) if len(args) > 4 else 120))
    rate, start, files, merged_out = 0.0, 0, [], None
    i = 2
    while i < len(args):
        if args[i] == '--rate':
            rate, i = float(args[i + 1]), i + 2
        elif args[i] == '--merged':
            merged_out, i = args[i + 1], i + 2
        elif args[i] == '--start':
            start, i = int(args[i + 1]), i + 2
        else:
            rx, path = args[i].split('=', 1)
            files.append((rx, path))
            i += 1
    if merged_out:
        with open(merged_out, 'wb') as f:
            for m in heapq.merge(*(messages(p, rx) for rx, p in files)):
                f.write(m[3])
        return
    s = socket.create_connection(('127.0.0.1', port))
    s.recv(4096)  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\n'
              b'SUB _OBSPUB.acks.* 1\r\nPING\r\n')
    acks = {'n': 0, 'err': 0}
    pong = threading.Event()

    def reader():
        buf = b''
        while True:
            try:
                data = s.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b'\r\n' in buf:
                line, rest = buf.split(b'\r\n', 1)
                if line.startswith(b'HMSG '):  # a status: no stream takes the subject
                    size = int(line.split()[-1])
                    if len(rest) < size + 2:
                        break
                    buf = rest[size + 2:]
                    acks['err'] += 1
                    acks['n'] += 1
                    continue
                if line.startswith(b'MSG '):
                    size = int(line.split()[-1])
                    if len(rest) < size + 2:
                        break
                    body, buf = rest[:size], rest[size + 2:]
                    if b'"error"' in body:
                        acks['err'] += 1
                    acks['n'] += 1
                    continue
                buf = rest
                if line == b'PONG':
                    pong.set()
                elif line == b'PING':
                    s.sendall(b'PONG\r\n')
                elif line.startswith(b'-ERR'):
                    sys.stderr.write('obs_pub: %s\n' % line.decode(errors='replace'))

    threading.Thread(target=reader, daemon=True).start()
    pong.wait(5)
    boot = int(time.time() * 1000)
    t0, sent, out = time.monotonic(), 0, []
    merged = heapq.merge(*(messages(p, rx) for rx, p in files))
    for k, (t, rx, seq, payload, mmsi) in enumerate(merged):
        if k < start:
            continue
        shard = fnv1a(bytes([1, mmsi >> 24 & 255, mmsi >> 16 & 255, mmsi >> 8 & 255, mmsi & 255])) % shards
        hdr = (b'NATS/1.0\r\nAtalaya-Time: %d\r\nAtalaya-Receiver: %s\r\nAtalaya-Source: nmea\r\n'
               b'Atalaya-Entity: vessel:%d\r\nNats-Msg-Id: %s.%d.%d\r\n\r\n'
               % (t, rx.encode(), mmsi, rx.encode(), boot, seq))
        out.append(b'HPUB atalaya.obs.%d _OBSPUB.acks.%d %d %d\r\n%s%s\r\n'
                   % (shard, sent, len(hdr), len(hdr) + len(payload), hdr, payload))
        sent += 1
        if len(out) >= 200:
            s.sendall(b''.join(out))
            out = []
            # Not too far ahead of the stream's acknowledgements.
            while sent - acks['n'] > 20000:
                time.sleep(0.005)
            if rate > 0:
                ahead = sent / rate - (time.monotonic() - t0)
                if ahead > 0:
                    time.sleep(ahead)
    s.sendall(b''.join(out))
    deadline = time.monotonic() + 60
    while acks['n'] < sent and time.monotonic() < deadline:
        time.sleep(0.01)
    print(sent)
    if acks['n'] < sent or acks['err']:
        sys.stderr.write('obs_pub: %d of %d acknowledged, %d errors\n' % (acks['n'], sent, acks['err']))
        sys.exit(1)


if __name__ == '__main__':
    main()
