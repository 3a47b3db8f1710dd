#!/usr/bin/env python3
"""serve_test.py ATALAYA ROOT WORKDIR: `atalaya serve` against a store built
here, every endpoint of docs/formats/api-v1.md checked against the store's
own rows (read with python's sqlite3), bad parameters, the write token, body
bounds and the live stream. Prints ok/not ok lines; loopback only, bounded in
time.

The store: `atalaya simulate` of two hours of the Caribbean demo with the
demo watchlist imported, its AIS and Mode S `atalaya ingest`ed (positions,
identities, detector events, watchlist alerts); then a few rows of kinds
whose values the test must know (a flight, a port call, an AIS gap, an
alert, an aircraft with an identity change), added with sqlite3 as the
ingest writes them."""
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

atalaya, root, work = sys.argv[1:4]
HOST = "127.0.0.1"
TOKEN = "test-token-0123456789abcdef"
failures = 0


def ok(cond, name, detail=""):
    global failures
    print(("ok - " if cond else "not ok - ") + name + ("" if cond or not detail else f" ({detail})"))
    failures += not cond
    return cond


def run(*args):
    subprocess.run([atalaya, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ------------------------------------------------------------------ the store
db = os.path.join(work, "serve.db")
for f in (db, db + "-wal", db + "-shm"):
    if os.path.exists(f):
        os.remove(f)
nmea, beast, truth = (os.path.join(work, n) for n in ("demo.nmea", "demo.beast", "truth.jsonl"))
run("simulate", os.path.join(root, "scenarios/caribbean.json"), "--ais", nmea, "--modes", beast, "--truth", truth,
    "--seed", "7", "--hours", "2")
run("watchlist", "--db", db, "import", "--format", "csv", "--list", "demo",
    os.path.join(root, "scenarios/caribbean-watchlist.csv"))
# The Beast counter starts at the receiver's uptime; the truth header says where (scripts/demo.sh).
with open(truth) as f:
    h = json.loads(f.readline())
epoch = (h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000
run("ingest", "--quiet", "--store", "sqlite:" + db, "--db", db, "--modes-epoch", str(epoch), nmea, beast)

con = sqlite3.connect(db)
t0, t1 = con.execute("SELECT min(t), max(t) FROM position").fetchone()
ok(t0 and t1 and t1 - t0 > 3600_000, "the ingested store spans more than an hour", f"{t0}..{t1}")
ingested_events = con.execute("SELECT count(*) FROM event").fetchone()[0]
ingested_alerts = con.execute("SELECT count(*) FROM alert").fetchone()[0]
ok(ingested_events > 0 and ingested_alerts > 0 and
   con.execute("SELECT count(*) FROM position WHERE kind=2").fetchone()[0] > 0,
   "the ingest stored aircraft, detector events and watchlist alerts", f"{ingested_events} {ingested_alerts}")
# A vessel that moves, to see the picture change with time.
mover = con.execute("SELECT id FROM position WHERE kind=1 GROUP BY id HAVING max(lat)-min(lat) > 0.05"
                    " ORDER BY id LIMIT 1").fetchone()[0]
ICAO = 0x0D0A1B
HEX = "0d0a1b"
ta = t1 - 120_000
# An aircraft seen twice, its callsign changed once (the ingest writes these
# the same way: position + segment box, identity history).
for k, (t, lat, lon) in enumerate([(ta, 10.6, -66.9), (ta + 60_000, 10.8, -66.5)]):
    cur = con.execute("INSERT INTO position(kind,id,t,lat,lon,alt,speed,course,source) VALUES(2,?,?,?,?,35000,450,60,'adsb')",
                      (ICAO, t, lat, lon))
    h = t // 3_600_000  # its segment box (schema migration 5), grown to hold the fix
    sid = h * 2**34 + 2 * 2**32 + ICAO
    box = con.execute("SELECT min_lat, max_lat, min_lon, max_lon FROM position_seg WHERE sid=?", (sid,)).fetchone()
    box = box or (lat, lat, lon, lon)
    con.execute("INSERT OR REPLACE INTO position_seg VALUES(?,?,?,?,?,2,?,?,?)",
                (sid, min(box[0], lat), max(box[1], lat), min(box[2], lon), max(box[3], lon), ICAO,
                 h * 3_600_000, h * 3_600_000 + 3_599_999))
con.execute("INSERT INTO identity(kind,id,field,value,valid_from,valid_to) VALUES(2,?,'callsign','OLD123',?,?)",
            (ICAO, ta - 600_000, ta))
con.execute("INSERT INTO identity(kind,id,field,value,valid_from) VALUES(2,?,'callsign','IRM712',?)", (ICAO, ta))
con.execute("INSERT INTO identity(kind,id,field,value,valid_from) VALUES(2,?,'registration','EP-MMX',?)", (ICAO, ta))


def event(kind, ts, te, ents, lat, lon, details, evidence, state=0):
    """A row as the store writes it (src/store, migration 6): entities with
    roles, details the event's own fields, evidence a JSON array, one (kind,
    key) per occurrence, seq the order rows were written."""
    ej = [{"kind": "vessel", "mmsi": i, "role": "subject"} if k == 1 else
          {"kind": "aircraft", "icao": "%06x" % i, "role": "subject"} for k, i in ents]
    key = con.execute("SELECT coalesce(max(key), 0) + 1 FROM event").fetchone()[0]
    cur = con.execute("INSERT INTO event(kind,t_start,t_end,entities,lat,lon,details,evidence,state,key,seq)"
                      " VALUES(?,?,?,?,?,?,?,?,?,?,(SELECT coalesce(max(seq), 0) + 1 FROM event))",
                      (kind, ts, te, json.dumps(ej, separators=(",", ":")), lat, lon,
                       json.dumps(details, separators=(",", ":")),
                       json.dumps([evidence]) if evidence else None, state, key))
    for k, i in ents:
        con.execute("INSERT INTO event_entity(event,kind,id,role) VALUES(?,?,?,'subject')", (cur.lastrowid, k, i))
    return cur.lastrowid


ev_flight = event("flight", ta, ta + 60_000, [(2, ICAO)], 10.7, -66.7,
                  {"icao": HEX, "callsign": "IRM712", "operator": "IRM", "registration": "EP-MMX",
                   "departure_airport": "SVMI", "arrival_airport": "OIII", "departure_country_code": "VE",
                   "departure_country": "Venezuela",
                   "arrival_country_code": "IR", "confidence": 0.9}, "8d0d0a1b...")
ev_port = event("port_call", t0 + 600_000, t0 + 3_000_000, [(1, mover)], 10.15, -64.88,
                {"mmsi": mover, "name": "X", "port": "PUERTO LA CRUZ", "port_country": "VE"}, None)
ev_gap = event("ais_gap", t0 + 1_000_000, t0 + 2_000_000, [(1, mover)], 12.0, -68.0,
               {"gap_s": 1000}, "!AIVDM,1,1,,A,x,0*00")
con.execute("INSERT INTO alert(t,kind,id,rule,message,evidence) VALUES(?,1,?,'mmsi','watchlist sighting',NULL)",
            (t0 + 5_000, mover))
con.commit()


def picture(at):
    """The contract's picture, computed from the rows."""
    rows = con.execute("SELECT kind, id, max(t) FROM position WHERE t<=? AND "
                       "((kind=1 AND t>?) OR (kind=2 AND t>?)) GROUP BY kind, id",
                       (at, at - 1_800_000, at - 300_000)).fetchall()
    return {(k, i): t for k, i, t in rows}


# ------------------------------------------------------------------ requests
logs = {}


def start(*extra, env=None):
    port = free_port()
    logs[port] = os.path.join(work, f"serve-{port}.log")
    log = open(logs[port], "w")
    p = subprocess.Popen([atalaya, "serve", "--store", "sqlite:" + db, "--http", f"{HOST}:{port}", *extra],
                         stdout=log, stderr=log, env=env)
    for _ in range(200):
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return p, f"http://{HOST}:{port}"
        except OSError:
            if p.poll() is not None:
                raise RuntimeError("serve exited")
            time.sleep(0.05)
    raise RuntimeError("serve did not listen")


def stop(p, base):
    """SIGTERM; a clean exit (0) also means no sanitizer report at exit."""
    p.terminate()
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = -9
    if not ok(rc == 0, "serve stops cleanly on SIGTERM", str(rc)):
        with open(logs[int(base.rsplit(":", 1)[1])]) as f:
            print("".join("    " + l for l in f.readlines()[-30:]))


def req(url, method="GET", body=None, headers=None):
    r = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(base, path):
    st, h, b = req(base + path)
    try:
        return st, json.loads(b)
    except ValueError:
        return st, b


def bad(base, path, status=400):
    st, body = get(base, path)
    ok(st == status and isinstance(body, dict) and body.get("status") == status and body.get("error"),
       f"{path} -> {status} with a JSON error", f"{st} {body}")


srv, base = start(env=dict(os.environ, ATALAYA_WRITE_TOKEN=TOKEN))
ro, robase = start(env={k: v for k, v in os.environ.items() if k != "ATALAYA_WRITE_TOKEN"})
try:
    st, span = get(base, "/api/v1/timespan")
    ok(st == 200 and span == {"from": t0, "to": t1}, "timespan is the first and last position", str(span))

    # --- entities: the picture at a time
    st, e = get(base, "/api/v1/entities")
    want = picture(t1)
    got = {(1 if x["kind"] == "vessel" else 2, x["mmsi"] if x["kind"] == "vessel" else int(x["icao"], 16)): x["t"]
           for x in e["entities"]}
    ok(st == 200 and e["time"] == t1 and e["count"] == len(e["entities"]) and got == want,
       "entities: the picture at the latest time is the latest fix per entity within 30/5 min",
       f"{len(got)} vs {len(want)}")
    tm = t0 + 1_200_000
    st, e2 = get(base, f"/api/v1/entities?at={tm}")
    got2 = {(1 if x["kind"] == "vessel" else 2, x.get("mmsi") or int(x["icao"], 16)): x["t"] for x in e2["entities"]}
    ok(got2 == picture(tm) and got2 != got, "entities?at=T: the picture at T, different from the latest one")
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(tm // 1000))
    st, e3 = get(base, f"/api/v1/entities?at={iso}")
    ok(st == 200 and e3["time"] == tm // 1000 * 1000, "entities?at=ISO 8601", str(e3.get("time")))
    m1 = [x for x in e["entities"] if x.get("mmsi") == mover]
    m2 = [x for x in e2["entities"] if x.get("mmsi") == mover]
    ok(m1 and m2 and (m1[0]["lat"], m1[0]["lon"]) != (m2[0]["lat"], m2[0]["lon"]),
       "a moving vessel is elsewhere at the two times")
    st, ea = get(base, "/api/v1/entities?kind=aircraft")
    ok(all(x["kind"] == "aircraft" for x in ea["entities"]) and ea["count"] == sum(k == 2 for k, _ in want),
       "entities?kind=aircraft: the aircraft of the picture")
    a = [x for x in ea["entities"] if x["icao"] == HEX]
    ok(len(a) == 1 and a[0]["icao"] == HEX and a[0]["callsign"] == "IRM712" and a[0]["operator"] == "IRM"
       and a[0]["registration"] == "EP-MMX" and a[0]["alt"] == 35000,
       "entities?kind=aircraft: identity, operator from the callsign, altitude", str(a))
    st, eo = get(base, f"/api/v1/entities?kind=aircraft&at={ta + 30_000}")
    ok([x["callsign"] for x in eo["entities"] if x["icao"] == HEX] == ["IRM712"], "the callsign valid at that time")
    st, eo = get(base, f"/api/v1/entities?kind=aircraft&at={ta - 1}")
    ok(not any(x["icao"] == HEX for x in eo["entities"]),
       "an aircraft whose first fix is later is not in the picture")
    st, ev = get(base, "/api/v1/entities?kind=vessel&limit=5")
    ok(st == 200 and ev["count"] == 5 and all(x["kind"] == "vessel" for x in ev["entities"]), "kind and limit")
    st, eb = get(base, "/api/v1/entities?bbox=10,-67,11,-64")
    ok(st == 200 and eb["count"] > 0 and all(10 <= x["lat"] <= 11 and -67 <= x["lon"] <= -64 for x in eb["entities"])
       and eb["count"] == sum(10 <= x["lat"] <= 11 and -67 <= x["lon"] <= -64 for x in e["entities"]),
       "bbox keeps exactly the entities inside", str(eb["count"]))
    st, et = get(base, "/api/v1/entities?type=tanker")
    ok(st == 200 and et["count"] > 0 and all(80 <= x.get("shiptype", 0) <= 89 for x in et["entities"]),
       "type=tanker: ship types 80-89", str(et["count"]))
    st, ew = get(base, "/api/v1/entities?watch=1")
    listed = {r[0] for r in con.execute("SELECT value FROM watchlist_ident WHERE type='mmsi'")}
    by_mmsi = {x["mmsi"] for x in e["entities"] if str(x.get("mmsi")) in listed}
    watched = [x for x in e["entities"] if "watch" in x]
    ok(st == 200 and by_mmsi and by_mmsi <= {x.get("mmsi") for x in ew["entities"]} and ew["entities"] == watched
       and all(x["watch"]["list"] == "demo" for x in watched),
       "watch=1: exactly the entities with a match, the listed MMSIs among them", f"{ew['count']} {len(by_mmsi)}")
    for p in ("at=yesterday", "at=2026-02-31T00:00:00Z", "kind=boat", "bbox=1,2", "bbox=95,0,96,1", "limit=0",
              "limit=x", "type=submarine", "watch=maybe", "kind=aircraft&type=tanker"):
        bad(base, "/api/v1/entities?" + p)

    # --- dossier
    st, d = get(base, f"/api/v1/entity/vessel/{mover}")
    ids = con.execute("SELECT count(*) FROM identity WHERE kind=1 AND id=?", (mover,)).fetchone()[0]
    last = con.execute("SELECT max(t) FROM position WHERE kind=1 AND id=?", (mover,)).fetchone()[0]
    ok(st == 200 and d["mmsi"] == mover and len(d["identities"]) == ids and d["latest"]["t"] == last,
       "dossier: identities and latest fix")
    mine = [r[0] for r in con.execute("SELECT e.rowid FROM event e JOIN event_entity x ON x.event=e.rowid"
                                      " WHERE x.kind=1 AND x.id=? ORDER BY e.t_start DESC, e.rowid DESC LIMIT 50",
                                      (mover,))]
    ok([x["id"] for x in d["events"]] == mine and ev_gap in mine and [x["id"] for x in d["port_calls"]] == [ev_port]
       and [x["rule"] for x in d["alerts"]] == ["mmsi"],
       "dossier: its events newest first, its port calls and alerts", str([x["id"] for x in d["events"]]))
    ok(isinstance(d["watch"], list), "dossier: watch is a list of matches")
    st, d = get(base, f"/api/v1/entity/aircraft/{HEX.upper()}")
    hist = {(x["field"], x["value"], "to" in x) for x in d.get("identities", [])}
    ok(st == 200 and d["icao"] == HEX and ("callsign", "OLD123", True) in hist and ("callsign", "IRM712", False) in hist
       and d["operator"] == "IRM" and [x["id"] for x in d["flights"]] == [ev_flight],
       "aircraft dossier: identity history (from/to), operator, flights", str(d)[:300])
    bad(base, "/api/v1/entity/vessel/123456789", 404)
    bad(base, "/api/v1/entity/vessel/12x")
    bad(base, "/api/v1/entity/aircraft/0d0a1")
    bad(base, "/api/v1/entity/ship/1")

    # --- track
    w0, w1 = t0 + 600_000, t0 + 1_800_000
    n = con.execute("SELECT count(*) FROM position WHERE kind=1 AND id=? AND t BETWEEN ? AND ?",
                    (mover, w0, w1)).fetchone()[0]
    st, g = get(base, f"/api/v1/track/vessel/{mover}?from={w0}&to={w1}")
    f = g["features"][0]
    ok(st == 200 and g["type"] == "FeatureCollection" and f["geometry"]["type"] == "LineString"
       and len(f["geometry"]["coordinates"]) == n == f["properties"]["points"] == len(f["properties"]["times"]),
       "track: one LineString with the window's positions and their times", f"{n}")
    st, h, b = req(base + f"/api/v1/track/vessel/{mover}?from={w0}&to={w1}&format=csv")
    lines = b.decode().splitlines()
    ok(st == 200 and h["Content-Type"].startswith("text/csv") and lines[0].startswith("t_ms,") and len(lines) == n + 1
       and "attachment" in h.get("Content-Disposition", ""), "track?format=csv: header and one line per position")
    st, h, b = req(base + f"/api/v1/track/vessel/{mover}?from={w0}&to={w1}&format=kml")
    ok(st == 200 and b"<kml xmlns=\"http://www.opengis.net/kml/2.2\">" in b and b.count(b",") >= n,
       "track?format=kml: KML 2.2 LineString")
    st, g = get(base, f"/api/v1/track/aircraft/{HEX}")
    ok(st == 200 and len(g["features"][0]["geometry"]["coordinates"]) == 2, "aircraft track")
    bad(base, f"/api/v1/track/vessel/{mover}?format=shp")
    bad(base, f"/api/v1/track/vessel/{mover}?from={w1}&to={w0}")
    bad(base, f"/api/v1/track/vessel/{mover}?from=soon")

    # --- events, flights, port calls, alerts
    st, x = get(base, "/api/v1/events")
    every = [r[0] for r in con.execute("SELECT rowid FROM event ORDER BY t_start DESC, rowid DESC")]
    ok(st == 200 and [y["id"] for y in x["events"]] == every and x["count"] == ingested_events + 3,
       "events: all, newest first", str([y["id"] for y in x["events"]]))
    sight = [y for y in x["events"] if y["event"] == "watchlist_sighting"]
    ok(sight and all(y["entities"] and y["evidence"] and "match" in y for y in sight),
       "an ingested watchlist sighting: its entity, evidence and match")
    gap = [y for y in x["events"] if y["event"] == "ais_gap"][0]
    ok(gap["gap_s"] == 1000 and gap["entities"] == [{"kind": "vessel", "mmsi": mover, "role": "subject"}]
       and gap["evidence"][0].startswith("!AIVDM") and gap["state"] == "closed"
       and gap["t_start_ms"] == t0 + 1_000_000, "an event: detector fields flat, entities, evidence")
    st, x = get(base, "/api/v1/events?kind=ais_gap,port_call")
    ok([y["id"] for y in x["events"]] == [ev_gap, ev_port], "events?kind=a,b")
    st, x = get(base, f"/api/v1/events?entity=aircraft:{HEX}")
    ok([y["id"] for y in x["events"]] == [ev_flight], "events?entity=aircraft:HEX")
    st, x = get(base, "/api/v1/events?bbox=11.9,-68.1,12.1,-67.9")
    inbox = [r[0] for r in con.execute("SELECT rowid FROM event WHERE lat BETWEEN 11.9 AND 12.1 AND lon BETWEEN"
                                       " -68.1 AND -67.9 ORDER BY t_start DESC, rowid DESC")]
    ok([y["id"] for y in x["events"]] == inbox and ev_gap in inbox, "events?bbox")
    w = (t0 + 2_500_000, t0 + 2_600_000)
    inwin = [r[0] for r in con.execute("SELECT rowid FROM event WHERE t_start<=? AND coalesce(t_end,t_start)>=?"
                                       " ORDER BY t_start DESC, rowid DESC", (w[1], w[0]))]
    st, x = get(base, f"/api/v1/events?from={w[0]}&to={w[1]}")
    ok([y["id"] for y in x["events"]] == inwin and ev_port in inwin, "events?from&to: spans overlapping the window")
    st, x = get(base, "/api/v1/events?limit=1")
    ok(x["count"] == 1, "events?limit")
    n_open = con.execute("SELECT count(*) FROM event WHERE state=1").fetchone()[0]
    st, xo = get(base, "/api/v1/events?state=open&limit=10000")
    st2, xc = get(base, "/api/v1/events?state=closed&limit=10000")
    ok(st == 200 and st2 == 200 and xo["count"] == n_open
       and all(y["state"] == "open" for y in xo["events"]) and all(y["state"] == "closed" for y in xc["events"])
       and xo["count"] + xc["count"] == ingested_events + 3,
       "events?state=open|closed: the open events, the closed ones, together all", f"{xo['count']} {n_open}")
    for p in ("kind=AIS_GAP", "kind=a;b", "entity=vessel", "entity=ship:1", "bbox=0,0", "from=x", "limit=100000",
              f"from={t1}&to={t0}", "state=maybe", "state=OPEN"):
        bad(base, "/api/v1/events?" + p)
    st, x = get(base, "/api/v1/flights?operator=irm&departure_country=VE")
    fl = x["flights"]
    ok(st == 200 and len(fl) == 1 and fl[0]["callsign"] == "IRM712" and fl[0]["arrival_country_code"] == "IR"
       and fl[0]["t_start_ms"] == ta, "flights?operator&departure_country (case-insensitive)", str(x)[:200])
    st, x = get(base, "/api/v1/flights?operator=IRM&departure_country=venezuela")
    ok([y["id"] for y in x["flights"]] == [ev_flight], "flights?departure_country=NAME")
    st, x = get(base, "/api/v1/flights?operator=IRM&arrival_country=VE")
    ok(x["count"] == 0, "flights?arrival_country filters")
    st, x = get(base, f"/api/v1/flights?icao={HEX}")
    ok(x["count"] == 1, "flights?icao")
    bad(base, "/api/v1/flights?icao=xyz")
    st, x = get(base, f"/api/v1/portcalls?mmsi={mover}&country=VE")
    ok(st == 200 and [y["id"] for y in x["port_calls"]] == [ev_port] and x["port_calls"][0]["port"] == "PUERTO LA CRUZ",
       "portcalls?mmsi&country")
    st, x = get(base, "/api/v1/portcalls?port=ELSEWHERE")
    ok(x["count"] == 0, "portcalls?port filters")
    bad(base, "/api/v1/portcalls?mmsi=abc")
    st, x = get(base, "/api/v1/alerts")
    mine = [y for y in x["alerts"] if y.get("id") == mover and y["rule"] == "mmsi"]
    ok(st == 200 and x["count"] == ingested_alerts + 1 and len(mine) == 1 and mine[0]["kind"] == "vessel"
       and mine[0]["t"] == t0 + 5_000, "alerts: the ingested ones and ours", str(x["count"]))
    ing = [y for y in x["alerts"] if y is not mine[0]]
    ok(all(isinstance(y.get("message"), dict) and y["message"].get("alert") for y in ing),
       "an ingested alert carries its alert line as message")
    late = con.execute("SELECT count(*) FROM alert WHERE t>=?", (t0 + 10_000,)).fetchone()[0]
    st, x = get(base, f"/api/v1/alerts?from={t0 + 10_000}")
    ok(x["count"] == late, "alerts?from")
    st, x = get(base, f"/api/v1/alerts?entity=vessel:{mover}")
    ok([y["rule"] for y in x["alerts"]] == ["mmsi"], "alerts?entity")
    bad(base, "/api/v1/alerts?to=never")

    # --- search
    name = con.execute("SELECT value FROM identity WHERE kind=1 AND id=? AND field='name'", (mover,)).fetchone()[0]
    st, x = get(base, "/api/v1/search?q=" + urllib.request.quote(name.lower()))
    ok(st == 200 and any(r.get("mmsi") == mover and r["field"] == "name" for r in x["results"]),
       "search: name, case-insensitive substring", name)
    st, x = get(base, f"/api/v1/search?q={mover}")
    ok(any(r.get("mmsi") == mover and r["field"] == "mmsi" and "lat" in r for r in x["results"]), "search: MMSI exact")
    st, x = get(base, f"/api/v1/search?q={str(mover)[:-1]}")
    ok(not any(r.get("mmsi") == mover for r in x["results"]), "search: a number is exact, not a substring")
    st, x = get(base, "/api/v1/search?q=old12")
    ok([(r.get("icao"), r["current"]) for r in x["results"]] == [(HEX, False)], "search: a former callsign")
    st, x = get(base, "/api/v1/search?q=%25")
    ok(st == 200 and x["count"] == 0, "search: % is text, not a wildcard")
    bad(base, "/api/v1/search")
    bad(base, "/api/v1/search?q=" + "x" * 65)

    # --- watchlist: read-only server, then the token
    st, wl = get(base, "/api/v1/watchlist")
    ok(st == 200 and wl["count"] == len(wl["entries"]) > 0 and wl["writable"], "watchlist: the entries")
    entry = json.dumps({"list": "user", "kind": "aircraft", "name": "TEST JET", "icao24": HEX.upper()}).encode()
    jh = {"Content-Type": "application/json"}
    st, _, b = req(robase + "/api/v1/watchlist", "POST", entry, jh)
    ok(st == 403 and json.loads(b)["status"] == 403, "POST on a read-only server: 403")
    st, _, b = req(base + "/api/v1/watchlist", "POST", entry, jh)
    ok(st == 403, "POST without the token: 403")
    st, _, b = req(base + "/api/v1/watchlist", "POST", entry, dict(jh, Authorization="Bearer wrong-token-0123456789"))
    ok(st == 403, "POST with a wrong token: 403")
    auth = dict(jh, Authorization="Bearer " + TOKEN)
    st, _, b = req(base + "/api/v1/watchlist", "POST", b"{\"kind\": \"boat\"}", auth)
    ok(st == 400, "POST of a bad entry: 400")
    st, _, b = req(base + "/api/v1/watchlist", "POST", b"[1,2", auth)
    ok(st == 400, "POST of bad JSON: 400")
    st, _, b = req(base + "/api/v1/watchlist", "POST", b"{\"name\":\"X\",\"kind\":\"vessel\",\"mmsi\":\"12ab\"}", auth)
    ok(st == 400, "POST with an invalid MMSI: 400")
    st, _, b = req(base + "/api/v1/watchlist", "POST", b" " * 20000, auth)
    ok(st == 413, "POST of a body over 16 KiB: 413")
    c = http.client.HTTPConnection(HOST, int(base.rsplit(":", 1)[1]), timeout=10)
    c.putrequest("POST", "/api/v1/watchlist")
    c.putheader("Authorization", "Bearer " + TOKEN)
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    for _ in range(5):
        c.send(b"1000\r\n" + b" " * 4096 + b"\r\n")
    c.send(b"0\r\n\r\n")
    st = c.getresponse().status
    c.close()
    ok(st == 413, "a chunked body over 16 KiB: 413", str(st))
    st, _, b = req(base + "/api/v1/watchlist", "POST", entry, auth)
    new = json.loads(b) if st == 201 else {}
    ok(st == 201 and new.get("id") and new.get("icao24") == [HEX], "POST with the token: 201, the stored entry", str(b))
    st, x = get(base, "/api/v1/entities?kind=aircraft&watch=1")
    ok(x["count"] == 1 and x["entities"][0]["watch"]["name"] == "TEST JET" and x["entities"][0]["watch"]["rule"] == "icao24",
       "the new entry matches at once")
    st, _, b = req(base + f"/api/v1/watchlist/{new.get('id')}", "DELETE")
    ok(st == 403, "DELETE without the token: 403")
    st, _, b = req(base + f"/api/v1/watchlist/{new.get('id')}", "DELETE", None, auth)
    ok(st == 200, "DELETE with the token: 200")
    st, _, b = req(base + f"/api/v1/watchlist/{new.get('id')}", "DELETE", None, auth)
    ok(st == 404, "DELETE again: 404")
    st, _, b = req(base + "/api/v1/watchlist/abc", "DELETE", None, auth)
    ok(st == 400, "DELETE of a bad id: 400")
    st, x = get(base, "/api/v1/entities?kind=aircraft&watch=1")
    ok(x["count"] == 0, "a removed entry no longer matches")
    st, _, b = req(base + "/api/v1/entities", "DELETE", None, auth)
    ok(st == 405, "DELETE of a read endpoint: 405")

    # --- documents, static, unknown
    # Rendered once a refresh period, like the live documents: wait for one.
    deadline = time.time() + 3
    while True:
        st, s = get(base, "/api/v1/stats")
        if s["http"]["requests"] > 10 or time.time() > deadline:
            break
        time.sleep(0.2)
    ok(st == 200 and s["store"]["to"] == t1 and "dropped" in s["stream"] and s["http"]["requests"] > 10, "stats", str(s))
    st, v = get(base, "/data/vessels.json")
    ok(st == 200 and abs(v["now"] - t1 / 1000) < 0.06 and len(v["vessels"]) == sum(k == 1 for k, _ in want),
       "vessels.json from the store at its latest time")
    st, v = get(base, "/data/aircraft.json")
    mine = [x for x in v["aircraft"] if x["hex"] == HEX]
    ok(st == 200 and len(v["aircraft"]) == sum(k == 2 for k, _ in want) and mine and mine[0]["flight"] == "IRM712  ",
       "aircraft.json from the store, dump1090's padded flight")
    st, v = get(base, "/data/receiver.json")
    ok(st == 200 and "version" in v, "receiver.json")
    st, h, b = req(base + "/")
    ok(st == 200 and h["Content-Type"].startswith("text/html"), "the page")
    bad(base, "/api/v1/nothing", 404)
    bad(base, "/api/v1/entities/extra/segments/here/too", 404)
    st, _, _ = req(base + "/../etc/passwd")
    ok(st in (400, 403, 404), "no escape from the web root")

    # --- live stream: a snapshot, then a row added by a writer arrives
    s = socket.create_connection((HOST, int(base.rsplit(":", 1)[1])), timeout=5)
    s.sendall(b"GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
    data = b""
    deadline = time.time() + 5
    while b"event: snapshot\ndata: " not in data or not data.split(b"event: snapshot\ndata: ", 1)[1].count(b"\n\n"):
        if time.time() > deadline:
            break
        data += s.recv(65536)
    ok(b"text/event-stream" in data and b"event: snapshot\ndata: {\"time\":" in data and b"\"entities\":[" in data,
       "stream: a snapshot event with the picture")
    con.execute("INSERT INTO alert(t,kind,id,rule,message,evidence) VALUES(?,1,?,'live','pushed',NULL)", (t1, mover))
    con.commit()
    data = b""
    deadline = time.time() + 6
    while b"event: alert" not in data and time.time() < deadline:
        try:
            data += s.recv(65536)
        except socket.timeout:
            break
    ok(b"event: alert" in data and b"\"rule\":\"live\"" in data, "stream: an alert committed by a writer is pushed")
    live = event("encounter", t1 - 60_000, t1, [(1, mover)], 11.0, -65.0, {"live_marker": 42}, None, state=1)
    con.commit()
    data = b""
    deadline = time.time() + 6
    while b"live_marker" not in data and time.time() < deadline:
        try:
            data += s.recv(65536)
        except socket.timeout:
            break
    ok(b"event: event" in data and f'"id":{live},"event":"encounter","state":"open"'.encode() in data
       and b'"live_marker":42' in data, "stream: an event committed by a writer is pushed")
    st, xo = get(base, "/api/v1/events?state=open")
    ok(st == 200 and [y["id"] for y in xo["events"]][:1] == [live] and all(y["state"] == "open" for y in xo["events"]),
       "events?state=open: the open event")
    # The writer closes it: the same row, pushed again.
    con.execute("UPDATE event SET state=0, t_end=?, seq=(SELECT max(seq) + 1 FROM event) WHERE rowid=?", (t1 + 1000, live))
    con.commit()
    data = b""
    deadline = time.time() + 6
    want = f'"id":{live},"event":"encounter","state":"closed"'.encode()
    while want not in data and time.time() < deadline:
        try:
            data += s.recv(65536)
        except socket.timeout:
            break
    ok(want in data, "stream: an event updated in place (closed) is pushed again")
    st, xo = get(base, "/api/v1/events?state=open")
    st2, xc = get(base, "/api/v1/events?state=closed&limit=10000")
    ok(live not in [y["id"] for y in xo["events"]] and live in [y["id"] for y in xc["events"]],
       "events?state: the closed event is no longer among the open ones")
    s.close()
finally:
    stop(srv, base)
    stop(ro, robase)
    con.close()

# --- a slow client is dropped and counted
slow, sbase = start("--refresh-ms", "100", "--stream-queue-kib", "64")
try:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((HOST, int(sbase.rsplit(":", 1)[1])))
    s.sendall(b"GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
    dropped = 0
    deadline = time.time() + 20
    while time.time() < deadline and not dropped:
        time.sleep(0.5)
        dropped = get(sbase, "/api/v1/stats")[1]["stream"]["dropped"]
    ok(dropped >= 1, "a client that does not read is dropped and counted", str(dropped))
    st, e = get(sbase, "/api/v1/timespan")
    ok(st == 200, "the server answers on after dropping it")
    s.close()
finally:
    stop(slow, sbase)
# --- refusals at start
r = subprocess.run([atalaya, "serve", "--store", "sqlite:" + os.path.join(work, "missing.db"), "--http", f"{HOST}:0"],
                   capture_output=True, text=True, timeout=20)
ok(r.returncode == 1 and "no such store" in r.stderr and not os.path.exists(os.path.join(work, "missing.db")),
   "serve refuses a missing store rather than create an empty one")
r = subprocess.run([atalaya, "serve", "--store", "sqlite:" + db, "--http", f"{HOST}:0", "--write-token", "short"],
                   capture_output=True, text=True, timeout=20)
ok(r.returncode == 1 and "16 characters" in r.stderr, "serve refuses a write token under 16 characters")

# --- run --http --store: the store-backed API beside the live documents
port = free_port()
log = open(os.path.join(work, "run.log"), "w")
runp = subprocess.Popen([atalaya, "run", "--http", f"{HOST}:{port}", "--store", "sqlite:" + db, "--db", "/nonexistent.db",
                         "--input", f"nmea+listen://{HOST}:{free_port()}"], stdout=log, stderr=log)
rbase = f"http://{HOST}:{port}"
try:
    for _ in range(100):
        try:
            st, span = get(rbase, "/api/v1/timespan")
            break
        except OSError:
            time.sleep(0.1)
    ok(span == {"from": t0, "to": t1}, "run --store: the store-backed API", str(span))
    # A restart on a store: the live tracker starts with the store's picture
    # (every vessel heard within the tracker's hour of the last position).
    st, v = get(rbase, "/data/vessels.json")
    with sqlite3.connect(db) as c:
        want = {i for (i,) in c.execute("SELECT DISTINCT id FROM position WHERE kind=1 AND t<=? AND t>=?",
                                        (t1, t1 - 3_600_000))}
    got = {x["mmsi"] for x in v.get("vessels", [])}
    ok(st == 200 and got == want and want, "run --store: /data from the live tracker, restored from the store",
       f"{sorted(got)} vs {sorted(want)}")
finally:
    runp.terminate()
    ok(runp.wait(10) == 0, "run stops cleanly")
sys.exit(1 if failures else 0)
