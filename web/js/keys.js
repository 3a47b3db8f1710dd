// keys.js: keyboard shortcuts (as tar1090's), never while typing in a field.
// ? lists them.
export const KEYS = [
  ['/', 'search'], ['t', 'target table'], ['l', 'labels on / off'], ['e', 'event list'], ['q', 'flights questions'],
  ['j / k', 'next / previous event (shows it)'], ['a', 'aircraft on / off'], ['s', 'vessels on / off'],
  ['w', 'watchlisted only'], ['+ / -', 'zoom in / out'], ['Esc', 'close the dossier, the evidence, this help'], ['?', 'this help'],
];

// actions: {search, table, labels, events, questions, next, prev, air, sea, watch, zoomIn, zoomOut, escape}.
export function bind(actions) {
  const help = document.getElementById('keys-help');
  document.getElementById('keys-toggle').addEventListener('click', () => { help.hidden = !help.hidden; });
  document.getElementById('keys-close').addEventListener('click', () => { help.hidden = true; });
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = (e.target && e.target.tagName) || '';
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(tag)) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    const act = {
      '/': actions.search, t: actions.table, l: actions.labels, e: actions.events, q: actions.questions,
      j: actions.next, k: actions.prev, a: actions.air, s: actions.sea, w: actions.watch,
      '+': actions.zoomIn, '=': actions.zoomIn, '-': actions.zoomOut, '?': () => { help.hidden = !help.hidden; },
      Escape: () => { if (!help.hidden) help.hidden = true; else actions.escape(); },
    }[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  });
}
