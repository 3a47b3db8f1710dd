// stream.js: the server's push channel, /api/v1/stream (server-sent events):
// `snapshot` (run: {time, aircraft, vessels}, the live documents; serve: the
// /api/v1/entities picture at the store's latest time), `event` and `alert`
// (serve: the rows an ingest adds; run: alerts as they happen). A HEAD asks
// first, so a server without a stream is not retried forever by
// EventSource. EventSource reconnects by itself when the server drops a slow
// client.

// handlers: {snapshot(doc), event(e), alert(a)}; resolves to whether the
// stream was opened.
export async function open(handlers) {
  try {
    const r = await fetch('api/v1/stream', { method: 'HEAD', cache: 'no-store' });
    if (!r.ok || !/event-stream/.test(r.headers.get('content-type') || '')) return false;
  } catch (e) {
    return false;
  }
  const es = new EventSource('api/v1/stream');
  for (const [name, fn] of Object.entries(handlers)) {
    es.addEventListener(name, (m) => {
      let doc;
      try {
        doc = JSON.parse(m.data);
      } catch (e) {
        return; // a heartbeat or a comment: nothing to show
      }
      fn(doc);
    });
  }
  return true;
}
