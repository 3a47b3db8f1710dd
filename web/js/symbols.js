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

  const plane = new Path2D('M0,-9 L2,-3 L8,1 L8,3 L2,1 L1.5,6 L4,8 L4,9 L0,8 L-4,9 L-4,8 L-1.5,6 L-2,1 L-8,3 L-8,1 L-2,-3 Z');
  const ship = new Path2D('M0,-9 L4,-3 L4,8 L-4,8 L-4,-3 Z');

  function draw(ctx, t, x, y, selected) {
    const h = heading(t);
    ctx.save();
    ctx.translate(x, y);
    ctx.fillStyle = t.kind === 'aircraft' ? aircraftColour(t.d) : vesselColour(t.d);
    ctx.strokeStyle = selected ? '#ffffff' : 'rgba(0,0,0,0.7)';
    ctx.lineWidth = selected ? 2 : 1;
    if (h === null) {
      ctx.beginPath();
      ctx.arc(0, 0, 4, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    } else {
      ctx.rotate((h * Math.PI) / 180);
      ctx.fill(t.kind === 'aircraft' ? plane : ship);
      ctx.stroke(t.kind === 'aircraft' ? plane : ship);
    }
    ctx.restore();
  }

  return { draw, heading, vesselColour, aircraftColour };
})();
