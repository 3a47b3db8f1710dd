// export.js: what is shown (the filtered targets, the selected target's
// trail, the focused track), written in the browser as a GeoJSON, KML or CSV
// download. Nothing is sent anywhere.
import { title } from './picture.js';

const COLUMNS = ['kind', 'id', 'mmsi', 'icao', 'name', 'callsign', 'imo', 'registration', 'flag', 'country',
                 'operator', 'shiptype', 'lat', 'lon', 'alt', 't', 'time', 'speed', 'course', 'watch_list',
                 'watch_program', 'watch_name'];

// The properties of a target, flat, one spelling for both servers.
function props(t) {
  const d = t.d || {};
  const p = {
    kind: t.kind, id: t.id.slice(1),
    mmsi: t.kind === 'vessel' ? d.mmsi : undefined,
    icao: t.kind === 'aircraft' ? t.id.slice(1) : undefined,
    name: d.name, callsign: String(d.callsign || d.flight || '').trim() || undefined,
    imo: d.imo, registration: d.registration || d.r, flag: d.flag, country: d.country, operator: d.operator,
    shiptype: d.shiptype, lat: t.lat, lon: t.lon,
    alt: d.alt !== undefined ? d.alt : d.alt_baro,
    t: typeof d.t === 'number' ? d.t : undefined,
    speed: d.speed !== undefined ? d.speed : d.gs, course: d.course !== undefined ? d.course : d.track,
  };
  if (typeof p.t === 'number') p.time = new Date(p.t).toISOString();
  if (t.watch) Object.assign(p, { watch_list: t.watch.list, watch_program: t.watch.program, watch_name: t.watch.name });
  for (const k of Object.keys(p)) if (p[k] === undefined || p[k] === null) delete p[k];
  return p;
}

// shown: {targets, trail: {id, points: [[lat, lon]...]}|null, at: ms|null}.
export function geojson(shown) {
  const features = shown.targets.map((t) => ({
    type: 'Feature', id: t.id,
    geometry: { type: 'Point', coordinates: [t.lon, t.lat] },
    properties: props(t),
  }));
  if (shown.trail && shown.trail.points.length > 1) {
    features.push({
      type: 'Feature', id: 'trail-' + shown.trail.id,
      geometry: { type: 'LineString', coordinates: shown.trail.points.map(([la, lo]) => [lo, la]) },
      properties: { trail: shown.trail.id },
    });
  }
  return JSON.stringify({ type: 'FeatureCollection', generator: 'atalaya', time: shown.at, features });
}

function xml(s) {
  return String(s).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

export function kml(shown) {
  const marks = shown.targets.map((t) => {
    const data = Object.entries(props(t)).map(([k, v]) => `<Data name="${xml(k)}"><value>${xml(v)}</value></Data>`).join('');
    return `<Placemark><name>${xml(title(t))}</name><ExtendedData>${data}</ExtendedData>` +
      `<Point><coordinates>${t.lon},${t.lat}</coordinates></Point></Placemark>`;
  });
  if (shown.trail && shown.trail.points.length > 1) {
    marks.push(`<Placemark><name>trail ${xml(shown.trail.id)}</name><LineString><coordinates>` +
      shown.trail.points.map(([la, lo]) => `${lo},${la}`).join(' ') + '</coordinates></LineString></Placemark>');
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>' +
    `<name>atalaya</name>${marks.join('\n')}</Document></kml>\n`;
}

function csvCell(v) {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function csv(shown) {
  const rows = [COLUMNS.join(',')];
  for (const t of shown.targets) {
    const p = props(t);
    rows.push(COLUMNS.map((c) => csvCell(p[c])).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

const FORMATS = {
  geojson: { make: geojson, type: 'application/geo+json', ext: 'geojson' },
  kml: { make: kml, type: 'application/vnd.google-earth.kml+xml', ext: 'kml' },
  csv: { make: csv, type: 'text/csv', ext: 'csv' },
};

// Starts a download of shown in format ('geojson', 'kml', 'csv').
export function download(format, shown) {
  const f = FORMATS[format];
  const blob = new Blob([f.make(shown)], { type: f.type });
  const stamp = new Date(shown.at || Date.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `atalaya-${stamp}.${f.ext}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
