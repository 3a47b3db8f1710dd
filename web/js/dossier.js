// dossier.js: the panel of a clicked target. Against the store, its dossier
// (/api/v1/entity/KIND/ID): the watchlist entries it matches (program, list
// date), identities over time, flag or country, operator, registration, and
// its recent flights, port calls, events and alerts, each clickable to show
// it on the map. Always: the fields of its latest report, as the server
// sent them (the only content live).
import { store } from './api.js';
import { el, iso, span, when as whenAgo, latLon, num } from './util.js';
import { normalise, fieldText } from './describe.js';
import { title, storeKey } from './picture.js';
import * as events from './events.js';

const panel = () => document.getElementById('panel');
// A time as the detector wrote it: ms since the epoch or ISO 8601 text.
const when = (v) => (typeof v === 'number' ? iso(v) : typeof v === 'string' ? v.replace('T', ' ') : '');
let shownId = null, seq = 0;

// The latest report as words: units, ISO times, no JSON.
const REPORT_NAMES = { t: 'time (UTC)', speed: 'speed', course: 'course', alt: 'altitude', lat: 'position' };
function fieldRows(d) {
  const rows = [];
  for (const [k, v] of Object.entries(d || {})) {
    if (v === null || v === undefined || v === '' || k === 'lon' || k === 'watch' || k === 'kind') continue;
    let text;
    if (k === 't' && typeof v === 'number') text = whenAgo(v);
    else if (k === 'lat') text = latLon(d.lat, d.lon);
    else if (k === 'speed' || k === 'gs') text = `${num(v, 1)} kn`;
    else if (k === 'course' || k === 'track' || k === 'heading') text = `${num(v, 0)}°`;
    else if (k === 'alt' || k === 'alt_baro' || k === 'alt_geom') text = typeof v === 'number' ? `${num(v, 0)} ft` : String(v);
    else text = fieldText(k, v);
    rows.push(el('tr', {}, el('th', {}, REPORT_NAMES[k] || k.replace(/_/g, ' ')), el('td', {}, text)));
  }
  return rows;
}

// The latest fields of t (every refresh; cheap).
export function showFields(t) {
  document.getElementById('panel-fields').replaceChildren(...fieldRows(t.d));
}

export function close() {
  shownId = null;
  panel().hidden = true;
  document.body.classList.remove('panel-open');
  delete panel().dataset.target;
  delete panel().dataset.dossier;
}

export function current() {
  return shownId;
}

// Opens the panel for target t; in store mode fetches and renders its
// dossier. ctx: {mode()}.
export async function open(t, ctx) {
  const p = panel();
  const again = shownId === t.id;
  shownId = t.id;
  p.dataset.target = t.id;
  document.getElementById('panel-title').textContent = title(t);
  showFields(t);
  p.hidden = false;
  document.body.classList.add('panel-open');
  if (ctx.mode() !== 'store') {
    document.getElementById('dossier').replaceChildren();
    return;
  }
  if (again && p.dataset.dossier === t.id) return;
  const mine = ++seq;
  const [kind, id] = storeKey(t);
  let doc;
  try {
    doc = await store.entity(kind, id);
  } catch (e) {
    if (mine === seq) document.getElementById('dossier').replaceChildren(el('p', { class: 'muted' }, 'no dossier: ' + e.message));
    return;
  }
  if (mine !== seq) return; // another target was opened meanwhile
  // A target opened from a search or an event, not in the picture now,
  // has no callsign or name of its own: the dossier's.
  const who = kind === 'aircraft' ? doc.callsign || doc.registration : doc.name;
  if (who) document.getElementById('panel-title').textContent = kind === 'aircraft'
    ? `${who} · ${String(doc.icao || id).toUpperCase()}` : `${who} · MMSI ${doc.mmsi || id}`;
  render(doc, t, ctx);
  p.dataset.dossier = t.id;
  if (ctx.showLast) ctx.showLast(t, doc);
  if (kind === 'vessel' && doc.imo) linkByImo(doc, t, ctx, mine);
}

// A heading and a clickable list; nothing when there is nothing to list.
function section(id, heading, items) {
  if (!items.length) return null;
  return el('section', { id }, el('h3', {}, heading, el('span', { class: 'n' }, ` (${items.length})`)),
    el('ol', { class: 'clickable' }, ...items));
}

function render(doc, t, ctx) {
  const kind = doc.kind || t.kind;
  const facts = [];
  const fact = (k, v) => { if (v !== undefined && v !== null && v !== '') facts.push(el('tr', {}, el('th', {}, k), el('td', {}, String(v)))); };
  fact(kind === 'aircraft' ? 'ICAO address' : 'MMSI', kind === 'aircraft' ? String(doc.icao || t.id.slice(1)).toUpperCase() : doc.mmsi);
  fact('flag', doc.flag);
  fact('country', doc.country);
  fact('operator', doc.operator);
  fact('registration', doc.registration);
  const latest = doc.latest || {};
  fact('IMO', doc.imo);
  fact('callsign', kind === 'vessel' ? doc.callsign : null);
  if (typeof latest.lat === 'number') fact('last seen', `${whenAgo(latest.t)} at ${latLon(latest.lat, latest.lon)}`);

  const watch = (doc.watch || []).map((w) => el('div', { class: 'watch-entry' + (w.weak ? ' weak' : '') },
    el('strong', {}, w.name || w.entry || 'listed'),
    el('div', {}, [w.list && `list ${w.list}`, w.program && `program ${w.program}`].filter(Boolean).join(' · ')),
    el('div', {}, [w.listed && `listed ${w.listed}`, (w.entry ?? w.entry_id) !== undefined && `entry ${w.entry ?? w.entry_id}`, w.rule && `matched by ${w.rule}`,
                   w.weak && 'weak match (a lead)'].filter(Boolean).join(' · '))));

  const idRows = [...(doc.identities || [])].sort((a, b) => (a.field === 'name' ? 0 : 1) - (b.field === 'name' ? 0 : 1) || a.from - b.from);
  const identities = idRows.map((i) => el('tr', { class: (i.to ? 'former' : 'current') + ' f-' + i.field },
    el('th', {}, i.field), el('td', {}, String(i.value)), el('td', { class: 'when' }, i.to ? span(i.from, i.to) : 'since ' + iso(i.from))));

  // Flights and port calls are events too (kinds flight and port_call): a
  // click shows them as the event list does, with the track of the moment.
  const asEvent = (e, label) => events.item({ ...normalise(e, 'event'), label });
  const flights = (doc.flights || []).map((f) => asEvent(f,
    `${f.callsign || ''} ${f.departure_airport || '?'} ${when(f.departure_time ?? f.t_start_ms)} → ` +
    `${f.arrival_airport || '?'} ${when(f.arrival_time ?? f.t_end_ms)}` +
    (typeof f.confidence === 'number' ? ` · confidence ${f.confidence}` : '')));
  const calls = (doc.port_calls || []).map((c) => asEvent(c,
    `${c.port || '?'}${c.port_country ? ' (' + c.port_country + ')' : ''} · ${span(c.t_start_ms, c.t_end_ms)}`));

  const evs = (doc.events || []).map((e) => events.item(normalise(e, 'event')));
  const als = (doc.alerts || []).map((a) => events.item(normalise(a, 'alert')));

  document.getElementById('dossier').replaceChildren(...[
    watch.length ? el('section', { id: 'd-watch', class: 'watch' }, el('h3', {}, 'Watchlist'), ...watch) : null,
    facts.length ? el('table', { id: 'd-facts' }, ...facts) : null,
    identities.length ? el('section', { id: 'd-identities' }, el('h3', {}, 'Identities over time'), el('table', {}, ...identities)) : null,
    el('section', { id: 'd-linked', hidden: true }),
    section('d-events', 'Events', evs),
    section('d-alerts', 'Alerts', als),
    section('d-flights', 'Recent flights', flights),
    section('d-portcalls', 'Port calls', calls),
    el('h3', {}, 'Latest report'),
  ].filter(Boolean));
}

// Other MMSIs that gave the same IMO: one ship under several identities (a
// ship that went dark and came back as another). Listed with the name each
// used and when, oldest first, each a click to its own dossier.
async function linkByImo(doc, t, ctx, mine) {
  let hits = [];
  try {
    hits = ((await store.search(String(doc.imo), 20)).results || []).filter((h) => h.kind === 'vessel' && h.field === 'imo');
  } catch (e) {
    return;
  }
  const others = [...new Set(hits.map((h) => h.mmsi))].filter((m) => String(m) !== String(doc.mmsi));
  if (!others.length || mine !== seq) return;
  const rows = [];
  for (const m of [doc.mmsi, ...others]) {
    let d = m === doc.mmsi ? doc : null;
    try { if (!d) d = await store.entity('vessel', m); } catch (e) { continue; }
    for (const i of (d.identities || []).filter((x) => x.field === 'name')) rows.push({ mmsi: m, name: i.value, from: i.from, to: i.to, last: d.latest });
    if (!(d.identities || []).some((x) => x.field === 'name')) rows.push({ mmsi: m, name: d.name || '?', from: d.latest ? d.latest.t : 0, last: d.latest });
  }
  if (mine !== seq) return;
  rows.sort((a, b) => a.from - b.from);
  const box = document.getElementById('d-linked');
  if (!box) return;
  box.replaceChildren(el('h3', {}, `Same IMO ${doc.imo}: names and MMSIs over time`),
    el('ol', { class: 'clickable' }, ...rows.map((r) => el('li', {
      class: String(r.mmsi) === String(doc.mmsi) ? 'this' : 'other', dataset: { mmsi: r.mmsi },
      onclick: () => { if (String(r.mmsi) !== String(doc.mmsi) && ctx.openId) ctx.openId('vessel', r.mmsi); },
    }, `${r.name} · MMSI ${r.mmsi}${String(r.mmsi) === String(doc.mmsi) ? ' (this one)' : ''} · ` +
      (r.to ? span(r.from, r.to) : r.last && typeof r.last.t === 'number' ? `${span(r.from, r.last.t)} (last seen)` : `since ${iso(r.from)}`)))));
  box.hidden = false;
}
