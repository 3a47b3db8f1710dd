// focus.js: "show it on the map": pan to a place (an event, a port call, a
// search hit), mark it with a ring, and optionally draw a track beside it.
// One focus at a time; a new one replaces the last.

let group = null, current = null, seq = 0;

export function init(map) {
  group = L.layerGroup().addTo(map);
  return group;
}

// place: {lat, lon, label, track (GeoJSON, optional), ids (target ids to ring),
// marks (optional: [{lat, lon, label}], places beside it such as a flight's
// airports, labelled and kept in the fitted view)}.
export function show(map, layer, place) {
  group.clearLayers();
  current = { ...place, seq: ++seq };
  layer.focus = new Set(place.ids || []);
  layer.redraw();
  let bounds = null;
  if (place.track) {
    const line = L.geoJSON(place.track, { interactive: false, style: { color: '#00e5ff', weight: 2, opacity: 0.9 } });
    group.addLayer(line);
    const b = line.getBounds();
    if (b.isValid()) bounds = b;
  }
  if (typeof place.lat === 'number' && typeof place.lon === 'number') {
    const m = L.circleMarker([place.lat, place.lon], {
      radius: 16, color: '#00e5ff', weight: 3, fill: false, interactive: false, className: 'atl-focus',
    });
    if (place.label) m.bindTooltip(place.label, { permanent: true, direction: 'auto', className: 'atl-focus-label' });
    group.addLayer(m);
    if (bounds) bounds.extend([place.lat, place.lon]);
  }
  for (const p of place.marks || []) {
    const m = L.circleMarker([p.lat, p.lon], {
      radius: 6, color: '#ffd54a', weight: 2, fillColor: '#ffd54a', fillOpacity: 0.5, interactive: false, className: 'atl-mark',
    });
    if (p.label) m.bindTooltip(p.label, { permanent: true, direction: 'left', className: 'atl-airport-label' });
    group.addLayer(m);
    if (bounds) bounds.extend([p.lat, p.lon]);
  }
  if (bounds) {
    const p = clearArea(map);
    map.fitBounds(bounds.pad(0.15), { paddingTopLeft: [p.left, p.top], paddingBottomRight: [p.right, p.bottom], maxZoom: 8 });
  }
  else if (typeof place.lat === 'number') map.setView([place.lat, place.lon], Math.max(map.getZoom(), 7));
}

// The margins of the map the panels cover (the event list on the left, the
// dossier on the right, the bar and the slider), so a fitted track lands in
// the part one can see.
function clearArea(map) {
  const box = map.getContainer().getBoundingClientRect();
  const out = { left: 20, right: 20, top: 20, bottom: 20 };
  const covered = (id) => {
    const e = document.getElementById(id);
    return e && !e.hidden && e.offsetParent !== null ? e.getBoundingClientRect() : null;
  };
  const bar = covered('bar'), list = covered('left') || covered('events'), panel = covered('panel'), slider = covered('timeline');
  const drawer = covered('evidence');
  if (bar) out.top = bar.bottom - box.top + 20;
  if (list && list.height > 80) out.left = list.right - box.left + 20;
  if (panel) out.right = box.right - panel.left + 20;
  if (slider) out.bottom = box.bottom - slider.top + 20;
  if (drawer) out.bottom = Math.max(out.bottom, box.bottom - drawer.top + 20);
  // Never more than half the map on either axis.
  out.left = Math.min(out.left, box.width / 3);
  out.right = Math.min(out.right, box.width / 3);
  out.bottom = Math.min(out.bottom, box.height / 2);
  return out;
}

export function clear(layer) {
  if (group) group.clearLayers();
  current = null;
  layer.focus = new Set();
  layer.redraw();
}

export function get() {
  return current;
}
