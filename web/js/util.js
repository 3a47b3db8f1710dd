// util.js: small DOM and time helpers shared by the page's modules.

// el('td', {class: 'x', dataset: {id: 1}}, 'text', child): an element with
// attributes and children; strings become text nodes (never HTML).
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'onclick') {
      // A clickable list entry answers Enter too, when it has the focus.
      e.addEventListener('click', v);
      e.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') v(ev); });
    }
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// Event time (ms since the epoch) as "2026-01-12 10:00:00Z"; '' when absent.
export function iso(ms) {
  if (typeof ms !== 'number' || !isFinite(ms)) return '';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

// A span "from – to" in event time, the second date left out when the same day.
export function span(from, to) {
  const a = iso(from), b = iso(to);
  if (!b) return a ? a + ' –' : '';
  return a + ' – ' + (a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b);
}

export function hours(ms) {
  return (ms / 3600000).toFixed(1) + ' h';
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// A number with thousands separators and at most digits decimals.
export function num(v, digits) {
  if (typeof v !== 'number' || !isFinite(v)) return String(v ?? '');
  return v.toLocaleString('en-US', { maximumFractionDigits: digits ?? 0, minimumFractionDigits: 0 });
}

// A position in words: "13.60° N 66.50° W".
export function latLon(lat, lon) {
  if (typeof lat !== 'number' || typeof lon !== 'number') return '';
  return `${Math.abs(lat).toFixed(2)}° ${lat < 0 ? 'S' : 'N'} ${Math.abs(lon).toFixed(2)}° ${lon < 0 ? 'W' : 'E'}`;
}

// How long before ref (ms) ms was: "3 h ago", "2 d 4 h ago", "in 5 min".
// The reference is the store's latest data with a store, now live.
let reference = null;
export function setReference(ms) { reference = typeof ms === 'number' ? ms : null; }
export function ago(ms, ref) {
  if (typeof ms !== 'number' || !isFinite(ms)) return '';
  const d = (ref ?? reference ?? Date.now()) - ms, a = Math.abs(d);
  const m = Math.round(a / 60000), h = Math.floor(a / 3600000), days = Math.floor(a / 86400000);
  const text = a < 60000 ? 'just now' : m < 60 ? `${m} min` : h < 48 ? `${h} h${h < 10 && m % 60 ? ' ' + (m % 60) + ' min' : ''}`
    : `${days} d ${h % 24} h`;
  return a < 60000 ? text : d >= 0 ? `${text} ago` : `in ${text}`;
}

// An ISO UTC time with its relative age: "2026-01-13 09:30:00Z (14 h ago)".
export function when(ms) {
  return ms === null || ms === undefined ? '' : `${iso(ms)} (${ago(ms)})`;
}
