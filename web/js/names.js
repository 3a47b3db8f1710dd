// names.js: the names of targets an event names only by number (an
// encounter's MMSI pair, a gap's reappeared_as_mmsi), so a list row can say
// who met whom without a click. Learnt for free from the pictures the page
// loads; a target not in them is asked for once (/api/v1/entity), a few at a
// time, and the list redrawn when the answers are in.
import { store } from './api.js';
import { storeKey } from './picture.js';

const known = new Map(); // page id ('v' + MMSI, 'a' + ICAO) -> name
const asked = new Set();
const queue = [];
const PARALLEL = 4;
let running = 0, listeners = [];

function nameOf(kind, d) {
  if (!d) return '';
  const n = kind === 'aircraft' ? d.callsign || d.flight || d.registration : d.name;
  return typeof n === 'string' ? n.trim() : '';
}

// targets: the page's target shape (picture.js).
export function learn(targets) {
  for (const t of targets) {
    const n = nameOf(t.kind, t.d);
    if (n) known.set(t.id, n);
  }
}

export function name(id) {
  return known.get(id) || '';
}

// Asks the store for the names of ids not known yet; onNews() runs after a
// batch of answers has arrived (once, not per name).
export function want(ids, onNews) {
  if (onNews && !listeners.includes(onNews)) listeners.push(onNews);
  for (const id of ids) {
    if (known.has(id) || asked.has(id)) continue;
    asked.add(id);
    queue.push(id);
  }
  pump();
}

function pump() {
  while (running < PARALLEL && queue.length) {
    const id = queue.shift();
    running++;
    const [kind, key] = storeKey({ id, kind: id[0] === 'a' ? 'aircraft' : 'vessel' });
    store.entity(kind, key)
      .then((doc) => {
        const n = nameOf(kind, doc) || nameOf(kind, doc && doc.latest);
        if (n) known.set(id, n);
      })
      .catch(() => {}) // an unknown target keeps its number
      .finally(() => {
        running--;
        if (!queue.length && !running) for (const f of listeners) f();
        pump();
      });
  }
}
