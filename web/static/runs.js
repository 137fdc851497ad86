// Runs: the table (filter, sort, page, live status) and one run's page (curves
// over rounds or epochs, live over its event stream, logs, hyperparameters,
// result, pause / resume / cancel).
import { badge, errorText, fmtDuration, fmtNumber, fmtTime, getData, h, kv, pager, send, streamRunEvents, table, totalOf, call } from './api.js';
import { chartBox, chartsReady, lineChart } from './charts.js';

const PAGE = 50;
const FINISHED = ['completed', 'failed', 'cancelled'];

export async function runsPage(view, ctx, query) {
  const state = { status: query.get('status') || '', job: query.get('job') || '', sort: query.get('sort') || '', offset: Number(query.get('offset') || 0) };
  const [training, tuning] = await Promise.all([getData('/api/training/jobs'), getData('/api/training/tuning/jobs')]);
  const jobSelect = h('select', { id: 'start-job' },
    h('optgroup', { label: 'training' }, training.map((n) => h('option', { value: n }, n))),
    h('optgroup', { label: 'tuning' }, tuning.map((n) => h('option', { value: n }, n))));
  const startButton = h('button', { id: 'start-run', onclick: async () => {
    startButton.disabled = true;
    try {
      const { data } = await send('POST', `/api/training/jobs/${encodeURIComponent(jobSelect.value)}/start`, {});
      location.hash = `#/runs/${encodeURIComponent(data.run_id || data.id)}`;
    } catch (e) {
      startMessage.textContent = errorText(e);
      startButton.disabled = false;
    }
  } }, 'Start run');
  const startMessage = h('span', { class: 'error' });
  const statusSelect = h('select', { id: 'filter-status', onchange: () => { state.status = statusSelect.value; state.offset = 0; load(); } },
    ['', 'pending', 'running', 'paused', 'completed', 'failed', 'cancelled'].map((s) => h('option', { value: s, selected: s === state.status }, s || 'any status')));
  const jobInput = h('input', { id: 'filter-job', placeholder: 'job name contains', value: state.job,
    oninput: () => { state.job = jobInput.value.trim(); state.offset = 0; load(); } });
  const sortSelect = h('select', { id: 'sort', onchange: () => { state.sort = sortSelect.value; load(); } },
    [['', 'newest first'], ['created_at', 'oldest first'], ['job_id', 'job'], ['status', 'status'], ['-finished_at', 'finished last']]
      .map(([v, t]) => h('option', { value: v, selected: v === state.sort }, t)));
  const body = h('div', {});
  view.append(h('h1', {}, 'Runs'),
    h('div', { class: 'card toolbar' }, h('strong', {}, 'Start'), jobSelect, startButton, startMessage),
    h('div', { class: 'toolbar' }, statusSelect, jobInput, sortSelect), body);

  async function load() {
    const params = new URLSearchParams({ offset: state.offset, limit: PAGE });
    if (state.status) params.set('status', state.status);
    if (state.job) params.set('job', state.job);
    if (state.sort) params.set('sort', state.sort);
    const { json, res } = await call('GET', `/api/training/runs?${params}`);
    const runs = json.data;
    body.replaceChildren(runsTable(runs), pager(state.offset, PAGE, runs.length, totalOf(res, runs.length),
      (offset) => { state.offset = offset; load(); }));
    ctx.ready('runs');
  }
  await load();
  // Live status: the table follows the runs while this page is shown.
  ctx.every(2000, load);
}

function runsTable(runs) {
  return table([
    { title: 'run', value: (r) => h('a', { href: `#/runs/${encodeURIComponent(r.run_id)}` }, r.run_id) },
    { title: 'job', value: (r) => r.job_id },
    { title: 'kind', value: (r) => r.kind },
    { title: 'status', value: (r) => badge(r.status) },
    { title: 'progress', value: (r) => progressBar(r.progress) },
    { title: 'created', value: (r) => fmtTime(r.created_at) },
    { title: 'duration', value: (r) => (r.started_at ? fmtDuration((r.finished_at || Date.now() / 1000) - r.started_at) : '') },
    { title: 'metrics', value: (r) => headline(r.metrics) },
  ], runs);
}

function progressBar(p) {
  const percent = p && typeof p.percent === 'number' ? p.percent : 0;
  return h('div', { class: 'progress', title: `${percent.toFixed(0)} %` }, h('div', { style: `width:${percent}%` }));
}

function headline(metrics) {
  return Object.entries(metrics || {}).filter(([, v]) => typeof v === 'number').slice(0, 3)
    .map(([k, v]) => `${k} ${fmtNumber(v)}`).join(' · ');
}

// Which chart a per-round value belongs on.
function chartOf(name) {
  if (/loss/.test(name)) return 'loss';
  if (/^(lr|learning_rate)$/.test(name)) return 'lr';
  if (/^(epoch_seconds|resource_usage\.)/.test(name)) return 'resources';
  return 'metrics';
}

// {a: 1, resource_usage: {cpu_usage: 3}} -> [['a', 1], ['resource_usage.cpu_usage', 3]]; the
// machine's total memory is a constant, not a curve.
function flatNumbers(obj, prefix = '') {
  return Object.entries(obj || {}).flatMap(([k, v]) => (typeof v === 'number' ? (k === 'memory_total' ? [] : [[prefix + k, v]])
    : v && typeof v === 'object' && !Array.isArray(v) && !prefix ? flatNumbers(v, `${k}.`) : []));
}

export async function runPage(view, ctx, id) {
  const path = `/api/training/runs/${encodeURIComponent(id)}`;
  const [run, rounds] = await Promise.all([getData(path), getData(`${path}/rounds?max_points=2000`), chartsReady()]);
  const header = h('div', { class: 'toolbar' });
  const info = h('div', { class: 'card' });
  const charts = {};
  const grid = h('div', { class: 'grid' });
  const logs = h('pre', { class: 'logs', id: 'run-logs' });
  const result = h('div', {});
  view.append(h('h1', {}, `Run ${id}`), header, info, grid, h('div', { class: 'card' }, h('h2', {}, 'Log'), logs), result);

  const series = { loss: new Map(), metrics: new Map(), lr: new Map(), resources: new Map() };
  for (const row of rounds.rounds) addPoint(series, row.round, row);
  const titles = { loss: 'Loss', metrics: 'Metrics', lr: 'Learning rate', resources: 'Resource usage' };
  const drawn = new Set();
  // Until a round is reported there is nothing to draw: a note stands where the curves will be.
  const waiting = h('div', { class: 'card muted', id: 'curves-waiting' }, 'The curves appear here as soon as the first round is reported.');
  function draw(kind) {
    waiting.remove();
    const { card, el } = chartBox(titles[kind], { id: kind });
    grid.append(card);
    charts[kind] = lineChart(el, [...series[kind].entries()].map(([name, points]) => ({ name, points })),
                             { xName: run.kind === 'tuning' ? 'trial' : 'round', axisPerSeries: kind === 'resources' });
    drawn.add(kind);
  }
  // A chart per kind of value the rounds hold (boosting reports its evaluation
  // metrics, a network its losses): none is drawn empty.
  for (const kind of ['loss', 'metrics', 'lr', 'resources']) if (series[kind].size) draw(kind);
  if (!drawn.size && !FINISHED.includes(run.status)) grid.append(waiting);

  let current = run;
  function renderHeader() {
    const s = current.status;
    const act = (what) => h('button', { id: `run-${what}`, class: what === 'cancel' ? 'danger' : 'secondary',
      disabled: FINISHED.includes(s) || (what === 'pause' && s === 'paused') || (what === 'resume' && s !== 'paused'),
      onclick: async () => { try { current = (await send('POST', `${path}/${what}`, {})).data; renderHeader(); } catch (e) { ctx.banner(errorText(e)); } } },
      what[0].toUpperCase() + what.slice(1));
    header.replaceChildren(badge(s), progressBar(current.progress), h('span', { class: 'muted' }, current.job_id),
      h('span', { class: 'spacer' }), act('pause'), act('resume'), act('cancel'));
    info.replaceChildren(kv({ job: current.job_id, kind: current.kind, created: fmtTime(current.created_at),
      started: fmtTime(current.started_at), finished: fmtTime(current.finished_at), ...(current.error ? { error: current.error } : {}),
      ...(current.kind === 'tuning' ? { study: '' } : {}) }));
    if (current.kind === 'tuning') info.querySelector('dd:last-child').append(h('a', { href: `#/studies/${encodeURIComponent(current.job_id)}` }, 'open the study'));
  }
  renderHeader();
  renderResult(result, run.result);
  await refreshLogs(path, logs);
  ctx.ready('run');

  if (FINISHED.includes(run.status)) return;
  // Live: every progress event adds its round to the curves; the header
  // follows at most four times a second.
  let headerPending = null;
  ctx.stream((signal) => streamRunEvents(id, (type, data) => {
    if (data.progress) current = { ...current, progress: data.progress };
    if (data.status) current = { ...current, status: data.status };
    const round = data.progress && typeof data.progress.current_epoch === 'number' ? data.progress.current_epoch - 1 : null;
    if (type === 'progress' && round !== null && data.progress.stage === 'fitting') {
      const row = { ...(data.metrics || {}), ...(data.progress.training_metrics ? pickUsage(data.progress.training_metrics) : {}) };
      for (const [name, value] of flatNumbers(row)) {
        const kind = chartOf(name);
        if (!drawn.has(kind)) { series[kind].set(name, []); draw(kind); }
        charts[kind].append(name, [round, value]);
      }
    }
    if (!headerPending) headerPending = setTimeout(() => { headerPending = null; renderHeader(); }, 250);
  }, signal).then(async () => {
    current = await getData(path);
    renderHeader();
    renderResult(result, current.result);
    await refreshLogs(path, logs);
  }));
  ctx.every(3000, () => refreshLogs(path, logs));
}

// What a live event carries that the stored rounds also keep.
function pickUsage(tm) {
  const out = {};
  if (typeof tm.epoch_seconds === 'number') out.epoch_seconds = tm.epoch_seconds;
  if (tm.resource_usage) out.resource_usage = tm.resource_usage;
  if (typeof tm.learning_rate === 'number') out.learning_rate = tm.learning_rate;
  return out;
}

function addPoint(series, round, row) {
  for (const [name, value] of flatNumbers(row)) {
    if (name === 'round') continue;
    const kind = chartOf(name);
    if (!series[kind].has(name)) series[kind].set(name, []);
    series[kind].get(name).push([round, value]);
  }
}

async function refreshLogs(path, pre) {
  const lines = await getData(`${path}/logs`);
  const entries = Array.isArray(lines) ? lines : lines.logs || lines.entries || [];
  pre.textContent = entries.map((l) => `${l.timestamp}  ${l.level.padEnd(7)} ${l.message}`).join('\n') || '(no log lines yet)';
  pre.scrollTop = pre.scrollHeight;
}

function renderResult(el, result) {
  if (!result) { el.replaceChildren(); return; }
  const parts = [];
  if (result.hyperparameters) parts.push(h('div', { class: 'card' }, h('h2', {}, 'Hyperparameters'), kv(result.hyperparameters)));
  const metrics = result.metrics || result.best_metrics;
  if (metrics) parts.push(h('div', { class: 'card' }, h('h2', {}, result.metrics ? 'Test metrics' : 'Best trial metrics'), kv(metrics)));
  if (result.registry_key || result.best_model_registry_key) {
    const key = result.registry_key || result.best_model_registry_key;
    parts.push(h('div', { class: 'card' }, h('h2', {}, 'Registered model'), h('a', { href: `#/models/${encodeURIComponent(key)}` }, key)));
  }
  parts.push(h('div', { class: 'card' }, h('h2', {}, 'Result'), h('details', {}, h('summary', {}, 'the whole result document'), h('pre', {}, JSON.stringify(result, null, 2)))));
  el.replaceChildren(h('div', { class: 'grid' }, parts));
}
