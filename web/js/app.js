// app.js: the page. Finds out which server it came from (api.js: `serve`
// with a store, or `run` live), then keeps the picture on the map: live, the
// snapshot documents polled once a second; from the store, the picture at
// the time slider's moment. Wires the filters, search, dossier, event list,
// trails and exports to the map. Each of those is a module of its own.
import { detect, livePicture, store, HttpError } from './api.js';
import { fromLive, fromStore, targetId, storeKey } from './picture.js';
import { TargetLayer } from './targets.js';
import { iso, setReference } from './util.js';
import * as filters from './filters.js';
import * as search from './search.js';
import * as dossier from './dossier.js';
import * as events from './events.js';
import * as timeline from './timeline.js';
import * as trails from './trails.js';
import * as focus from './focus.js';
import * as exporter from './export.js';
import * as stream from './stream.js';
import * as names from './names.js';
import * as questions from './questions.js';
import * as basemap from './basemap.js';
import * as table from './table.js';
import * as hover from './hover.js';
import * as keys from './keys.js';
import { el } from './util.js';

const map = L.map('map', { worldCopyJump: true, minZoom: 2, maxZoom: 16, zoomSnap: 0.5, preferCanvas: true, zoomControl: false })
  .setView([20, 0], 2);
L.control.zoom({ position: 'bottomright' }).addTo(map);
map.attributionControl.setPrefix('<a href="vendor/leaflet/LICENSE">Leaflet</a>');
map.attributionControl.addAttribution('Basemap: <a href="basemap/LICENSE">Natural Earth</a> (public domain)');
map.attributionControl.addAttribution('airports © OpenFlights contributors (ODbL), ports: NGA World Port Index');

// The basemap's panes first: below the targets' in the page as on screen.
basemap.init(map, (err) => {
  if (err) setStatus('basemap unavailable');
  layer.redraw();
});
const layer = new TargetLayer().addTo(map);
focus.init(map);
trails.init(map);
const status = document.getElementById('status');
let mode = 'live', all = [], shown = [], selected = null, fitted = false, storeTime = null, streaming = false;

function setStatus(text) {
  status.textContent = text;
}

function inView(lat, lon) {
  return !filters.state.view || map.getBounds().contains([lat, lon]);
}

// Filters the picture onto the map and counts what is shown.
function show() {
  shown = filters.apply(all, map.getBounds());
  layer.setTargets(shown);
  table.update(shown, selected ? selected.id : null);
  const na = shown.filter((t) => t.kind === 'aircraft').length, nv = shown.length - na;
  status.dataset.aircraft = na;
  status.dataset.vessels = nv;
  const watched = shown.filter((t) => t.watch).length;
  setStatus(`${na} aircraft · ${nv} vessels${watched ? ` · ${watched} watchlisted` : ''}` +
    (mode === 'store' ? ` at ${iso(storeTime)}` : ' with positions'));
  if (!fitted && shown.length) {
    // First picture: frame everything we see.
    map.fitBounds(L.latLngBounds(shown.map((t) => [t.lat, t.lon])).pad(0.2), { maxZoom: 8 });
    fitted = true;
  }
}

// A new picture: the selected target keeps its panel, with fresh fields.
function picture(targets) {
  all = targets;
  names.learn(targets);
  show();
  if (selected) {
    const t = all.find((x) => x.id === selected.id);
    if (t) {
      selected = t;
      dossier.showFields(t);
    }
  }
}

function select(t) {
  // The drawings of the last question go when another is asked.
  const f = focus.get();
  if (!t || (f && !(f.ids || []).includes(t.id))) focus.clear(layer);
  selected = t;
  layer.selected = t ? t.id : null;
  layer.redraw();
  table.update(shown, t ? t.id : null);
  if (!t) {
    dossier.close();
    trails.show(null);
    return;
  }
  dossier.open(t, ctx);
  trails.show(t, mode, mode === 'store' ? timeline.time() : null);
}

// A search hit or a dossier link: the target on the map if it is in the
// picture, else a stand-in at the hit's position so its dossier still opens.
function openHit(hit) {
  if (hit.d) {
    map.setView([hit.lat, hit.lon], Math.max(map.getZoom(), 6));
    select(hit);
    return;
  }
  const id = targetId(hit.kind, hit.id);
  let t = all.find((x) => x.id === id);
  if (!t) {
    const d = hit.kind === 'aircraft' ? { icao: hit.id } : { mmsi: hit.id };
    t = { id, kind: hit.kind, lat: hit.lat, lon: hit.lon, d, watch: null };
  }
  if (typeof t.lat === 'number') map.setView([t.lat, t.lon], Math.max(map.getZoom(), 6));
  select(t);
}

// Store: the tracks of an event's entities around it (half an hour either
// side, at most two days), one FeatureCollection.
async function trackAround(it) {
  if (mode !== 'store' || !it.t0) return null;
  const from = it.t0 - 1800e3, to = Math.min((it.t1 || it.t0) + 1800e3, from + 48 * 3600e3);
  const features = [];
  for (const tid of it.ids.slice(0, 2)) {
    const [kind, id] = storeKey({ id: tid, kind: tid[0] === 'a' ? 'aircraft' : 'vessel' });
    try {
      features.push(...((await store.track(kind, id, from, to)).features || []));
    } catch (e) {
      // an entity without positions in the window: nothing to draw
    }
  }
  return features.length ? { type: 'FeatureCollection', features } : null;
}

// A dossier's target not in the picture now (an aircraft that landed hours
// ago, a vessel found by search): the map goes to where it was last seen,
// with its track of the six hours before.
async function showLast(t, doc) {
  const last = doc && doc.latest;
  if (mode !== 'store' || !last || typeof last.lat !== 'number' || selected !== t) return;
  if (all.some((x) => x.id === t.id)) return;
  const [kind, id] = storeKey(t);
  let track = null;
  try {
    track = await store.track(kind, id, last.t - 6 * 3600e3, last.t);
  } catch (e) {
    track = null;
  }
  if (selected !== t) return;
  const name = kind === 'aircraft' ? doc.callsign || doc.registration || String(id).toUpperCase() : doc.name || `MMSI ${id}`;
  focus.show(map, layer, { lat: last.lat, lon: last.lon, label: `${name}: last seen ${iso(last.t)}`, ids: [t.id], track, last: true });
}

const ctx = {
  map, layer, mode: () => mode, inView, trackAround, showLast,
  openId: (kind, id) => openHit({ kind, id }),
  goTo: (t) => (mode === 'store' ? timeline.set(t, false) : null),
  marks: (items, onPick) => { if (mode === 'store') timeline.marks(items, onPick); },
};

// ---- live: `atalaya run --http`
// The stream's snapshots carry the picture once a second; polling the two
// documents takes over whenever none came for a while (no stream, or the
// server dropped this client as too slow and it is reconnecting).
let lastSnapshot = 0;

function showLive(doc) {
  const targets = fromLive(doc);
  trails.record(targets);
  picture(targets);
  if (selected) trails.show(selected, 'live');
}

async function liveLoop() {
  if (Date.now() - lastSnapshot > 3000) {
    try {
      const doc = await livePicture();
      if (doc) showLive(doc);
    } catch (e) {
      setStatus('no data: ' + e.message);
    }
  }
  // The next poll is scheduled when this one ends, so a slow answer never
  // piles requests up behind it.
  setTimeout(liveLoop, 1000);
}

function liveStream() {
  return stream.open({
    snapshot: (doc) => {
      if (!doc || !doc.aircraft || !doc.vessels) return;
      lastSnapshot = Date.now();
      showLive({ air: doc.aircraft, sea: doc.vessels });
    },
    alert: (a) => events.push(a, 'alert'),
    event: (e) => events.push(e, 'event'),
  });
}

// ---- store: `atalaya serve --store`
let loading = null, wanted;
// Loads the picture at time at (null: the latest). While one is loading,
// only the newest wish is kept and loaded next.
async function loadAt(at) {
  wanted = at;
  if (loading) return loading;
  loading = (async () => {
    let done;
    do {
      done = wanted;
      try {
        const doc = await store.entities(done === null ? undefined : done);
        storeTime = typeof doc.time === 'number' ? doc.time : done;
        picture(fromStore(doc));
        document.body.dataset.pictureTime = storeTime;
      } catch (e) {
        setStatus('no data: ' + e.message);
      }
    } while (wanted !== done);
    loading = null;
    if (selected && !timeline.isPlaying()) trails.show(selected, 'store', timeline.time());
  })();
  return loading;
}

// Following the latest time, the stream's snapshots are the picture and its
// rows go to the top of the event list, as an ingest beside the server adds
// them.
function storeStream() {
  const following = () => timeline.get() === null && !timeline.isPlaying();
  return stream.open({
    snapshot: (doc) => {
      if (!following() || !doc || loading) return;
      if (!Array.isArray(doc.entities)) {
        // `run --store`: the stream carries the live picture itself (the
        // tracker's documents at the pipeline's clock) while the store fills.
        if (doc.aircraft && doc.vessels) {
          storeTime = doc.time;
          showLive({ air: doc.aircraft, sea: doc.vessels });
          document.body.dataset.pictureTime = storeTime;
        }
        return;
      }
      storeTime = doc.time;
      timeline.setSpan({ from: timeline.span().from, to: doc.time });
      picture(fromStore(doc));
      document.body.dataset.pictureTime = storeTime;
    },
    event: (e) => { if (following()) events.push(e, 'event'); },
    alert: (a) => { if (following()) events.push(a, 'alert'); },
  });
}

// Without a stream, the picture and the event list follow the store by
// polling; only a change of its span (ETag of /timespan) makes the page ask
// for them again. With one, its snapshots and rows already keep them.
async function storePoll() {
  try {
    const span = await store.timespanIfChanged();
    if (span) {
      timeline.setSpan(span);
      setReference(span.to);
      if (!streaming && timeline.get() === null && !timeline.isPlaying()) {
        await loadAt(null);
        await events.refresh();
      }
    }
  } catch (e) {
    if (!(e instanceof HttpError)) setStatus('server unreachable');
  }
  setTimeout(storePoll, 10000);
}

function exportShown(format) {
  exporter.download(format, {
    targets: shown,
    trail: selected ? { id: selected.id, points: trails.points() } : null,
    at: mode === 'store' ? storeTime : Date.now(),
  });
}

// ---- wiring
filters.bind(() => { show(); events.render(); });
map.on('moveend', () => { if (filters.state.view) { show(); events.render(); } });
search.bind({
  mode: () => mode, targets: () => all, open: openHit,
  place: (p) => focus.show(map, layer, { lat: p.lat, lon: p.lon, label: p.label, ids: [] }),
  // An airline: its flights, asked in the flights panel.
  operator: (designator) => {
    const panel = document.getElementById('questions');
    if (panel.hidden) return;
    if (panel.classList.contains('collapsed')) document.getElementById('q-toggle').click();
    document.getElementById('q-form').reset();
    setTimeout(() => {
      document.getElementById('q-operator').value = designator;
      document.getElementById('q-form').requestSubmit();
    }, 0);
  },
});
events.init(ctx);
map.on('click', (e) => select(layer.nearest(e.containerPoint, 12)));
map.on('mousemove', (e) => {
  const t = layer.nearest(e.containerPoint, 10);
  hover.show(t, e.containerPoint);
  map.getContainer().style.cursor = t ? 'pointer' : '';
});
map.on('mouseout zoomstart movestart', () => hover.show(null));
table.init({
  open: (t) => { map.panTo([t.lat, t.lon]); select(t); },
  hover: (t) => { layer.hover = t ? t.id : null; layer.redraw(); },
});
document.getElementById('keys-list').replaceChildren(...keys.KEYS.map(([k, what]) => el('tr', {}, el('th', {}, k), el('td', {}, what))));
const flip = (id) => { const b = document.getElementById(id); b.checked = !b.checked; b.dispatchEvent(new Event('change')); };
keys.bind({
  search: () => document.getElementById('search-q').focus(),
  table: () => table.toggle(),
  labels: () => { layer.labels = !layer.labels; layer.redraw(); document.body.dataset.labels = layer.labels ? 'on' : 'off'; },
  events: () => document.getElementById('ev-toggle').click(),
  questions: () => { const b = document.getElementById('q-toggle'); if (!document.getElementById('questions').hidden) b.click(); },
  next: () => events.step(1),
  prev: () => events.step(-1),
  air: () => flip('f-air'),
  sea: () => flip('f-sea'),
  watch: () => flip('f-watch'),
  zoomIn: () => map.zoomIn(),
  zoomOut: () => map.zoomOut(),
  escape: () => {
    if (!document.getElementById('evidence').hidden) events.closeEvidence();
    else if (selected) select(null);
    else if (!document.getElementById('target-table').hidden) table.toggle(false);
  },
});
document.getElementById('panel-close').addEventListener('click', () => select(null));
for (const f of ['geojson', 'kml', 'csv']) {
  document.getElementById('x-' + f).addEventListener('click', () => exportShown(f));
}

// For tests and the curious: where each target is drawn, in page pixels.
window.atalaya = {
  map,
  layer,
  mode: () => mode,
  targets: () => all,
  shown: () => shown,
  focus: () => focus.get(),
  events: () => events.all(),
  time: () => (mode === 'store' ? storeTime : null),
  streaming: () => streaming,
  trail: () => trails.points(),
  onScreen() {
    const box = map.getContainer().getBoundingClientRect();
    return layer.targets.map((t) => [t, layer.drawnPoint(t)]).filter(([, p]) => p)
      .map(([t, p]) => ({ id: t.id, kind: t.kind, x: box.left + p.x, y: box.top + p.y }));
  },
};

(async () => {
  const found = await detect();
  mode = found.mode;
  document.body.dataset.mode = mode;
  document.getElementById('mode').textContent = mode === 'store' ? 'store' : 'live';
  if (mode === 'store') {
    document.title = 'atalaya — investigation';
    // Ages ("3 h ago") count back from the store's latest data, not from now.
    setReference(found.span && found.span.to);
    timeline.init({ span: found.span, onChange: (at) => { events.dayOf(at); return loadAt(at); } });
    questions.init({
      map, layer, span: () => timeline.span(), time: () => timeline.time(), goTo: ctx.goTo,
      showKinds: () => events.showKinds(events.DARK),
    });
    await loadAt(null);
    await events.load();
    streaming = await storeStream();
    setTimeout(storePoll, 10000);
  } else {
    liveLoop();
    streaming = await liveStream();
    // Without a stream there is nothing to list: the panel folds to its title.
    document.getElementById('events').classList.toggle('unavailable', !streaming);
    document.getElementById('events').classList.toggle('collapsed', !streaming);
  }
  document.body.dataset.ready = '1';
})();
