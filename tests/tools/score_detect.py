#!/usr/bin/env python3
"""score_detect.py: every detector against the simulator's truth.

    score_detect.py TRUTH.jsonl EVENTS.jsonl [EVENTS.jsonl...] [--data DIR]
                    [--min 0.95] [--tap NAME]

TRUTH is what `atalaya simulate --truth` writes; EVENTS are the JSON lines of
`atalaya replay --detect` (other lines are skipped). Prints, per detector, the
truth items in scope, the optional ones, the events, the true positives,
precision and recall, then every miss and every false positive (entity, time),
so a failure says what to look at. --min P: exit 1 when any scored detector's
precision or recall is below P. --tap NAME: also one TAP line per detector
("ok - NAME DETECTOR ...", "not ok - ...", or "ok - ... # SKIP not available").

The rules (docs/detectors.md, "Scores against truth", says why):
  * Each detector maps from truth record types (MAP below). A truth item is
    "in scope" when the detector's published definition can see it in what was
    broadcast and heard; otherwise it is "optional": an event that matches an
    optional item counts neither for nor against the detector.
  * Recall = in-scope items matched by at least one event / in-scope items.
    Precision = events that match an in-scope item / events that match no
    optional item only. An event matching no truth item at all is a false
    positive, background entities included.
  * Observability uses the truth's coverage: "unheard" stretches (no receiver
    would hear it), and the entity's own ais_dark / adsb_off / spoof spans.
  * Entities: MMSI (any the vessel broadcast: its own and an identity
    behaviour's), IMO for MMSI changes; ICAO address (case-insensitive).
  * Thresholds have a band either side that makes an item optional, so the
    score does not hang on the last minute or mile (the shore probe in
    shore.c is good to a few nm; the truth's spans to a minute).
Python 3 standard library only.
"""
import argparse
import gzip
import json
import math
import os
import sys

H = 3600000
MIN = 60000

# Detectors: event kinds, and whether the detector exists today (strict now;
# the others are scored as soon as their events appear).
DETECTORS = [
    ("ais_gap", ["ais_gap"], True),
    ("ais_gap/deliberate", ["ais_gap"], True),
    ("encounter", ["encounter"], True),
    ("loitering", ["loitering"], True),
    ("identity_change", ["identity_change"], True),
    ("port_call", ["port_call"], False),
    ("flight", ["flight"], False),
    ("emergency_squawk", ["emergency_squawk"], False),
    ("spoofing", ["implausible_speed", "position_on_land", "mmsi_two_places", "gnss_degraded"], False),
    ("geofence", ["geofence_enter", "geofence_exit", "geofence_dwell"], False),
]


# ---------------------------------------------------------------- geography

class Land:
    """Distance to the nearest coastline (Natural Earth 50 m countries), nm."""

    def __init__(self, path):
        self.cells = {}
        if not path or not os.path.exists(path):
            self.ok = False
            return
        self.ok = True
        d = json.load(gzip.open(path))
        for f in d["features"]:
            g = f["geometry"]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            for p in polys:
                for ring in p:
                    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                        for cy in range(math.floor(min(y0, y1)), math.floor(max(y0, y1)) + 1):
                            for cx in range(math.floor(min(x0, x1)), math.floor(max(x0, x1)) + 1):
                                self.cells.setdefault((cy, cx), []).append((y0, x0, y1, x1))

    def shore_nm(self, lat, lon, max_nm=120.0):
        if not self.ok:
            return max_nm
        k = math.cos(math.radians(lat))
        rlat = max_nm / 60.0
        rlon = rlat / max(k, 0.05)
        best = max_nm
        seen = set()
        for cy in range(math.floor(lat - rlat), math.floor(lat + rlat) + 1):
            for cx in range(math.floor(lon - rlon), math.floor(lon + rlon) + 1):
                for s in self.cells.get((cy, cx), ()):
                    if id(s) in seen:
                        continue
                    seen.add(id(s))
                    # local flat projection around the point, nm
                    ax, ay = (s[1] - lon) * 60 * k, (s[0] - lat) * 60
                    bx, by = (s[3] - lon) * 60 * k, (s[2] - lat) * 60
                    dx, dy = bx - ax, by - ay
                    L = dx * dx + dy * dy
                    t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
                    dd = math.hypot(ax + t * dx, ay + t * dy)
                    if dd < best:
                        best = dd
        return best


def load_ports(path):
    out = []
    if not path or not os.path.exists(path):
        return out
    import csv
    with gzip.open(path, "rt", newline="") as f:
        for row in csv.DictReader(f):
            try:
                out.append((float(row["port_latitude"]), float(row["port_longitude"])))
            except (KeyError, ValueError):
                pass
    return out


def dist_km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def port_km(ports, p):
    best = 1e9
    for q in ports:
        if abs(q[0] - p[0]) < 1 and abs(q[1] - p[1]) < 1.5:
            best = min(best, dist_km(p, q))
    return best


# ---------------------------------------------------------------- intervals

def subtract(span, holes):
    """[span] minus the holes: list of (a, b)."""
    out = [span]
    for h0, h1 in holes:
        nxt = []
        for a, b in out:
            if h1 <= a or h0 >= b:
                nxt.append((a, b))
                continue
            if h0 > a:
                nxt.append((a, h0))
            if h1 < b:
                nxt.append((h1, b))
        out = nxt
    return sorted(out)


def longest_run(pieces, max_hole_ms=H):
    """Longest stretch of pieces joined across holes shorter than max_hole_ms:
    what a detector that ends a spell after an hour without reports sees."""
    best, cur = 0, None
    for a, b in pieces:
        if cur and a - cur[1] < max_hole_ms:
            cur = (cur[0], max(cur[1], b))
        else:
            cur = (a, b)
        best = max(best, cur[1] - cur[0])
    return best


def overlaps(a0, a1, b0, b1, slack=30 * MIN):
    return a0 <= b1 + slack and b0 <= a1 + slack


def iso(ms):
    import time
    return time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(ms / 1000))


# ---------------------------------------------------------------- truth

class Truth:
    def __init__(self, path):
        self.recs = []
        self.header = {}
        for line in open(path):
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("type") == "scenario":
                self.header = r
            else:
                self.recs.append(r)
        self.t0 = self.header.get("start_ms", 0)
        self.t1 = self.header.get("end_ms", 1 << 62)
        # entity id -> identifiers (every MMSI it broadcast, IMO, ICAO) and
        # its transmitter-off and spoof spans
        self.ent = {}
        for r in self.recs:
            for e in r.get("entities", []):
                x = self.ent.setdefault(e["id"], {"mmsi": set(), "imo": None, "icao": set(),
                                                   "off": [], "spoof": [], "name": e.get("name") or e.get("callsign")})
                if "mmsi" in e:
                    x["mmsi"].add(int(e["mmsi"]))
                if e.get("imo"):
                    x["imo"] = int(e["imo"])
                if "icao" in e:
                    x["icao"].add(e["icao"].lower())
            eid = r["entities"][0]["id"] if r.get("entities") else None
            b = r.get("broadcast") or {}
            if r["type"] == "identity" and eid:
                if "mmsi" in b:
                    self.ent[eid]["mmsi"].add(int(b["mmsi"]))
                if "icao" in b:
                    self.ent[eid]["icao"].add(b["icao"].lower())
            if r["type"] in ("ais_dark", "adsb_off") and eid:
                self.ent[eid]["off"].append((r["start_ms"], r["end_ms"]))
            if r["type"] == "spoof" and eid:
                self.ent[eid]["spoof"].append((r["start_ms"], r["end_ms"]))
        self.by_mmsi, self.by_icao, self.by_imo = {}, {}, {}
        for k, x in self.ent.items():
            for m in x["mmsi"]:
                self.by_mmsi[m] = k
            for i in x["icao"]:
                self.by_icao[i] = k
            if x["imo"]:
                self.by_imo[x["imo"]] = k

    def of(self, *types):
        return [r for r in self.recs if r["type"] in types]

    def label(self, eid):
        x = self.ent.get(eid, {})
        ids = sorted(x.get("mmsi", ())) or sorted(x.get("icao", ()))
        return f"{eid} {'/'.join(str(i) for i in ids)} {x.get('name') or ''}".strip()

    def observable(self, r, eids, position=True):
        """The record's span minus coverage holes and the entities' own
        transmitter-off (and, for position-based detectors, spoof) spans."""
        holes = [tuple(u) for u in r.get("unheard", [])]
        for e in eids:
            holes += self.ent[e]["off"]
            if position:
                holes += self.ent[e]["spoof"]
        return subtract((r["start_ms"], r["end_ms"]), holes)


def ev_entity(T, e):
    """The truth entity ids an event names."""
    out = set()
    for key in ("mmsi", "old_mmsi", "new_mmsi", "reappeared_as_mmsi"):
        v = e.get(key)
        for m in (v if isinstance(v, list) else [v]):
            if isinstance(m, int) and m in T.by_mmsi:
                out.add(T.by_mmsi[m])
    if isinstance(e.get("imo"), int) and e["imo"] in T.by_imo:
        out.add(T.by_imo[e["imo"]])
    for key in ("icao", "icao24", "hex"):
        v = e.get(key)
        if isinstance(v, str) and v.lower() in T.by_icao:
            out.add(T.by_icao[v.lower()])
    return out


def ev_label(e):
    who = e.get("mmsi", e.get("icao", e.get("imo", "?")))
    extra = ""
    if e.get("event") == "ais_gap":
        extra = f" class {e.get('class')}"
    if e.get("event") == "identity_change":
        extra = f" {e.get('field')} {e.get('old', e.get('old_mmsi', ''))} -> {e.get('new', e.get('new_mmsi', ''))}"
    if e.get("event") == "flight":
        extra = f" {e.get('departure_airport', '?')} -> {e.get('arrival_airport', '?')}"
    t0, t1 = e.get("t_start_ms", 0), e.get("t_end_ms", e.get("t_start_ms", 0))
    where = f" at {e['lat']:.2f},{e['lon']:.2f}" if isinstance(e.get("lat"), (int, float)) and isinstance(e.get("lon"), (int, float)) else ""
    return f"{e.get('event')} {who}{extra} {iso(t0)} .. {iso(t1)}{where}"


# ---------------------------------------------------------------- items
# An item: (eids, t0, t1, in_scope, why, label, match) where match(event) says
# whether the event is this item's detection (entity and time already fit).

class Item:
    def __init__(self, T, r, eids, scope, why, t0=None, t1=None, extra=""):
        self.r, self.eids, self.scope, self.why = r, set(eids), scope, why
        self.t0 = r["start_ms"] if t0 is None else t0
        self.t1 = r["end_ms"] if t1 is None else t1
        self.label = f"{r['type']} {' + '.join(T.label(e) for e in eids)} {iso(self.t0)} .. {iso(self.t1)}{extra}"

    def fits(self, e):  # time overlap, by default
        return overlaps(e.get("t_start_ms", 0), e.get("t_end_ms", 0), self.t0, self.t1)


def band(v, lo, hi):
    """'in' above hi, 'opt' in [lo, hi), 'out' below lo."""
    return "in" if v >= hi else "opt" if v >= lo else "out"


def items_gap(T, land, deliberate):
    out = []
    idents = T.of("identity")
    for r in T.of("ais_dark"):
        eid = r["entities"][0]["id"]
        hours = (r["end_ms"] - r["start_ms"]) / H
        hf = r.get("heard_fraction", 1.0)
        why = []
        if hours < 6:
            why.append(f"{hours:.1f} h < 6 h gap threshold")
        if r["start_ms"] < T.t0 + H or r["end_ms"] > T.t1 - H:
            why.append("not bounded by reports inside the recording")
        if hf < 0.5:
            why.append(f"coverage hole (heard {hf:.0%} of the span had it sent)")
        if deliberate:
            shore = land.shore_nm(*r["start_position"])
            if hours < 12.5:
                why.append(f"{hours:.1f} h < 12 h (+0.5 h band)")
            if shore < 55:
                why.append(f"starts {shore:.0f} nm from shore < 50 (+5 band)")
        it = Item(T, r, [eid], not why, "; ".join(why), extra=f" ({hours:.1f} h)")
        # back under another MMSI: the gap names it (reappeared_as_mmsi)
        it.new_mmsi = None
        for i in idents:
            if i["entities"][0]["id"] == eid and abs(i["start_ms"] - r["end_ms"]) <= H and "mmsi" in i.get("broadcast", {}):
                it.new_mmsi = int(i["broadcast"]["mmsi"])
        def fits(e, it=it):
            if abs(e.get("t_start_ms", 0) - it.t0) > 2 * H or abs(e.get("t_end_ms", 0) - it.t1) > 2 * H:
                return False
            return not it.new_mmsi or e.get("reappeared_as_mmsi") == it.new_mmsi
        it.fits = fits
        out.append(it)
    return out


def items_encounter(T, ports):
    out = []
    for r in T.of("ship_to_ship"):
        eids = [x["id"] for x in r["entities"]]
        run = longest_run(T.observable(r, eids)) / H
        why = []
        b = band(run, 1.5, 2.5)
        if b != "in":
            why.append(f"longest observable stretch {run:.1f} h < 2 h (+0.5 h band)")
        pk = port_km(ports, r["position"])
        if pk < 12:
            why.append(f"{pk:.0f} km from a port < 10 km (+2 band)")
        it = Item(T, r, eids, not why, "; ".join(why))

        def fits(e, it=it):
            m = e.get("mmsi")
            if not isinstance(m, list) or len(m) != 2:
                return False
            got = {T.by_mmsi.get(x) for x in m}
            return got == it.eids and overlaps(e.get("t_start_ms", 0), e.get("t_end_ms", 0), it.t0, it.t1)
        it.fits = fits
        out.append(it)
    return out


def items_loiter(T, land):
    out = []
    for r in T.of("stop", "anchorage", "loiter", "ship_to_ship", "port_call"):
        eids = [x["id"] for x in r["entities"]]
        if r["type"] == "ship_to_ship":
            continue  # each vessel's own stop covers it
        why = []
        if r["type"] == "port_call":
            why.append("in port (absorbs, never expected)")
        speed = r.get("speed_kn", 0.0)
        if r["type"] == "loiter" and speed >= 1.8:
            why.append(f"circling at {speed:.1f} kn >= 2 kn")
        run = longest_run(T.observable(r, eids)) / H
        if run < 2.5:
            why.append(f"longest observable stretch {run:.1f} h < 2 h (+0.5 h band)")
        pos = r.get("position") or r.get("centre")
        if pos and r["type"] != "port_call":
            shore = land.shore_nm(pos[0], pos[1], 60)
            if shore < 25:
                why.append(f"{shore:.0f} nm from shore < 20 (+5 band)")
        out.append(Item(T, r, eids, not why, "; ".join(why)))
    return out


def items_identity(T):
    out = []
    for r in T.of("identity"):
        eid = r["entities"][0]["id"]
        if eid not in T.ent or not T.ent[eid]["mmsi"]:
            continue  # aircraft: no identity detector for them
        b = r.get("broadcast", {})
        if not any(k in b for k in ("mmsi", "imo", "name", "callsign")):
            continue
        for edge, t in (("start", r["start_ms"]), ("end", r["end_ms"])):
            why = []
            if t <= T.t0 or t >= T.t1 - 30 * MIN:
                if edge == "end":
                    continue  # still going on at the end: no change back
                why.append("at the recording's start")
            # heard within 90 min after the change?
            holes = [tuple(u) for u in r.get("unheard", [])] + T.ent[eid]["off"]
            seen = subtract((t, t + 90 * MIN), holes)
            if edge == "start" and not seen:
                why.append("not heard within 90 min of the change")
            it = Item(T, r, [eid], not why, "; ".join(why), t0=t, t1=t, extra=f" ({edge}: {json.dumps(b)})")

            def fits(e, it=it):
                te = e.get("t_end_ms", e.get("t_start_ms", 0))
                return it.t0 - 10 * MIN <= te <= it.t0 + 2 * H
            it.fits = fits
            out.append(it)
    return out


def items_port_call(T):
    out = []
    for r in T.of("port_call"):
        eid = r["entities"][0]["id"]
        why = []
        if r["start_ms"] <= T.t0 + 30 * MIN:
            why.append("entry before the recording")
        if r["end_ms"] >= T.t1 - 30 * MIN:
            why.append("exit after the recording")
        if r.get("heard_fraction", 1) < 0.5:
            why.append(f"heard {r.get('heard_fraction'):.0%} of the stay")
        if r["end_ms"] - r["start_ms"] < 2 * H:
            why.append("shorter than 2 h")
        # A spoofer's AIS shows it leaving port: what AIS shows is split stays.
        if any(a < r["end_ms"] and b > r["start_ms"] for a, b in T.ent[eid]["spoof"]):
            why.append("spoofed positions during the stay")
        it = Item(T, r, [eid], not why, "; ".join(why), extra=f" {r.get('port')}")

        def fits(e, it=it):
            if not overlaps(e.get("t_start_ms", 0), e.get("t_end_ms", 0), it.t0, it.t1, slack=H):
                return False
            if isinstance(e.get("lat"), (int, float)) and isinstance(e.get("lon"), (int, float)):
                return dist_km((e["lat"], e["lon"]), it.r["position"]) <= 30
            return True
        it.fits = fits
        out.append(it)
    return out


def is_code(p):
    return isinstance(p, str) and len(p) == 4 and p.isalnum()


def items_flight(T):
    out = []
    for r in T.of("flight"):
        eid = r["entities"][0]["id"]
        why = []
        if r["start_ms"] <= T.t0 or r["end_ms"] >= T.t1:
            why.append("cut by the recording's start or end")
        hf = r.get("heard_fraction", 1)
        if hf < 0.5:
            why.append(f"heard {hf:.0%} of the flight")
        it = Item(T, r, [eid], not why, "; ".join(why), extra=f" {r.get('from')} -> {r.get('to')}")

        def fits(e, it=it):
            if not overlaps(e.get("t_start_ms", 0), e.get("t_end_ms", 0), it.t0, it.t1):
                return False
            for k, tk in (("departure_airport", "from"), ("arrival_airport", "to")):
                if e.get(k) and is_code(it.r.get(tk)) and e[k].upper() != it.r[tk].upper():
                    return False
            return True
        it.fits = fits
        out.append(it)
    return out


def items_squawk(T):
    out = []
    for r in T.of("squawk"):
        eid = r["entities"][0]["id"]
        code = int(r.get("code", 0))
        why = []
        if code not in (7500, 7600, 7700):
            why.append(f"code {code:04d} is not an emergency")
        if r.get("heard_fraction", 1) < 0.3:
            why.append("not heard")
        it = Item(T, r, [eid], not why, "; ".join(why), extra=f" {code:04d}")

        def fits(e, it=it, code=code):
            return str(e.get("squawk", "")).lstrip("0") == str(code) and \
                overlaps(e.get("t_start_ms", 0), e.get("t_end_ms", 0), it.t0, it.t1)
        it.fits = fits
        out.append(it)
    return out


def items_spoof(T):
    out = []
    for r in T.of("spoof"):
        eid = r["entities"][0]["id"]
        why = []
        if r.get("heard_fraction", 1) < 0.3:
            why.append("not heard")
        if r["end_ms"] - r["start_ms"] < 10 * MIN:
            why.append("shorter than 10 min")
        out.append(Item(T, r, [eid], not why, "; ".join(why), extra=f" {r.get('mode')}"))
    return out


# ---------------------------------------------------------------- scoring

def score(T, items, events, seen=()):
    """Counts, misses and false positives. seen: every event of the
    detector's kinds (also those not scored, e.g. coverage gaps), to say
    what the detector did report near each miss."""
    hit = [False] * len(items)
    tp = fp = opt_only = 0
    fps = []
    for e in events:
        ents = ev_entity(T, e)
        m_in = m_opt = False
        for i, it in enumerate(items):
            if it.eids & ents and (it.eids <= ents or len(it.eids) == 1) and it.fits(e):
                if it.scope:
                    hit[i] = True
                    m_in = True
                else:
                    m_opt = True
        if m_in:
            tp += 1
        elif m_opt:
            opt_only += 1
        else:
            fp += 1
            fps.append(ev_label(e))
    n_in = sum(1 for it in items if it.scope)
    found = sum(1 for i, it in enumerate(items) if it.scope and hit[i])
    misses = []
    for i, it in enumerate(items):
        if not it.scope or hit[i]:
            continue
        near = [ev_label(e) for e in seen if it.eids & ev_entity(T, e) and
                overlaps(e.get("t_start_ms", 0), e.get("t_end_ms", 0), it.t0, it.t1, slack=6 * H)]
        misses.append(it.label + (f"; reported near it: {'; '.join(near)}" if near else "; nothing reported near it"))
    prec = tp / (tp + fp) if tp + fp else None
    rec = found / n_in if n_in else None
    return {"in_scope": n_in, "optional": len(items) - n_in, "events": len(events), "tp": tp,
            "fp": fp, "optional_matches": opt_only, "found": found, "precision": prec, "recall": rec,
            "misses": misses, "false_positives": fps,
            "out_of_scope": [f"{it.label}: {it.why}" for it in items if not it.scope]}


def ideal_events(T, det, items):
    """What a perfect detector would report for the in-scope items, in the
    event contracts: a self-check of the scorer (--emit-ideal)."""
    out = []
    for it in items:
        if not it.scope:
            continue
        r, eid = it.r, sorted(it.eids)[0]
        ent = r["entities"][0]
        e = {"t_start_ms": it.t0, "t_end_ms": it.t1}
        if det in ("ais_gap", "ais_gap/deliberate"):
            e.update(event="ais_gap", mmsi=ent["mmsi"], **{"class": "likely_deliberate" if det != "ais_gap" else "gap"})
            if it.new_mmsi:
                e["reappeared_as_mmsi"] = it.new_mmsi
        elif det == "encounter":
            e.update(event="encounter", mmsi=sorted(x["mmsi"] for x in r["entities"]), lat=r["position"][0], lon=r["position"][1])
        elif det == "loitering":
            p = r.get("position") or r.get("centre")
            e.update(event="loitering", mmsi=ent["mmsi"], lat=p[0], lon=p[1])
        elif det == "identity_change":
            e.update(event="identity_change", mmsi=ent["mmsi"], field="name", old="", new="")
        elif det == "port_call":
            e.update(event="port_call", mmsi=ent["mmsi"], port=r.get("port"), port_id=0,
                     lat=r["position"][0], lon=r["position"][1])
        elif det == "flight":
            e.update(event="flight", icao=ent["icao"].lower(), callsign=ent.get("callsign", ""), operator="")
            if is_code(r.get("from")):
                e["departure_airport"] = r["from"]
            if is_code(r.get("to")):
                e["arrival_airport"] = r["to"]
        elif det == "emergency_squawk":
            e.update(event="emergency_squawk", icao=ent["icao"].lower(), squawk=f"{int(r['code']):04d}")
        elif det == "spoofing":
            e.update(event="implausible_speed", t_end_ms=it.t0)
            e.update({"mmsi": ent["mmsi"]} if "mmsi" in ent else {"icao": ent["icao"].lower()})
        out.append(e)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth")
    ap.add_argument("events", nargs="*")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data"))
    ap.add_argument("--min", type=float, default=None)
    ap.add_argument("--tap", default=None, metavar="NAME")
    ap.add_argument("--verbose", action="store_true", help="also list the optional truth items and why")
    ap.add_argument("--emit-ideal", metavar="FILE", help="write what a perfect detector would report, and exit")
    a = ap.parse_args()

    T = Truth(a.truth)
    land = Land(os.path.join(a.data, "natural_earth", "countries-50m.geojson.gz"))
    ports = load_ports(os.path.join(a.data, "ports", "world_port_index.csv.gz"))
    ev = []
    for path in a.events:
        for line in open(path, errors="replace"):
            if line.startswith("{"):
                try:
                    x = json.loads(line)
                except ValueError:
                    continue
                if "event" in x:
                    ev.append(x)
    kinds = {}
    for x in ev:
        kinds.setdefault(x["event"], []).append(x)

    builders = {
        "ais_gap": lambda: items_gap(T, land, False),
        "ais_gap/deliberate": lambda: items_gap(T, land, True),
        "encounter": lambda: items_encounter(T, ports),
        "loitering": lambda: items_loiter(T, land),
        "identity_change": lambda: items_identity(T),
        "port_call": lambda: items_port_call(T),
        "flight": lambda: items_flight(T),
        "emergency_squawk": lambda: items_squawk(T),
        "spoofing": lambda: items_spoof(T),
    }
    if a.emit_ideal:
        seen = set()
        with open(a.emit_ideal, "w") as f:
            for det, _, _ in DETECTORS:
                if det in builders:
                    for e in ideal_events(T, det, builders[det]()):
                        k = json.dumps(e, sort_keys=True)
                        if k not in seen:  # a deliberate gap is also a gap
                            seen.add(k)
                            f.write(k + "\n")
        return 0
    name = a.tap or T.header.get("name", "")
    print(f"# scores against truth: {name} (seed {T.header.get('seed')}, {len(T.recs)} truth records, {len(ev)} events)")
    print(f"# {'detector':<20} {'in scope':>8} {'optional':>8} {'events':>6} {'TP':>5} {'FP':>4} {'found':>5} {'precision':>9} {'recall':>7}")
    failed = False
    tap = []
    details = []
    for det, evkinds, exists in DETECTORS:
        es = [x for k in evkinds for x in kinds.get(k, [])]
        if det == "ais_gap":
            es = [x for x in es if x.get("class") != "coverage"]  # a coverage gap claims nothing about the vessel
        if det == "ais_gap/deliberate":
            es = [x for x in es if x.get("class") == "likely_deliberate"]
        if det == "geofence":
            n = len(es)
            print(f"# {det:<20} not scored: the truth has no zones ({n} events)")
            tap.append(f"ok - {name} {det} # SKIP not scored: the truth has no zones")
            continue
        raw = sum(len(kinds.get(k, [])) for k in evkinds)
        items = builders[det]()
        if not exists and raw == 0:
            n_in = sum(1 for it in items if it.scope)
            print(f"# {det:<20} {n_in:>8} {'':>8} {0:>6}  not available (no events of {', '.join(evkinds)})")
            tap.append(f"ok - {name} {det} # SKIP not available")
            continue
        s = score(T, items, es, [x for k in evkinds for x in kinds.get(k, [])])
        f = lambda v: "-" if v is None else f"{v:.3f}"
        print(f"# {det:<20} {s['in_scope']:>8} {s['optional']:>8} {s['events']:>6} {s['tp']:>5} {s['fp']:>4} "
              f"{s['found']:>5} {f(s['precision']):>9} {f(s['recall']):>7}")
        bad = a.min is not None and any(v is not None and v < a.min for v in (s["precision"], s["recall"]))
        failed |= bad
        what = f"precision {f(s['precision'])} recall {f(s['recall'])} ({s['found']}/{s['in_scope']} found, {s['fp']} false of {s['events']})"
        if s["in_scope"] == 0 and s["events"] == 0:
            what = "nothing in scope, no events"
        tap.append(f"{'not ok' if bad else 'ok'} - {name} {det}: {what}")
        details.append((det, s))
    for det, s in details:
        for m in s["misses"]:
            print(f"#   {det} MISS {m}")
        for m in s["false_positives"]:
            print(f"#   {det} FALSE {m}")
        if a.verbose:
            for m in s["out_of_scope"]:
                print(f"#   {det} optional {m}")
    if a.tap:
        for line in tap:
            print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
