// filters.js: which targets are shown: air and/or sea, watchlisted only,
// only those in the current view, a ship type. Client-side over the picture
// the page has, so the same filters work against both servers.
import { shipClass } from './symbols.js';

export const state = { air: true, sea: true, watch: false, view: false, type: '' };

// The targets passing the filters; bounds (a Leaflet LatLngBounds) is used
// only with the area filter on.
export function apply(targets, bounds) {
  return targets.filter((t) => {
    if (t.kind === 'aircraft' ? !state.air : !state.sea) return false;
    if (state.watch && !t.watch) return false;
    if (state.type && (t.kind !== 'vessel' || shipClass(t.d) !== state.type)) return false;
    if (state.view && bounds && !bounds.contains([t.lat, t.lon])) return false;
    return true;
  });
}

// Binds the filter controls of index.html; onChange() after every change.
export function bind(onChange) {
  const box = (id, key) => {
    const e = document.getElementById(id);
    e.checked = state[key];
    e.addEventListener('change', () => { state[key] = e.checked; onChange(); });
  };
  box('f-air', 'air');
  box('f-sea', 'sea');
  box('f-watch', 'watch');
  box('f-view', 'view');
  const type = document.getElementById('f-type');
  type.addEventListener('change', () => { state.type = type.value; onChange(); });
}
