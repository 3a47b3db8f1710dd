// search.js: the search box. Against the store: /api/v1/search (name, MMSI,
// IMO, ICAO address, registration, callsign; current and former identities),
// the hits listed under the box. Live: the targets on the map now, the
// exact identity first, then a part of one.
import { store } from './api.js';
import { el } from './util.js';

const KEYS = ['name', 'flight', 'callsign', 'hex', 'icao', 'mmsi', 'imo', 'r', 'registration'];

export function findLocal(targets, q) {
  const needle = q.trim().toUpperCase();
  if (!needle) return null;
  const text = (t) => KEYS.map((k) => (t.d[k] === undefined || t.d[k] === null ? '' : String(t.d[k]).trim().toUpperCase()));
  return targets.find((t) => text(t).includes(needle)) ||
    targets.find((t) => text(t).some((v) => v.includes(needle))) || null;
}

// opts: {mode: () => 'live'|'store', targets: () => [...], open(hit)}, where
// hit is a target or {kind, id, lat, lon, label} from the store's search.
export function bind(opts) {
  const form = document.getElementById('search');
  const box = document.getElementById('search-q');
  const list = document.getElementById('search-results');

  function hide() {
    list.hidden = true;
    list.replaceChildren();
  }

  async function run(q) {
    if (opts.mode() !== 'store') {
      const t = findLocal(opts.targets(), q);
      box.classList.toggle('miss', !t);
      if (t) opts.open(t);
      return;
    }
    let results = [];
    try {
      results = (await store.search(q.trim(), 20)).results || [];
    } catch (e) {
      results = [];
    }
    box.classList.toggle('miss', results.length === 0);
    const hits = results.map((r) => ({
      kind: r.kind === 'aircraft' ? 'aircraft' : 'vessel',
      id: r.kind === 'aircraft' ? String(r.icao).toLowerCase() : r.mmsi,
      lat: r.lat, lon: r.lon,
      label: `${r.value} (${r.current === false ? 'former ' : ''}${r.field}) · ` +
        (r.kind === 'aircraft' ? String(r.icao).toUpperCase() : 'MMSI ' + r.mmsi),
    }));
    list.replaceChildren(...hits.map((h) => el('li', {
      tabindex: 0, dataset: { kind: h.kind, id: h.id },
      onclick: () => { hide(); opts.open(h); },
    }, h.label)));
    list.hidden = hits.length === 0;
    if (hits.length === 1) { hide(); opts.open(hits[0]); }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (box.value.trim()) run(box.value);
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hide(); });
}
