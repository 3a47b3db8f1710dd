// events.js: the alert and event list, linked to the map. Against the store:
// /api/v1/events and /api/v1/alerts (most recent first), filtered by kind
// and, with the area filter on, by the view. Live: what the server's stream
// pushes (/api/v1/stream, where `atalaya run` has one), newest first. A click
// pans to it, rings its targets and shows its evidence (the raw messages).
import { store } from './api.js';
import { el, iso, debounce } from './util.js';
import { normalise, relabel, evidenceLines } from './describe.js';
import * as focus from './focus.js';
import * as names from './names.js';

const LIMIT = 300, LIVE_KEEP = 500;
export const KINDS = ['ais_gap', 'encounter', 'loitering', 'identity_change', 'flight', 'port_call', 'geofence_enter',
                      'geofence_exit', 'geofence_dwell', 'implausible_speed', 'position_on_land', 'mmsi_two_places',
                      'gnss_degraded', 'emergency_squawk', 'distress', 'watchlist_sighting', 'area_entry'];

export const DARK = 'ais_gap,identity_change,encounter';
let items = [], ctx = null;

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
  sel.append(el('option', { value: DARK }, 'dark, renamed & meetings'), ...KINDS.map((k) => el('option', { value: k }, k)));
  sel.addEventListener('change', () => (ctx.mode() === 'store' ? load() : render()));
  document.getElementById('ev-toggle').addEventListener('click', () => {
    const p = document.getElementById('events');
    p.classList.toggle('collapsed');
  });
  document.getElementById('evidence-close').addEventListener('click', () => {
    document.getElementById('evidence').hidden = true;
  });
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

// Store: the latest events (of the kind chosen) and alerts.
export async function load() {
  const kind = kindWanted();
  const wantAlerts = kind === '' || kind === 'alerts';
  const [ev, al] = await Promise.all([
    kind === 'alerts' ? Promise.resolve({ events: [] })
      : store.events({ kind: kind || undefined, limit: LIMIT }).catch(() => ({ events: [] })),
    wantAlerts ? store.alerts({ limit: LIMIT }).catch(() => ({ alerts: [] })) : Promise.resolve({ alerts: [] }),
  ]);
  items = [...(ev.events || []).map((e) => normalise(e, 'event')), ...(al.alerts || []).map((a) => normalise(a, 'alert'))];
  items.sort((a, b) => (b.t0 || 0) - (a.t0 || 0));
  render();
}

// Names arrived: the rows shown are relabelled in place (a redraw would
// lose the keyboard focus and the scroll position).
let rendered = []; // [[item, li], ...] as shown
const redraw = debounce(() => {
  for (const [it, li] of rendered) {
    if (!it.unnamed.length) continue;
    relabel(it);
    if (li.textContent !== it.label) li.textContent = it.label;
  }
}, 150);

// Live: one message from the stream. An open event updated or closed comes
// again with its key: it replaces its entry.
export function push(e, what) {
  const it = normalise(e, what);
  items = items.filter((x) => x.key !== it.key);
  items.unshift(it);
  if (items.length > LIVE_KEEP) items.length = LIVE_KEEP;
  render();
}

export function render() {
  const kind = kindWanted();
  const list = document.getElementById('ev-list');
  const want = wanted(kind);
  const shown = items.filter((it) => want(it) && (it.lat === null || ctx.inView(it.lat, it.lon)));
  const rows = shown.slice(0, LIMIT);
  // Rows that name a target by number only: relabel those whose names are
  // known by now, ask for the rest (names.js redraws once they are in).
  const unnamed = [];
  for (const it of rows) {
    if (!it.unnamed.length) continue;
    if (it.unnamed.some((id) => names.name(id))) relabel(it);
    unnamed.push(...it.unnamed);
  }
  if (unnamed.length && ctx.mode() === 'store') names.want(unnamed, redraw);
  rendered = rows.map((it) => [it, item(it)]);
  list.replaceChildren(...rendered.map(([, li]) => li));
  if (ctx.marks) ctx.marks(shown, show);
  document.getElementById('ev-count').textContent = String(shown.length);
  document.getElementById('events').dataset.count = shown.length;
}

// A list entry for an event or alert; used by the dossier as well.
export function item(it) {
  return el('li', {
    class: 'ev ' + it.what + (it.open ? ' open' : '') + (it.kind === 'distress' ? ' distress' : ''), tabindex: 0,
    dataset: { kind: it.kind, what: it.what, state: it.open ? 'open' : 'closed', t: it.t0 ?? '', ids: it.ids.join(' ') },
    onclick: () => show(it),
  }, it.label);
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
  focus.show(ctx.map, ctx.layer, { lat, lon, label: it.kind, ids: it.ids, track, item: it });
  evidence(it);
  window.dispatchEvent(new CustomEvent('atl-shown', { detail: it }));
}

function lastPoint(geojson) {
  for (const f of geojson.features || []) {
    const c = f.geometry && f.geometry.type === 'LineString' ? f.geometry.coordinates : null;
    if (c && c.length) return [c[c.length - 1][1], c[c.length - 1][0]];
  }
  return null;
}

function evidence(it) {
  const box = document.getElementById('evidence');
  document.getElementById('evidence-title').textContent = it.label;
  const rows = Object.entries(it.fields).map(([k, v]) =>
    el('tr', {}, el('th', {}, k), el('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))));
  if (it.t0) rows.unshift(el('tr', {}, el('th', {}, 'time'), el('td', {}, iso(it.t0) + (it.t1 && it.t1 !== it.t0 ? ' – ' + iso(it.t1) : ''))));
  if (it.lat !== null) rows.push(el('tr', {}, el('th', {}, 'at'), el('td', {}, `${it.lat.toFixed(4)}, ${it.lon.toFixed(4)}`)));
  document.getElementById('evidence-fields').replaceChildren(...rows);
  const lines = evidenceLines(it.evidence);
  document.getElementById('evidence-raw').textContent = lines.length ? lines.join('\n') : '(no raw messages stored)';
  box.dataset.kind = it.kind;
  box.hidden = false;
}

export function all() {
  return items;
}
