// What every page shares: the JSON API with the bearer token, the run event
// stream, and small DOM and formatting helpers. Pages read only the public API
// (docs/dashboard.md): everything shown here a script can get too.

const TOKEN_KEY = 'hone.token';

// The token lives in this tab's session storage only: never in a URL, a
// cookie or a log line, and gone when the tab closes.
export function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function forgetToken() { sessionStorage.removeItem(TOKEN_KEY); }

function authHeaders(extra = {}) {
  const t = token();
  return t ? { ...extra, Authorization: `Bearer ${t}` } : extra;
}

let tokenPrompt = null;  // one dialog at a time, however many requests were refused

// Shows the token dialog and resolves once a token was entered.
function askForToken(message) {
  if (tokenPrompt) return tokenPrompt;
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  const error = document.getElementById('token-error');
  error.hidden = !message;
  error.textContent = message || '';
  input.value = '';
  tokenPrompt = new Promise((resolve) => {
    document.getElementById('token-form').onsubmit = () => {
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      tokenPrompt = null;
      document.getElementById('forget-token').hidden = false;
      resolve();
    };
  });
  if (!dialog.open) dialog.showModal();
  return tokenPrompt;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// Calls the API; answers the parsed JSON and the response (for headers such as
// X-Total-Count). A 401 asks for the token and tries again.
export async function call(method, path, body) {
  for (;;) {
    const init = { method, headers: authHeaders(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(path, init);
    if (res.status === 401) {
      await askForToken(token() ? 'That token was refused; try again.' : '');
      continue;
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!res.ok) throw new ApiError(res.status, json);
    return { json, res };
  }
}

// The training-service API wraps answers in {"data": ...}; the job-run API does not.
export async function getData(path) {
  const { json } = await call('GET', path);
  return json && Object.prototype.hasOwnProperty.call(json, 'data') ? json.data : json;
}

export async function send(method, path, body) {
  const { json, res } = await call(method, path, body);
  return { data: json && Object.prototype.hasOwnProperty.call(json, 'data') ? json.data : json, res };
}

export function totalOf(res, fallback) {
  const n = Number(res.headers.get('X-Total-Count'));
  return Number.isFinite(n) && res.headers.has('X-Total-Count') ? n : fallback;
}

// A run's Server-Sent Events, read with fetch() so the Authorization header
// goes along (EventSource cannot send headers). Calls onEvent(type, data, id)
// per event and reconnects after the last id until the run ends or `signal` aborts.
export async function streamRunEvents(runId, onEvent, signal) {
  let after = 0;
  let ended = false;
  while (!ended && !signal.aborted) {
    const res = await fetch(`/api/training/runs/${encodeURIComponent(runId)}/events?after=${after}`,
                            { headers: authHeaders(), signal });
    if (res.status === 401) { await askForToken('That token was refused; try again.'); continue; }
    if (!res.ok || !res.body) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = parseFrame(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (!frame) continue;
        after = frame.id;
        if (frame.type === 'end') ended = true;
        onEvent(frame.type, frame.data, frame.id);
      }
    }
    // The server closes the stream when the run ends; anything else: reconnect.
    if (!ended) ended = await runFinished(runId);
  }
}

async function runFinished(runId) {
  try {
    const run = await getData(`/api/training/runs/${encodeURIComponent(runId)}`);
    return ['completed', 'failed', 'cancelled'].includes(run.status);
  } catch {
    return true;
  }
}

function parseFrame(text) {
  let id = 0, type = 'message', data = '';
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) continue;  // keep-alive comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = Number(value);
    else if (field === 'event') type = value;
    else if (field === 'data') data += value;
  }
  if (!data) return null;
  try { return { id, type, data: JSON.parse(data) }; } catch { return null; }
}

// h('a', {href: '#'}, 'text', child...): an element; text is always set as
// text, never parsed as HTML, so names from the registry cannot inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function badge(text) { return h('span', { class: `badge ${text}` }, text); }

export function fmtNumber(v) {
  if (typeof v !== 'number') return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}

export function fmtTime(unixSeconds) {
  if (!unixSeconds) return '';
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

export function fmtDuration(seconds) {
  if (!(seconds > 0)) return '';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

// A table: columns [{title, value(row) -> text or Node, num}], rows.
export function table(columns, rows, rowAttrs) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {},
      columns.map((c) => h('td', { class: c.num ? 'num' : '' }, c.value(r)))))));
}

// A key/value list of an object's scalar fields.
export function kv(obj) {
  return h('dl', { class: 'kv' }, Object.entries(obj || {}).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, fmtNumber(v))]));
}

// "1-50 of 1000" with previous and next; onPage(offset) loads another page.
export function pager(offset, limit, shown, total, onPage) {
  const end = offset + shown;
  const more = total === undefined ? shown === limit : end < total;
  return h('div', { class: 'pager' },
    h('button', { class: 'secondary', disabled: offset === 0, onclick: () => onPage(Math.max(0, offset - limit)) }, 'Previous'),
    h('span', { class: 'muted' }, shown ? `${offset + 1}–${end}${total === undefined ? '' : ` of ${total}`}` : 'nothing here'),
    h('button', { class: 'secondary', disabled: !more, onclick: () => onPage(offset + limit) }, 'Next'));
}

export function showBanner(text) {
  const b = document.getElementById('banner');
  b.textContent = text;
  b.hidden = !text;
}

// The message of a failed call, as the API's error shape states it.
export function errorText(e) {
  if (e instanceof ApiError && e.body) return `${e.body.message || e.message}${e.body.hint ? ` (${e.body.hint})` : ''}`;
  return e && e.message ? e.message : String(e);
}
