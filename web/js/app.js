// app.js: the live map. Polls /data/aircraft.json and /data/vessels.json once
// a second (the server publishes a fresh snapshot at that rate), draws every
// target with a position, and shows a clicked target's fields in a panel.
'use strict';

(() => {
  const map = L.map('map', { worldCopyJump: true, minZoom: 2, zoomSnap: 0.5, preferCanvas: true })
    .setView([20, 0], 2);
  map.attributionControl.setPrefix('<a href="vendor/leaflet/LICENSE">Leaflet</a>');
  map.attributionControl.addAttribution('Basemap: <a href="basemap/LICENSE">Natural Earth</a> (public domain)');

  fetch('basemap/countries-110m.geojson')
    .then((r) => r.json())
    .then((g) => {
      L.geoJSON(g, {
        interactive: false,
        style: { color: '#5d7a90', weight: 0.8, fillColor: '#27353f', fillOpacity: 1 },
      }).addTo(map);
      layer.redraw();
    })
    .catch(() => setStatus('basemap unavailable'));

  const layer = new AtlTargetLayer().addTo(map);
  const panel = document.getElementById('panel');
  const status = document.getElementById('status');
  let fitted = false, selected = null;

  function setStatus(text) {
    status.textContent = text;
  }

  function targetsFrom(air, sea) {
    const out = [];
    for (const a of (air && air.aircraft) || []) {
      if (typeof a.lat === 'number') out.push({ id: 'a' + a.hex, kind: 'aircraft', lat: a.lat, lon: a.lon, d: a });
    }
    for (const v of (sea && sea.vessels) || []) {
      if (typeof v.lat === 'number') out.push({ id: 'v' + v.mmsi, kind: 'vessel', lat: v.lat, lon: v.lon, d: v });
    }
    return out;
  }

  function title(t) {
    if (t.kind === 'aircraft') {
      const cs = (t.d.flight || '').trim();
      return (cs || 'aircraft') + ' · ' + t.d.hex.toUpperCase();
    }
    return (t.d.name || 'vessel') + ' · MMSI ' + t.d.mmsi;
  }

  function showPanel(t) {
    document.getElementById('panel-title').textContent = title(t);
    const table = document.getElementById('panel-fields');
    table.replaceChildren();
    for (const [k, v] of Object.entries(t.d)) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      const td = document.createElement('td');
      th.textContent = k;
      td.textContent = typeof v === 'object' ? JSON.stringify(v) : String(v);
      tr.append(th, td);
      table.append(tr);
    }
    panel.dataset.target = t.id;
    panel.hidden = false;
  }

  function select(t) {
    selected = t ? t.id : null;
    layer.selected = selected;
    if (t) showPanel(t);
    else panel.hidden = true;
    layer.redraw();
  }

  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store' });
    if (!r.ok) throw new Error(url + ': ' + r.status);
    return r.json();
  }

  async function refresh() {
    try {
      const [air, sea] = await Promise.all([getJson('data/aircraft.json'), getJson('data/vessels.json')]);
      const targets = targetsFrom(air, sea);
      layer.setTargets(targets);
      const na = targets.filter((t) => t.kind === 'aircraft').length;
      status.dataset.aircraft = na;
      status.dataset.vessels = targets.length - na;
      setStatus(`${na} aircraft · ${targets.length - na} vessels with positions`);
      if (!fitted && targets.length) {
        // First picture: frame everything we see, no closer than the 1:110m
        // basemap can carry.
        map.fitBounds(L.latLngBounds(targets.map((t) => [t.lat, t.lon])).pad(0.2), { maxZoom: 6 });
        fitted = true;
      }
      if (selected) {
        const t = targets.find((x) => x.id === selected);
        if (t) showPanel(t);
      }
    } catch (e) {
      setStatus('no data: ' + e.message);
    }
  }

  // Search over what is on the map now: identities as the JSON carries them.
  const KEYS = ['name', 'flight', 'callsign', 'hex', 'mmsi', 'imo', 'r'];
  function find(q) {
    const needle = q.trim().toUpperCase();
    if (!needle) return null;
    const text = (t) => KEYS.map((k) => (t.d[k] === undefined ? '' : String(t.d[k]).trim().toUpperCase()));
    return layer.targets.find((t) => text(t).includes(needle)) ||
      layer.targets.find((t) => text(t).some((v) => v.includes(needle))) || null;
  }
  const searchBox = document.getElementById('search-q');
  document.getElementById('search').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = find(searchBox.value);
    searchBox.classList.toggle('miss', !t);
    if (!t) return;
    map.setView([t.lat, t.lon], Math.max(map.getZoom(), 6));
    select(t);
  });

  map.on('click', (e) => select(layer.nearest(e.containerPoint, 12)));
  document.getElementById('panel-close').addEventListener('click', () => select(null));

  // For tests and the curious: where each target is drawn, in page pixels.
  window.atalaya = {
    map,
    layer,
    onScreen() {
      const box = map.getContainer().getBoundingClientRect();
      return layer.targets.map((t) => [t, layer.screenPoint(t)]).filter(([, p]) => p)
        .map(([t, p]) => ({ id: t.id, kind: t.kind, x: box.left + p.x, y: box.top + p.y }));
    },
  };

  // The next poll is scheduled when this one ends, so a slow answer never
  // piles requests up behind it.
  async function loop() {
    await refresh();
    setTimeout(loop, 1000);
  }
  loop();
})();
