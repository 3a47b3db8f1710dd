#!/usr/bin/env python3
"""contract_stub.py -- COMMAND...: a stand-in for `atalaya serve --store`, for
working on the page (web/) without a store: serves web/ with the server's CSP
and answers the store API's paths (docs/formats/api-v1.md) with a small
synthetic picture shaped like the Caribbean demo (DEMO BOREALIS dark, DEMO
CALYPSO meeting DEMO CASSIOPEIA, background traffic moving in straight
lines). Runs COMMAND with ATALAYA_URL set. Not a test of atalaya: the real
check is tests/sh/web_investigate.sh against the real server.
Only the fields the page reads are filled in."""
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web")
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
T0 = 1768176000000
T1 = T0 + 72 * 3600000
H = 3600000

# mmsi, name, shiptype, lat0, lon0, dlat/h, dlon/h, watch, dark (from, to) or None
VESSELS = [
    (613990102, "DEMO BOREALIS", 80, 12.0, -62.0, 0.02, -0.05, "DEMO BOREALIS", (12 * H, 28 * H)),
    (620990106, "DEMO CALYPSO", 80, 12.1, -68.9, 0.02, 0.03, "DEMO CALYPSO", None),
    (572990103, "DEMO CASSIOPEIA", 80, 12.5, -62.5, 0.015, -0.06, None, None),
    (354990104, "DEMO DRACO", 80, 13.1, -63.0, 0.01, -0.02, None, (21 * H, 80 * H)),
    (354990199, "DEMO DRAKE", 80, 13.2, -63.4, 0.01, -0.02, None, (-1 * H, 33.5 * H)),
] + [(300000000 + i, f"BACKGROUND {i}", [70, 80, 60, 30, 52][i % 5], 11 + (i % 7) * 0.4, -71 + (i % 11) * 0.8,
      0.01 * math.sin(i), 0.02 * math.cos(i), None, None) for i in range(40)]
AIRCRAFT = [("f1d001", "DQX711", 10.6, -66.99, 0.2, 0.9, "DEMO QX 1")]


def pos(v, t):
    h = (t - T0) / H
    return v[3] + v[5] * h, v[4] + v[6] * h


def visible(v, t):
    return not (v[8] and v[8][0] <= t - T0 < v[8][1])


def vessel_entity(v, t):
    lat, lon = pos(v, t)
    e = {"kind": "vessel", "mmsi": v[0], "name": v[1], "shiptype": v[2], "lat": lat, "lon": lon,
         "t": t - (t % 60000), "speed": 12.0, "course": 45.0, "flag": "Panama"}
    if v[7]:
        e["watch"] = {"list": "demo", "program": "DEMO", "name": v[7], "rule": "mmsi"}
    return e


def picture(at):
    out = [vessel_entity(v, at) for v in VESSELS if visible(v, at)]
    for a in AIRCRAFT:
        h = (at - T0) / H
        out.append({"kind": "aircraft", "icao": a[0], "callsign": a[1], "lat": a[2] + a[4] * (h % 10),
                    "lon": a[3] + a[5] * (h % 10), "alt": 37000, "t": at, "speed": 480, "course": 70,
                    "watch": {"list": "demo", "program": "DEMO", "name": a[6], "rule": "icao24"}})
    return {"time": at, "count": len(out), "entities": out}


def track(v, frm, to):
    pts = [list(reversed(pos(v, t))) for t in range(max(frm, T0), min(to, T1), 600000) if visible(v, t)]
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": pts},
                                                        "properties": {"mmsi": v[0]}}]}


GAP = {"id": 1, "event": "ais_gap", "mmsi": 613990102, "t_start_ms": T0 + 12 * H, "t_end_ms": T0 + 28 * H, "lat": 13.3, "lon": -65.0,
       "entities": [{"kind": "vessel", "id": 613990102}], "hours": 16.0, "class": "likely_deliberate",
       "evidence": "!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E\n!AIVDM,1,1,,B,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4D"}
MEET = {"id": 2, "event": "encounter", "mmsi": [572990103, 620990106], "t_start_ms": T0 + 40 * H, "t_end_ms": T0 + 43.5 * H, "lat": 13.6, "lon": -66.5,
        "entities": [{"kind": "vessel", "id": 620990106}, {"kind": "vessel", "id": 572990103}], "distance_nm": 0.05,
        "evidence": "!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E"}
GAP2 = dict(GAP, id=3, t_start_ms=T0 + 21 * H, t_end_ms=T0 + 33.5 * H, lat=13.1, lon=-63.5, mmsi=354990104,
            name="DEMO DRAKE", hours=12.5, reappeared_as_mmsi=354990199, entities=[{"kind": "vessel", "id": 354990104}])
IDC = {"id": 4, "event": "identity_change", "t_start_ms": T0 + 21 * H, "t_end_ms": T0 + 33.5 * H, "imo": 1009041,
       "field": "mmsi", "old_mmsi": 354990104, "new_mmsi": 354990199, "name": "DEMO DRAKE",
       "entities": [{"kind": "vessel", "id": 354990104}, {"kind": "vessel", "id": 354990199}], "evidence": GAP["evidence"]}

# The demo's flights: the airline DQX into Venezuela three times, the cargo
# 747 DQC401 Caracas - Ciudad del Este and back, one flight of another airline.
AIRPORTS = {"OSDI": (33.41, 36.52, "Damascus International Airport", "SY"),
            "SVMI": (10.60, -66.99, "Simón Bolívar International Airport", "VE"),
            "SVVA": (10.15, -67.93, "Arturo Michelena International Airport", "VE"),
            "SGES": (-25.45, -54.84, "Guarani International Airport", "PY"),
            "TNCC": (12.19, -68.96, "Hato International Airport", "CW")}
COUNTRY = {"SY": "Syria", "VE": "Venezuela", "PY": "Paraguay", "CW": "Curacao"}


def flight(fid, icao, callsign, dep, arr, t0, t1, confidence):
    f = {"id": fid, "event": "flight", "icao": icao, "callsign": callsign, "operator": callsign[:3],
         "t_start_ms": T0 + int(t0 * H), "t_end_ms": T0 + int(t1 * H), "confidence": confidence,
         "entities": [{"kind": "aircraft", "id": icao}], "evidence": "8df1d0015805a5e75bf0705d0e41"}
    for end, code in (("departure", dep), ("arrival", arr)):
        a = AIRPORTS[code]
        f.update({end + "_airport": code, end + "_name": a[2], end + "_country_code": a[3], end + "_country": COUNTRY[a[3]]})
    return f


FLIGHTS = [flight(20, "f1d001", "DQX711", "OSDI", "SVMI", 42.9, 54.8, 0.73),
           flight(21, "f1dc01", "DQC401", "SGES", "SVMI", 20.8, 25.7, 0.81),
           flight(22, "f1d002", "DQX712", "OSDI", "SVVA", 28.9, 41.0, 0.73),
           flight(23, "f1dc01", "DQC401", "SVMI", "SGES", 10.0, 14.8, 0.81),
           flight(24, "f1d001", "DQX711", "OSDI", "SVMI", 4.0, 15.9, 0.73),
           flight(25, "0d0a1b", "DMX105", "SVMI", "TNCC", 1.0, 1.9, 0.9)]
CALL = {"id": 5, "event": "port_call", "mmsi": 620990106, "name": "DEMO CALYPSO", "port": "WILLEMSTAD (DEMO)",
        "port_country": "CW", "t_start_ms": T0 + 50 * H, "t_end_ms": T0 + 70 * H, "lat": 12.0975, "lon": -68.94,
        "entities": [{"kind": "vessel", "id": 620990106}], "evidence": GAP["evidence"]}
EVENTS = [CALL, FLIGHTS[0], MEET, FLIGHTS[1], GAP2, IDC, GAP]


def shaped(e):
    """The event writer's shape (docs/formats/events.md): state, key,
    entities with their roles, evidence as an array of raw messages."""
    if isinstance(e["evidence"], str):
        e["evidence"] = e["evidence"].split("\n")
        e["entities"] = [{"kind": x["kind"], ("mmsi" if x["kind"] == "vessel" else "icao"): x["id"],
                          "role": "subject" if i == 0 else "other"} for i, x in enumerate(e["entities"])]
        e.update(state="closed", key="%016x" % e["id"])
    return e


for e in EVENTS + FLIGHTS:
    shaped(e)


def flights(q):
    """/api/v1/flights: members compared as text, case-insensitively; a
    country as its two letters or its name; the window overlapping."""
    out = []
    for f in FLIGHTS:
        ok = all(str(f.get(k, "")).upper() == q[k][0].upper() for k in
                 ("operator", "callsign", "departure_airport", "arrival_airport", "icao") if k in q)
        for end in ("departure", "arrival"):
            k = end + "_country"
            if k in q:
                v = q[k][0].upper()
                ok = ok and (f[k + "_code"] == v if len(v) == 2 else f[k].upper() == v)
        ok = ok and f["t_end_ms"] >= ms(q, "from", 0) and f["t_start_ms"] <= ms(q, "to", 1 << 62)
        if ok:
            out.append(f)
    out = out[:ms(q, "limit", 1000)]
    return {"count": len(out), "flights": out}


def aircraft_track(icao, frm, to):
    """A straight line from airport to airport for the stub's flight of
    that aircraft in the window; a line over the Caribbean otherwise."""
    f = next((f for f in FLIGHTS if f["icao"] == icao and f["t_start_ms"] <= to and f["t_end_ms"] >= frm), None)
    if f:
        (la0, lo0), (la1, lo1) = AIRPORTS[f["departure_airport"]][:2], AIRPORTS[f["arrival_airport"]][:2]
        pts = [[lo0 + (lo1 - lo0) * i / 9, la0 + (la1 - la0) * i / 9] for i in range(10)]
    else:
        pts = [[AIRCRAFT[0][3] + 0.9 * i, AIRCRAFT[0][2] + 0.2 * i] for i in range(10)]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": pts}, "properties": {}}]}
ALERTS = [{"seq": 3 - i, "t": T0 + (3 - i) * H, "kind": "vessel", "id": mmsi, "rule": "mmsi",
           "message": {"event": "watchlist_sighting", "state": "closed", "key": "%016x" % (100 + i),
                       "t_start_ms": T0 + (3 - i) * H, "t_end_ms": T0 + (3 - i) * H,
                       "entities": [{"kind": "vessel", "mmsi": mmsi, "role": "subject"}], "kind": "vessel", "mmsi": mmsi,
                       "match": {"rule": "mmsi", "weak": False, "entry": {"list": "demo", "name": name}}, "alert": "mmsi",
                       "evidence": ["!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E"]},
           "evidence": ["!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E"]}
          for i, (mmsi, name) in enumerate([(613990102, "DEMO BOREALIS"), (620990106, "DEMO CALYPSO"),
                                            (613990102, "DEMO BOREALIS")])]


def vessel(mmsi):
    return next((v for v in VESSELS if v[0] == mmsi), None)


def dossier(v):
    evs = [e for e in EVENTS if any(x["id"] == v[0] for x in e["entities"])]
    d = {"kind": "vessel", "mmsi": v[0], "name": v[1], "flag": "Panama",
         "identities": [{"field": "name", "value": v[1], "from": T0}, {"field": "imo", "value": "1009027", "from": T0},
                        {"field": "callsign", "value": "OLD1", "from": T0 - 48 * H, "to": T0}],
         "latest": vessel_entity(v, T1), "watch": [], "flights": [], "port_calls": [
             {"id": 9, "event": "port_call", "mmsi": v[0], "port": "WILLEMSTAD (DEMO)", "port_country": "CW",
              "t_start_ms": T0 + 50 * H, "t_end_ms": T0 + 70 * H, "lat": 12.0975, "lon": -68.94,
              "entities": [{"kind": "vessel", "id": v[0]}], "evidence": "!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E"}],
         "events": evs, "alerts": [a for a in ALERTS if a["id"] == v[0]]}
    if v[7]:
        d["watch"] = [{"list": "demo", "program": "DEMO", "entry": 1, "name": v[7], "listed": "2026-01-01", "rule": "mmsi",
                       "weak": False}]
    return d


def ms(q, k, default):
    return int(q[k][0]) if k in q else default


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self):
        if self.path == "/api/v1/stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def stream(self):
        """A stream with nothing new: a comment now and then, for a minute."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b": heartbeat\n\n")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        p = u.path
        if p == "/api/v1/stream":
            return self.stream()
        if p == "/api/v1/timespan":
            return self.send(200, {"from": T0, "to": T1})
        if p == "/api/v1/entities":
            return self.send(200, picture(min(max(ms(q, "at", T1), T0), T1)))
        if p.startswith("/api/v1/entity/vessel/"):
            v = vessel(int(p.rsplit("/", 1)[1]))
            return self.send(200, dossier(v)) if v else self.send(404, {"error": "not found", "status": 404})
        if p.startswith("/api/v1/entity/aircraft/"):
            return self.send(200, {"kind": "aircraft", "icao": p.rsplit("/", 1)[1], "identities": [],
                                   "watch": [{"list": "demo", "program": "DEMO", "name": "DEMO QX 1", "rule": "icao24"},
                                             {"list": "demo", "program": "DEMO", "name": "DEMO QX AIRLINES", "rule": "operator"}],
                                   "flights": [{"id": 10, "event": "flight", "icao": "f1d001", "callsign": "DQX711",
                                                "departure_airport": "OSDI", "arrival_airport": "SVMI",
                                                "departure_time": "2026-01-13T18:54:01Z", "arrival_time": "2026-01-14T06:48:19Z",
                                                "t_start_ms": T0 + 42 * H, "t_end_ms": T0 + 54 * H, "confidence": 0.73,
                                                "entities": [{"kind": "aircraft", "id": "f1d001"}],
                                                "evidence": "8df1d0015805a5e75bf0705d0e41"}],
                                   "port_calls": [], "events": [], "alerts": []})
        if p.startswith("/api/v1/track/vessel/"):
            v = vessel(int(p.rsplit("/", 1)[1]))
            return self.send(200, track(v, ms(q, "from", T0), ms(q, "to", T1)) if v else {"type": "FeatureCollection", "features": []})
        if p.startswith("/api/v1/track/aircraft/"):
            return self.send(200, aircraft_track(p.rsplit("/", 1)[1], ms(q, "from", T0), ms(q, "to", T1)))
        if p == "/api/v1/flights":
            return self.send(200, flights(q))
        if p == "/api/v1/events":
            kinds = q.get("kind", [""])[0].split(",") if "kind" in q else None
            evs = [e for e in EVENTS if not kinds or e["event"] in kinds][:ms(q, "limit", 1000)]
            return self.send(200, {"count": len(evs), "events": evs})
        if p == "/api/v1/alerts":
            return self.send(200, {"count": len(ALERTS), "alerts": ALERTS})
        if p == "/api/v1/search":
            needle = q.get("q", [""])[0].upper()
            hits = [{"kind": "vessel", "mmsi": v[0], "field": "name", "value": v[1], "lat": pos(v, T1)[0], "lon": pos(v, T1)[1]}
                    for v in VESSELS if needle and (needle in v[1] or needle == str(v[0]))]
            hits += [{"kind": "aircraft", "icao": a[0], "field": "callsign", "value": a[1], "lat": a[2], "lon": a[3]}
                     for a in AIRCRAFT if needle and needle in a[1]]
            return self.send(200, {"results": hits})
        if p.startswith("/api/") or p.startswith("/data/"):
            return self.send(404, {"error": "not found", "status": 404})
        path = os.path.normpath(os.path.join(ROOT, p.lstrip("/") + ("index.html" if p.endswith("/") else "")))
        if not path.startswith(os.path.normpath(ROOT)) or not os.path.isfile(path):
            return self.send(404, {"error": "not found", "status": 404})
        ext = os.path.splitext(path)[1]
        ctype = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
                 ".geojson": "application/geo+json", ".png": "image/png"}.get(ext, "application/octet-stream")
        with open(path, "rb") as f:
            self.send(200, f.read(), ctype)


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
command = sys.argv[sys.argv.index("--") + 1:]
rc = subprocess.run(command, env=dict(os.environ, ATALAYA_URL=f"http://127.0.0.1:{port}")).returncode
httpd.shutdown()
sys.exit(rc)
