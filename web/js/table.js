// table.js: the targets beside the map as a table (as tar1090's aircraft
// list): name or callsign, MMSI / ICAO, type, speed, altitude, course, age
// of the last report; sortable by any column; a click selects the target on
// the map and pans there, and the selected target's row is marked. Shows the
// targets the filters let through (the map's own list), at most ROWS.
import { el, ago, num } from './util.js';
import { shipClass } from './symbols.js';
import { labelOf } from './targets.js';

const ROWS = 400;
const COLS = [
  ['name', 'name / callsign', (t) => labelOf(t) || ''],
  ['id', 'MMSI / ICAO', (t) => t.id.slice(1).toUpperCase()],
  ['type', 'type', (t) => (t.kind === 'aircraft' ? (onGround(t) ? 'aircraft (ground)' : 'aircraft') : shipClass(t.d))],
  ['speed', 'speed kn', (t) => numOf(t.d.speed ?? t.d.gs)],
  ['alt', 'alt. ft', (t) => (t.kind === 'aircraft' ? (onGround(t) ? 0 : numOf(t.d.alt ?? t.d.alt_baro)) : null)],
  ['course', 'course °', (t) => numOf(t.d.course ?? t.d.track ?? t.d.heading)],
  ['seen', 'last seen', (t) => numOf(t.d.t ?? (typeof t.d.seen === 'number' ? Date.now() - t.d.seen * 1000 : null))],
];
const onGround = (t) => t.d.alt_baro === 'ground' || t.d.on_ground === true;
const numOf = (v) => (typeof v === 'number' && isFinite(v) ? v : null);

let opts = null, sortKey = 'name', sortDir = 1, targets = [], selectedId = null;

// o: {open(t) (select and pan), hover(t|null) (ring it on the map)}.
export function init(o) {
  opts = o;
  const head = document.getElementById('tt-head');
  head.replaceChildren(el('tr', {}, ...COLS.map(([k, label]) => el('th', {
    tabindex: 0, dataset: { key: k }, scope: 'col',
    onclick: () => { sortDir = sortKey === k ? -sortDir : 1; sortKey = k; render(); },
  }, label))));
  document.getElementById('tt-toggle').addEventListener('click', () => toggle());
  document.getElementById('tt-close').addEventListener('click', () => toggle(false));
}

export function toggle(on) {
  const box = document.getElementById('target-table');
  box.hidden = on === undefined ? !box.hidden : !on;
  document.body.classList.toggle('table-open', !box.hidden);
  if (!box.hidden) render();
}

export function update(list, selected) {
  targets = list;
  selectedId = selected;
  if (!document.getElementById('target-table').hidden) render();
}

function cell(k, t, v) {
  if (v === null || v === '') return '—';
  if (k === 'speed') return num(v, 1);
  if (k === 'alt') return num(v, 0);
  if (k === 'course') return num(v, 0);
  if (k === 'seen') return ago(v);
  return String(v);
}

function render() {
  const col = COLS.find(([k]) => k === sortKey) || COLS[0];
  const rows = targets.map((t) => [t, col[2](t)]);
  // Blanks last whichever way.
  rows.sort((a, b) => (a[1] === null || a[1] === '') - (b[1] === null || b[1] === '') ||
    (typeof a[1] === 'number' && typeof b[1] === 'number' ? (a[1] - b[1]) * sortDir : String(a[1]).localeCompare(String(b[1]), 'en', { numeric: true }) * sortDir));
  const shown = rows.slice(0, ROWS);
  document.getElementById('tt-body').replaceChildren(...shown.map(([t]) => el('tr', {
    tabindex: 0, class: (t.id === selectedId ? 'selected' : '') + (t.watch ? ' watch' : ''),
    dataset: { id: t.id, kind: t.kind },
    onclick: () => opts.open(t),
  }, ...COLS.map(([k, , f]) => el('td', { class: 'c-' + k }, cell(k, t, f(t)))))));
  for (const th of document.querySelectorAll('#tt-head th')) {
    th.classList.toggle('sorted', th.dataset.key === sortKey);
    th.dataset.dir = th.dataset.key === sortKey ? (sortDir > 0 ? '▲' : '▼') : '';
  }
  document.getElementById('tt-count').textContent = targets.length > ROWS ? `${ROWS} of ${num(targets.length)}` : num(targets.length);
  const body = document.getElementById('tt-body');
  body.onmouseover = (e) => { const tr = e.target.closest('tr'); opts.hover(tr ? targets.find((t) => t.id === tr.dataset.id) : null); };
  body.onmouseleave = () => opts.hover(null);
  const sel = body.querySelector('tr.selected');
  if (sel) sel.scrollIntoView({ block: 'nearest' });
}
