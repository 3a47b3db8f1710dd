// picture.js: what the map shows, as targets {id, kind, lat, lon, d, watch}:
// id is 'v' + MMSI or 'a' + ICAO address, d the server's object as it came
// (live JSON or a store entity), watch the watchlist match or null. One shape
// for both servers, so the layer, filters, search and exports need not care.

export function fromLive({ air, sea }) {
  const out = [];
  for (const a of (air && air.aircraft) || []) {
    if (typeof a.lat === 'number') {
      out.push({ id: 'a' + a.hex, kind: 'aircraft', lat: a.lat, lon: a.lon, d: a, watch: a.watch || null });
    }
  }
  for (const v of (sea && sea.vessels) || []) {
    if (typeof v.lat === 'number') {
      out.push({ id: 'v' + v.mmsi, kind: 'vessel', lat: v.lat, lon: v.lon, d: v, watch: v.watch || null });
    }
  }
  return out;
}

export function fromStore(doc) {
  const out = [];
  for (const e of (doc && doc.entities) || []) {
    if (typeof e.lat !== 'number' || typeof e.lon !== 'number') continue;
    const id = e.kind === 'aircraft' ? 'a' + String(e.icao).toLowerCase() : 'v' + e.mmsi;
    out.push({ id, kind: e.kind === 'aircraft' ? 'aircraft' : 'vessel', lat: e.lat, lon: e.lon, d: e, watch: e.watch || null });
  }
  return out;
}

// The key the store's endpoints use for a target: ['vessel', 211000001] or
// ['aircraft', 'abc123'].
export function storeKey(t) {
  return t.kind === 'aircraft' ? ['aircraft', t.id.slice(1)] : ['vessel', t.id.slice(1)];
}

// kind: 'vessel' | 'aircraft' (or the store's 1 | 2); an aircraft's id is
// its ICAO address, six hex digits (a number is converted).
export function targetId(kind, id) {
  if (kind === 'aircraft' || kind === 2) {
    return 'a' + (typeof id === 'number' ? id.toString(16).padStart(6, '0') : String(id).toLowerCase());
  }
  return 'v' + id;
}

export function title(t) {
  const d = t.d || {};
  if (t.kind === 'aircraft') {
    const cs = String(d.flight || d.callsign || '').trim();
    return (cs || 'aircraft') + ' · ' + t.id.slice(1).toUpperCase();
  }
  return (d.name || 'vessel') + ' · MMSI ' + t.id.slice(1);
}
