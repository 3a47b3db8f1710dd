// search.js: the search box. Against the store: /api/v1/find, by whatever
// the analyst knows (names past and present, MMSI, IMO, ICAO address,
// callsign, registration; an airline's name or designator; a watchlist
// entry's name, owner or operator; an airport's or port's name or code), the
// answers grouped by kind under the box. Live: the targets on the map now,
// the exact identity first, then a part of one.
import { store, getJson } from './api.js';
import { el, iso } from './util.js';

const KEYS = ['name', 'flight', 'callsign', 'hex', 'icao', 'mmsi', 'imo', 'r', 'registration'];

export function findLocal(targets, q) {
  const needle = q.trim().toUpperCase();
  if (!needle) return null;
  const text = (t) => KEYS.map((k) => (t.d[k] === undefined || t.d[k] === null ? '' : String(t.d[k]).trim().toUpperCase()));
  return targets.find((t) => text(t).includes(needle)) ||
    targets.find((t) => text(t).some((v) => v.includes(needle))) || null;
}

// An entity of the answer as the hit the page opens: {kind, id, lat, lon, label}.
function entityHit(r, why) {
  const air = r.kind === 'aircraft';
  const who = air ? `${r.callsign || String(r.icao).toUpperCase()} · ICAO ${String(r.icao).toUpperCase()}`
    : `${r.name || 'vessel'} · MMSI ${r.mmsi}`;
  const matched = r.field && !['mmsi', 'icao'].includes(r.field) && r.value !== r.name && r.value !== r.callsign
    ? ` (${r.current === false ? 'former ' : ''}${r.field} ${r.value})` : r.current === false ? ` (former ${r.field})` : '';
  return {
    kind: air ? 'aircraft' : 'vessel', id: air ? String(r.icao).toLowerCase() : r.mmsi, lat: r.lat, lon: r.lon,
    label: who + matched + (why ? ' · ' + why : '') + (typeof r.t === 'number' ? ` · last seen ${iso(r.t)}` : ''),
  };
}

// The /find answer as groups of rows: [{group, label, rows: [{text, hit|place|sub}]}].
function rowsOf(doc) {
  const groups = [];
  for (const g of doc.groups || []) {
    const rows = [];
    for (const r of g.results || []) {
      if (g.group === 'vessels' || g.group === 'aircraft') rows.push({ hit: entityHit(r) });
      else if (g.group === 'operators' || g.group === 'watchlist') {
        const head = g.group === 'operators'
          ? `${r.name}${r.designator ? ' · ' + r.designator : ''}${r.iata ? ' / ' + r.iata : ''}${r.country ? ' · ' + r.country : ''}` +
            (r.source === 'watchlist' ? ` · watchlist ${r.list}` : '')
          : `${r.name} · ${r.kind} · list ${r.list}${r.program ? ' (' + r.program + ')' : ''}` +
            Object.entries(r.ids || {}).map(([k, v]) => ` · ${k} ${v}`).join('');
        const ents = [...(r.entities || []), ...(r.aircraft || [])];
        rows.push({ text: head, sub: true, designator: g.group === 'operators' ? r.designator : null });
        const seen = new Set();
        for (const e of ents) {
          const h = entityHit(e, g.group === 'operators' ? `flies for ${r.designator}` : 'named by this entry');
          if (seen.has(h.kind + h.id)) continue;
          seen.add(h.kind + h.id);
          rows.push({ hit: h, indent: true });
        }
        if (!ents.length) rows.push({ text: 'not seen in this store', indent: true, muted: true });
      } else if (g.group === 'airports' || g.group === 'ports') {
        const text = g.group === 'airports'
          ? `${r.icao}${r.iata ? ' / ' + r.iata : ''} · ${r.name}${r.city ? ', ' + r.city : ''}${r.country ? ' (' + r.country + ')' : ''}`
          : `${r.name} · port ${r.wpi}${r.country ? ' (' + r.country + ')' : ''}`;
        rows.push({ text, place: { lat: r.lat, lon: r.lon, label: text } });
      }
    }
    if (rows.length) groups.push({ group: g.group, label: g.label, rows });
  }
  return groups;
}

// The older /search answer (a server without /find) as one group.
function fromSearch(doc) {
  const rows = (doc.results || []).map((r) => ({ hit: entityHit(r) }));
  return rows.length ? [{ group: 'entities', label: 'Targets', rows }] : [];
}

// opts: {mode: () => 'live'|'store', targets: () => [...], open(hit),
// place({lat, lon, label}) (show a place on the map), operator(designator)
// (its flights)}.
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
    let groups = [];
    try {
      groups = rowsOf(await getJson('api/v1/find', { q: q.trim(), limit: 10 }));
    } catch (e) {
      groups = fromSearch(await store.search(q.trim(), 20).catch(() => ({ results: [] })));
    }
    const hits = groups.flatMap((g) => g.rows.filter((r) => r.hit).map((r) => r.hit));
    const any = groups.some((g) => g.rows.some((r) => r.hit || r.place || r.designator));
    box.classList.toggle('miss', !any);
    const items = [];
    for (const g of groups) {
      items.push(el('li', { class: 'group', dataset: { group: g.group } }, g.label));
      for (const r of g.rows) {
        if (r.hit) {
          items.push(el('li', {
            tabindex: 0, class: r.indent ? 'indent' : '', dataset: { kind: r.hit.kind, id: r.hit.id, group: g.group },
            onclick: () => { hide(); opts.open(r.hit); },
          }, r.hit.label));
        } else if (r.place) {
          items.push(el('li', { tabindex: 0, dataset: { group: g.group }, onclick: () => { hide(); opts.place(r.place); } }, r.text));
        } else if (r.designator && opts.operator) {
          items.push(el('li', {
            tabindex: 0, class: 'head', dataset: { group: g.group, designator: r.designator },
            title: 'its flights in the store', onclick: () => { hide(); opts.operator(r.designator); },
          }, r.text + ' · flights ▸'));
        } else {
          items.push(el('li', { class: (r.indent ? 'indent ' : '') + (r.muted ? 'muted' : 'head'), dataset: { group: g.group } }, r.text));
        }
      }
    }
    list.replaceChildren(...items);
    list.hidden = items.length === 0;
    document.body.dataset.searchGroups = groups.map((g) => g.group).join(' ');
    // One target and nothing else: it opens at once.
    if (hits.length === 1 && groups.length === 1 && groups[0].rows.length === 1) { hide(); opts.open(hits[0]); }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (box.value.trim()) run(box.value);
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hide(); });
}
