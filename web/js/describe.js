// describe.js: one shape for the events and alerts the page lists, whichever
// document they came from (the store's /api/v1/events and /api/v1/alerts,
// the live stream's `event` and `alert` messages, a dossier's lists):
// {key, what, kind, state, t0, t1, lat, lon, ids, roles, title, place, sub,
// label, fields, evidence, raw}.
//
// Read defensively: the event document grows (a "state" open/closed,
// entities with roles, evidence as lines or as an array), and every field is
// optional. A row says in words who (names, else callsign or MMSI), where (the
// zone, port, airports, or the position) and how much (hours, nm, kn, ft,
// m), never a raw JSON blob.
import { iso, span, latLon, num } from './util.js';
import { targetId } from './picture.js';
import * as names from './names.js';
import { near } from './basemap.js';

// Kinds as an analyst says them.
export const KIND_NAMES = {
  ais_gap: 'dark gap', gap: 'dark gap', encounter: 'meeting at sea', identity_change: 'identity change',
  loitering: 'loitering', flight: 'flight', port_call: 'port call', geofence_enter: 'zone entry',
  geofence_exit: 'zone exit', geofence_dwell: 'zone dwell', implausible_speed: 'position jump (spoofing?)',
  position_on_land: 'position on land (spoofing?)', mmsi_two_places: 'one MMSI in two places',
  gnss_degraded: 'GNSS degraded', emergency_squawk: 'emergency squawk', watchlist_sighting: 'watchlist sighting',
  area_entry: 'area entry', distress: 'distress (SART, MOB, EPIRB)',
};
export const kindName = (k) => KIND_NAMES[k] || String(k || 'event').replace(/_/g, ' ');
const PLURALS = {
  ais_gap: 'dark gaps', gap: 'dark gaps', encounter: 'meetings at sea', identity_change: 'identity changes',
  port_call: 'port calls', geofence_enter: 'zone entries', geofence_exit: 'zone exits', geofence_dwell: 'zone dwells',
  implausible_speed: 'position jumps (spoofing?)', position_on_land: 'positions on land (spoofing?)',
  mmsi_two_places: 'MMSIs in two places', emergency_squawk: 'emergency squawks', watchlist_sighting: 'watchlist sightings',
  area_entry: 'area entries', flight: 'flights', loitering: 'loitering', distress: 'distress signals',
};
export const kindCount = (n, k) => `${n.toLocaleString('en-US')} ${n === 1 ? kindName(k) : PLURALS[k] || kindName(k)}`;

const vid = (m) => targetId('vessel', m);
const aid = (h) => targetId('aircraft', h);
// A vessel by name: the event's own (the name at the time), else the one its
// MMSI was last known by (names.js), else its number.
const vessel = (m, name) => (name ? `${name} (MMSI ${m})` : names.name(vid(m)) ? `${names.name(vid(m))} (MMSI ${m})` : `MMSI ${m}`);
const aircraft = (f) => {
  const cs = String(f.callsign || '').trim(), hex = f.icao || f.icao24;
  if (cs) return cs;
  if (!hex) return 'aircraft';
  const n = names.name(aid(hex));
  return n ? `${n} (${String(hex).toUpperCase()})` : String(hex).toUpperCase();
};
const onGround = (f) => f.alt_ft === 0 || f.alt_ft === 'ground' || f.on_ground === true;
const hours = (f, it) => (typeof f.hours === 'number' ? `${num(f.hours, 1)} h`
  : typeof it.t0 === 'number' && typeof it.t1 === 'number' ? `${num((it.t1 - it.t0) / 3600000, 1)} h` : '');
const airport = (code, name) => (code ? (name ? `${code} ${shortName(name)}` : code) : '?');
function shortName(n) {
  return String(n).replace(/\b(International|Airport|Aeropuerto|Internacional|Intl\.?)\b/g, '').replace(/\s+/g, ' ').trim();
}

// Per kind: [title (who, and what happened), place (where, in words), sub
// (how much, with units), ids still named by number only].
const HEADLINES = {
  flight: (f) => [`${aircraft(f)} ${airport(f.departure_airport, f.departure_name)} → ${airport(f.arrival_airport, f.arrival_name)}`,
    [f.departure_country, f.arrival_country].filter(Boolean).join(' → '),
    [f.operator && `operator ${f.operator}`, f.registration && `reg. ${f.registration}`,
      typeof f.distance_nm === 'number' && `${num(f.distance_nm, 0)} nm`,
      typeof f.confidence === 'number' && `confidence ${f.confidence}`]],
  port_call: (f, it) => [`${f.mmsi !== undefined ? vessel(f.mmsi, f.name) : f.name || 'vessel'} at ${titleCase(f.port || '?')}`,
    `port ${titleCase(f.port || '?')}${f.port_country ? ' (' + f.port_country + ')' : ''}`,
    [hours(f, it) && `${hours(f, it)} in port`, typeof f.stopped_hours === 'number' && `${num(f.stopped_hours, 1)} h stopped`]],
  ais_gap: (f, it) => {
    // The name it went dark with (name_before) and the one it came back with.
    const before = f.name_before || (f.reappeared_as_mmsi ? names.name(vid(f.mmsi)) : f.name);
    const again = f.reappeared_as_mmsi;
    return [`${vessel(f.mmsi, before)} dark ${hours(f, it)}` + (again ? ` · back as ${vessel(again, f.name)}` : ''),
      typeof f.shore_nm === 'number' ? `${num(f.shore_nm, 0)}+ nm from shore` : '',
      [f.class && String(f.class).replace(/_/g, ' '), typeof f.distance_nm === 'number' && `${num(f.distance_nm, 1)} nm moved while dark`,
        typeof f.implied_speed_kn === 'number' && `${num(f.implied_speed_kn, 1)} kn implied`]];
  },
  encounter: (f, it) => {
    const pair = Array.isArray(f.mmsi) ? f.mmsi : [];
    const ns = Array.isArray(f.names) ? f.names : [];
    return [pair.map((m, i) => vessel(m, ns[i])).join(' + ') || 'two vessels', '',
      [hours(f, it) && `${hours(f, it)} together`, typeof f.min_distance_m === 'number' && `${num(f.min_distance_m, 0)} m apart`,
        typeof f.median_speed_kn === 'number' && `${num(f.median_speed_kn, 1)} kn`]];
  },
  // A distress beacon: what sends (AIS-SART, MOB, EPIRB, a ship's status
  // 14), whether it is real or a test, and who.
  distress: (f) => [`${{ ais_sart: 'AIS-SART', mob: 'MOB', epirb: 'EPIRB-AIS', vessel: 'status 14' }[f.device] || 'distress'} ` +
    `${f.mode === 'test' ? 'TEST' : 'ACTIVE'} · ${vessel(f.mmsi, f.name)}`, '',
    [f.text && `"${f.text}"`, typeof f.reports === 'number' && `${f.reports} reports`]],
  identity_change: (f) => (f.field === 'mmsi'
    ? [`${vessel(f.old_mmsi, f.name_before || names.name(vid(f.old_mmsi)))} → ${vessel(f.new_mmsi, f.name)}`, '',
      [f.imo && `same IMO ${f.imo}`, 'new MMSI']]
    : [`${f.mmsi !== undefined ? vessel(f.mmsi) : aircraft(f)} ${f.field || '?'}: ${f.old ?? '?'} → ${f.new ?? '?'}`, '',
      [f.imo && `IMO ${f.imo}`]]),
  loitering: (f, it) => [`${vessel(f.mmsi, f.name)} loitering ${hours(f, it)}`,
    typeof f.shore_nm === 'number' ? `${num(f.shore_nm, 0)}+ nm from shore` : '',
    [typeof f.mean_speed_kn === 'number' && `${num(f.mean_speed_kn, 1)} kn mean`]],
  implausible_speed: (f) => [`${f.mmsi !== undefined ? vessel(f.mmsi, f.name) : aircraft(f)} jumped ${num(f.distance_nm, 1)} nm`, '',
    [typeof f.implied_speed_kt === 'number' && `${num(f.implied_speed_kt, 0)} kn implied`,
      typeof f.rejected === 'number' && `${f.rejected} positions rejected`]],
  emergency_squawk: (f) => [`${aircraft(f)} squawk ${f.squawk || '?'}${f.meaning ? ' (' + f.meaning + ')' : ''}`, '',
    [typeof f.altitude_ft === 'number' && `${num(f.altitude_ft, 0)} ft`, typeof f.reports === 'number' && `${f.reports} reports`]],
  watchlist_sighting: (f) => [`${f.mmsi !== undefined ? vessel(f.mmsi, f.name) : aircraft(f)}` +
    (f.listed_as ? ` listed as ${f.listed_as}` : ''), '',
    [f.match && f.match.entry && f.match.entry.list && `list ${f.match.entry.list}`, f.match && f.match.rule && `matched by ${f.match.rule}`,
      f.rule && !f.match && `matched by ${f.rule}`]],
};
// Zones: the target, the zone by name, on the ground or at what altitude.
for (const k of ['geofence_enter', 'geofence_exit', 'geofence_dwell', 'area_entry']) {
  HEADLINES[k] = (f, it) => {
    const who = f.mmsi !== undefined ? vessel(f.mmsi, f.name) : f.icao || f.icao24 || f.callsign ? aircraft(f) : 'target';
    const verb = k === 'geofence_exit' ? 'left' : k === 'geofence_dwell' ? 'stayed in' : 'entered';
    return [`${who} ${verb} ${f.zone || f.area || 'a zone'}`, `zone ${f.zone || f.area || '?'}`,
      [k === 'geofence_dwell' && hours(f, it), f.icao || f.icao24 ? (onGround(f) ? 'on the ground' : typeof f.alt_ft === 'number' ? `${num(f.alt_ft, 0)} ft` : '') : '']];
  };
}

function titleCase(s) {
  return /[a-z]/.test(s) ? s : String(s).toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
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
  if (typeof e.kind === 'number' || e.kind === undefined) out.kind = m.kind;
  return out;
}

// The targets an event or alert is about, as page ids ('v' + MMSI, 'a' +
// ICAO), and their roles when the document gives them.
function idsOf(e) {
  const ids = [], roles = {};
  for (const x of Array.isArray(e.entities) ? e.entities : []) {
    const n = x && (x.mmsi ?? x.icao ?? x.id); // {kind, mmsi | icao, role}; {kind, id} in an alert row
    if (n === undefined) continue;
    const id = targetId(x.kind, n);
    ids.push(id);
    if (x.role) roles[id] = x.role;
  }
  const vessels = Array.isArray(e.mmsi) ? e.mmsi : e.mmsi !== undefined ? [e.mmsi] : [];
  for (const m of vessels) ids.push(targetId('vessel', m));
  if (e.icao24 || e.icao) ids.push(targetId('aircraft', e.icao24 || e.icao));
  if ((e.kind === 'vessel' || e.kind === 'aircraft' || typeof e.kind === 'number') && e.id !== undefined && !e.event) {
    ids.push(targetId(e.kind, e.id));
  }
  return { ids: [...new Set(ids)], roles };
}

// Open: the document says so, or the event has no end yet.
function stateOf(e, what) {
  if (e.state === 'open' || e.state === 'closed') return e.state;
  if (what === 'alert') return 'closed';
  return e.t_start_ms !== undefined && e.t_end_ms === undefined ? 'open' : 'closed';
}

// what: 'event' or 'alert'.
export function normalise(e0, what) {
  const isAlert = what === 'alert';
  const e = isAlert ? unpack(e0) : { ...e0 };
  if (e.match && e.match.entry && e.match.entry.name) e.listed_as = e.match.entry.name;
  // An alert's message is its event (event: the alert kind, alert: the rule);
  // an older one named its kind in alert.
  const kind = isAlert ? (e.event || e.alert || (e.kind === 'vessel' || e.kind === 'aircraft' ? '' : e.kind) || 'alert')
    : (e.event || e.type || 'event');
  const t0 = e.t_start_ms ?? e.t_ms ?? e.t ?? null;
  const t1 = e.t_end_ms ?? t0;
  const fields = {};
  for (const [k, v] of Object.entries(e)) if (!SKIP.has(k)) fields[k] = v;
  const { ids, roles } = idsOf(e);
  const it = {
    // An open event is updated in place (same key): one entry, replaced.
    key: e.key ? `${what}:${kind}:${e.key}` : `${what}:${e.id ?? e.seq ?? ''}:${kind}:${t0}`,
    id: e.id ?? null,
    what, kind, t0, t1,
    state: stateOf(e, what),
    lat: typeof e.lat === 'number' ? e.lat : null,
    lon: typeof e.lon === 'number' ? e.lon : null,
    ids, roles,
    title: '', place: '', sub: '', label: '',
    unnamed: [],
    fields,
    evidence: e.evidence,
    raw: e0,
  };
  relabel(it);
  return it;
}

// (Re)writes it.title, place, sub and label; it.unnamed lists the vessels
// the title shows by number only, so a caller can ask names.js and relabel
// when they are known.
export function relabel(it) {
  const f = it.fields;
  const head = HEADLINES[it.kind] ? HEADLINES[it.kind](f, it) : null;
  it.title = head ? head[0] : genericTitle(f);
  // Where, in words: the zone or port the detector names, else the position
  // and the nearest port or airport.
  const here = it.lat !== null ? near(it.lat, it.lon) : '';
  it.place = (head && head[1]) || (it.lat !== null ? latLon(it.lat, it.lon) + (here ? ` (${here})` : '') : '');
  if (head && head[1] && here && /from shore$/.test(head[1])) it.place += `, ${here}`;
  const when = it.t1 && it.t1 !== it.t0 ? span(it.t0, it.t1) : iso(it.t0);
  const bits = head ? head[2].filter(Boolean) : [];
  it.sub = [when, ...bits].filter(Boolean).join(' · ');
  it.label = `${it.what === 'alert' ? 'ALERT ' : ''}${it.state === 'open' ? 'OPEN ' : ''}${kindName(it.kind)} · ${it.title}${it.place ? ' · ' + it.place : ''} · ${it.sub}`;
  it.unnamed = it.ids.filter((id) => !names.name(id) && (id[0] === 'v'
    ? it.title.includes(`MMSI ${id.slice(1)}`) && !new RegExp(`\\S \\(MMSI ${id.slice(1)}\\)`).test(it.title)
    : new RegExp(`^${id.slice(1).toUpperCase()}\\b`).test(it.title)));
  return it;
}

function genericTitle(f) {
  if (f.mmsi !== undefined && !Array.isArray(f.mmsi)) return vessel(f.mmsi, f.name);
  if (f.icao || f.icao24 || f.callsign) return aircraft(f);
  if (f.message && typeof f.message === 'string') return f.message;
  return f.name || '';
}

// Evidence as lines of raw messages: the store gives one string (lines),
// other documents an array (of strings, or of objects with the raw message).
export function evidenceLines(ev) {
  if (ev === undefined || ev === null) return [];
  if (Array.isArray(ev)) {
    return ev.flatMap((x) => (typeof x === 'string' ? x.split('\n')
      : x && typeof x === 'object' ? [x.raw || x.line || x.message || JSON.stringify(x)].map(String) : [String(x)]))
      .filter((l) => l.length);
  }
  if (typeof ev === 'object') return [ev.raw || ev.line || JSON.stringify(ev)].map(String);
  return String(ev).split('\n').filter((l) => l.length);
}

// A detector field as words: numbers with their unit (from the name's
// suffix), times in ISO UTC, lists and objects spelt out, never raw JSON.
const UNITS = [[/_nm$/, 'nm'], [/_kn$|_kt$/, 'kn'], [/_ft$/, 'ft'], [/_m$/, 'm'], [/_km$/, 'km'], [/^hours$|_hours$/, 'h'],
  [/_deg$/, '°']];
export function fieldText(k, v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (/_ms$/.test(k) && v > 1e11) return iso(v);
    const u = UNITS.find(([re]) => re.test(k));
    return u ? `${num(v, Math.abs(v) < 10 ? 2 : 1)} ${u[1]}` : String(v);
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map((x) => fieldText(k, x)).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v).filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([kk, x]) => `${kk.replace(/_/g, ' ')}: ${fieldText(kk, x)}`).join('; ');
  }
  return String(v).replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/, '$1 $2Z');
}
