// build.mjs: copies the map library from node_modules into vendor/ so the page
// runs offline with no npm at run time (vendor/ is committed; `npm ci && npm
// run build` reproduces it from the locked version).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'node_modules', 'leaflet');
const dst = join(here, 'vendor', 'leaflet');
mkdirSync(dst, { recursive: true });
for (const f of ['dist/leaflet.js', 'dist/leaflet.css', 'LICENSE']) {
  copyFileSync(join(src, f), join(dst, f.replace('dist/', '')));
}
const version = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')).version;
console.log(`vendor/leaflet: leaflet ${version}`);

// The basemap: Natural Earth from world-atlas, airports and ports from ../data.
await import('./basemap.mjs');
