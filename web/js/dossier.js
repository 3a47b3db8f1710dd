// dossier.js: the panel of a clicked target. Against the store, its dossier
// (/api/v1/entity/KIND/ID): the watchlist entries it matches (program, list
// date), identities over time, flag or country, operator, registration, and
// its recent flights, port calls, events and alerts, each clickable to show
// it on the map. Always: the fields of its latest report, as the server
// sent them (the only content live).
import { store } from './api.js';
import { el, iso, span } from './util.js';
import { normalise } from './describe.js';
import { title, storeKey } from './picture.js';
import * as events from './events.js';

const panel = () => document.getElementById('panel');
// A time as the detector wrote it: ms since the epoch or ISO 8601 text.
const when = (v) => (typeof v === 'number' ? iso(v) : typeof v === 'string' ? v.replace('T', ' ') : '');
let shownId = null, seq = 0;

function fieldRows(d) {
  return Object.entries(d || {}).map(([k, v]) =>
    el('tr', {}, el('th', {}, k), el('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))));
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
  render(doc, t, ctx);
  p.dataset.dossier = t.id;
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
  if (typeof latest.lat === 'number') fact('last seen', `${iso(latest.t)} at ${latest.lat.toFixed(4)}, ${latest.lon.toFixed(4)}`);

  const watch = (doc.watch || []).map((w) => el('div', { class: 'watch-entry' + (w.weak ? ' weak' : '') },
    el('strong', {}, w.name || w.entry || 'listed'),
    el('div', {}, [w.list && `list ${w.list}`, w.program && `program ${w.program}`].filter(Boolean).join(' · ')),
    el('div', {}, [w.listed && `listed ${w.listed}`, (w.entry ?? w.entry_id) !== undefined && `entry ${w.entry ?? w.entry_id}`, w.rule && `matched by ${w.rule}`,
                   w.weak && 'weak match (a lead)'].filter(Boolean).join(' · '))));

  const identities = (doc.identities || []).map((i) => el('tr', { class: i.to ? 'former' : 'current' },
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
    section('d-events', 'Events', evs),
    section('d-alerts', 'Alerts', als),
    section('d-flights', 'Recent flights', flights),
    section('d-portcalls', 'Port calls', calls),
    el('h3', {}, 'Latest report'),
  ].filter(Boolean));
}
