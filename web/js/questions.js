// questions.js: the flights panel (store only). An analyst's question of the
// kind "how many flights did operator X fly into country Y between these
// dates" becomes one /api/v1/flights query; the answer is the count and the
// flights, each clickable to show it on the map (its track from takeoff to
// landing, both airports marked, the picture at its landing). Where the store
// holds the Caribbean demo's identities, three example questions fill the
// form and run it; a real deployment never sees them.
import { store } from './api.js';
import { el, iso } from './util.js';
import { normalise } from './describe.js';
import * as focus from './focus.js';

// The form's inputs and the /api/v1/flights parameter each one fills.
const FIELDS = [
  ['q-operator', 'operator'], ['q-callsign', 'callsign'],
  ['q-dep-airport', 'departure_airport'], ['q-arr-airport', 'arrival_airport'],
  ['q-dep-country', 'departure_country'], ['q-arr-country', 'arrival_country'],
];
// The API answers at most 10,000; the list draws the first ROWS (the count
// is the whole answer's).
const API_LIMIT = 10000, ROWS = 300;
const $ = (id) => document.getElementById(id);
let ctx = null, seq = 0;

// datetime-local inputs carry no zone; this page reads and writes them as UTC,
// as every time it shows.
const toInput = (ms) => new Date(ms).toISOString().slice(0, 16);
const fromInput = (v) => (v ? Date.parse(v + ':00Z') : NaN);
const minute = 60000;

// context: {map, layer, span() -> {from, to}, time() (the slider's),
// goTo(t), showKinds(kinds) (the event list filtered to those kinds)}.
export function init(context) {
  ctx = context;
  $('questions').hidden = false;
  setWindow(ctx.span());
  $('q-form').addEventListener('submit', (e) => { e.preventDefault(); run(); });
  // A reset empties the inputs; the window goes back to the whole store.
  $('q-form').addEventListener('reset', () => setTimeout(() => { setWindow(ctx.span()); clearAnswer(); }, 0));
  $('q-all').addEventListener('click', () => setWindow(ctx.span()));
  $('q-day').addEventListener('click', () => {
    const day = Math.floor(ctx.time() / 86400000) * 86400000;
    setWindow({ from: day, to: day + 86400000 });
  });
  // Folded to its title at first: the event list below is what a new
  // analyst reads first; the examples are one click away.
  $('questions').classList.add('collapsed');
  $('q-toggle').setAttribute('aria-expanded', 'false');
  $('q-toggle').addEventListener('click', () => {
    const folded = $('questions').classList.toggle('collapsed');
    $('q-toggle').setAttribute('aria-expanded', String(!folded));
  });
  offerExamples();
}

function setWindow(s) {
  $('q-from').value = toInput(Math.floor(s.from / minute) * minute);
  $('q-to').value = toInput(Math.ceil(s.to / minute) * minute);
}

function clearAnswer() {
  $('q-count').textContent = '';
  $('q-summary').replaceChildren();
  $('q-list').replaceChildren();
  delete $('questions').dataset.count;
}

// The question as /api/v1/flights parameters.
function params() {
  const p = {};
  for (const [id, key] of FIELDS) {
    const v = $(id).value.trim();
    if (v) p[key] = v;
  }
  const from = fromInput($('q-from').value), to = fromInput($('q-to').value);
  if (isFinite(from)) p.from = from;
  if (isFinite(to)) p.to = to;
  return p;
}

// The question in words, above its answer.
function words(p) {
  const bits = [];
  if (p.operator) bits.push(`operator ${p.operator.toUpperCase()}`);
  if (p.callsign) bits.push(`callsign ${p.callsign.toUpperCase()}`);
  if (p.departure_airport || p.departure_country) bits.push(`from ${[p.departure_airport, p.departure_country].filter(Boolean).join(', ')}`);
  if (p.arrival_airport || p.arrival_country) bits.push(`into ${[p.arrival_airport, p.arrival_country].filter(Boolean).join(', ')}`);
  if (p.from !== undefined || p.to !== undefined) bits.push(`${iso(p.from) || '…'} – ${iso(p.to) || '…'}`);
  return bits.join(' · ');
}

export async function run() {
  const p = params(), mine = ++seq;
  $('q-count').textContent = '…';
  $('questions').dataset.state = 'asking';
  let doc;
  try {
    doc = await store.flights({ ...p, limit: API_LIMIT });
  } catch (e) {
    if (mine !== seq) return;
    $('q-count').textContent = '';
    $('q-summary').replaceChildren(el('span', { class: 'muted' }, 'no answer: ' + e.message));
    $('q-list').replaceChildren();
    $('questions').dataset.state = 'error';
    return;
  }
  if (mine !== seq) return; // a newer question was asked meanwhile
  const flights = doc.flights || [];
  const n = typeof doc.count === 'number' ? doc.count : flights.length;
  const many = n >= API_LIMIT ? `${n}+` : String(n);
  const noun = n === 1 ? 'flight' : 'flights';
  $('q-count').textContent = `${many} ${noun}`;
  $('q-summary').replaceChildren(el('strong', { id: 'q-answer' }, `${many} ${noun}`), ' ', el('span', { class: 'muted' }, words(p)),
    el('div', { class: 'muted' }, flights.length > ROWS ? `the first ${ROWS} listed, newest first` : 'newest first; click one to see it'));
  $('q-list').replaceChildren(...flights.slice(0, ROWS).map(row));
  $('questions').dataset.count = n;
  $('questions').dataset.asked = String(mine); // which question this answers (tests wait on it)
  $('questions').dataset.state = 'answered';
}

const end = (code, name, cc) => [code || '?', name && `${name}${cc ? ' (' + cc + ')' : ''}`];

function row(f) {
  const [dep, depName] = end(f.departure_airport, f.departure_name, f.departure_country_code);
  const [arr, arrName] = end(f.arrival_airport, f.arrival_name, f.arrival_country_code);
  const who = f.callsign || (f.icao ? String(f.icao).toUpperCase() : 'flight');
  const times = `${iso(f.t_start_ms)} → ${iso(f.t_end_ms)}`;
  const li = el('li', {
    class: 'q-flight', tabindex: 0,
    dataset: { icao: f.icao || '', from: f.departure_airport || '', to: f.arrival_airport || '', t0: f.t_start_ms, t1: f.t_end_ms },
    onclick: () => show(f, li),
  }, el('span', { class: 'route' }, `${who} ${dep} → ${arr}`),
  ` · ${times}`, typeof f.confidence === 'number' ? ` · confidence ${f.confidence}` : '',
  el('span', { class: 'sub' }, `${depName || 'departure not found'} → ${arrName || 'arrival not found'}` +
    (f.operator_name ? ` · ${f.operator_name}` : '')));
  return li;
}

// The first and last positions of a track (GeoJSON), as [lat, lon].
function ends(track) {
  const pts = [];
  for (const f of (track && track.features) || []) {
    const g = f.geometry;
    if (g && g.type === 'LineString') pts.push(...g.coordinates);
    else if (g && g.type === 'Point') pts.push(g.coordinates);
  }
  return pts.length ? [[pts[0][1], pts[0][0]], [pts[pts.length - 1][1], pts[pts.length - 1][0]]] : null;
}

// Shows flight f on the map: the picture moves to its landing (the slider
// with it), its track from takeoff to landing is drawn, and its ends are
// marked with their airports (where the track begins and ends: the detector
// found each airport within a few km of those points, docs/detectors.md).
export async function show(f, li) {
  for (const x of document.querySelectorAll('#q-list li.on')) x.classList.remove('on');
  if (li) li.classList.add('on');
  const icao = String(f.icao || ((f.entities || [])[0] || {}).id || '').toLowerCase();
  if (typeof f.t_end_ms === 'number') ctx.goTo(f.t_end_ms);
  let track = null;
  try {
    track = icao ? await store.track('aircraft', icao, f.t_start_ms, f.t_end_ms) : null;
  } catch (e) {
    track = null; // no positions stored in the window: the airports cannot be placed either
  }
  const e = ends(track);
  const marks = [];
  if (e && f.departure_airport) marks.push({ lat: e[0][0], lon: e[0][1], label: `${f.departure_airport} ${f.departure_name || ''}`.trim() });
  if (e && f.arrival_airport) marks.push({ lat: e[1][0], lon: e[1][1], label: `${f.arrival_airport} ${f.arrival_name || ''}`.trim() });
  const item = normalise({ event: 'flight', ...f }, 'event');
  focus.show(ctx.map, ctx.layer, {
    lat: e ? e[1][0] : null, lon: e ? e[1][1] : null, label: f.callsign || icao.toUpperCase(),
    ids: icao ? ['a' + icao] : [], track: track && track.features && track.features.length ? track : null, marks, item,
  });
  window.dispatchEvent(new CustomEvent('atl-shown', { detail: item }));
}

// The demo's examples: only where the store has the demo airline's flights
// and the demo 747's, so a real deployment is never offered demo prompts.
async function offerExamples() {
  let demo = false;
  try {
    const [a, b] = await Promise.all([store.flights({ operator: 'DQX', limit: 1 }), store.flights({ callsign: 'DQC401', limit: 1 })]);
    demo = (a.flights || []).length > 0 && (b.flights || []).length > 0;
  } catch (e) {
    demo = false;
  }
  if (!demo) return;
  const ask = (values) => {
    $('q-form').reset();
    // reset() restores the window a tick later; the example's values go in after it.
    setTimeout(() => {
      for (const [id, v] of Object.entries(values)) $(id).value = v;
      setWindow(ctx.span());
      run();
    }, 0);
  };
  $('q-ex-1').addEventListener('click', () => ask({ 'q-operator': 'DQX', 'q-arr-country': 'VE' }));
  $('q-ex-2').addEventListener('click', () => ask({ 'q-callsign': 'DQC401' }));
  // Not a flights question: the event list answers it, filtered to the
  // gaps, identity changes and encounters.
  $('q-ex-3').addEventListener('click', () => {
    clearAnswer();
    $('q-summary').replaceChildren(el('span', {}, 'In the event list: the dark gaps (who, how long, back as whom), identity changes and meetings at sea.'));
    ctx.showKinds();
  });
  $('q-examples').hidden = false;
}
