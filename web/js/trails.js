// trails.js: the selected target's trail. From the store: its track over
// the six hours up to the picture time (/api/v1/track). Live: the positions
// this page has seen of each target since it opened (bounded per target).
import { store } from './api.js';
import { storeKey } from './picture.js';

const LIVE_POINTS = 200, STORE_WINDOW_MS = 6 * 3600 * 1000;
const seen = new Map(); // live: target id -> [[lat, lon], ...]
let line = null;

export function init(map) {
  line = L.polyline([], { color: '#ffffff', weight: 1.5, opacity: 0.8, dashArray: '4 3', interactive: false }).addTo(map);
}

// Live: remembers each target's position when it moved.
export function record(targets) {
  for (const t of targets) {
    let pts = seen.get(t.id);
    if (!pts) seen.set(t.id, (pts = []));
    const last = pts[pts.length - 1];
    if (!last || last[0] !== t.lat || last[1] !== t.lon) {
      pts.push([t.lat, t.lon]);
      if (pts.length > LIVE_POINTS) pts.shift();
    }
  }
}

function latLngsOf(geojson) {
  const out = [];
  for (const f of (geojson && geojson.features) || []) {
    const g = f.geometry;
    if (!g) continue;
    const lines = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
    for (const l of lines) for (const c of l) out.push([c[1], c[0]]);
  }
  return out;
}

// Draws the trail of target t (null: none). at: the picture time in store
// mode. Returns the points drawn.
export async function show(t, mode, at) {
  if (!t) {
    line.setLatLngs([]);
    return [];
  }
  let pts = [];
  if (mode === 'store') {
    const [kind, id] = storeKey(t);
    const to = at || (t.d && t.d.t) || Date.now();
    try {
      pts = latLngsOf(await store.track(kind, id, to - STORE_WINDOW_MS, to));
    } catch (e) {
      pts = [];
    }
  } else {
    pts = seen.get(t.id) || [];
  }
  line.setLatLngs(pts);
  return pts;
}

export function points() {
  return line ? line.getLatLngs().map((p) => [p.lat, p.lng]) : [];
}
