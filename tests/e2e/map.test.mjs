// map.test.mjs: the live map in a real browser. playwright-core drives
// Debian's chromium (never a downloaded one) against `atalaya run --http` at
// $ATALAYA_URL (started and fed by live_server.py). Checks: the page loads
// with no request leaving the server, the basemap is drawn, targets of both
// kinds appear, clicking one opens its panel with its fields. Screenshots
// go to $ATALAYA_ARTEFACTS. Prints ok/not ok lines.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.ATALAYA_URL;
// Screenshots: never into the source tree by default.
const artefacts = process.env.ATALAYA_ARTEFACTS || '/tmp/atalaya-map';
mkdirSync(artefacts, { recursive: true });
let failed = 0;
// Polls fn in the page until it returns something truthy. page.evaluate goes
// through the DevTools protocol; waitForFunction would eval a string in the
// page, which the page's own CSP (rightly) forbids.
async function poll(page, fn, arg, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await page.evaluate(fn, arg).catch(() => null);
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
  if (!ok) failed++;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const foreign = [], errors = [];
  page.on('request', (r) => { if (!r.url().startsWith(url)) foreign.push(r.url()); });
  page.on('pageerror', (e) => errors.push(e.message));
  // The page asks for the store's /api/v1/timespan (and the live stream) to
  // learn which server it has: the 404 `run` answers there is expected, and
  // Chromium reports it on the console; any other failed load is an error.
  const PROBES = ['/api/v1/timespan', '/api/v1/stream'];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const at = (m.location() && m.location().url) || '';
    if (/status of 404/.test(m.text()) && PROBES.some((p) => at === url + p)) return;
    errors.push(m.text() + (at ? ' @ ' + at : ''));
  });

  const resp = await page.goto(url + '/', { waitUntil: 'load' });
  check(resp && resp.status() === 200, 'the page loads');

  const mode = await poll(page, () => document.body.dataset.ready && window.atalaya.mode(), null, 10000);
  check(mode === 'live', `the page knows it is served by \`run\` (live, no store): ${mode}`);
  check(await page.locator('#timeline').isHidden(), 'no time slider without a store');
  check(await page.locator('#questions').isHidden(), 'no flights questions without a store');
  const streaming = await poll(page, () => window.atalaya.streaming(), null, 5000);
  check(streaming, 'the page subscribes to the live stream (/api/v1/stream) for the picture and alerts');

  // The basemap (js/basemap.js): the world at 1:50m, or the 1:10m tiles in view.
  const basemap = await poll(page, () => document.body.dataset.basemap || null, null, 10000);
  check(!!basemap, `the Natural Earth basemap is drawn (${basemap})`);

  const counts = await poll(page, () => {
    const s = document.getElementById('status').dataset;
    return +s.aircraft >= 1 && +s.vessels >= 4 ? { air: +s.aircraft, sea: +s.vessels } : null;
  }, null, 15000);
  check(counts !== null, `aircraft and vessels arrive from the live JSON (${JSON.stringify(counts)})`);

  await page.waitForTimeout(1500); // fitBounds and a second refresh
  const onScreen = await page.evaluate(() => window.atalaya.onScreen());
  const air = onScreen.filter((t) => t.kind === 'aircraft'), sea = onScreen.filter((t) => t.kind === 'vessel');
  check(air.length >= 1 && sea.length >= 4, `targets are on the map in view (${air.length} aircraft, ${sea.length} vessels)`);

  // Pixels, not just state: the canvas shows each kind's colour where the
  // target is (the tanker at sea, the aircraft over land, above the basemap).
  async function pixels(t, [r0, g0, b0]) {
    return page.evaluate(([x, y, want]) => {
      const c = document.querySelector('canvas.atl-targets'), r = c.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      const shot = document.createElement('canvas');
      shot.width = 9; shot.height = 9;
      // What is on screen there: the basemap canvas, then ours above it.
      const ctx = shot.getContext('2d');
      for (const layer of document.querySelectorAll('.leaflet-pane canvas')) {
        const lr = layer.getBoundingClientRect();
        ctx.drawImage(layer, (x - lr.left) * dpr - 4, (y - lr.top) * dpr - 4, 9, 9, 0, 0, 9, 9);
      }
      const d = ctx.getImageData(0, 0, 9, 9).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4)
        if (Math.abs(d[i] - want[0]) < 40 && Math.abs(d[i + 1] - want[1]) < 40 && Math.abs(d[i + 2] - want[2]) < 40) n++;
      return n;
    }, [t.x, t.y, [r0, g0, b0]]);
  }
  const tanker = sea.find((t) => t.id === 'v227006760');
  const red = tanker ? await pixels(tanker, [0xe5, 0x39, 0x35]) : 0;
  check(red > 0, `the tanker is drawn in the tanker colour where it is (${red} pixels)`);
  const yellow = air.length ? await pixels(air[0], [0xff, 0xd5, 0x4a]) : 0;
  check(yellow > 0, `the aircraft is drawn in the aircraft colour over land (${yellow} pixels)`);
  await page.screenshot({ path: join(artefacts, 'map.png') });

  const panel = page.locator('#panel');
  check(await panel.isHidden(), 'no panel before a click');
  await page.mouse.click(tanker.x, tanker.y);
  await panel.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  const title = await page.locator('#panel-title').textContent().catch(() => '');
  const fields = await page.locator('#panel-fields').innerText().catch(() => '');
  check(/ATALAYA TANKER/.test(title) && /227006760/.test(title), `clicking the tanker opens its panel ("${title}")`);
  check(/shiptype\s+80/.test(fields) && /destination\s+MARSEILLE/.test(fields), 'the panel lists its fields');
  await page.screenshot({ path: join(artefacts, 'map-vessel-panel.png') });

  const plane = air[0];
  await page.mouse.click(plane.x, plane.y);
  await poll(page, (id) => document.getElementById('panel').dataset.target === id, plane.id, 5000);
  const title2 = await page.locator('#panel-title').textContent().catch(() => '');
  check(/TRA89M/.test(title2), `clicking the aircraft shows its panel ("${title2}")`);
  await page.screenshot({ path: join(artefacts, 'map-aircraft-panel.png') });

  // Search: exact identities first (an MMSI), then a part of a name.
  await page.fill('#search-q', '227006780');
  await page.press('#search-q', 'Enter');
  await poll(page, () => document.getElementById('panel').dataset.target === 'v227006780', null, 5000);
  check(/ATALAYA FERRY/.test(await page.locator('#panel-title').textContent()), 'search by MMSI opens the ferry');
  await page.fill('#search-q', 'fisher');
  await page.press('#search-q', 'Enter');
  await poll(page, () => document.getElementById('panel').dataset.target === 'v227006790', null, 5000);
  check(/ATALAYA FISHER/.test(await page.locator('#panel-title').textContent()), 'search by part of a name');
  await page.fill('#search-q', 'tra89m');
  await page.press('#search-q', 'Enter');
  await poll(page, () => document.getElementById('panel').dataset.target === 'a48520a', null, 5000);
  check(/TRA89M/.test(await page.locator('#panel-title').textContent()), 'search by callsign');
  await page.fill('#search-q', 'NO SUCH SHIP');
  await page.press('#search-q', 'Enter');
  check(await page.locator('#search-q.miss').count() === 1, 'a search with no match is marked');
  await page.screenshot({ path: join(artefacts, 'map-search.png') });

  await page.locator('#panel-close').click();
  check(await panel.isHidden(), 'the panel closes');

  // 20,000 targets (the load) spread over the view: one full redraw
  // must fit well inside a frame budget of a few frames.
  const ms = await page.evaluate(() => {
    const m = window.atalaya.map, b = m.getBounds(), layer = window.atalaya.layer;
    const many = [];
    for (let i = 0; i < 20000; i++) {
      const lat = b.getSouth() + (b.getNorth() - b.getSouth()) * ((i * 7919) % 20000) / 20000;
      const lon = b.getWest() + (b.getEast() - b.getWest()) * ((i * 104729) % 20000) / 20000;
      many.push(i % 2 ? { id: 'a' + i, kind: 'aircraft', lat, lon, d: { hex: 'x', track: i % 360, alt_baro: 1000 } }
                      : { id: 'v' + i, kind: 'vessel', lat, lon, d: { mmsi: i, shiptype: 70 + i % 20, heading: i % 360 } });
    }
    // The best of five: the machine running the tests is shared.
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      layer.setTargets(many);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  });
  console.log(`# 20,000 targets redrawn in ${ms.toFixed(1)} ms`);
  check(ms < 200, `20,000 targets redraw in ${ms.toFixed(1)} ms (< 200; software-rendered)`);

  check(foreign.length === 0, `no request leaves the server (${foreign.slice(0, 3).join(', ')})`);
  check(errors.length === 0, `no script errors (${errors.slice(0, 3).join(' | ')})`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
