// events.js: the alert and event list, triaged, linked to the map.
//
// Against the store it opens on what an analyst acts on: open events and
// alerts first, then closed events ranked by severity (watchlisted entities,
// likely deliberate dark gaps, identity changes, meetings, spoofing signs,
// emergency squawks), then the routine ones (flights, port calls, zone
// crossings), newest first, a page at a time down to the first. Above the
// list, what the whole store holds per kind (/api/v1/triage: "1,333 events:
// 2 dark gaps, 1 meeting at sea, ..."), each kind a click away. Live: what
// the server's stream pushes, ranked the same way. A row names its targets
// and its place in words; a click pans to it, rings its targets and opens
// its evidence in the drawer.
import { store } from './api.js';
import { el, iso, ago, num, debounce, latLon } from './util.js';
import { normalise, relabel, evidenceLines, kindName, kindCount, fieldText, KIND_NAMES } from './describe.js';
import { targetId } from './picture.js';
import * as focus from './focus.js';
import * as names from './names.js';
import { whenPlaces } from './basemap.js';

const PAGE = 200, LIVE_KEEP = 500, API_MAX = 10000;
export const ROUTINE = new Set(['flight', 'port_call', 'geofence_enter', 'geofence_exit', 'geofence_dwell', 'area_entry']);
export const KINDS = Object.keys(KIND_NAMES).filter((k) => k !== 'gap');
export const DARK = 'ais_gap,identity_change,encounter';

// Severity of a closed event (higher first); a watchlisted target adds WATCH.
const SEVERITY = {
  distress: 100, identity_change: 85, encounter: 80, emergency_squawk: 75, implausible_speed: 70, position_on_land: 70,
  mmsi_two_places: 70, gnss_degraded: 70, watchlist_sighting: 65, loitering: 40,
};
const WATCH = 30;
function severity(it, watched) {
  let s = ROUTINE.has(it.kind) ? 10 : it.kind === 'ais_gap' || it.kind === 'gap'
    ? (it.fields.class === 'likely_deliberate' ? 90 : 60) : SEVERITY[it.kind] ?? 50;
  if (it.ids.some((id) => watched.has(id))) s += WATCH;
  return s;
}
// 0: open or an alert; 1: ranked; 2: routine.
function tierOf(it, watched) {
  const routine = ROUTINE.has(it.kind) && !it.ids.some((id) => watched.has(id));
  // A ship still in port or in a zone is not what an analyst acts on first,
  // open or not, watched or not: what is open and acted on is a vessel dark
  // now, a meeting going on, an emergency.
  if (it.what === 'alert' || (it.state === 'open' && !ROUTINE.has(it.kind))) return 0;
  return routine ? 2 : 1;
}
const TIER_NAMES = ['open / alert', 'ranked', 'routine'];

let items = [], ctx = null, triage = null, watched = new Set(), watchNames = new Map();
let routine = { kinds: [], total: 0, cursor: null, done: true, loading: false };
let loadSeq = 0;

// The kind filter's value ('', 'alerts', one kind or several, comma
// separated) as a test of a listed item.
function wanted(kind) {
  if (kind === '') return () => true;
  if (kind === 'alerts') return (it) => it.what === 'alert';
  const kinds = new Set(kind.split(','));
  return (it) => it.what === 'event' && kinds.has(it.kind);
}

// ctx: {map, layer, mode(), inView(), trackAround(item) -> Promise<GeoJSON|null>,
// goTo(t) (store: the picture at time t), marks(items, onPick) (the slider's marks)}.
export function init(context) {
  ctx = context;
  const sel = document.getElementById('ev-kind');
  // One question needs three kinds at once: which tankers went dark, came
  // back as someone else, or met another at sea.
  sel.append(el('option', { value: DARK }, 'dark, renamed & meetings'),
    ...KINDS.map((k) => el('option', { value: k }, kindName(k))));
  sel.addEventListener('change', () => {
    // Another question: the drawings and evidence of the last one go.
    focus.clear(ctx.layer);
    closeEvidence();
    return ctx.mode() === 'store' ? load() : render();
  });
  document.getElementById('ev-toggle').addEventListener('click', () => {
    document.getElementById('events').classList.toggle('collapsed');
  });
  document.getElementById('evidence-close').addEventListener('click', closeEvidence);
  document.getElementById('ev-more').addEventListener('click', () => more());
  // Rows labelled before the ports and airports were in: say where now.
  whenPlaces(() => { for (const it of items) relabel(it); if (items.length) render(); });
  document.getElementById('evidence-fold').addEventListener('click', () => {
    const folded = document.getElementById('evidence').classList.toggle('folded');
    document.getElementById('evidence-fold').textContent = folded ? '▸' : '▾';
    document.getElementById('evidence-fold').setAttribute('aria-expanded', String(!folded));
  });
  // The list pages on by itself when scrolled to its end.
  const list = document.getElementById('ev-list');
  list.addEventListener('scroll', () => {
    if (list.scrollTop + list.clientHeight > list.scrollHeight - 60) more();
  });
}

export function closeEvidence() {
  document.getElementById('evidence').hidden = true;
  document.body.classList.remove('drawer-open');
}

// Lists the kinds (comma separated, as the kind filter's values) from the
// store, the list unfolded: how another panel points at its answer.
export async function showKinds(kind) {
  document.getElementById('ev-kind').value = kind;
  document.getElementById('events').classList.remove('collapsed');
  await load();
}

function kindWanted() {
  return document.getElementById('ev-kind').value;
}

const get = (p, fallback) => p.catch(() => fallback);

// Store: the triage, then what ranks first in full and the routine kinds a
// page at a time.
export async function load() {
  const mine = ++loadSeq;
  const kind = kindWanted();
  const t = kind === 'alerts' ? null : await get(store.triage(kind ? { kind } : {}), null);
  if (mine !== loadSeq) return;
  triage = t;
  watched = new Set(), watchNames = new Map();
  for (const w of (t && t.watchlisted) || []) {
    const id = targetId(w.kind, w.id);
    watched.add(id);
    watchNames.set(id, (w.watch && w.watch.name) || w.name || '');
  }
  const counts = new Map(((t && t.kinds) || []).map((k) => [k.kind, k.count]));
  const ranked = [...counts.keys()].filter((k) => !ROUTINE.has(k));
  const routineKinds = [...counts.keys()].filter((k) => ROUTINE.has(k));
  const rankedN = ranked.reduce((s, k) => s + counts.get(k), 0);
  const fetches = [];
  if (kind === '' || kind === 'alerts') fetches.push(get(store.alerts({ limit: 1000 }), { alerts: [] }).then((d) => (d.alerts || []).map((a) => normalise(a, 'alert'))));
  if (ranked.length) {
    fetches.push(get(store.events({ kind: ranked.join(','), limit: Math.min(API_MAX, Math.max(rankedN, 1)) }), { events: [] })
      .then((d) => (d.events || []).map((e) => normalise(e, 'event'))));
  }
  // The routine events of watchlisted targets rank with the rest.
  if (routineKinds.length) {
    for (const w of ((t && t.watchlisted) || []).slice(0, 50)) {
      const entity = `${w.kind}:${w.id}`;
      fetches.push(get(store.events({ kind: routineKinds.join(','), entity, limit: 1000 }), { events: [] })
        .then((d) => (d.events || []).map((e) => normalise(e, 'event'))));
    }
  }
  routine = { kinds: routineKinds, total: routineKinds.reduce((s, k) => s + counts.get(k), 0), cursor: null, done: !routineKinds.length, loading: false };
  const parts = await Promise.all(fetches);
  if (mine !== loadSeq) return;
  items = [];
  seen.clear();
  add(parts.flat());
  summary();
  if (!routine.done) await more(true);
  else render();
}

const seen = new Set();
function add(list) {
  for (const it of list) {
    if (seen.has(it.key)) continue;
    seen.add(it.key);
    items.push(it);
  }
}

// The next page of routine events, newest first below the last one listed.
// Events sharing the cursor's start time come again and are skipped.
async function more(first) {
  if (ctx.mode() !== 'store' || routine.done || routine.loading) return;
  routine.loading = true;
  const mine = loadSeq;
  const params = { kind: routine.kinds.join(','), limit: PAGE };
  if (routine.cursor !== null) params.to = routine.cursor;
  const d = await get(store.events(params), null);
  if (mine !== loadSeq) return;
  routine.loading = false;
  if (!d) { routine.done = true; render(); return; }
  const page = (d.events || []).map((e) => normalise(e, 'event'));
  const before = items.length;
  add(page);
  const last = page.length ? page[page.length - 1].t0 : null;
  if (page.length < PAGE) routine.done = true;
  else if (items.length === before) routine.cursor = last - 1; // a page of one instant: step past it
  else routine.cursor = last;
  routine.fetched = (routine.fetched || 0) + (items.length - before);
  if (routine.fetched >= routine.total) routine.done = true;
  render();
  if (!first) summary();
}

// "1,333 events: 2 dark gaps, 1 meeting at sea, ... · 8 alerts", each kind
// a click to list it alone.
function summary() {
  const box = document.getElementById('ev-summary');
  if (!triage) { box.replaceChildren(); return; }
  const ordered = [...triage.kinds].sort((a, b) =>
    (ROUTINE.has(a.kind) - ROUTINE.has(b.kind)) || (SEVERITY_ORDER(b.kind) - SEVERITY_ORDER(a.kind)) || b.count - a.count);
  const link = (k) => el('a', {
    href: '#', class: 'ev-kind-count' + (ROUTINE.has(k.kind) ? ' routine' : ''), dataset: { kind: k.kind, count: k.count },
    onclick: (e) => { e.preventDefault(); showKinds(k.kind); },
  }, kindCount(k.count, k.kind));
  const joined = (list) => list.flatMap((k, i) => [i ? ', ' : '', link(k)]);
  const ranked = ordered.filter((k) => !ROUTINE.has(k.kind)), plain = ordered.filter((k) => ROUTINE.has(k.kind));
  box.replaceChildren(...[ // replaceChildren would write a null as "null"
    el('div', {}, el('strong', {}, `${num(triage.total)} events`), triage.kinds.length ? ': ' : '', ...joined(ranked),
      typeof triage.alerts === 'number' ? ` · ${num(triage.alerts)} alerts` : '', triage.open ? ` · ${num(triage.open)} open` : ''),
    plain.length ? el('div', { class: 'routine-kinds' }, 'routine: ', ...joined(plain),
      el('span', { id: 'ev-paged', class: 'muted' }, '')) : null,
    dayLine ? el('div', { id: 'ev-day', class: 'muted' }, `${iso(dayLine.from).slice(0, 10)} (the slider's day): ${num(dayLine.t.total)} events` +
      (dayLine.t.kinds.length ? ': ' + [...dayLine.t.kinds].sort((a, b) => (ROUTINE.has(a.kind) - ROUTINE.has(b.kind)) || b.count - a.count)
        .map((k) => kindCount(k.count, k.kind)).join(', ') : '')) : null,
  ].filter(Boolean));
  document.getElementById('events').dataset.total = triage.total;
}
// The slider's day (UTC) when it is not at the latest data: the same
// counts for that day, under the store's, so "what happened that day" is
// one glance (null: the line goes).
let dayLine = null, daySeq = 0;
const dayCounts = debounce(async (at) => {
  const mine = ++daySeq;
  if (at === null || at === undefined) { dayLine = null; summary(); return; }
  const from = Math.floor(at / 86400000) * 86400000, to = from + 86400000 - 1;
  const t = await get(store.triage({ from, to }), null);
  if (mine !== daySeq || !t) return;
  dayLine = { from, t };
  summary();
}, 400);
export function dayOf(at) {
  if (ctx && ctx.mode() === 'store') dayCounts(at);
}

function SEVERITY_ORDER(k) {
  return k === 'ais_gap' ? 90 : SEVERITY[k] ?? 50;
}

// Names arrived: the rows shown are relabelled in place (a redraw would
// lose the keyboard focus and the scroll position).
let rendered = []; // [[item, li], ...] as shown
const redraw = debounce(() => {
  rendered = rendered.map(([it, li]) => {
    if (!it.unnamed.length) return [it, li];
    relabel(it);
    const fresh = item(it);
    if (li.classList.contains('current')) fresh.classList.add('current');
    li.replaceWith(fresh);
    return [it, fresh];
  });
}, 150);

// Store, following the latest data: the list again when the store has more
// events than it had (an ingest beside the server), else nothing.
export async function refresh() {
  if (kindWanted() === 'alerts') return;
  const t = await get(store.triage(kindWanted() ? { kind: kindWanted() } : {}), null);
  if (t && triage && t.total === triage.total && t.alerts === triage.alerts) return;
  await load();
}

// Live: one message from the stream. An open event updated or closed comes
// again with its key: it replaces its entry.
export function push(e, what) {
  const it = normalise(e, what);
  seen.add(it.key);
  items = items.filter((x) => x.key !== it.key);
  items.unshift(it);
  if (ctx.mode() !== 'store' && items.length > LIVE_KEEP) items.length = LIVE_KEEP;
  render();
}

// Alerts and the watchlist sighting events they were raised with are one
// thing: the event is left out where its alert is listed. The alerts of one
// target for one reason are one row, the latest, with how many there were.
function dedupe(list) {
  const alerts = new Set(list.filter((it) => it.what === 'alert').map((it) => `${it.ids[0]}@${it.t0}`));
  const latest = new Map();
  for (const it of list) {
    if (it.what !== 'alert') continue;
    const k = `${it.kind}|${it.ids[0]}`, had = latest.get(k);
    if (!had || (it.t0 || 0) > (had.t0 || 0)) latest.set(k, it);
    it.repeats = 0;
  }
  for (const it of list) if (it.what === 'alert') latest.get(`${it.kind}|${it.ids[0]}`).repeats++;
  const keep = new Set(latest.values());
  return list.filter((it) => (it.what === 'alert' ? keep.has(it)
    : !(it.kind === 'watchlist_sighting' && alerts.has(`${it.ids[0]}@${it.t0}`))));
}

export function render() {
  const kind = kindWanted();
  const list = document.getElementById('ev-list');
  const want = wanted(kind);
  for (const it of items) {
    it.tier = tierOf(it, watched);
    it.severity = severity(it, watched);
  }
  const shown = dedupe(items.filter((it) => want(it) && (it.lat === null || ctx.inView(it.lat, it.lon))));
  shown.sort((a, b) => a.tier - b.tier || b.severity - a.severity || (b.t0 || 0) - (a.t0 || 0));
  const unnamed = [];
  for (const it of shown) if (it.unnamed.length) unnamed.push(...it.unnamed);
  if (unnamed.length && ctx.mode() === 'store') names.want(unnamed, redraw);
  const top = list.scrollTop;
  rendered = shown.map((it) => [it, item(it)]);
  list.replaceChildren(...rendered.map(([, li]) => li));
  list.scrollTop = top;
  if (ctx.marks) ctx.marks(shown, show);
  document.getElementById('ev-count').textContent = `${num(shown.length)} listed`;
  document.getElementById('events').dataset.count = shown.length;
  const moreBtn = document.getElementById('ev-more');
  moreBtn.hidden = ctx.mode() !== 'store' || routine.done || (kind !== '' && !routine.kinds.includes(kind));
  moreBtn.textContent = `more routine events (${num(Math.max(0, routine.total - (routine.fetched || 0)))} left)`;
  const paged = document.getElementById('ev-paged');
  if (paged) {
    const n = items.filter((it) => ROUTINE.has(it.kind) && !it.ids.some((id) => watched.has(id))).length;
    paged.textContent = ` (${num(n)} of ${num(routine.total)} listed)`;
  }
}

// A list entry for an event or alert; used by the dossier as well. Two
// lines: what and who; where, when and how much.
export function item(it) {
  const tier = it.tier ?? tierOf(it, watched);
  const watchedHere = it.ids.filter((id) => watched.has(id));
  return el('li', {
    class: `ev ${it.what} tier${tier}${watchedHere.length ? ' watched' : ''}${it.state === 'open' ? ' open' : ''}` +
      (it.kind === 'distress' && it.fields.mode !== 'test' ? ' distress' : ''), tabindex: 0,
    dataset: { kind: it.kind, what: it.what, t: it.t0 ?? '', ids: it.ids.join(' '), tier, state: it.state, id: it.id ?? '' },
    title: `${it.label}\n${TIER_NAMES[tier]}${watchedHere.length ? ' · watchlisted: ' + watchedHere.map((id) => watchNames.get(id) || id.slice(1)).join(', ') : ''}`,
    onclick: () => show(it),
  },
  el('div', { class: 'ev-what' },
    el('span', { class: 'ev-kind' }, (it.what === 'alert' ? 'ALERT ' : '') + (it.state === 'open' ? 'OPEN ' : '') + kindName(it.kind) +
      (it.repeats > 1 ? ` ×${it.repeats}` : '')),
    ' · ', el('span', { class: 'ev-title' }, it.title), it.what === 'alert' && it.t0 ? el('span', { class: 'ev-ago' }, ` · ${ago(it.t0)}`) : null),
  el('div', { class: 'ev-where' }, el('span', { class: 'sep' }, ' · '),
    it.place ? el('span', { class: 'ev-place' }, it.place) : null, it.place ? ' · ' : '',
    el('span', { class: 'ev-when' }, it.sub), it.t0 ? el('span', { class: 'ev-ago' }, ` · ${ago(it.t1 ?? it.t0)}`) : null));
}

// Shows an event or alert: pans to it, rings its targets, draws its track
// window when the store has one, and opens its evidence. With a store the
// picture moves to the event's end, so its targets are where it left them.
export async function show(it) {
  if (ctx.goTo && typeof (it.t1 ?? it.t0) === 'number') ctx.goTo(it.t1 ?? it.t0);
  const track = ctx.trackAround ? await ctx.trackAround(it).catch(() => null) : null;
  let { lat, lon } = it;
  if (lat === null && track) {
    const last = lastPoint(track);
    if (last) [lat, lon] = last;
  }
  // The drawer first: the map fits the event into what the drawer leaves.
  evidence(it);
  const label = `${kindName(it.kind)}: ${it.title}`;
  focus.show(ctx.map, ctx.layer, { lat, lon, label: label.length > 64 ? label.slice(0, 62) + '…' : label, ids: it.ids, track, item: it });
  for (const li of document.querySelectorAll('li.ev.current')) li.classList.remove('current');
  for (const [x, li] of rendered) if (x === it) li.classList.add('current');
  window.dispatchEvent(new CustomEvent('atl-shown', { detail: it }));
}

function lastPoint(geojson) {
  for (const f of geojson.features || []) {
    const c = f.geometry && f.geometry.type === 'LineString' ? f.geometry.coordinates : null;
    if (c && c.length) return [c[c.length - 1][1], c[c.length - 1][0]];
  }
  return null;
}

// Fields the drawer does not list again (said by the title or the rows above).
const DRAWER_SKIP = new Set(['kind', 'start', 'end', 'match', 'message', 'time']);

function evidence(it) {
  const box = document.getElementById('evidence');
  document.getElementById('evidence-title').textContent = `${kindName(it.kind)} · ${it.title}`;
  const row = (k, v) => el('tr', {}, el('th', {}, k), el('td', {}, v));
  const rows = [];
  if (it.t0) rows.push(row('time (UTC)', `${iso(it.t0)}${it.t1 && it.t1 !== it.t0 ? ' – ' + iso(it.t1) : ''} (${ago(it.t1 ?? it.t0)})`));
  if (it.place) rows.push(row('where', it.place));
  if (it.lat !== null) rows.push(row('position', latLon(it.lat, it.lon)));
  rows.push(row('state', it.state));
  const m = it.fields.match;
  if (m && m.entry) rows.push(row('watchlist', [m.entry.name, m.entry.list && `list ${m.entry.list}`, m.entry.program && `program ${m.entry.program}`, m.rule && `matched by ${m.rule}`].filter(Boolean).join(' · ')));
  for (const [k, v] of Object.entries(it.fields)) {
    if (DRAWER_SKIP.has(k) || v === null || v === undefined || v === '') continue;
    rows.push(row(k.replace(/_/g, ' '), fieldText(k, v)));
  }
  document.getElementById('evidence-fields').replaceChildren(...rows);
  const lines = evidenceLines(it.evidence);
  document.getElementById('evidence-raw').textContent = lines.length ? lines.join('\n') : '(no raw messages stored)';
  box.dataset.kind = it.kind;
  box.hidden = false;
  document.body.classList.add('drawer-open');
}

export function all() {
  return items;
}

// For the keyboard: the row after (+1) or before (-1) the current one.
export function step(dir) {
  const lis = rendered.map(([, li]) => li);
  if (!lis.length) return;
  const cur = lis.findIndex((li) => li.classList.contains('current'));
  const next = lis[Math.max(0, Math.min(lis.length - 1, cur < 0 ? 0 : cur + dir))];
  next.focus();
  next.click();
}
