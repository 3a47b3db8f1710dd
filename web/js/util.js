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
