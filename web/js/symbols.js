// symbols.js: how a target looks: colour by kind, an outline pointing along
// its heading (aircraft: track; vessels: true heading, else course over ground).
'use strict';

const AtlSymbols = (() => {
  // ITU-R M.1371 Table 53 ship-type ranges (first digit): 3x fishing/special,
  // 6x passenger, 7x cargo, 8x tanker.
  function vesselColour(v) {
    const t = v.shiptype;
    if (t === 30) return '#ff9800';
    if (t >= 60 && t <= 69) return '#42a5f5';
    if (t >= 70 && t <= 79) return '#4caf50';
    if (t >= 80 && t <= 89) return '#e53935';
    return '#b39ddb';
  }

  function aircraftColour(a) {
    return a.alt_baro === 'ground' ? '#9aa5ad' : '#ffd54a';
  }

  // Heading of the symbol in degrees true, or null to draw a dot. AIS
  // heading 511 means "not available" and is never written by the tracker.
  function heading(t) {
    if (t.kind === 'aircraft') return typeof t.d.track === 'number' ? t.d.track : null;
    if (typeof t.d.heading === 'number') return t.d.heading;
    return typeof t.d.course === 'number' && t.d.speed > 0.5 ? t.d.course : null;
  }

  // Outlines pointing north, in pixels around the target's position.
  const PLANE = [0, -9, 2, -3, 8, 1, 8, 3, 2, 1, 1.5, 6, 4, 8, 4, 9, 0, 8, -4, 9, -4, 8, -1.5, 6, -2, 1, -8, 3,
                 -8, 1, -2, -3];
  const SHIP = [0, -9, 4, -3, 4, 8, -4, 8, -4, -3];

  // One small bitmap per shape, colour, heading (5 degree steps) and
  // selection, drawn once and stamped for every target like it: blitting is
  // what keeps 20,000 targets smooth (a path per target, or one huge path,
  // costs ten to a hundred times more on a software-rendered canvas).
  const SIZE = 24, STEP = 5;
  const sprites = new Map();

  function sprite(t, selected, dpr) {
    const h = heading(t);
    const shape = h === null ? 'dot' : t.kind === 'aircraft' ? 'plane' : 'ship';
    const rot = h === null ? 0 : Math.round(h / STEP) % (360 / STEP);
    const fill = t.kind === 'aircraft' ? aircraftColour(t.d) : vesselColour(t.d);
    const key = `${shape}|${fill}|${rot}|${selected ? 1 : 0}|${dpr}`;
    let c = sprites.get(key);
    if (c) return c;
    c = document.createElement('canvas');
    c.width = c.height = Math.ceil(SIZE * dpr);
    const ctx = c.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, (SIZE / 2) * dpr, (SIZE / 2) * dpr);
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
  // CSS pixels to device pixels; the selected target last, on top.
  function drawAll(ctx, items, selectedId, dpr) {
    let sel = null;
    for (const it of items) {
      if (it.t.id === selectedId) sel = it;
      else ctx.drawImage(sprite(it.t, false, dpr), it.x - SIZE / 2, it.y - SIZE / 2, SIZE, SIZE);
    }
    if (sel) ctx.drawImage(sprite(sel.t, true, dpr), sel.x - SIZE / 2, sel.y - SIZE / 2, SIZE, SIZE);
  }

  return { drawAll, heading, vesselColour, aircraftColour };
})();
