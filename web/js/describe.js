// describe.js: one shape for the events and alerts the page lists, whichever
// document they came from (the store's /api/v1/events and /api/v1/alerts,
// the live stream's `event` and `alert` messages, a dossier's lists):
// {key, what, kind, t0, t1, open, lat, lon, ids, label, fields, evidence, raw}.
import { iso, span } from './util.js';
import { targetId } from './picture.js';
import * as names from './names.js';

// Detector fields worth a place in the one-line label, in this order, each
// with its unit (docs/detectors.md).
const LABEL_FIELDS = [
  ['name', (v) => v], ['listed_as', (v) => 'listed: ' + v], ['class', (v) => v.replace(/_/g, ' ')],
  ['hours', (v) => `${v} h`], ['shore_nm', (v) => `${v}+ nm from shore`], ['distance_nm', (v) => `${v} nm`],
  ['min_distance_m', (v) => `${v} m apart`], ['field', (v) => v + ' changed'], ['squawk', (v) => 'squawk ' + v],
  ['rule', (v) => 'by ' + v], ['message', (v) => v],
];
// The kinds an analyst reads most get a headline first that answers "who,
// where" without opening the row: flights `callsign FROM → TO`, port calls
// the port, gaps the vessel and how long it was dark, encounters both names.
// Each returns [text, fields the headline already says, ids still unnamed].
// A vessel by its own name (names.js: the name its MMSI was last known by,
// which for a ship that came back under another MMSI is not the event's).
const vid = (m) => targetId('vessel', m);
const mmsiName = (m, fallback) => names.name(vid(m)) || fallback || `MMSI ${m}`;
const unknown = (...mmsis) => mmsis.filter((m) => m !== undefined && m !== null && !names.name(vid(m))).map(vid);
const HEADLINES = {
  flight: (f) => [`${f.callsign || (f.icao ? String(f.icao).toUpperCase() : 'flight')} ` +
    `${f.departure_airport || '?'} → ${f.arrival_airport || '?'}`, ['distance_nm', 'hours'], []],
  port_call: (f) => [`${f.name ? f.name + ' at ' : ''}${f.port || '?'}${f.port_country ? ' (' + f.port_country + ')' : ''}`,
    ['name'], []],
  // A ship back under another MMSI carries its new name in the event; the
  // name it went dark with is its old MMSI's (asked for, as is a missing one).
  ais_gap: (f, it) => {
    const again = f.reappeared_as_mmsi;
    const who = again || !f.name ? mmsiName(f.mmsi, f.name) : f.name;
    return [`${who} dark ${hoursOf(it)}` + (again ? ` · back as ${mmsiName(again, f.name)} (MMSI ${again})` : ''),
      ['name', 'hours'], again || !f.name ? unknown(f.mmsi, again) : []];
  },
  encounter: (f) => {
    const pair = Array.isArray(f.mmsi) ? f.mmsi : [];
    return [pair.map((m) => mmsiName(m)).join(' + ') || 'two vessels', [], unknown(...pair)];
  },
  // A distress beacon first: what sends (AIS-SART, MOB, EPIRB, a ship's
  // status 14), whether it is real or a test, and who.
  distress: (f) => [`${{ ais_sart: 'AIS-SART', mob: 'MOB', epirb: 'EPIRB-AIS', vessel: 'status 14' }[f.device] || 'distress'} ` +
    `${f.mode === 'test' ? 'TEST' : 'ACTIVE'} · ${mmsiName(f.mmsi, f.name)}`, ['name'], f.name ? [] : unknown(f.mmsi)],
  identity_change: (f) => (f.field === 'mmsi'
    ? [`MMSI ${f.old_mmsi} (${mmsiName(f.old_mmsi, '?')}) → ${f.new_mmsi} (${mmsiName(f.new_mmsi, f.name)})`, ['field', 'name'],
      unknown(f.old_mmsi, f.new_mmsi)]
    : [`${mmsiName(f.mmsi, f.name)} ${f.field || '?'}: ${f.old ?? '?'} → ${f.new ?? '?'}`, ['field', 'name'], f.name ? [] : unknown(f.mmsi)]),
};

function hoursOf(it) {
  if (typeof it.fields.hours === 'number') return `${it.fields.hours} h`;
  return typeof it.t0 === 'number' && typeof it.t1 === 'number' ? `${((it.t1 - it.t0) / 3600000).toFixed(1)} h` : '';
}

const SKIP = new Set(['id', 'event', 'alert', 'state', 'key', 'start', 'end', 't_start_ms', 't_end_ms', 'lat', 'lon', 'entities',
  'evidence', 't', 't_ms', 'seq']);

// A store alert's message is the whole alert document
// (docs/formats/live-json.md), as an object or as JSON text: its fields are
// read as the alert's own.
function unpack(e) {
  let m = e.message;
  if (typeof m === 'string' && m[0] === '{') {
    try { m = JSON.parse(m); } catch (err) { return e; }
  }
  if (!m || typeof m !== 'object') return e;
  const out = { ...m, ...e };
  delete out.message;
  if (m.match && m.match.entry && m.match.entry.name) out.listed_as = m.match.entry.name;
  if (typeof e.kind === 'number' || e.kind === undefined) out.kind = m.kind;
  return out;
}

// The targets an event or alert is about, as page ids ('v' + MMSI, 'a' + ICAO):
// an event's entities ({kind, mmsi | icao, role}; {kind, id} in an alert row).
function idsOf(e) {
  const ids = [];
  for (const x of e.entities || []) {
    const id = x && (x.mmsi ?? x.icao ?? x.id);
    if (id !== undefined) ids.push(targetId(x.kind, id));
  }
  const vessels = Array.isArray(e.mmsi) ? e.mmsi : e.mmsi !== undefined ? [e.mmsi] : [];
  for (const m of vessels) ids.push(targetId('vessel', m));
  if (e.icao24 || e.icao) ids.push(targetId('aircraft', e.icao24 || e.icao));
  if ((e.kind === 'vessel' || e.kind === 'aircraft' || typeof e.kind === 'number') && e.id !== undefined && !e.event) {
    ids.push(targetId(e.kind, e.id));
  }
  return [...new Set(ids)];
}

// what: 'event' or 'alert'.
export function normalise(e0, what) {
  const isAlert = what === 'alert';
  const e = isAlert ? unpack(e0) : { ...e0 };
  if (!isAlert && e.match && e.match.entry && e.match.entry.name) e.listed_as = e.match.entry.name;
  // An alert's message is its event (event: the alert kind, alert: the rule);
  // an older one named its kind in alert.
  const kind = isAlert ? (e.event || e.alert || (e.kind === 'vessel' || e.kind === 'aircraft' ? '' : e.kind) || 'alert')
    : (e.event || e.kind || 'event');
  const t0 = e.t_start_ms ?? e.t_ms ?? e.t ?? null;
  const t1 = e.t_end_ms ?? t0;
  const fields = {};
  for (const [k, v] of Object.entries(e)) if (!SKIP.has(k)) fields[k] = v;
  const it = {
    // An open event is updated in place (same key): one entry, replaced.
    key: e.key ? `${what}:${kind}:${e.key}` : `${what}:${e.id ?? ''}:${kind}:${t0}`,
    what, kind, t0, t1,
    open: e.state === 'open',
    lat: typeof e.lat === 'number' ? e.lat : null,
    lon: typeof e.lon === 'number' ? e.lon : null,
    ids: idsOf(e),
    label: '',
    unnamed: [],
    fields,
    evidence: e.evidence,
    raw: e0,
  };
  relabel(it);
  return it;
}

// (Re)writes it.label; it.unnamed lists the targets the label shows by number
// only, so a caller can ask names.js and relabel when they are known.
export function relabel(it) {
  const { fields } = it;
  const head = HEADLINES[it.kind] ? HEADLINES[it.kind](fields, it) : null;
  const said = new Set(head ? head[1] : []);
  const bits = LABEL_FIELDS.filter(([k]) => !said.has(k) && fields[k] !== undefined && fields[k] !== null && typeof fields[k] !== 'object')
    .map(([k, f]) => f(String(fields[k])));
  if (it.kind === 'flight' && typeof fields.confidence === 'number') bits.push(`confidence ${fields.confidence}`);
  const when = it.t1 && it.t1 !== it.t0 ? span(it.t0, it.t1) : iso(it.t0);
  it.label = `${it.what === 'alert' ? 'ALERT ' : ''}${it.open ? 'OPEN ' : ''}${it.kind}${head ? ' · ' + head[0] : ''} · ${when}` +
    (bits.length ? ' · ' + bits.join(' · ') : '');
  it.unnamed = head ? head[2] : [];
  return it;
}

// Evidence as lines of raw messages: an array (events); older documents gave
// one string of lines.
export function evidenceLines(ev) {
  if (ev === undefined || ev === null) return [];
  if (Array.isArray(ev)) return ev.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  if (typeof ev === 'object') return [JSON.stringify(ev)];
  return String(ev).split('\n').filter((l) => l.length);
}
