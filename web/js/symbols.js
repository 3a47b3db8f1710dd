// symbols.js: how a target looks: colour by kind, an outline pointing along
// its heading (aircraft: track; vessels: true heading, else course over
// ground), a magenta ring when it is on a watchlist, a cyan one when an
// event or search result points at it, a white outline when selected.

// ITU-R M.1371 Table 53 ship-type ranges (first digit): 3x fishing/special,
// 6x passenger, 7x cargo, 8x tanker.
export function shipClass(v) {
  const t = v.shiptype;
  if (typeof t === 'string') return /tank/i.test(t) ? 'tanker' : /cargo/i.test(t) ? 'cargo'
    : /pass/i.test(t) ? 'passenger' : /fish/i.test(t) ? 'fishing' : 'other';
  if (t === 30) return 'fishing';
  if (t >= 60 && t <= 69) return 'passenger';
  if (t >= 70 && t <= 79) return 'cargo';
  if (t >= 80 && t <= 89) return 'tanker';
  return 'other';
}

const SHIP_COLOUR = { fishing: '#ff9800', passenger: '#42a5f5', cargo: '#4caf50', tanker: '#e53935', other: '#b39ddb' };
export const WATCH_COLOUR = '#ff3dff';
export const FOCUS_COLOUR = '#00e5ff';

export function vesselColour(v) {
  return SHIP_COLOUR[shipClass(v)];
}

export function aircraftColour(a) {
  return a.alt_baro === 'ground' || a.alt === 'ground' || a.on_ground === true ? '#9aa5ad' : '#ffd54a';
}

// Heading of the symbol in degrees true, or null to draw a dot. AIS
// heading 511 means "not available" and is never written by the tracker.
// Live aircraft carry `track`, store entities `course`.
export function heading(t) {
  const d = t.d;
  if (t.kind === 'aircraft') {
    if (typeof d.track === 'number') return d.track;
    return typeof d.course === 'number' ? d.course : null;
  }
  if (typeof d.heading === 'number') return d.heading;
  return typeof d.course === 'number' && d.speed > 0.5 ? d.course : null;
}

// Outlines pointing north, in pixels around the target's position.
const PLANE = [0, -9, 2, -3, 8, 1, 8, 3, 2, 1, 1.5, 6, 4, 8, 4, 9, 0, 8, -4, 9, -4, 8, -1.5, 6, -2, 1, -8, 3,
               -8, 1, -2, -3];
const SHIP = [0, -9, 4, -3, 4, 8, -4, 8, -4, -3];

// One small bitmap per shape, colour, heading (5 degree steps), ring and
// selection, drawn once and stamped for every target like it: blitting is
// what keeps 20,000 targets smooth (a path per target, or one huge path,
// costs ten to a hundred times more on a software-rendered canvas).
// Plain sprites are 24 px; a ring needs 30 (fewer pixels to blit for the
// many plain ones).
const SIZE = 24, RING_SIZE = 30, STEP = 5;
const sprites = new Map();

function sprite(t, selected, ring, dpr) {
  const h = heading(t);
  const shape = h === null ? 'dot' : t.kind === 'aircraft' ? 'plane' : 'ship';
  const rot = h === null ? 0 : Math.round(h / STEP) % (360 / STEP);
  const fill = t.kind === 'aircraft' ? aircraftColour(t.d) : vesselColour(t.d);
  const key = `${shape}|${fill}|${rot}|${selected ? 1 : 0}|${ring}|${dpr}`;
  let c = sprites.get(key);
  if (c) return c;
  const size = ring ? RING_SIZE : SIZE;
  c = document.createElement('canvas');
  c.width = c.height = Math.ceil(size * dpr);
  c.size = size;
  const ctx = c.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, (size / 2) * dpr, (size / 2) * dpr);
  if (ring) {
    ctx.beginPath();
    ctx.arc(0, 0, 12, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = ring;
    ctx.stroke();
  }
  ctx.beginPath();
  if (shape === 'dot') {
    ctx.arc(0, 0, 4, 0, 2 * Math.PI);
  } else {
    const v = shape === 'plane' ? PLANE : SHIP;
    ctx.rotate((rot * STEP * Math.PI) / 180);
    ctx.moveTo(v[0], v[1]);
    for (let i = 2; i < v.length; i += 2) ctx.lineTo(v[i], v[i + 1]);
    ctx.closePath();
  }
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = selected ? 2 : 1;
  ctx.strokeStyle = selected ? '#ffffff' : 'rgba(0,0,0,0.7)';
  ctx.stroke();
  sprites.set(key, c);
  return c;
}

// Draws items ({t, x, y}, container pixels) on ctx, whose transform maps
// CSS pixels to device pixels: plain targets first, then the ringed ones
// (watchlisted, focused), the selected one last, on top.
export function drawAll(ctx, items, selectedId, focusIds, dpr) {
  let sel = null;
  const ringed = [];
  const stamp = (c, it) => ctx.drawImage(c, it.x - c.size / 2, it.y - c.size / 2, c.size, c.size);
  for (const it of items) {
    if (it.t.id === selectedId) sel = it;
    else if (it.t.watch || focusIds.has(it.t.id)) ringed.push(it);
    else stamp(sprite(it.t, false, '', dpr), it);
  }
  const ring = (t) => (focusIds.has(t.id) ? FOCUS_COLOUR : t.watch ? WATCH_COLOUR : '');
  for (const it of ringed) stamp(sprite(it.t, false, ring(it.t), dpr), it);
  if (sel) stamp(sprite(sel.t, true, ring(sel.t), dpr), sel);
}
