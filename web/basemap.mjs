// basemap.mjs: makes the page's offline basemap from Natural Earth (public
// domain) as packaged by world-atlas (TopoJSON, ISC), and the labelled
// airports and ports from the bundled reference data (../data).
//
//   basemap/world-50m.json   the whole world at 1:50m: land, coastline, borders
//                            (drawn below zoom 5)
//   basemap/10m/R_C.json     1:10m in 20-degree tiles (row R from 80 N, column
//                            C from 180 W), only where there is land; the page
//                            loads those in view from zoom 5
//   basemap/10m/index.json   which tiles exist
//   basemap/places.json      airports (ICAO code) and ports (World Port Index)
//
// world-atlas's polygons are stitched for spherical rendering: a ring over the
// antimeridian (Fiji, Chukotka, Antarctica around the pole) jumps from +180 to
// -180 and a flat map draws that jump as a line across the world. Each ring is
// unwrapped (made continuous in longitude; a ring around a pole closed along
// the map's bottom or top edge), then cut into the world's [-180, 180] copy
// and its neighbours shifted by 360 degrees, which is also how it is cut into
// tiles. The coastline is drawn from the rings as lines, leaving out the edges
// the cutting added, so a tile edge or the antimeridian never shows as coast.
//
// File shape (compact; the page decodes it, js/basemap.js): {"q": Q, "land":
// [polygon, ...], "coast": [line, ...], "borders": [line, ...]}, a polygon a
// list of rings, a ring or line a flat list of integers [x0, y0, dx1, dy1,
// ...], degrees times Q, each point after the first as a difference from the
// one before.
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const atlas = join(here, 'node_modules', 'world-atlas');
const out = join(here, 'basemap');
const TILE = 20;

function topo(file) {
  const t = JSON.parse(readFileSync(join(atlas, file), 'utf8'));
  const [sx, sy] = t.transform.scale, [tx, ty] = t.transform.translate;
  const arcs = t.arcs.map((a) => {
    let x = 0, y = 0;
    return a.map(([dx, dy]) => [(x += dx) * sx + tx, (y += dy) * sy + ty]);
  });
  return { t, arcs };
}

function ringOf(arcs, ids) {
  const pts = [];
  for (const i of ids) {
    const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    pts.push(...(pts.length ? a.slice(1) : a));
  }
  return pts;
}

function polygonsOf(geom) {
  if (geom.type === 'Polygon') return [geom.arcs];
  if (geom.type === 'MultiPolygon') return geom.arcs;
  if (geom.type === 'GeometryCollection') return geom.geometries.flatMap(polygonsOf);
  return [];
}

// Continuous in longitude. A ring whose longitudes wind once around the globe
// encloses a pole: it is closed along the edge of the map on that side, and
// those added edges are marked (no coastline there).
function unwrap(pts, closed) {
  const u = [[pts[0][0], pts[0][1], false]];
  for (let i = 1; i < pts.length; i++) {
    let d = pts[i][0] - pts[i - 1][0];
    if (d > 180) d -= 360;
    else if (d < -180) d += 360;
    u.push([u[i - 1][0] + d, pts[i][1], false]);
  }
  if (closed) {
    const wind = u[u.length - 1][0] - u[0][0];
    if (Math.abs(wind) > 180) {
      const poleLat = u.reduce((s, p) => s + p[1], 0) / u.length < 0 ? -90 : 90;
      const last = u[u.length - 1], first = u[0];
      u[u.length - 1] = [last[0], last[1], true];
      u.push([last[0], poleLat, true], [first[0], poleLat, true], [first[0], first[1], false]);
    }
  }
  return u;
}

// Sutherland-Hodgman against one side of a box; a point made on the clip line
// starts an added edge (flag true) when the ring runs along the line from it.
function clipSide(pts, inside, cross) {
  const outp = [];
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i], b = pts[(i + 1) % pts.length];
    const ia = inside(a), ib = inside(b);
    if (ia) outp.push(a);
    if (ia !== ib) {
      const c = cross(a, b);
      // Leaving the box: the ring follows the clip line from here.
      outp.push([c[0], c[1], ia ? true : a[2]]);
    }
  }
  return outp;
}

function clipRing(pts, [x0, y0, x1, y1]) {
  let p = pts;
  const atX = (x) => (a, b) => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  const atY = (y) => (a, b) => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
  p = clipSide(p, (q) => q[0] >= x0, atX(x0));
  if (p.length) p = clipSide(p, (q) => q[0] <= x1, atX(x1));
  if (p.length) p = clipSide(p, (q) => q[1] >= y0, atY(y0));
  if (p.length) p = clipSide(p, (q) => q[1] <= y1, atY(y1));
  return p.length >= 3 ? p : null;
}

// Liang-Barsky per segment; consecutive visible pieces join into one line.
function clipLine(pts, [x0, y0, x1, y1]) {
  const lines = [];
  let cur = null;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1], b = pts[i];
    if (a[2]) { cur = null; continue; } // an added edge: no coastline
    const dx = b[0] - a[0], dy = b[1] - a[1];
    let t0 = 0, t1 = 1, ok = true;
    for (const [p, q] of [[-dx, a[0] - x0], [dx, x1 - a[0]], [-dy, a[1] - y0], [dy, y1 - a[1]]]) {
      if (p === 0) { if (q < 0) { ok = false; break; } continue; }
      const r = q / p;
      if (p < 0) { if (r > t1) { ok = false; break; } if (r > t0) t0 = r; }
      else { if (r < t0) { ok = false; break; } if (r < t1) t1 = r; }
    }
    if (!ok) { cur = null; continue; }
    const s = [a[0] + t0 * dx, a[1] + t0 * dy], e = [a[0] + t1 * dx, a[1] + t1 * dy];
    if (!cur || t0 > 0) { cur = [s]; lines.push(cur); }
    cur.push(e);
    if (t1 < 1) cur = null;
  }
  return lines.filter((l) => l.length >= 2);
}

function bboxOf(pts) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of pts) {
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

// Integers, differences after the first point, repeated points dropped.
function encode(pts, q, closed) {
  const outp = [];
  let px = null, py = null;
  for (const p of pts) {
    const x = Math.round(p[0] * q), y = Math.round(p[1] * q);
    if (x === px && y === py) continue;
    if (px === null) outp.push(x, y);
    else outp.push(x - px, y - py);
    px = x;
    py = y;
  }
  return outp.length >= (closed ? 6 : 4) ? outp : null;
}

// The boxes a shape's bbox meets, with the shift (0 or +-360) that brings it there.
function placements(bb, boxes) {
  const res = [];
  for (const shift of [-360, 0, 360]) {
    for (const box of boxes) {
      if (bb[2] + shift < box.b[0] || bb[0] + shift > box.b[2] || bb[3] < box.b[1] || bb[1] > box.b[3]) continue;
      res.push([box, shift]);
    }
  }
  return res;
}

const shifted = (pts, s) => (s ? pts.map((p) => [p[0] + s, p[1], p[2]]) : pts);

// land: polygons (lists of rings of [lon, lat]); borders: lines.
function cut(land, borders, boxes, q) {
  for (const box of boxes) Object.assign(box, { land: [], coast: [], borders: [] });
  for (const poly of land) {
    const rings = poly.map((r) => unwrap(r, true));
    const bb = bboxOf(rings[0]);
    for (const [box, s] of placements(bb, boxes)) {
      const pieces = [];
      for (const r of rings) {
        const sr = shifted(r, s);
        const c = clipRing(sr, box.b);
        const e = c && encode(c, q, true);
        if (e) pieces.push(e);
        else if (pieces.length === 0) break; // the outer ring is not here: neither are its holes
        for (const l of clipLine([...sr, sr[0]], box.b)) {
          const le = encode(l, q, false);
          if (le) box.coast.push(le);
        }
      }
      if (pieces.length) box.land.push(pieces);
    }
  }
  for (const line of borders) {
    const u = unwrap(line, false);
    for (const [box, s] of placements(bboxOf(u), boxes)) {
      for (const l of clipLine(shifted(u, s), box.b)) {
        const le = encode(l, q, false);
        if (le) box.borders.push(le);
      }
    }
  }
}

// Borders between countries: the arcs two different countries share.
function bordersOf({ t, arcs }) {
  const users = new Map();
  t.objects.countries.geometries.forEach((g, gi) => {
    for (const poly of polygonsOf(g)) for (const r of poly) for (const i of r) {
      const k = i < 0 ? ~i : i;
      if (!users.has(k)) users.set(k, new Set());
      users.get(k).add(gi);
    }
  });
  return [...users].filter(([, s]) => s.size > 1).map(([k]) => arcs[k]);
}

function landOf({ t, arcs }) {
  return polygonsOf(t.objects.land).map((poly) => poly.map((r) => ringOf(arcs, r)));
}

function write(file, box, q) {
  const doc = { q, land: box.land, coast: box.coast, borders: box.borders };
  const text = JSON.stringify(doc);
  writeFileSync(file, text);
  return text.length;
}

// ---- the world at 1:50m
const world = { b: [-180, -90, 180, 90] };
cut(landOf(topo('land-50m.json')), bordersOf(topo('countries-50m.json')), [world], 100);
const worldBytes = write(join(out, 'world-50m.json'), world, 100);

// ---- 1:10m tiles
const tiles = [];
for (let r = 0; r < 170 / TILE; r++) {
  for (let c = 0; c < 360 / TILE; c++) {
    const north = 90 - r * TILE, west = -180 + c * TILE;
    tiles.push({ r, c, b: [west, Math.max(north - TILE, -90), west + TILE, north] });
  }
}
cut(landOf(topo('land-10m.json')), bordersOf(topo('countries-10m.json')), tiles, 1000);
rmSync(join(out, '10m'), { recursive: true, force: true });
mkdirSync(join(out, '10m'), { recursive: true });
const index = [];
let tileBytes = 0;
for (const tile of tiles) {
  if (!tile.land.length && !tile.coast.length) continue;
  tileBytes += write(join(out, '10m', `${tile.r}_${tile.c}.json`), tile, 1000);
  index.push(`${tile.r}_${tile.c}`);
}
writeFileSync(join(out, '10m', 'index.json'), JSON.stringify({ tile: TILE, north: 90, west: -180, tiles: index }));

// ---- airports and ports, from the reference data the binary reads too
function csvRow(line) {
  const cells = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { cells.push(cur); cur = ''; }
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}
const data = join(here, '..', 'data');
const gz = (f) => gunzipSync(readFileSync(join(data, f))).toString('utf8').split('\n').filter((l) => l.trim());
const places = [];
for (const line of gz('openflights/airports.dat.gz')) {
  const c = csvRow(line);
  // ICAO-coded airports only: the codes flights name.
  if (!/^[A-Z0-9]{4}$/.test(c[5] || '') || c[12] !== 'airport') continue;
  places.push(['a', c[5], c[1], +(+c[6]).toFixed(4), +(+c[7]).toFixed(4), c[4] !== '\\N' ? c[4] : '']);
}
const ports = gz('ports/world_port_index.csv.gz');
const head = csvRow(ports[0]);
const col = (n) => head.indexOf(n);
for (const line of ports.slice(1)) {
  const c = csvRow(line);
  const lat = +c[col('port_latitude')], lon = +c[col('port_longitude')];
  if (!isFinite(lat) || !isFinite(lon)) continue;
  places.push(['p', c[col('index_number')], c[col('port_name')], +lat.toFixed(4), +lon.toFixed(4), c[col('country')]]);
}
writeFileSync(join(out, 'places.json'), JSON.stringify({
  fields: ['kind (a airport, p port)', 'code (ICAO / WPI number)', 'name', 'lat', 'lon', 'IATA code / ISO country'],
  places,
}));
console.log(`basemap: world-50m ${(worldBytes / 1e3).toFixed(0)} kB, ${index.length} 10m tiles ${(tileBytes / 1e6).toFixed(1)} MB, ` +
  `${places.length} places`);
