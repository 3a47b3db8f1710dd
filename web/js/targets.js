// targets.js: one canvas above the basemap holding every target. A canvas
// rather than one DOM marker per target: 20,000 markers would stall the page.
// L is Leaflet's global (vendor/leaflet/leaflet.js, a classic script).
import { drawAll } from './symbols.js';

export const TargetLayer = L.Layer.extend({
  initialize() {
    this.targets = [];
    this.selected = null;
    this.focus = new Set();
    this.labels = true;
    this.hover = null; // a target id the table points at
    this.labelled = [];
  },

  onAdd(map) {
    this._canvas = L.DomUtil.create('canvas', 'atl-targets');
    // A pane of our own above the overlay pane, where the basemap's canvas
    // lives: targets over land must not be hidden by it.
    const pane = map.getPane('atl-targets') || map.createPane('atl-targets');
    pane.style.zIndex = 450;
    pane.appendChild(this._canvas);
    map.on('moveend zoomend resize viewreset', this._reset, this);
    map.on('zoomstart', this._hide, this);
    this._reset();
  },

  onRemove(map) {
    map.off('moveend zoomend resize viewreset', this._reset, this);
    map.off('zoomstart', this._hide, this);
    this._canvas.remove();
  },

  setTargets(targets) {
    this.targets = targets;
    this.redraw();
  },

  _hide() {
    this._canvas.style.visibility = 'hidden';
  },

  _reset() {
    const map = this._map, size = map.getSize(), dpr = window.devicePixelRatio || 1;
    L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
    this._canvas.width = size.x * dpr;
    this._canvas.height = size.y * dpr;
    this._canvas.style.width = size.x + 'px';
    this._canvas.style.height = size.y + 'px';
    this._canvas.style.visibility = 'visible';
    this.redraw();
  },

  // Screen position of a target, container pixels; null when off screen.
  screenPoint(t) {
    const map = this._map, size = map.getSize();
    const p = map.latLngToContainerPoint([t.lat, t.lon]);
    return p.x < -10 || p.y < -10 || p.x > size.x + 10 || p.y > size.y + 10 ? null : p;
  },

  redraw() {
    if (!this._map) return;
    const ctx = this._canvas.getContext('2d'), dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this._canvas.width, this._canvas.height);
    const items = [];
    for (const t of this.targets) {
      const p = this.screenPoint(t);
      if (p) items.push({ t, x: p.x, y: p.y, x0: p.x, y0: p.y });
    }
    // Spread apart: in a port or at a meeting, not across a crowd of
    // thousands (every symbol there is near another).
    const spreadOut = this._map.getZoom() >= SPREAD_ZOOM && items.length <= MAX_SPREAD;
    if (spreadOut) spread(items);
    this._drawn = spreadOut ? new Map(items.filter((it) => it.spread).map((it) => [it.t.id, it])) : null;
    if (spreadOut) drawLeaders(ctx, items);
    const focus = this.hover ? new Set([...this.focus, this.hover]) : this.focus;
    drawAll(ctx, items, this.selected, focus, dpr);
    this.labelled = this.labels ? drawLabels(ctx, items, this._map.getZoom(), this.selected, focus) : [];
  },

  // Where a target is drawn (spread apart from its neighbours when zoomed
  // in), container pixels; null when off screen.
  drawnPoint(t) {
    const it = this._drawn && this._drawn.get(t.id);
    return it ? { x: it.x, y: it.y } : this.screenPoint(t);
  },

  // The target drawn nearest to a container point, within radius pixels. A
  // watchlisted one counts as 4 pixels nearer: in a port, where targets
  // stack on one berth, the click finds the one the ring shows.
  nearest(pt, radius) {
    let best = null, bestD = Infinity;
    for (const t of this.targets) {
      const p = this.drawnPoint(t);
      if (!p) continue;
      const d = Math.hypot(p.x - pt.x, p.y - pt.y);
      if (d > radius) continue;
      const eff = t.watch ? d - 4 : d;
      if (eff < bestD) { best = t; bestD = eff; }
    }
    return best;
  },
});

// Symbols closer than this on screen are spread apart from this zoom on (two
// ships 159 m apart at a meeting, a berth): each group on a small circle
// around its middle, a thin line to where each really is.
const SPREAD_ZOOM = 8, NEAR = 12, MAX_GROUP = 16, MAX_SPREAD = 3000;

function spread(items) {
  const cell = new Map();
  const key = (x, y) => `${Math.floor(x / NEAR)},${Math.floor(y / NEAR)}`;
  items.forEach((it, i) => {
    const k = key(it.x, it.y);
    if (!cell.has(k)) cell.set(k, []);
    cell.get(k).push(i);
  });
  const group = new Array(items.length).fill(-1);
  const groups = [];
  for (let i = 0; i < items.length; i++) {
    if (group[i] >= 0) continue;
    // Everything within NEAR of a member joins (flood fill over the grid).
    const g = [i];
    group[i] = groups.length;
    for (let q = 0; q < g.length; q++) {
      const a = items[g[q]], cx = Math.floor(a.x / NEAR), cy = Math.floor(a.y / NEAR);
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
        for (const j of cell.get(`${cx + dx},${cy + dy}`) || []) {
          if (group[j] >= 0) continue;
          if (Math.hypot(items[j].x - a.x, items[j].y - a.y) < NEAR) { group[j] = groups.length; g.push(j); }
        }
      }
    }
    groups.push(g);
  }
  for (const g of groups) {
    if (g.length < 2 || g.length > MAX_GROUP) continue;
    const mx = g.reduce((s, i) => s + items[i].x, 0) / g.length, my = g.reduce((s, i) => s + items[i].y, 0) / g.length;
    const r = Math.max(14, (g.length * 22) / (2 * Math.PI));
    // Keep each near its own side of the middle: sorted by angle.
    g.sort((a, b) => Math.atan2(items[a].y - my, items[a].x - mx) - Math.atan2(items[b].y - my, items[b].x - mx));
    g.forEach((i, k) => {
      const ang = -Math.PI / 2 + (2 * Math.PI * k) / g.length;
      items[i].x = mx + r * Math.cos(ang);
      items[i].y = my + r * Math.sin(ang);
      items[i].spread = true;
    });
  }
}

function drawLeaders(ctx, items) {
  ctx.beginPath();
  for (const it of items) {
    if (!it.spread) continue;
    ctx.moveTo(it.x0, it.y0);
    ctx.lineTo(it.x, it.y);
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(220, 230, 238, 0.6)';
  ctx.stroke();
  ctx.fillStyle = 'rgba(220, 230, 238, 0.9)';
  for (const it of items) {
    if (!it.spread) continue;
    ctx.fillRect(it.x0 - 1.5, it.y0 - 1.5, 3, 3);
  }
}

// A target's label: vessel name, aircraft callsign (else registration).
export function labelOf(t) {
  const d = t.d || {};
  const n = t.kind === 'aircraft' ? d.flight || d.callsign || d.r || d.registration : d.name || d.shipname;
  return typeof n === 'string' ? n.trim() : '';
}

// Labels that fit without overlapping, the most important first: the
// selected target, those an event points at, watchlisted ones, then the
// rest, from zoom 7 on (only the first three kinds below it). Returns the
// ids labelled.
function drawLabels(ctx, items, zoom, selected, focusIds) {
  const rank = (it) => (it.t.id === selected ? 0 : focusIds.has(it.t.id) ? 1 : it.t.watch ? 2 : 3);
  // A crowd of thousands on screen reads better without a label each: then
  // only the selected, pointed-at and watchlisted ones are named.
  const crowd = items.length > MAX_LABELLED_CROWD;
  const want = items.filter((it) => (rank(it) < 3 || (zoom >= 7 && !crowd)) && labelOf(it.t));
  want.sort((a, b) => rank(a) - rank(b));
  // Boxes taken (symbols and labels drawn), by grid cell, so a label is
  // tried against its neighbours only.
  const grid = new Map();
  const cells = (b, f) => {
    for (let gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++) {
      for (let gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) if (f(`${gx},${gy}`)) return true;
    }
    return false;
  };
  const take = (b) => cells(b, (k) => { if (!grid.has(k)) grid.set(k, []); grid.get(k).push(b); return false; });
  const hit = (b) => cells(b, (k) => (grid.get(k) || []).some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]));
  if (want.length) for (const it of items) take([it.x - 8, it.y - 8, it.x + 8, it.y + 8]);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const out = [];
  for (const it of want) {
    if (out.length >= MAX_LABELS) break;
    const text = labelOf(it.t), w = ctx.measureText(text).width + 4;
    // Right of the symbol, else left, above, below; the symbol itself is
    // in the grid, so a box is tested with it set aside.
    const tries = [[it.x + 11, it.y - 7], [it.x - 11 - w, it.y - 7], [it.x - w / 2, it.y - 24], [it.x - w / 2, it.y + 10]];
    const spot = tries.map(([x, y]) => [x, y, x + w, y + 14]).find((b) => !hit(b)) || (rank(it) === 0 ? [it.x + 11, it.y - 7, it.x + 11 + w, it.y + 7] : null);
    if (!spot) continue;
    take(spot);
    ctx.fillStyle = 'rgba(8, 16, 24, 0.72)';
    ctx.fillRect(spot[0], spot[1], w, 14);
    ctx.fillStyle = it.t.watch ? '#ffc9ff' : focusIds.has(it.t.id) ? '#bff8ff' : '#e6eef4';
    ctx.fillText(text, spot[0] + 2, spot[1] + 7);
    out.push(it.t.id);
  }
  return out;
}
const CELL = 48, MAX_LABELS = 400, MAX_LABELLED_CROWD = 3000;
