// targets.js: one canvas above the basemap holding every target. A canvas
// rather than one DOM marker per target: 20,000 markers would stall the page.
// L is Leaflet's global (vendor/leaflet/leaflet.js, a classic script).
import { drawAll } from './symbols.js';

export const TargetLayer = L.Layer.extend({
  initialize() {
    this.targets = [];
    this.selected = null;
    this.focus = new Set();
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
      if (p) items.push({ t, x: p.x, y: p.y });
    }
    drawAll(ctx, items, this.selected, this.focus, dpr);
  },

  // The target nearest to a container point, within radius pixels. A
  // watchlisted one counts as 4 pixels nearer: in a port, where targets
  // stack on one berth, the click finds the one the ring shows.
  nearest(pt, radius) {
    let best = null, bestD = Infinity;
    for (const t of this.targets) {
      const p = this.screenPoint(t);
      if (!p) continue;
      const d = Math.hypot(p.x - pt.x, p.y - pt.y);
      if (d > radius) continue;
      const eff = t.watch ? d - 4 : d;
      if (eff < bestD) { best = t; bestD = eff; }
    }
    return best;
  },
});
