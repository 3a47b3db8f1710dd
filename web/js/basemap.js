// basemap.js: the offline basemap (basemap/, made by web/basemap.mjs from
// Natural Earth): the world at 1:50m below zoom 5; from zoom 5 the 1:10m
// tiles in view (20 degrees each, loaded once and kept), with their small
// islands (Curaçao, Aruba, Bonaire, Margarita); and from zoom 8 the airports
// (ICAO code) and ports (World Port Index) in view, labelled from zoom 9.
// Everything is already cut at the antimeridian, so nothing is drawn across
// the world.

const DETAIL_ZOOM = 5, PLACES_ZOOM = 8, LABEL_ZOOM = 9, MAX_PLACES = 250;
const LAND = { stroke: false, fillColor: '#27353f', fillOpacity: 1, interactive: false };
const COAST = { color: '#6f8fa6', weight: 0.9, opacity: 1, interactive: false, fill: false };
const BORDER = { color: '#8a97a1', weight: 0.6, opacity: 0.7, dashArray: '3 3', interactive: false, fill: false };

let map = null, renderer = null, placeRenderer = null, worldDoc = null, index = null, places = null;
const worlds = new Map(); // shift (degrees) -> the 1:50m world drawn there
const tiles = new Map(); // 'R_C@shift' -> layer group (or 'loading')
const shown = new Set();
let placeGroup = null;

// A flat delta-coded list ([x0, y0, dx1, dy1, ...], degrees times q) as
// Leaflet's [lat, lon] points, shifted by shift degrees of longitude.
function decode(flat, q, shift) {
  const pts = [];
  let x = 0, y = 0;
  for (let i = 0; i < flat.length; i += 2) {
    x += flat[i];
    y += flat[i + 1];
    pts.push([y / q, x / q + shift]);
  }
  return pts;
}

function layerOf(doc, shift) {
  const g = L.layerGroup();
  const q = doc.q;
  if (doc.land.length) {
    g.addLayer(L.polygon(doc.land.map((poly) => poly.map((r) => decode(r, q, shift))), { ...LAND, renderer }));
  }
  if (doc.coast.length) g.addLayer(L.polyline(doc.coast.map((l) => decode(l, q, shift)), { ...COAST, renderer }));
  if (doc.borders.length) g.addLayer(L.polyline(doc.borders.map((l) => decode(l, q, shift)), { ...BORDER, renderer }));
  return g;
}

async function json(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

// The 10m tiles the view needs, as keys 'R_C@shift' (a view past the
// antimeridian needs tiles of the next world copy: the same file, shifted).
function wantedTiles() {
  const b = map.getBounds(), t = index.tile;
  const keys = [];
  const have = new Set(index.tiles);
  const r0 = Math.max(0, Math.floor((index.north - b.getNorth()) / t));
  const r1 = Math.floor((index.north - Math.max(b.getSouth(), -90)) / t);
  for (let lon = Math.floor(b.getWest() / t) * t; lon < b.getEast(); lon += t) {
    const c = (((lon - index.west) / t) % (360 / t) + 360 / t) % (360 / t);
    const shift = lon - (index.west + c * t);
    for (let r = r0; r <= r1; r++) if (have.has(`${r}_${c}`)) keys.push(`${r}_${c}@${shift}`);
  }
  return keys;
}

function update() {
  const z = map.getZoom();
  const detail = z >= DETAIL_ZOOM && index;
  if (worldDoc) {
    // The world at 1:50m, and its copy east or west when the view crosses
    // the antimeridian (made once, when first needed).
    const b = map.getBounds(), want = new Set(detail ? [] : [0]);
    if (!detail && b.getWest() < -180) want.add(-360);
    if (!detail && b.getEast() > 180) want.add(360);
    for (const s of want) if (!worlds.has(s)) worlds.set(s, layerOf(worldDoc, s));
    for (const [s, layer] of worlds) {
      if (want.has(s) && !map.hasLayer(layer)) map.addLayer(layer);
      if (!want.has(s) && map.hasLayer(layer)) map.removeLayer(layer);
    }
  }
  const want = new Set(detail ? wantedTiles() : []);
  for (const k of [...shown]) {
    if (want.has(k)) continue;
    const g = tiles.get(k);
    if (g && g !== 'loading') map.removeLayer(g);
    shown.delete(k);
  }
  for (const k of want) {
    shown.add(k);
    const g = tiles.get(k);
    if (g === 'loading') continue;
    if (g) { if (!map.hasLayer(g)) map.addLayer(g); continue; }
    tiles.set(k, 'loading');
    const [rc, shift] = k.split('@');
    json(`basemap/10m/${rc}.json`)
      .then((doc) => {
        const layer = layerOf(doc, +shift);
        tiles.set(k, layer);
        if (shown.has(k) && map.getZoom() >= DETAIL_ZOOM) map.addLayer(layer);
        loaded();
      })
      .catch(() => tiles.delete(k));
  }
  showPlaces();
  loaded();
}

// For tests: which 10m tiles are drawn now.
function loaded() {
  const drawn = [...shown].filter((k) => { const g = tiles.get(k); return g && g !== 'loading' && map.hasLayer(g); });
  document.body.dataset.basemap = (map.getZoom() >= DETAIL_ZOOM && index ? '10m:' + drawn.join(',') : '50m');
}

function showPlaces() {
  placeGroup.clearLayers();
  if (!places || map.getZoom() < PLACES_ZOOM) return;
  const b = map.getBounds().pad(0.1);
  const zoomOk = map.getZoom() >= LABEL_ZOOM;
  // A label only where it does not cover another (about 6.5 px a letter);
  // the others keep their card on hover.
  const boxes = [];
  const fits = (lat, lon, text) => {
    const pt = map.latLngToContainerPoint([lat, lon]), w = 6.5 * text.length + 8;
    const box = [pt.x + 4, pt.y - 8, pt.x + 4 + w, pt.y + 8];
    if (boxes.some((o) => box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1])) return false;
    boxes.push(box);
    return true;
  };
  let n = 0;
  for (const p of places) {
    if (n >= MAX_PLACES) break;
    const [kind, code, name, lat, lon, extra] = p;
    if (!b.contains([lat, lon])) continue;
    n++;
    const labels = zoomOk && fits(lat, lon, kind === 'a' ? code : name);
    const airport = kind === 'a';
    const m = L.circleMarker([lat, lon], {
      radius: 2.5, weight: 1, color: airport ? '#aab6be' : '#6fb8dd', fillColor: airport ? '#aab6be' : '#6fb8dd', fillOpacity: 0.6, opacity: 0.8,
      renderer: placeRenderer, className: airport ? 'atl-airport' : 'atl-port',
    });
    const text = airport ? `${code}${extra ? ' / ' + extra : ''} · ${name}` : `${titleCase(name)} (port${extra ? ', ' + extra : ''})`;
    m.bindTooltip(labels ? (airport ? code : titleCase(name)) : text, {
      permanent: labels, direction: 'right', offset: [5, 0], className: 'atl-place-label ' + (airport ? 'airport' : 'port'),
    });
    if (labels) m.on('mouseover', () => m.setTooltipContent(text)).on('mouseout', () => m.setTooltipContent(airport ? code : titleCase(name)));
    placeGroup.addLayer(m);
  }
  document.body.dataset.places = String(n);
}

// The nearest port or airport within max_nm of a position, in words: "62 nm
// NNE of Puerto Cabello" ('' before places.json is in, or none near).
const COMPASS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];
export function near(lat, lon, maxNm = 150) {
  if (!places || typeof lat !== 'number' || typeof lon !== 'number') return '';
  let best = null, bestD = Infinity;
  const k = Math.cos((lat * Math.PI) / 180);
  for (const p of places) {
    const dy = p[3] - lat, dx = (p[4] - lon) * k;
    const d = dx * dx + dy * dy;
    if (d < bestD) { bestD = d; best = p; }
  }
  if (!best) return '';
  const nm = Math.sqrt(bestD) * 60;
  if (nm > maxNm) return '';
  const name = best[0] === 'a' ? `${shortAirport(best[2])} (${best[1]})` : titleCase(best[2]);
  if (nm < 1) return `at ${name}`;
  // Bearing from the place to the position.
  const brg = (Math.atan2((lon - best[4]) * k, lat - best[3]) * 180) / Math.PI;
  return `${Math.round(nm)} nm ${COMPASS[Math.round(((brg + 360) % 360) / 22.5) % 16]} of ${name}`;
}
function shortAirport(n) {
  return String(n).replace(/\b(International|Airport|Aeropuerto|Internacional)\b/g, '').replace(/\s+/g, ' ').trim();
}
let onPlaces = null;
// fn() once the places are in (rows labelled before can say where now).
export function whenPlaces(fn) {
  if (places) fn();
  else onPlaces = fn;
}

function titleCase(s) {
  return String(s).toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

// onReady: called once the world layer is drawn (the targets redraw above it).
export function init(m, onReady) {
  map = m;
  const pane = map.createPane('atl-basemap');
  pane.style.zIndex = 200;
  renderer = L.canvas({ pane: 'atl-basemap', padding: 0.3 });
  const placePane = map.createPane('atl-places');
  placePane.style.zIndex = 420;
  placeGroup = L.layerGroup().addTo(map);
  placeRenderer = L.canvas({ pane: 'atl-places' });
  json('basemap/world-50m.json')
    .then((doc) => {
      worldDoc = doc;
      update();
      if (onReady) onReady();
    })
    .catch((e) => { if (onReady) onReady(e); });
  json('basemap/10m/index.json').then((doc) => { index = doc; update(); }).catch(() => {});
  json('basemap/places.json').then((doc) => {
    places = doc.places;
    showPlaces();
    if (onPlaces) onPlaces();
  }).catch(() => {});
  map.on('moveend zoomend', update);
}
