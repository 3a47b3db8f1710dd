// desk.test.mjs: the analyst's desk (issue 12) in a real browser against
// `atalaya serve --store` at $ATALAYA_URL on the demo store
// (tests/e2e/demo_store.sh). playwright-core drives Debian's chromium. One
// screenshot per item into $ATALAYA_ARTEFACTS (web_desk.sh: the build's
// test-logs/screens/). Prints ok/not ok lines; exits 1 on any failure.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.ATALAYA_URL;
const artefacts = process.env.ATALAYA_ARTEFACTS || '/tmp/atalaya-desk';
mkdirSync(artefacts, { recursive: true });
let failed = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
  if (!ok) failed++;
  return ok;
}
// page.evaluate goes through the DevTools protocol (the page's CSP forbids
// the string evaluation waitForFunction would need).
async function poll(page, fn, arg, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await page.evaluate(fn, arg).catch(() => null);
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}
const shots = [];
async function shot(page, name, what) {
  await page.screenshot({ path: join(artefacts, name) });
  shots.push(`${name}: ${what}`);
}
const api = (page, path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);

// Pixels near a page point of a colour, over every canvas of the map.
async function pixels(page, x, y, [r0, g0, b0], half = 3) {
  return page.evaluate(([px, py, want, h]) => {
    const dpr = window.devicePixelRatio || 1, n = 2 * h + 1, out = document.createElement('canvas');
    out.width = out.height = n;
    const c = out.getContext('2d');
    for (const layer of document.querySelectorAll('.leaflet-pane canvas')) {
      const lr = layer.getBoundingClientRect();
      c.drawImage(layer, (px - lr.left) * dpr - h, (py - lr.top) * dpr - h, n, n, 0, 0, n, n);
    }
    const d = c.getImageData(0, 0, n, n).data;
    let k = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - want[0]) < 12 && Math.abs(d[i + 1] - want[1]) < 12 && Math.abs(d[i + 2] - want[2]) < 12) k++;
    return k;
  }, [x, y, [r0, g0, b0], half]);
}
// The page point of a lat/lon.
const pointOf = (page, lat, lon) => page.evaluate(([a, b]) => {
  const p = window.atalaya.map.latLngToContainerPoint([a, b]), r = window.atalaya.map.getContainer().getBoundingClientRect();
  return { x: r.left + p.x, y: r.top + p.y };
}, [lat, lon]);
async function view(page, lat, lon, zoom) {
  await page.evaluate(([a, b, z]) => window.atalaya.map.setView([a, b], z, { animate: false }), [lat, lon, zoom]);
  await page.waitForTimeout(300);
}
const LAND = [0x27, 0x35, 0x3f], COAST = [0x6f, 0x8f, 0xa6];

async function search(page, q) {
  await page.fill('#search-q', q);
  await page.press('#search-q', 'Enter');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [], foreign = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(url + '/')) foreign.push(r.url()); });
  await page.goto(url + '/', { waitUntil: 'load' });
  const mode = await poll(page, () => document.body.dataset.ready && window.atalaya.mode(), null, 15000);
  check(mode === 'store', `the page is served from a store (${mode})`);

  // ---- 1. triage first
  const triage = await api(page, 'api/v1/triage');
  const all = await api(page, 'api/v1/events?limit=10000');
  check(triage.total === all.count && triage.kinds.reduce((s, k) => s + k.count, 0) === all.count,
    `/triage counts every event of the store per kind (${triage.total}; /events ${all.count})`);
  const perKind = {};
  for (const e of all.events) perKind[e.event] = (perKind[e.event] || 0) + 1;
  check(triage.kinds.every((k) => perKind[k.kind] === k.count), `/triage per kind as /events lists them (${triage.kinds.map((k) => k.kind + ' ' + k.count).join(', ')})`);
  check(triage.watchlisted.some((w) => w.id === 354990104) && triage.watchlisted.some((w) => w.id === 'f1d003'),
    `/triage names the watchlisted entities involved (${triage.watchlisted.map((w) => w.name || w.id).join(', ')})`);
  const summary = await poll(page, () => {
    const s = document.getElementById('ev-summary').textContent;
    return /events/.test(s) ? s : null;
  }, null, 10000) || '';
  check(summary.startsWith(`${triage.total.toLocaleString('en-US')} events: `) && /2 dark gaps/.test(summary) && /1 meeting at sea/.test(summary),
    `the list opens with the store's counts per kind ("${summary.slice(0, 90)}…")`);
  // The first screen of the list: the rows one sees without scrolling.
  const firstScreen = await poll(page, () => {
    const list = document.getElementById('ev-list'), box = list.getBoundingClientRect();
    const rows = [...list.querySelectorAll('li.ev')].filter((li) => li.getBoundingClientRect().bottom <= box.bottom + 1);
    return rows.length > 5 ? rows.map((li) => ({ kind: li.dataset.kind, what: li.dataset.what, tier: +li.dataset.tier, text: li.textContent })) : null;
  }, null, 10000) || [];
  const kindsSeen = new Set(firstScreen.filter((r) => r.what === 'event').map((r) => r.kind));
  check(['ais_gap', 'identity_change', 'encounter'].every((k) => kindsSeen.has(k)) && firstScreen.filter((r) => r.kind === 'ais_gap').length === 2,
    `the first screen of the event list shows both dark gaps, the rename and the meeting (${firstScreen.length} rows: ${[...kindsSeen].join(', ')})`);
  const order = await page.evaluate(() => [...document.querySelectorAll('#ev-list li.ev')].map((li) => +li.dataset.tier));
  check(order.every((t, i) => i === 0 || order[i - 1] <= t) && order[0] === 0,
    `alerts and open events first, then ranked, then routine (${[0, 1, 2].map((t) => order.filter((x) => x === t).length).join(' / ')} rows)`);
  const rankedKinds = await page.evaluate(() => [...document.querySelectorAll('#ev-list li.ev.tier1')].slice(0, 6).map((li) => li.dataset.kind));
  check(!rankedKinds.some((k) => ['flight', 'port_call', 'geofence_enter', 'geofence_exit', 'geofence_dwell'].includes(k) && rankedKinds.indexOf(k) < 4),
    `closed events ranked by severity above routine ones (${rankedKinds.join(', ')})`);
  await shot(page, '01-triage-first.png', 'the event list on opening: counts per kind, alerts, then the dark gaps, the rename, the meeting');
  // Paging to the first event.
  for (let i = 0; i < 20; i++) {
    const more = page.locator('#ev-more');
    if (!(await more.isVisible())) break;
    await more.click();
    await page.waitForTimeout(400);
  }
  const listed = await page.evaluate(() => window.atalaya.events().filter((it) => it.what === 'event').length);
  check(listed === triage.total, `paging lists every event of the store (${listed} of ${triage.total})`);
  const rows = await page.evaluate(() => [...document.querySelectorAll('#ev-list li.ev')].map((li) => ({ kind: li.dataset.kind, ids: li.dataset.ids, text: li.textContent })));
  const fence = rows.filter((r) => r.kind.startsWith('geofence_'));
  check(fence.length > 0 && fence.every((r) => /zone DEMO .* approaches/.test(r.text) && /(DEMO [A-Z]|MMSI \d+)/.test(r.text)),
    `geofence rows name the vessel and the zone (${fence[0] && fence[0].text.slice(0, 100)})`);
  const calls = rows.filter((r) => r.kind === 'port_call');
  check(calls.length > 0 && calls.every((r) => /· port [A-Z]/.test(r.text)), `port call rows name the port (${calls[0] && calls[0].text.slice(0, 90)})`);
  const flights = rows.filter((r) => r.kind === 'flight');
  check(flights.length > 0 && flights.every((r) => /→/.test(r.text)), `flight rows name the airports (${flights[0] && flights[0].text.slice(0, 90)})`);
  check(!rows.some((r) => /\b1[67]\d{11}\b/.test(r.text) || /[{}]/.test(r.text)), 'no row shows epoch milliseconds or JSON');
  const meeting = rows.find((r) => r.kind === 'encounter');
  check(meeting && /\d+ nm [NESW]{1,3} of [A-Z]/.test(meeting.text), `a meeting at sea says where in words (${meeting && meeting.text.slice(0, 140)})`);

  // ---- 2. the demo's maritime zones concern vessels only
  const fenceApi = await api(page, 'api/v1/events?kind=geofence_enter,geofence_exit,geofence_dwell&limit=10000');
  const airFence = fenceApi.events.filter((e) => (e.entities || []).some((x) => x.kind === 'aircraft'));
  check(fenceApi.count > 0 && airFence.length === 0,
    `the demo's terminal zones fire on vessels only (${fenceApi.count} geofence events, ${airFence.length} of aircraft)`);

  // ---- 7. the evidence drawer, readable
  await page.evaluate(() => { document.getElementById('ev-list').scrollTop = 0; });
  await page.locator('#ev-list li.ev[data-kind="ais_gap"]').first().click();
  const drawer = await poll(page, () => {
    const e = document.getElementById('evidence');
    return !e.hidden && document.getElementById('evidence-raw').textContent.length > 10 ? e.getBoundingClientRect().height : null;
  }, null, 10000);
  check(drawer && drawer < 0.35 * 900, `the evidence opens as a drawer along the bottom (${Math.round(drawer)} px of 900)`);
  const fields = await page.locator('#evidence-fields').textContent();
  check(/ nm/.test(fields) && / h\b/.test(fields) && /\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/.test(fields) && /ago/.test(fields) && !/[{}]/.test(fields) && !/\b1[67]\d{11}\b/.test(fields),
    'the detector fields read with units, ISO UTC times and ages, no JSON, no epoch ms');
  await shot(page, '07-evidence-drawer.png', 'a dark gap shown on the map, its evidence in the bottom drawer');
  // The picture moved to the gap's end: the counts of that day under the store's.
  const at = await page.evaluate(() => window.atalaya.time());
  const day = Math.floor(at / 86400000) * 86400000;
  const dayTruth = await api(page, `api/v1/triage?from=${day}&to=${day + 86400000 - 1}`);
  const dayText = await poll(page, () => { const e = document.getElementById('ev-day'); return e ? e.textContent : null; }, null, 5000) || '';
  check(dayText.startsWith(`${new Date(day).toISOString().slice(0, 10)} (the slider's day): ${dayTruth.total.toLocaleString('en-US')} events`),
    `the counts of the slider's day under the store's (${dayText.slice(0, 90)})`);
  await page.click('#evidence-fold');
  check(await page.locator('#evidence .drawer-body').isHidden(), 'the drawer folds to its title');
  await page.click('#evidence-close');

  // ---- 4. the basemap: 1:10m with the small islands, cut at the antimeridian
  // The basemap alone (targets off, below the zoom of the airports and ports).
  await page.keyboard.press('a');
  await page.keyboard.press('s');
  for (const [name, lat, lon] of [['Curaçao', 12.2, -69.0], ['Aruba', 12.52, -69.97], ['Bonaire', 12.25, -68.35], ['Margarita', 11.0, -63.95]]) {
    await view(page, lat, lon, 7.5);
    const ok = await poll(page, () => /^10m:.+/.test(document.body.dataset.basemap || ''), null, 8000);
    await page.waitForTimeout(300);
    const p = await pointOf(page, lat, lon);
    const land = await pixels(page, p.x, p.y, LAND);
    check(ok && land > 10, `${name} is land on the 1:10m basemap (${land} land pixels at ${lat}, ${lon})`);
  }
  await page.keyboard.press('a');
  await page.keyboard.press('s');
  await view(page, 12.15, -68.95, 9);
  const places = await poll(page, () => +document.body.dataset.places > 0 &&
    [...document.querySelectorAll('.atl-place-label')].map((e) => e.textContent), null, 8000) || [];
  check(places.some((t) => /^[A-Z]{4}$/.test(t)) && places.some((t) => /[a-z]/.test(t)) &&
    places.some((t) => /Willemstad|Bullen Baai|Caracasbaai|Sint Michielsbaai|Sint Michelsbaai/.test(t)),
  `ports and airports of Curaçao are labelled points at zoom 9 (${places.slice(0, 8).join(', ')})`);
  const overlaps = await page.evaluate(() => {
    const r = [...document.querySelectorAll('.atl-place-label')].map((e) => e.getBoundingClientRect());
    let n = 0;
    for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
      if (r[i].left < r[j].right - 2 && r[j].left < r[i].right - 2 && r[i].top < r[j].bottom - 2 && r[j].top < r[i].bottom - 2) n++;
    }
    return n;
  });
  check(overlaps === 0, `the place labels do not cover one another (${overlaps} overlaps)`);
  await shot(page, '04-basemap-curacao.png', 'Curaçao on the 1:10m coastline, with Willemstad, Bullen Baai and Hato airport (TNCC)');
  // The whole world: nothing on the line of 16.79° S over open ocean (the
  // Pacific east of Fiji, the Indian Ocean between Madagascar and
  // Australia), where the stitched Fiji polygon drew its line; Fiji itself
  // drawn, on both sides of the antimeridian.
  await view(page, 0, 0, 2);
  await poll(page, () => document.body.dataset.basemap === '50m', null, 5000);
  await page.waitForTimeout(800);
  let coastOnLine = 0, samples = 0;
  for (const [from, to] of [[-160, -85], [60, 110]]) {
    for (let lon = from; lon <= to; lon += 2.5) {
      const p = await pointOf(page, -16.79, lon);
      coastOnLine += await pixels(page, p.x, p.y, COAST, 1) + await pixels(page, p.x, p.y, LAND, 1);
      samples++;
    }
  }
  const fijiW = await pointOf(page, -17.8, 178.0);
  const fijiLand = await pixels(page, fijiW.x, fijiW.y, LAND, 4);
  check(coastOnLine === 0 && fijiLand > 0, `no line across the world at 17° S (${coastOnLine} land or coast pixels at ${samples} points over open ocean; Fiji ${fijiLand} land pixels)`);
  // The piece of Vanua Levu east of 180° (about 179.82-180° W) and Viti Levu.
  await view(page, -17, 179.5, 7);
  await poll(page, () => /^10m:/.test(document.body.dataset.basemap || ''), null, 8000);
  await page.waitForTimeout(800);
  const east = await pointOf(page, -16.82, 180.08), west = await pointOf(page, -17.8, 178.0);
  const eastOk = await pixels(page, east.x, east.y, LAND, 6);
  const westOk = await pixels(page, west.x, west.y, LAND, 3);
  check(eastOk > 0 && westOk > 0, `Fiji at 1:10m on both sides of the antimeridian (${westOk} / ${eastOk} land pixels)`);
  await shot(page, '04-basemap-antimeridian.png', 'Fiji across the antimeridian at 1:10m, no line across the world');

  // ---- 3. targets you can read: labels, symbols apart, hover card, table, keyboard
  await page.click('#t-latest');
  await poll(page, () => window.atalaya.time() >= +document.getElementById('t-range').max - 1000, null, 8000);
  await view(page, 12.09, -68.93, 11);
  const near = await poll(page, () => {
    const on = window.atalaya.onScreen();
    return on.length > 3 ? on : null;
  }, null, 5000) || [];
  let minGap = Infinity;
  for (let i = 0; i < near.length; i++) for (let j = i + 1; j < near.length; j++) minGap = Math.min(minGap, Math.hypot(near[i].x - near[j].x, near[i].y - near[j].y));
  check(near.length > 3 && minGap >= 10, `symbols stay apart when zoomed in at the Willemstad anchorage (${near.length} targets, nearest two ${minGap.toFixed(0)} px apart)`);
  const labelled = await page.evaluate(() => window.atalaya.layer.labelled);
  check(labelled.length >= 5 && labelled.includes('v620990106'), `names label the targets (${labelled.length} labels, DEMO CALYPSO among them)`);
  const calypso = near.find((t) => t.id === 'v620990106');
  if (calypso) {
    await page.mouse.move(calypso.x, calypso.y);
    const card = await poll(page, () => !document.getElementById('hover-card').hidden && document.getElementById('hover-card').textContent, null, 3000) || '';
    check(/DEMO CALYPSO/.test(card) && /MMSI 620990106/.test(card) && / kn/.test(card) && /ago/.test(card) && /watchlist/.test(card),
      `hovering a target shows its card (${card.slice(0, 120)})`);
    await shot(page, '03-labels-hover.png', 'names by zoom without overlap, the anchorage spread apart, the hover card of DEMO CALYPSO');
  } else check(false, 'DEMO CALYPSO is at the Willemstad anchorage');
  await page.mouse.move(5, 400);
  await page.keyboard.press('l');
  check((await page.evaluate(() => window.atalaya.layer.labelled.length)) === 0, 'l turns the labels off');
  await page.keyboard.press('l');
  await view(page, 11.5, -66.5, 6);
  await page.keyboard.press('t');
  const table = await poll(page, () => !document.getElementById('target-table').hidden && document.querySelectorAll('#tt-body tr').length, null, 3000);
  const shownN = await page.evaluate(() => window.atalaya.shown().length);
  check(table === Math.min(shownN, 400), `t opens the target table (${table} rows, ${shownN} targets shown)`);
  await page.click('#tt-head th[data-key="speed"]');
  await page.click('#tt-head th[data-key="speed"]');
  const speeds = await page.evaluate(() => [...document.querySelectorAll('#tt-body td.c-speed')].map((td) => td.textContent).filter((t) => t !== '—').map((t) => +t.replace(/,/g, '')));
  check(speeds.length > 10 && speeds.every((v, i) => i === 0 || speeds[i - 1] >= v), `the table sorts by speed, fastest first (${speeds.slice(0, 4).join(', ')} kn …)`);
  await shot(page, '03-target-table.png', 'the target table beside the map, sorted by speed');
  const firstRow = await page.locator('#tt-body tr').first().getAttribute('data-id');
  await page.locator('#tt-body tr').first().click();
  const opened = await poll(page, (id) => document.getElementById('panel').dataset.target === id, firstRow, 5000);
  check(opened, `a table row opens its target on the map (${firstRow})`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  check(await page.locator('#keys-help').isVisible(), '? lists the keyboard shortcuts');
  await page.keyboard.press('Escape');
  const seq0 = await page.evaluate(() => (window.atalaya.focus() || { seq: 0 }).seq);
  await page.keyboard.press('j');
  const stepped = await poll(page, (s) => { const f = window.atalaya.focus(); return f && f.seq > s; }, seq0, 5000);
  check(stepped, 'j shows the next event of the list on the map');
  await page.keyboard.press('Escape');
  await page.keyboard.press('t');

  // ---- 5. identity across renames
  await search(page, 'DEMO DRACO');
  await poll(page, () => {
    const li = document.querySelector('#search-results li[data-id="354990104"]');
    if (li) li.click();
    return document.getElementById('panel').dataset.dossier === 'v354990104';
  }, null, 8000);
  const linked = await poll(page, () => {
    const s = document.getElementById('d-linked');
    return s && !s.hidden ? [...s.querySelectorAll('li')].map((li) => li.textContent) : null;
  }, null, 8000) || [];
  check(linked.length === 2 && /^DEMO DRACO · MMSI 354990104/.test(linked[0]) && /^DEMO DRAKE · MMSI 354990199/.test(linked[1]),
    `the dossier links the MMSIs of one IMO with the name each used, in order (${linked.join(' | ')})`);
  const gapRow = await page.evaluate(() => [...document.querySelectorAll('#d-events li')].map((li) => li.textContent).find((t) => /dark gap/.test(t)) || '');
  check(/DEMO DRACO \(MMSI 354990104\) dark 12\.5 h · back as DEMO DRAKE \(MMSI 354990199\)/.test(gapRow),
    `the gap is labelled with the name in use at the time, then the new one (${gapRow.slice(0, 110)})`);
  const dossierText = await page.locator('#panel').textContent();
  check(!/\b1[67]\d{11}\b/.test(dossierText) && !/[{}]/.test(dossierText), 'the dossier shows no epoch milliseconds and no JSON');
  await shot(page, '05-rename-chain.png', 'DEMO DRACO: its names and MMSIs over time (DEMO DRAKE, MMSI 354990199), the gap named as it was');
  await page.locator('#d-linked li[data-mmsi="354990199"]').click();
  check(await poll(page, () => document.getElementById('panel').dataset.dossier === 'v354990199', null, 8000), 'a click follows the chain to the other MMSI');
  await page.click('#panel-close');

  // ---- 6. search by what the analyst knows
  await search(page, 'DEMO QX AIRLINES');
  const groups = await poll(page, () => {
    const l = document.getElementById('search-results');
    return !l.hidden && l.querySelector('li.group') ? [...l.querySelectorAll('li')].map((li) => ({ g: li.dataset.group, id: li.dataset.id || '', text: li.textContent })) : null;
  }, null, 8000) || [];
  check(groups.some((r) => r.g === 'operators' && /DQX/.test(r.text)) && groups.some((r) => r.g === 'operators' && r.id === 'f1d001') &&
    groups.some((r) => r.g === 'operators' && r.id === 'f1d002'),
  `the airline's name finds the airline, its designator and the aircraft flying it (${groups.filter((r) => r.g === 'operators').map((r) => r.text.slice(0, 40)).join(' | ')})`);
  await shot(page, '06-search-airline.png', 'search "DEMO QX AIRLINES": the operator DQX and its aircraft, the watchlist entry');
  const found = {};
  for (const q of ['SVMI', 'Willemstad', '1009041', 'DQC401', 'f1d003', 'DEMO DRAKE']) {
    const d = await api(page, `api/v1/find?q=${encodeURIComponent(q)}`);
    found[q] = d.groups.filter((g) => g.results.length).map((g) => g.group);
  }
  check(found.SVMI.includes('airports') && found.Willemstad.includes('ports') && found['1009041'].includes('vessels') &&
    found.DQC401.includes('aircraft') && found.f1d003.includes('watchlist') && found['DEMO DRAKE'].includes('vessels'),
  `search finds airports, ports, IMO, callsign, ICAO address and names, grouped (${JSON.stringify(found)})`);
  await page.keyboard.press('Escape');

  // ---- 7. an aircraft's dossier focuses its last track even when not in the picture
  await search(page, 'DQC401');
  const last = await poll(page, () => {
    const f = window.atalaya.focus();
    return f && f.last && f.track ? { label: f.label, lat: f.lat, lon: f.lon } : null;
  }, null, 10000);
  const title = await page.locator('#panel-title').textContent();
  check(last && /DQC401/.test(title) && /last seen \d{4}-/.test(last.label),
    `an aircraft not in the picture: its callsign in the title, the map on its last track (${title}; ${last && last.label})`);
  const inView = last && await page.evaluate(([a, b]) => window.atalaya.map.getBounds().contains([a, b]), [last.lat, last.lon]);
  check(inView, 'its last position is in view');
  await shot(page, '07-aircraft-last-track.png', 'DQC401, landed hours before: its dossier and its last track on the map');
  // Another question: the drawings of the last one go.
  await page.click('#panel-close');
  check((await page.evaluate(() => window.atalaya.focus())) === null, 'closing the dossier clears its drawings');

  check(errors.length === 0, `no page errors (${errors.slice(0, 3).join(' | ')})`);
  check(foreign.length === 0, `no request leaves the server (${foreign.slice(0, 3).join(', ')})`);
} finally {
  await browser.close();
}
console.log('# screenshots in ' + artefacts + ':\n# ' + shots.join('\n# '));
process.exit(failed ? 1 : 0);
