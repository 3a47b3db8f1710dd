// timeline.js: the time slider over the store's span (/api/v1/timespan).
// Scrubbing or playing asks for the picture at that moment
// (/api/v1/entities?at=T); "latest" follows the newest data as ingest adds
// it. Playback advances event time by `speed` times the wall clock; a frame
// is asked for only when the previous one has arrived, so a slow server
// lowers the frame rate instead of queueing requests.
import { iso, debounce } from './util.js';

const TICK_MS = 250;
let bounds = { from: 0, to: 0 }, at = null, playing = false, timer = null, onChange = () => {};
let el = {};

// opts: {span: {from, to}, onChange(at or null for latest) -> Promise}.
export function init(opts) {
  el = {
    bar: document.getElementById('timeline'),
    range: document.getElementById('t-range'),
    play: document.getElementById('t-play'),
    speed: document.getElementById('t-speed'),
    label: document.getElementById('t-label'),
    latest: document.getElementById('t-latest'),
  };
  onChange = opts.onChange;
  setSpan(opts.span);
  el.bar.hidden = false;
  const scrubbed = debounce(() => set(+el.range.value, false), 120);
  el.range.addEventListener('input', () => {
    at = +el.range.value;
    label();
    scrubbed();
  });
  el.play.addEventListener('click', () => (playing ? pause() : play()));
  el.latest.addEventListener('click', () => { pause(); set(null, true); });
}

export function setSpan(s) {
  if (!s || typeof s.from !== 'number' || typeof s.to !== 'number') return;
  bounds = { from: s.from, to: Math.max(s.to, s.from) };
  el.range.min = bounds.from;
  el.range.max = bounds.to;
  el.range.step = 1000;
  if (at === null) el.range.value = bounds.to;
  label();
}

function label() {
  const t = at === null ? bounds.to : at;
  el.label.textContent = (at === null ? 'latest · ' : '') + iso(t);
  el.bar.dataset.at = t;
  el.bar.dataset.follow = at === null ? '1' : '0';
}

// Moves to time t (null: follow the latest) and loads that picture.
export async function set(t, fromButton) {
  at = t === null ? null : Math.min(Math.max(t, bounds.from), bounds.to);
  if (at !== null && at >= bounds.to && fromButton) at = null;
  el.range.value = at === null ? bounds.to : at;
  label();
  await onChange(at);
}

export function get() {
  return at;
}

export function span() {
  return { ...bounds };
}

// The picture time: the slider's, or the span's end when following.
export function time() {
  return at === null ? bounds.to : at;
}

export function play() {
  if (playing) return;
  playing = true;
  el.play.textContent = '❚❚';
  el.play.setAttribute('aria-label', 'pause');
  if (at === null || at >= bounds.to) at = bounds.from;
  let last = performance.now();
  const step = async () => {
    if (!playing) return;
    const now = performance.now();
    const next = (at === null ? bounds.to : at) + (now - last) * +el.speed.value;
    last = now;
    if (next >= bounds.to) {
      await set(bounds.to, false);
      pause();
      return;
    }
    await set(next, false);
    timer = setTimeout(step, TICK_MS);
  };
  step();
}

export function pause() {
  playing = false;
  clearTimeout(timer);
  el.play.textContent = '▶';
  el.play.setAttribute('aria-label', 'play');
}

// Marks the listed events along the slider (items as describe.js makes
// them); a click on one calls onPick(item).
export function marks(items, onPick) {
  const box = document.getElementById('t-marks');
  const len = bounds.to - bounds.from;
  if (!box || len <= 0) return;
  box.replaceChildren(...items.filter((it) => typeof it.t0 === 'number' && it.t0 >= bounds.from && it.t0 <= bounds.to)
    .slice(0, 300).map((it) => {
      const m = document.createElement('i');
      m.className = it.what;
      m.title = it.label;
      m.style.left = (100 * (it.t0 - bounds.from) / len).toFixed(3) + '%';
      m.addEventListener('click', () => onPick(it));
      return m;
    }));
}

export function isPlaying() {
  return playing;
}
