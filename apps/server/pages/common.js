// biome-ignore-all lint/correctness/noUnusedVariables: inlined into each page's script, which uses them
// The helpers every operator page shares, inlined by the server at the top of each page's
// script (where it says `common.js`). They set text only: no data ever becomes markup.
const token = new URLSearchParams(location.search).get('token');
/** The path, carrying the page's admin token when it has one. */
const withToken = (path) =>
  token ? `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : path;
const $ = (elementId) => document.getElementById(elementId);
/** A value as text: nothing for `undefined` and `null`. */
const text = (value) => (value === undefined || value === null ? '' : String(value));
/** Appends a cell holding a node, or else the value as text, to the row. */
const cell = (row, value, className) => {
  const td = row.insertCell();
  if (className) td.className = className;
  if (value instanceof Node) td.append(value);
  else td.textContent = text(value);
  return td;
};
/** A link to one of the server's paths, with the token. */
const link = (path, label) => {
  const a = document.createElement('a');
  a.href = withToken(path);
  a.textContent = label;
  return a;
};
/** Appends a name and its value to a `<dl>`, the value marked `data-fact="<name>"`. */
const addFact = (list, name, value) => {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dd.dataset.fact = name;
  list.append(dt, dd);
};
/**
 * A call's one string: tenant and id, each URI-encoded, joined by `/` (two tenants may use
 * the same call id); its page is `/calls/<key>`, its API `/api/calls/<key>`.
 */
const callKey = (call) => `${encodeURIComponent(call.tenant)}/${encodeURIComponent(call.id)}`;
/** A call's age, `m:ss`, up to its end. */
const age = (call) => {
  const s = Math.max(
    0,
    Math.round(((call.end ? call.end.at : Date.now()) - call.startedAt) / 1000),
  );
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
/** A call's last events, on one line. */
const lastEvents = (call) =>
  call.lastEvents.map((e) => `${e.event}${e.detail ? ` ${e.detail}` : ''}`).join(' · ');
/** `render`, run once 250 ms after the first of any number of asks: at most four renders a second. */
const batched = (render) => {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    setTimeout(() => {
      queued = false;
      render();
    }, 250);
  };
};
/**
 * Keeps `calls` (call key → listed call) up to date from the event stream's `call` and `gone`
 * events, asking `changed` after each, and says in `status` when the stream drops.
 */
const followCalls = (events, calls, changed, status) => {
  events.addEventListener('call', (e) => {
    const call = JSON.parse(e.data);
    calls.set(callKey(call), call);
    changed();
  });
  events.addEventListener('gone', (e) => {
    calls.delete(callKey(JSON.parse(e.data)));
    changed();
  });
  events.onerror = () => {
    status.textContent = 'disconnected: retrying…';
  };
};
