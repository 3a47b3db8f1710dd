// hover.js: the card of the target under the pointer: who (name or
// callsign, MMSI / ICAO, type, flag), how it moves (speed in knots, course
// in degrees, altitude in feet), when it last reported (ISO UTC and how
// long before), and the watchlist entry it matches.
import { el, iso, ago, num } from './util.js';
import { shipClass } from './symbols.js';
import { labelOf } from './targets.js';

const card = () => document.getElementById('hover-card');

export function lines(t) {
  const d = t.d || {};
  const air = t.kind === 'aircraft';
  const ground = d.alt_baro === 'ground' || d.on_ground === true || (air && d.alt === 0);
  const speed = d.speed ?? d.gs, course = d.course ?? d.track ?? d.heading, alt = d.alt ?? d.alt_baro;
  const time = typeof d.t === 'number' ? d.t : typeof d.seen === 'number' ? Date.now() - d.seen * 1000 : null;
  return [
    [labelOf(t) || (air ? 'aircraft' : 'vessel'), 'name'],
    [air ? `ICAO ${t.id.slice(1).toUpperCase()}${d.registration || d.r ? ' · reg. ' + (d.registration || d.r) : ''}`
      : `MMSI ${t.id.slice(1)}${d.imo ? ' · IMO ' + d.imo : ''}${d.callsign ? ' · ' + d.callsign : ''}`, 'ids'],
    [air ? (d.type || d.t_type || 'aircraft') + (d.operator ? ' · ' + d.operator : '') : `${d.type || shipClass(d)}${d.flag ? ' · ' + d.flag : ''}`, 'type'],
    [[typeof speed === 'number' && `${num(speed, 1)} kn`, typeof course === 'number' && `${num(course, 0)}°`,
      air && (ground ? 'on the ground' : typeof alt === 'number' && `${num(alt, 0)} ft`)].filter(Boolean).join(' · '), 'motion'],
    [time ? `${iso(time)} (${ago(time)})` : '', 'time'],
    [t.watch ? `watchlist: ${t.watch.name || 'listed'}${t.watch.list ? ' (' + t.watch.list + ')' : ''}` : '', 'watch'],
  ].filter(([text]) => text);
}

// Shows the card for t at container point p (null hides it).
export function show(t, p) {
  const c = card();
  if (!t) { c.hidden = true; delete c.dataset.id; return; }
  if (c.dataset.id !== t.id) {
    c.replaceChildren(...lines(t).map(([text, cls]) => el('div', { class: 'hc-' + cls }, text)));
    c.dataset.id = t.id;
  }
  c.hidden = false;
  const box = c.parentElement.getBoundingClientRect();
  const x = Math.min(p.x + 16, box.width - c.offsetWidth - 8), y = Math.min(p.y + 12, box.height - c.offsetHeight - 8);
  c.style.left = `${x}px`;
  c.style.top = `${y}px`;
}
