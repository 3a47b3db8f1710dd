// tar1090.test.mjs URL LAT LON: tar1090's own page (a copy served as our web
// root, never vendored) in chromium against atalaya's /data: it must load
// receiver.json (centring on the receiver), poll aircraft.json, list the
// aircraft, and show the ones on the ground as on the ground.
import { chromium } from "playwright-core";

const [url, lat, lon] = process.argv.slice(2);
let fails = 0;
const check = (cond, name, detail = "") => {
  console.log(`${cond ? "ok" : "not ok"} - tar1090: ${name}${cond ? "" : ": " + detail}`);
  if (!cond) fails++;
};
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
  // Loopback only: tar1090 asks map tile servers for a basemap; those
  // requests are refused here, never sent.
  await page.route("**/*", (r) => (new URL(r.request().url()).hostname === "127.0.0.1" ? r.continue() : r.abort()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const fetched = new Set();
  page.on("response", (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith("/data/") && r.status() === 200) fetched.add(p);
  });
  await page.goto(url, { waitUntil: "load", timeout: 30000 });
  // tar1090 keeps its state in a top-level `let g`, not a window property.
  const list = () => (typeof g !== "undefined" && g.planesOrdered) ? g.planesOrdered : [];
  await page.waitForFunction(`(${list})().some((p) => p.altitude === "ground")`, null, { timeout: 30000 })
    .catch(() => {});
  const st = await page.evaluate(() => ({
    planes: (typeof g !== "undefined" && g.planesOrdered) ? g.planesOrdered.length : 0,
    ground: (typeof g !== "undefined" && g.planesOrdered) ? g.planesOrdered.filter((p) => p.altitude === "ground").length : 0,
    withPos: (typeof g !== "undefined" && g.planesOrdered) ? g.planesOrdered.filter((p) => p.position).length : 0,
    siteLat: typeof SiteLat === "undefined" ? null : SiteLat,
    siteLon: typeof SiteLon === "undefined" ? null : SiteLon,
  }));
  check(fetched.has("/data/receiver.json") && fetched.has("/data/aircraft.json"),
    "the page read /data/receiver.json and /data/aircraft.json", [...fetched].join(","));
  check(st.planes > 0 && st.withPos > 0, `aircraft listed (${st.planes}, ${st.withPos} with a position)`, JSON.stringify(st));
  check(st.ground > 0, `aircraft on the ground shown as such (${st.ground})`, JSON.stringify(st));
  check(Math.abs(st.siteLat - Number(lat)) < 1e-6 && Math.abs(st.siteLon - Number(lon)) < 1e-6,
    "the map's site is receiver.json's position", JSON.stringify(st));
  check(errors.length === 0, "no script errors", errors.slice(0, 3).join(" | "));
} finally {
  await browser.close();
}
process.exit(fails ? 1 : 0);
