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

export async function getJson(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const url = path + (q.toString() ? '?' + q : '');
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new HttpError(url, r.status);
  return r.json();
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

// Live: the two snapshot documents the tracker renders once a second.
export async function livePicture() {
  const [air, sea] = await Promise.all([getJson('data/aircraft.json'), getJson('data/vessels.json')]);
  return { air, sea };
}
