#!/usr/bin/env python3
"""events_diff.py A.json B.json: compares two `atalaya query events --format
json` answers (JSON lines) as sets of events (kind, entities, start, end and every field
but the row id). Prints a TAP line; exit 1 when they differ."""
import json
import sys


def load(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    out = {}
    for e in rows:
        e = dict(e)
        e.pop("id", None)
        key = json.dumps(e, sort_keys=True)
        out[key] = out.get(key, 0) + 1
    return out


name = sys.argv[3] if len(sys.argv) > 3 else "events equal"
a, b = load(sys.argv[1]), load(sys.argv[2])
if a == b:
    print(f"ok - {name} ({sum(a.values())} events)")
    sys.exit(0)
only_a = [k for k in a if a[k] != b.get(k, 0)]
only_b = [k for k in b if b[k] != a.get(k, 0)]
print(f"not ok - {name}: {sum(a.values())} vs {sum(b.values())} events, {len(only_a)} only in the first, {len(only_b)} only in the second")
for k in only_a[:3]:
    print("#  first: " + k[:400])
for k in only_b[:3]:
    print("#  second: " + k[:400])
sys.exit(1)
