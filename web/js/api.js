// api.js: the documents the page reads, and which server it came from.
// `atalaya serve --store` answers /api/v1/timespan (a store: history, search,
// dossiers, events); `atalaya run --http` answers 404 there (live picture
// only: /data/aircraft.json and /data/vessels.json). Paths are relative, so
// the page also works behind a prefix.

export class HttpError extends Error {
  constructor(url, status) {
    super(`${url}: ${status}`);
    this.status = status;
  }
}

function urlOf(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  return path + (q.toString() ? '?' + q : '');
}

// The server tags its JSON (ETag) and answers a request naming the tag
// with 304; 'no-cache' has the browser ask that way and hand us the copy it
// holds, so an unchanged document costs a header, not its bytes.
export async function getJson(path, params) {
  const url = urlOf(path, params);
  const r = await fetch(url, { cache: 'no-cache' });
  if (!r.ok) throw new HttpError(url, r.status);
  return r.json();
}

// For polling: the document, or null when it has not changed since this
// page last read it (same ETag), so nothing is parsed or redrawn.
const seenTags = new Map();
export async function getJsonIfChanged(path, params) {
  const url = urlOf(path, params);
  const r = await fetch(url, { cache: 'no-cache' });
  if (!r.ok) throw new HttpError(url, r.status);
  const tag = r.headers.get('etag');
  if (tag && seenTags.get(url) === tag) return null;
  const doc = await r.json();
  if (tag) seenTags.set(url, tag);
  return doc;
}

// {mode: 'store', span: {from, to}} or {mode: 'live'}. Anything but a 404 on
// the probe (a network error, a 500) is not proof of a live server, so it is
// retried a few times before the page settles on live.
export async function detect() {
  for (let i = 0; i < 3; i++) {
    try {
      const span = await getJson('api/v1/timespan');
      return { mode: 'store', span };
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return { mode: 'live' };
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { mode: 'live' };
}

// The store's endpoints (docs/formats/api-v1.md). ids: MMSI for vessels,
// ICAO address (lower-case hex) for aircraft.
export const store = {
  timespan: () => getJson('api/v1/timespan'),
  // null while the store has not grown.
  timespanIfChanged: () => getJsonIfChanged('api/v1/timespan'),
  // The API answers at most 10,000 entities (and 1,000 unless asked).
  entities: (at, limit) => getJson('api/v1/entities', { at, limit: limit || 10000 }),
  entity: (kind, id) => getJson(`api/v1/entity/${kind}/${encodeURIComponent(id)}`),
  track: (kind, id, from, to) => getJson(`api/v1/track/${kind}/${encodeURIComponent(id)}`, { from, to }),
  events: (params) => getJson('api/v1/events', params),
  alerts: (params) => getJson('api/v1/alerts', params),
  triage: (params) => getJson('api/v1/triage', params),
  flights: (params) => getJson('api/v1/flights', params),
  search: (q, limit) => getJson('api/v1/search', { q, limit }),
};

// Live: the two snapshot documents the tracker renders once a second; null
// when neither changed since the last call.
const lastLive = { air: null, sea: null };
export async function livePicture() {
  const [air, sea] = await Promise.all([getJsonIfChanged('data/aircraft.json'),
    getJsonIfChanged('data/vessels.json')]);
  if (!air && !sea) return null;
  if (air) lastLive.air = air;
  if (sea) lastLive.sea = sea;
  return { air: lastLive.air, sea: lastLive.sea };
}
