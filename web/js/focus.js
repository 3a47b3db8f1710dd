// focus.js: "show it on the map": pan to a place (an event, a port call, a
// search hit), mark it with a ring, and optionally draw a track beside it.
// One focus at a time; a new one replaces the last.

let group = null, current = null, seq = 0;

export function init(map) {
  group = L.layerGroup().addTo(map);
  return group;
}

// place: {lat, lon, label, track (GeoJSON, optional), ids (target ids to ring)}.
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
    if (place.label) m.bindTooltip(place.label, { permanent: true, direction: 'right', className: 'atl-focus-label' });
    group.addLayer(m);
    if (bounds) bounds.extend([place.lat, place.lon]);
  }
  if (bounds) map.fitBounds(bounds.pad(0.3), { maxZoom: 8 });
  else if (typeof place.lat === 'number') map.setView([place.lat, place.lon], Math.max(map.getZoom(), 7));
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
