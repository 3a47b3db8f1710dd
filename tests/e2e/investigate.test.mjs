// investigate.test.mjs: the investigation page in a real browser against
// `atalaya serve --store` at $ATALAYA_URL (started by store_server.py on the
// demo store web_investigate.sh builds from scenarios/caribbean.json).
// playwright-core drives Debian's chromium. Checks: the page finds the store,
// draws the picture with the watchlisted targets ringed; search finds a
// watched tanker by name and opens its dossier (watchlist entry, identities,
// its dark gap); a watched tanker's meeting at sea is listed; clicking an
// event pans the map to it and shows its raw messages; the event list filters
// by kind; the time slider replays history (the picture changes, play moves
// time); the filters; GeoJSON, KML and CSV exports of what is shown; no
// request leaves the server, none fails, no console error. Screenshots go to
// $ATALAYA_ARTEFACTS. Prints ok/not ok lines.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.ATALAYA_URL;
// Screenshots: never into the source tree by default.
const artefacts = process.env.ATALAYA_ARTEFACTS || '/tmp/atalaya-investigate';
mkdirSync(artefacts, { recursive: true });
// The demo's identities (scenarios/caribbean.json, caribbean-watchlist.csv).
const BOREALIS = 'v613990102', CALYPSO = 'v620990106';
let failed = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
  if (!ok) failed++;
  return ok;
}
// Polls fn in the page until it returns something truthy (page.evaluate goes
// through the DevTools protocol; waitForFunction would eval a string in the
// page, which the page's CSP forbids).
async function poll(page, fn, arg, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await page.evaluate(fn, arg).catch(() => null);
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}
const shot = (page, name) => page.screenshot({ path: join(artefacts, name) });

// Pixels of a colour around a page point, over every canvas of the map.
async function pixels(page, x, y, [r0, g0, b0]) {
  return page.evaluate(([px, py, want]) => {
    const dpr = window.devicePixelRatio || 1, out = document.createElement('canvas');
    out.width = out.height = 31;
    const c = out.getContext('2d');
    for (const layer of document.querySelectorAll('.leaflet-pane canvas')) {
      const lr = layer.getBoundingClientRect();
      c.drawImage(layer, (px - lr.left) * dpr - 15, (py - lr.top) * dpr - 15, 31, 31, 0, 0, 31, 31);
    }
    const d = c.getImageData(0, 0, 31, 31).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i] - want[0]) < 40 && Math.abs(d[i + 1] - want[1]) < 40 && Math.abs(d[i + 2] - want[2]) < 40) n++;
    return n;
  }, [x, y, [r0, g0, b0]]);
}

async function searchOpen(page, q, id) {
  await page.fill('#search-q', q);
  await page.press('#search-q', 'Enter');
  // One hit opens at once; several are listed under the box.
  const opened = await poll(page, (want) => {
    if (document.getElementById('panel').dataset.target === want) return true;
    const li = document.querySelector(`#search-results li[data-id="${want.slice(1)}"]`);
    if (li) li.click();
    return false;
  }, id, 8000);
  const dossier = opened && await poll(page, (want) => document.getElementById('panel').dataset.dossier === want, id, 10000);
  return !!dossier;
}

// The events of the open dossier: [{kind, text}].
const dossierEvents = (page) => page.evaluate(() => [...document.querySelectorAll('#d-events li')]
  .map((li) => ({ kind: li.dataset.kind, text: li.textContent })));

// Clicks li and checks that the map shows the event: focused, in view, the
// map moved, evidence open with raw messages.
async function followEvent(page, li, what) {
  const before = await page.evaluate(() => {
    const c = window.atalaya.map.getCenter(), f = window.atalaya.focus();
    return { center: [c.lat, c.lng], seq: f ? f.seq : 0 };
  });
  await li.click();
  const f = await poll(page, (seq) => {
    const f = window.atalaya.focus();
    return f && f.seq > seq && typeof f.lat === 'number' && !document.getElementById('evidence').hidden
      ? { lat: f.lat, lon: f.lon } : null;
  }, before.seq, 10000);
  if (!check(f !== null, `${what}: clicking it focuses the map on it`)) return;
  // The pan's animation: up to 5 s on a loaded machine (a fixed 600 ms was
  // too short under ASan in a clean-clone run).
  const arg = [f.lat, f.lon, before.center];
  const inView = ([lat, lon, c0]) => {
    const m = window.atalaya.map, c = m.getCenter();
    const moved = Math.abs(c.lat - c0[0]) + Math.abs(c.lng - c0[1]) > 0.01;
    return { inside: m.getBounds().contains([lat, lon]), moved };
  };
  const done = ([lat, lon, c0]) => {
    const m = window.atalaya.map, c = m.getCenter();
    const moved = Math.abs(c.lat - c0[0]) + Math.abs(c.lng - c0[1]) > 0.01;
    return m.getBounds().contains([lat, lon]) && moved ? { inside: true, moved } : null;
  };
  const view = (await poll(page, done, arg, 5000)) || await page.evaluate(inView, arg);
  const moved = view.moved;
  check(view.inside && moved, `${what}: the map pans to it (${f.lat.toFixed(2)}, ${f.lon.toFixed(2)} in view, moved: ${moved})`);
  const raw = await page.locator('#evidence-raw').textContent();
  check(raw.trim().length > 0 && !/no raw messages/.test(raw),
    `${what}: its evidence shows the raw messages (${raw.split('\n').length} lines: ${raw.slice(0, 40)}…)`);
}

// The store's own answer, asked from the page (same origin, as the page asks).
const api = (page, path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);
const inputMs = (v) => Date.parse(v + ':00Z');

// The flights panel's answer once it has one: {n (the count shown), rows}.
async function flightsAnswer(page, seqBefore) {
  const got = await poll(page, (before) => {
    const q = document.getElementById('questions');
    return q.dataset.state === 'answered' && q.dataset.asked !== before ? q.dataset.asked : null;
  }, seqBefore, 10000);
  if (!got) return null;
  return page.evaluate(() => ({
    shown: document.getElementById('q-answer').textContent,
    n: parseInt(document.getElementById('q-answer').textContent, 10),
    rows: [...document.querySelectorAll('#q-list li')].map((li) => ({ ...li.dataset, text: li.textContent })),
    window: { from: document.getElementById('q-from').value, to: document.getElementById('q-to').value },
  }));
}
const asked = (page) => page.evaluate(() => document.getElementById('questions').dataset.asked || '');

// Clicks a flight of the list: the map shows its track, both airports
// marked, and the picture moves to its landing. Returns the focus.
async function followFlight(page, li, what) {
  const seq = await page.evaluate(() => (window.atalaya.focus() || { seq: 0 }).seq);
  const t1 = +(await li.getAttribute('data-t1'));
  await li.click();
  const f = await poll(page, (s0) => {
    const f = window.atalaya.focus();
    return f && f.seq > s0 ? { marks: f.marks || [], lines: f.track ? f.track.features.length : 0, lat: f.lat, lon: f.lon } : null;
  }, seq, 10000);
  if (!check(f !== null, `${what}: clicking it shows it on the map`)) return null;
  check(f.lines >= 1, `${what}: its track is drawn (${f.lines} line)`);
  const moved = await poll(page, (t) => Math.abs(window.atalaya.time() - t) <= 1000 && +document.getElementById('timeline').dataset.at, t1, 10000);
  check(moved, `${what}: the slider and the picture move to its landing (${new Date(t1).toISOString()})`);
  await page.waitForTimeout(700); // the fit's animation
  const inView = await page.evaluate((ms) => ms.map((m) => window.atalaya.map.getBounds().contains([m.lat, m.lon])), f.marks);
  check(f.marks.length === 2 && inView.every(Boolean),
    `${what}: both airports are marked and in view (${f.marks.map((m) => `${m.label} ${m.lat.toFixed(2)},${m.lon.toFixed(2)}`).join('; ')})`);
  return f;
}

async function questions(page) {
  for (const close of ['#panel-close', '#evidence-close']) {
    if (await page.locator(close).isVisible()) await page.locator(close).click();
  }
  check(await page.locator('#questions').isVisible(), 'the flights questions panel is shown with a store');
  // Folded to its title at first (the event list comes first): one click.
  if (await page.locator('#questions').evaluate((e) => e.classList.contains('collapsed'))) await page.click('#q-toggle');
  const examples = page.locator('#q-examples');
  check(await examples.isVisible() && /demo/i.test(await examples.innerText()),
    'the demo store offers its example questions, labelled as the demo\'s');
  const span = await api(page, 'api/v1/timespan');
  const spanIn = await page.evaluate(() => [document.getElementById('q-from').value, document.getElementById('q-to').value]);
  check(inputMs(spanIn[0]) <= span.from && inputMs(spanIn[0]) > span.from - 60e3 && inputMs(spanIn[1]) >= span.to &&
    inputMs(spanIn[1]) < span.to + 60e3, `the window defaults to the store's span (${spanIn.join(' – ')})`);

  // 1. How many flights did the demo airline (DQX) fly into Venezuela?
  // Typed as a user would: designator, country by name, the window.
  let before = await asked(page);
  await page.fill('#q-operator', 'dqx');
  await page.fill('#q-arr-country', 'VE');
  await page.click('#q-run');
  const a1 = await flightsAnswer(page, before);
  if (check(a1 !== null, 'typing operator "dqx", to country "VE" and "find flights" answers')) {
    const from = inputMs(a1.window.from), to = inputMs(a1.window.to);
    const truth = await api(page, `api/v1/flights?operator=DQX&arrival_country=VE&from=${from}&to=${to}`);
    check(a1.n === truth.count && truth.count >= 1 && a1.rows.length === truth.count,
      `1. the count shown ("${a1.shown}") is the API's (${truth.count} DQX flights into VE, ${a1.window.from} – ${a1.window.to})`);
    const ve = new Set(truth.flights.map((f) => f.arrival_airport));
    check(a1.rows.every((r) => /^DQX/.test(r.text) && ve.has(r.to) && /\(VE\)/.test(r.text)),
      `1. each listed flight is DQX's, landing in Venezuela (${a1.rows.map((r) => r.text.split(' · ')[0]).join(', ')})`);
    const li = page.locator('#q-list li').first();
    await followFlight(page, li, '1. a DQX flight into Venezuela');
    await shot(page, 'q1-dqx-into-venezuela.png');
    // A narrower window, typed: the first day only, and the country by name.
    before = await asked(page);
    const day = new Date(span.from).toISOString().slice(0, 10);
    await page.fill('#q-arr-country', 'Venezuela');
    await page.fill('#q-from', `${day}T00:00`);
    await page.fill('#q-to', `${day}T23:59`);
    await page.click('#q-run');
    const a1b = await flightsAnswer(page, before);
    const t0 = Date.parse(day + 'T00:00:00Z'), t1 = Date.parse(day + 'T23:59:00Z');
    const truthB = await api(page, `api/v1/flights?operator=DQX&arrival_country=Venezuela&from=${t0}&to=${t1}`);
    check(a1b && a1b.n === truthB.count && truthB.count < truth.count,
      `1. the window narrows it: ${a1b && a1b.shown} on ${day} (the API: ${truthB.count} of ${truth.count})`);
  }
  // The example button asks the same question over the whole store.
  before = await asked(page);
  await page.click('#q-ex-1');
  const e1 = await flightsAnswer(page, before);
  const ops = await page.evaluate(() => [document.getElementById('q-operator').value, document.getElementById('q-arr-country').value]);
  const whole = await api(page, `api/v1/flights?operator=DQX&arrival_country=VE&from=${inputMs(spanIn[0])}&to=${inputMs(spanIn[1])}`);
  check(e1 && ops.join() === 'DQX,VE' && e1.n === whole.count, `1. the example fills DQX, VE and the store's span: "${e1 && e1.shown}" (API ${whole.count})`);
  await shot(page, 'q1-example.png');

  // 2. Where did the cargo 747 DQC401 fly from Caracas? SVMI → SGES and back.
  before = await asked(page);
  await page.click('#q-ex-2');
  const a2 = await flightsAnswer(page, before);
  if (check(a2 !== null, '2. the example "DQC401" answers')) {
    const truth = await api(page, `api/v1/flights?callsign=DQC401&from=${inputMs(a2.window.from)}&to=${inputMs(a2.window.to)}`);
    const legs = a2.rows.map((r) => `${r.from}→${r.to}`);
    check(a2.n === truth.count && truth.count >= 2 && legs.includes('SVMI→SGES') && legs.includes('SGES→SVMI'),
      `2. DQC401 flew SVMI → SGES and back (${a2.rows.map((r) => r.text.split(' · ')[0]).join(', ')}; API ${truth.count})`);
    check(a2.rows.some((r) => /Ciudad del Este|Guarani/i.test(r.text)) && a2.rows.some((r) => /Caracas|Maiquet|Sim[oó]n Bol[ií]var/i.test(r.text)),
      '2. the rows name the airports (Caracas, Ciudad del Este)');
    const out = page.locator('#q-list li[data-from="SVMI"][data-to="SGES"]').first();
    const f = await followFlight(page, out, '2. DQC401 SVMI → SGES');
    if (f) {
      const near = (m, lat, lon) => Math.abs(m.lat - lat) < 0.5 && Math.abs(m.lon - lon) < 0.5;
      check(f.marks.some((m) => /SVMI/.test(m.label) && near(m, 10.60, -66.99)) && f.marks.some((m) => /SGES/.test(m.label) && near(m, -25.45, -54.84)),
        '2. its ends are marked at Caracas (SVMI) and Ciudad del Este (SGES)');
    }
    await shot(page, 'q2-dqc401.png');
  }

  // 3. Which tankers went dark at sea, and whom did they meet?
  const kinds = 'ais_gap,identity_change,encounter';
  await page.click('#q-ex-3');
  const truth3 = await api(page, `api/v1/events?kind=${kinds}`);
  const nameOf = async (m) => (await api(page, `api/v1/entity/vessel/${m}`)).name;
  const want = [];
  for (const e of truth3.events.filter((x) => x.event === 'ais_gap')) want.push(new RegExp(`dark gap · ${await nameOf(e.mmsi)} \\(MMSI ${e.mmsi}\\) dark`));
  for (const e of truth3.events.filter((x) => x.event === 'encounter')) {
    const [a, b] = await Promise.all(e.mmsi.map(nameOf));
    want.push(new RegExp(`meeting at sea · ${a} \\(MMSI \\d+\\) \\+ ${b} \\(MMSI \\d+\\)`));
  }
  const rows3 = await poll(page, (res) => {
    const li = [...document.querySelectorAll('#ev-list li')].map((x) => x.textContent);
    return li.length && res.every((r) => li.some((t) => new RegExp(r).test(t))) ? li : null;
  }, want.map((r) => r.source), 15000);
  const listed = await page.evaluate(() => [...document.querySelectorAll('#ev-list li')].map((x) => x.dataset.kind));
  check(listed.length === truth3.count && listed.every((k) => kinds.split(',').includes(k)),
    `3. the example lists the gaps, identity changes and encounters (${listed.length}, the API ${truth3.count})`);
  check(rows3 !== null, `3. the rows name the vessels as the store does (${want.map((r) => r.source).join(' | ')})`);
  const text3 = (rows3 || []).join('\n');
  check(/DEMO BOREALIS \(MMSI \d+\) dark 16(\.0)? h/.test(text3), '3. DEMO BOREALIS went dark 16 h');
  check(/DEMO DRACO \(MMSI \d+\) dark [\d.]+ h · back as DEMO DRAKE/.test(text3), '3. DEMO DRACO went dark and came back as DEMO DRAKE');
  check(/meeting at sea · (DEMO CASSIOPEIA \(MMSI \d+\) \+ DEMO CALYPSO|DEMO CALYPSO \(MMSI \d+\) \+ DEMO CASSIOPEIA)/.test(text3), '3. DEMO CALYPSO met DEMO CASSIOPEIA');
  console.log('# ' + (rows3 || []).join('\n# '));
  await shot(page, 'q3-dark-and-meetings.png');

  // The event list's flight and port call rows say where without a click.
  await page.selectOption('#ev-kind', 'flight');
  const fl = await poll(page, () => {
    const li = [...document.querySelectorAll('#ev-list li')];
    return li.length && li.every((x) => x.dataset.kind === 'flight') ? li.map((x) => x.textContent) : null;
  }, null, 10000) || [];
  const fTruth = await api(page, 'api/v1/events?kind=flight&limit=300');
  const fe = fTruth.events[0] || {};
  // Watchlisted aircraft's flights first, then the newest a page at a time.
  const feRow = fl.find((t) => t.startsWith(`flight · ${fe.callsign || String(fe.icao).toUpperCase()} ${fe.departure_airport || '?'}`) &&
    t.includes(`→ ${fe.arrival_airport || '?'}`));
  check(fl.length >= Math.min(200, fTruth.events.length) && feRow !== undefined,
    `flight rows show callsign from → to (${fl.length} listed; the newest: ${feRow})`);
  await page.selectOption('#ev-kind', 'port_call');
  const pc = await poll(page, () => {
    const li = [...document.querySelectorAll('#ev-list li')];
    return li.length && li.every((x) => x.dataset.kind === 'port_call') ? li.map((x) => x.textContent) : null;
  }, null, 10000) || [];
  const pe = (await api(page, 'api/v1/events?kind=port_call&limit=1')).events[0] || {};
  const peRow = pc.find((t) => t.replace(/^OPEN /, '').startsWith(`port call · ${pe.name ? pe.name + ' (MMSI ' + pe.mmsi + ') at ' : ''}`) &&
    t.toUpperCase().includes(String(pe.port).toUpperCase()));
  check(pc.length >= 1 && typeof pe.port === 'string' && peRow !== undefined, `port call rows show the port (${peRow})`);
  // All kinds: the triaged list (alerts, every ranked event, the first page
  // of routine ones), drawn quickly (desk.test.mjs checks its order).
  const triage = await api(page, 'api/v1/triage');
  const routine = new Set(['flight', 'port_call', 'geofence_enter', 'geofence_exit', 'geofence_dwell']);
  const ranked = triage.kinds.filter((k) => !routine.has(k.kind) && k.kind !== 'watchlist_sighting').reduce((s, k) => s + k.count, 0);
  const t0 = Date.now();
  await page.selectOption('#ev-kind', '');
  const nAll = await poll(page, (n) => {
    const li = document.querySelectorAll('#ev-list li.ev');
    return li.length > n && new Set([...li].map((x) => x.dataset.kind)).size > 1 && li.length;
  }, ranked + 100, 10000);
  const ms = Date.now() - t0;
  check(nAll > ranked + 100 && ms < 4000, `all kinds: ${nAll} rows listed (the ${ranked} ranked events and a page of routine ones) in ${ms} ms`);
  await shot(page, 'event-rows.png');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const foreign = [], errors = [], bad = [];
  page.on('request', (r) => { if (!r.url().startsWith(url + '/') && !r.url().startsWith('blob:' + url)) foreign.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) bad.push(`${r.status()} ${r.url().slice(url.length)}`); });
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) console.log('# navigated to ' + f.url()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  const resp = await page.goto(url + '/', { waitUntil: 'load' });
  check(resp && resp.status() === 200, 'the page loads from atalaya serve');
  const mode = await poll(page, () => document.body.dataset.ready && window.atalaya.mode(), null, 15000);
  check(mode === 'store', `the page knows it is served from a store (${mode})`);
  check(await page.locator('#timeline').isVisible(), 'the time slider is shown');

  // ---- the picture at the latest time
  const counts = await poll(page, () => {
    const s = document.getElementById('status').dataset;
    return +s.vessels >= 20 ? { air: +s.aircraft, sea: +s.vessels } : null;
  }, null, 20000);
  check(counts !== null, `targets arrive from /api/v1/entities (${JSON.stringify(counts)})`);
  await page.waitForTimeout(800);
  const onScreen = await page.evaluate(() => window.atalaya.onScreen());
  check(onScreen.length >= 20, `targets are on the map in view (${onScreen.length})`);
  const watched = await page.evaluate(() => window.atalaya.shown().filter((t) => t.watch).map((t) => t.id));
  check(watched.length >= 1, `watchlisted targets in the picture (${watched.join(', ')})`);
  // A watched target not hidden under a panel.
  const clear = await page.evaluate((pts) => pts.filter((p) => {
    const e = document.elementFromPoint(p.x, p.y);
    return e && document.getElementById('map').contains(e);
  }).map((p) => p.id), onScreen.filter((t) => watched.includes(t.id)));
  const ringAt = onScreen.find((t) => clear.includes(t.id));
  const magenta = ringAt ? await pixels(page, ringAt.x, ringAt.y, [0xff, 0x3d, 0xff]) : 0;
  check(magenta > 0, `a watchlisted target is drawn with its ring (${ringAt && ringAt.id}: ${magenta} pixels)`);
  await shot(page, 'store-map.png');

  // ---- click a target: its dossier and its trail
  if (ringAt) {
    await page.mouse.click(ringAt.x, ringAt.y);
    const opened = await poll(page, (id) => document.getElementById('panel').dataset.dossier === id, ringAt.id, 10000);
    const got = await page.evaluate(() => document.getElementById('panel').dataset.target);
    check(opened, `clicking a watchlisted target on the map opens its dossier (${ringAt.id}; opened ${got})`);
    const trail = await poll(page, () => window.atalaya.trail().length > 1 && window.atalaya.trail().length, null, 10000);
    check(trail > 1, `its trail of the last hours is drawn (${trail} points from /api/v1/track)`);
    await shot(page, 'store-click-dossier.png');
  }

  // ---- search a watched tanker by name, its dossier, its dark gap
  check(await searchOpen(page, 'borealis', BOREALIS), 'searching "borealis" opens the dossier of DEMO BOREALIS');
  const title = await page.locator('#panel-title').textContent();
  check(/DEMO BOREALIS/.test(title) && /613990102/.test(title), `the dossier is titled with name and MMSI ("${title}")`);
  const watch = await page.locator('#d-watch').innerText().catch(() => '');
  check(/DEMO BOREALIS/.test(watch) && /program DEMO/.test(watch) && /list demo/i.test(watch),
    `the dossier shows its watchlist entry with list and program (${watch.replace(/\s+/g, ' ').slice(0, 90)})`);
  const idents = await page.locator('#d-identities').innerText().catch(() => '');
  check(/name\s+DEMO BOREALIS/.test(idents) && /imo\s+1009027/i.test(idents),
    'the dossier lists its identities (name, IMO) with their times');
  const evB = await dossierEvents(page);
  const gapRow = evB.find((e) => e.kind === 'ais_gap');
  check(gapRow && /\b16(\.0)? h\b/.test(gapRow.text), `its dark gap is listed, 16 h (${gapRow ? gapRow.text : evB.map((e) => e.kind).join(', ')})`);
  await shot(page, 'dossier-borealis.png');
  const gap = page.locator('#d-events li[data-kind="ais_gap"]').first();
  if (await gap.count()) {
    await followEvent(page, gap, 'the dark gap of DEMO BOREALIS');
    await shot(page, 'event-gap.png');
  }

  // ---- a watched tanker's meeting at sea
  check(await searchOpen(page, 'DEMO CALYPSO', CALYPSO), 'searching "DEMO CALYPSO" opens its dossier');
  const evC = await dossierEvents(page);
  check(evC.some((e) => e.kind === 'encounter'), `its meeting at sea is listed (${evC.map((e) => e.kind).join(', ')})`);
  const meet = page.locator('#d-events li[data-kind="encounter"]').first();
  if (await meet.count()) {
    await followEvent(page, meet, 'the meeting of DEMO CALYPSO');
    const ringed = await page.evaluate(() => [...window.atalaya.layer.focus]);
    check(ringed.length >= 2, `both vessels of the meeting are ringed (${ringed.join(', ')})`);
    await shot(page, 'event-encounter.png');
  }

  // Its port call (Willemstad, from the demo's port polygons): listed, and
  // a click shows the stay on the map.
  const call = page.locator('#d-portcalls li').first();
  check(await call.count() === 1 && /WILLEMSTAD/i.test(await call.textContent()),
    `its port calls are listed (${await call.textContent().catch(() => 'none')})`);
  if (await call.count()) {
    const seq = await page.evaluate(() => (window.atalaya.focus() || { seq: 0 }).seq);
    await call.click();
    const f = await poll(page, (s0) => { const f = window.atalaya.focus(); return f && f.seq > s0 && f; }, seq, 10000);
    await page.waitForTimeout(600);
    const inside = f && await page.evaluate(([lat, lon]) => window.atalaya.map.getBounds().contains([lat, lon]), [f.lat, f.lon]);
    check(f && Math.abs(f.lat - 12.1) < 0.2 && Math.abs(f.lon + 68.94) < 0.2 && inside,
      `clicking the port call shows it on the map (${f && f.lat.toFixed(3)}, ${f && f.lon.toFixed(3)})`);
    await shot(page, 'port-call.png');
  }

  // ---- an aircraft of the demo airline: its dossier
  check(await searchOpen(page, 'DQX711', 'af1d001'), 'searching the callsign "DQX711" opens the aircraft\'s dossier');
  const awatch = await page.locator('#d-watch').innerText().catch(() => '');
  check(/DEMO QX 1/.test(awatch) && /DEMO QX AIRLINES/.test(awatch),
    `the aircraft's dossier shows its watchlist entries, by address and operator (${awatch.replace(/\s+/g, ' ').slice(0, 100)})`);
  const flights = await page.evaluate(() => [...document.querySelectorAll('#d-flights li')].map((li) => li.textContent));
  check(flights.length >= 1 && flights.some((f) => /DQX711 .*(OSDI|OIIE|SVMI).*→.*(OSDI|OIIE|SVMI)/.test(f)),
    `its recent flights are listed (${flights.length}: ${flights[0]})`);
  await shot(page, 'dossier-aircraft.png');
  const flight = page.locator('#d-flights li').first();
  if (await flight.count()) {
    await followEvent(page, flight, 'its latest flight');
    const line = await page.evaluate(() => (window.atalaya.focus().track || { features: [] }).features.length);
    check(line >= 1, `the flight's track is drawn (${line} line)`);
    await shot(page, 'flight.png');
  }

  // ---- the alert and event list: kind filter, click
  await page.selectOption('#ev-kind', 'ais_gap');
  const gaps = await poll(page, () => {
    const li = [...document.querySelectorAll('#ev-list li')].map((x) => x.dataset.kind);
    return li.length && li.every((k) => k === 'ais_gap') ? li : null;
  }, null, 10000) || [];
  check(gaps.length >= 2 && gaps.every((k) => k === 'ais_gap'), `the event list filtered to ais_gap (${gaps.length} listed)`);
  const marks = await page.locator('#t-marks i').count();
  check(marks === gaps.length, `the slider marks each listed event in time (${marks} marks)`);
  const first = page.locator('#ev-list li').first();
  if (await first.count()) await followEvent(page, first, 'the first gap of the event list');
  const gapEnd = await page.evaluate(() => window.atalaya.focus().item.t1);
  const movedTo = await poll(page, (t) => Math.abs(window.atalaya.time() - t) <= 1000, gapEnd, 10000);
  check(movedTo, `the picture moves to the end of the event (${new Date(gapEnd).toISOString()})`);
  await shot(page, 'event-list.png');
  await page.selectOption('#ev-kind', 'alerts');
  const alerts = await poll(page, () => {
    const li = [...document.querySelectorAll('#ev-list li')];
    return li.length && li.every((x) => x.dataset.what === 'alert') ? li.map((x) => x.textContent) : null;
  }, null, 10000) || [];
  check(alerts.length >= 3 && alerts.some((t) => /watchlist sighting.*listed as DEMO BOREALIS/.test(t)),
    `"alerts only" lists the watchlist sightings with the entry matched (${alerts.length}: ${alerts[0]})`);
  await page.selectOption('#ev-kind', '');

  // ---- the time slider replays history
  for (const close of ['#panel-close', '#evidence-close']) {
    if (await page.locator(close).isVisible()) await page.locator(close).click();
  }
  const span = await page.evaluate(() => ({ from: +document.getElementById('t-range').min, to: +document.getElementById('t-range').max }));
  check(span.to > span.from + 24 * 3600e3, `the slider spans the store's time (${new Date(span.from).toISOString()} – ${new Date(span.to).toISOString()})`);
  const picture = () => page.evaluate(() => ({
    time: window.atalaya.time(),
    ids: window.atalaya.targets().map((t) => `${t.id}@${t.lat.toFixed(3)},${t.lon.toFixed(3)}`),
    newest: Math.max(...window.atalaya.targets().map((t) => t.d.t || 0)),
  }));
  const before = await picture();
  const at = Math.round(span.from + (span.to - span.from) * 0.45);
  // What a user's drag does: the value changes and `input` fires.
  await page.evaluate((v) => {
    const r = document.getElementById('t-range');
    r.value = v;
    r.dispatchEvent(new Event('input', { bubbles: true }));
  }, at);
  const moved = await poll(page, (v) => Math.abs(window.atalaya.time() - v) <= 1000, at, 10000);
  check(moved, `scrubbing asks for the picture at that time (${new Date(at).toISOString()})`);
  await page.waitForTimeout(500);
  const then = await picture();
  const same = then.ids.filter((x) => before.ids.includes(x)).length;
  check(then.ids.length > 0 && same < then.ids.length,
    `the picture changes (${then.ids.length} targets, ${same} unchanged of ${before.ids.length} before)`);
  check(then.newest <= at + 1000, `no position in it is newer than the slider (${new Date(then.newest).toISOString()})`);
  const label = await page.locator('#t-label').textContent();
  const shownAt = Date.parse((label.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/) || [''])[0].replace(' ', 'T'));
  check(Math.abs(shownAt - at) <= 1500, `the slider shows the time ("${label}")`);
  await shot(page, 'slider.png');
  await page.selectOption('#t-speed', '3600');
  const frames = [];
  const onFrame = (r) => { const m = /entities\?at=(\d+)/.exec(r.url()); if (m) frames.push(+m[1]); };
  page.on('request', onFrame);
  const start = await page.evaluate(() => window.atalaya.time());
  await page.locator('#t-play').click();
  const played = await poll(page, (t0) => window.atalaya.time() > t0 + 60e3 && window.atalaya.time(), start, 10000);
  await page.locator('#t-play').click();
  page.off('request', onFrame);
  check(played > start + 60e3 && frames.length >= 2,
    `play advances the time (${((played - start) / 60e3).toFixed(0)} min at ×3600, ${frames.length} pictures asked for)`);

  // ---- filters
  const nAll = (await page.evaluate(() => window.atalaya.shown().length));
  await page.check('#f-watch');
  const w = await page.evaluate(() => window.atalaya.shown().map((t) => !!t.watch));
  check(w.length >= 1 && w.length < nAll && w.every(Boolean), `"watchlisted only" shows only them (${w.length} of ${nAll})`);
  await page.uncheck('#f-watch');
  await page.selectOption('#f-type', 'tanker');
  const tk = await page.evaluate(() => window.atalaya.shown().map((t) => (t.kind === 'vessel' ? t.d.shiptype : 'air')));
  check(tk.length >= 3 && tk.every((s) => (s >= 80 && s <= 89) || /tank/i.test(String(s))), `ship type "tanker" (${tk.length}: ${[...new Set(tk)].join(',')})`);
  await page.selectOption('#f-type', '');
  await page.uncheck('#f-sea');
  const air = await page.evaluate(() => window.atalaya.shown().filter((t) => t.kind === 'vessel').length);
  check(air === 0, 'unticking "sea" hides the vessels');
  await page.check('#f-sea');
  // Area = view: zoom into the middle of the Caribbean.
  await page.evaluate(() => { window.atalaya.map.setView([13, -66], 8, { animate: false }); });
  await page.check('#f-view');
  const inView = await page.evaluate(() => {
    const b = window.atalaya.map.getBounds(), s = window.atalaya.shown();
    return { n: s.length, all: window.atalaya.targets().length, inside: s.every((t) => b.contains([t.lat, t.lon])) };
  });
  check(inView.inside && inView.n < inView.all, `"area = view" keeps what is in view (${inView.n} of ${inView.all})`);

  // ---- exports of what is shown
  const shown = await page.evaluate(() => window.atalaya.shown().length);
  async function exported(button) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click(button)]);
    return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
  }
  const gj = await exported('#x-geojson');
  let doc = null;
  try { doc = JSON.parse(gj.text); } catch (e) { doc = null; }
  const points = doc ? doc.features.filter((f) => f.geometry.type === 'Point') : [];
  check(doc && doc.type === 'FeatureCollection' && points.length === shown && shown > 0 &&
    points.every((f) => typeof f.geometry.coordinates[0] === 'number' && f.properties.kind),
  `GeoJSON export parses, one point per target shown (${gj.name}: ${points.length} of ${shown})`);
  const csv = await exported('#x-csv');
  const rows = csv.text.trim().split(/\r?\n/);
  check(/^kind,id,mmsi/.test(rows[0]) && rows.length === shown + 1, `CSV export: a header and one row per target (${rows.length - 1})`);
  const kml = await exported('#x-kml');
  check(/^<\?xml/.test(kml.text) && (kml.text.match(/<Placemark>/g) || []).length === shown, 'KML export: one placemark per target');
  await page.uncheck('#f-view');
  await shot(page, 'exports.png');

  // ---- the three questions a newcomer asks, answered by clicking and typing
  await questions(page);

  check(foreign.length === 0, `no request leaves the server (${foreign.slice(0, 3).join(', ')})`);
  check(bad.length === 0, `no request fails (${bad.slice(0, 4).join(', ')})`);
  check(errors.length === 0, `no console or script errors (${errors.slice(0, 3).join(' | ')})`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
