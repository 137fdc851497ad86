// Models: the registry (filter, page, pick versions to compare), one model's
// page (metrics, hyperparameters, lineage, its versions, stage, deployment,
// a prediction from a form) and versions side by side.
import { badge, errorText, fmtNumber, fmtTime, getData, h, kv, pager, send, table, totalOf } from './api.js';
import { chartBox, chartsReady, groupedBars, lineChart } from './charts.js';

const PAGE = 50;
const STAGES = ['none', 'staging', 'production', 'archived'];
const modelHref = (key) => `#/models/${encodeURIComponent(key)}`;

export async function modelsPage(view, ctx, query) {
  const state = { name: query.get('name') || '', stage: query.get('stage') || '', algorithm: '', offset: 0 };
  const picked = new Set();
  const nameInput = h('input', { id: 'filter-name', placeholder: 'model name (exact)', value: state.name,
    onchange: () => { state.name = nameInput.value.trim(); state.offset = 0; load(); } });
  const algorithmInput = h('input', { id: 'filter-algorithm', placeholder: 'algorithm',
    onchange: () => { state.algorithm = algorithmInput.value.trim(); state.offset = 0; load(); } });
  const stageSelect = h('select', { id: 'filter-stage', onchange: () => { state.stage = stageSelect.value; state.offset = 0; load(); } },
    ['', ...STAGES].map((s) => h('option', { value: s, selected: s === state.stage }, s || 'any stage')));
  const compare = h('button', { id: 'compare', disabled: true, onclick: () => { location.hash = `#/compare/${[...picked].map(encodeURIComponent).join(',')}`; } }, 'Compare selected');
  const message = h('span', { class: 'error' });
  const body = h('div', {});
  view.append(h('h1', {}, 'Models'), h('div', { class: 'toolbar' }, nameInput, algorithmInput, stageSelect, h('span', { class: 'spacer' }), message, compare), body);

  async function load() {
    const search = { offset: state.offset, limit: PAGE };
    for (const k of ['name', 'stage', 'algorithm']) if (state[k]) search[k] = state[k];
    let data, res;
    try {
      ({ data, res } = await send('POST', '/api/training/models/search', search));
      message.textContent = '';
    } catch (e) {
      message.textContent = errorText(e);
      return;
    }
    const pick = (m) => h('input', { type: 'checkbox', checked: picked.has(m.key), onchange: (ev) => {
      if (ev.target.checked) picked.add(m.key); else picked.delete(m.key);
      compare.disabled = picked.size < 2;
    } });
    body.replaceChildren(table([
      { title: '', value: pick },
      { title: 'model', value: (m) => h('a', { href: modelHref(m.key) }, m.name) },
      { title: 'version', value: (m) => `v${m.version}`, num: true },
      { title: 'algorithm', value: (m) => m.algorithm },
      { title: 'stage', value: (m) => badge(m.stage) },
      { title: 'metrics', value: (m) => Object.entries(m.metrics || {}).filter(([, v]) => typeof v === 'number').slice(0, 3).map(([k, v]) => `${k} ${fmtNumber(v)}`).join(' · ') },
      { title: 'training job', value: (m) => (m.metadata && m.metadata.training_job) || '' },
      { title: 'registered', value: (m) => fmtTime(m.created_at) },
    ], data), pager(state.offset, PAGE, data.length, totalOf(res, data.length), (offset) => { state.offset = offset; load(); }));
    ctx.ready('models');
  }
  await load();
}

export async function modelPage(view, ctx, key) {
  const model = await getData(`/api/training/models/${encodeURIComponent(key)}`);
  const [{ data: versions }] = await Promise.all([send('POST', '/api/training/models/search', { name: model.name, limit: 200 }),
    chartsReady()]);
  const meta = model.metadata || {};
  const stageSelect = h('select', { id: 'stage-select' }, STAGES.map((s) => h('option', { value: s, selected: s === model.stage }, s)));
  const stageBadge = h('span', { id: 'stage-badge' }, badge(model.stage));
  const actionMessage = h('span', { class: 'muted', id: 'action-message' });
  const setStage = h('button', { id: 'set-stage', onclick: async () => {
    try {
      const { data } = await send('PUT', `/api/training/models/${encodeURIComponent(key)}`, { stage: stageSelect.value });
      stageBadge.replaceChildren(badge(data.stage));
      actionMessage.textContent = `stage set to ${data.stage}`;
    } catch (e) { actionMessage.textContent = errorText(e); }
  } }, 'Change stage');
  const deploy = h('button', { class: 'secondary', id: 'deploy', disabled: model.framework === 'external', onclick: async () => {
    try {
      await send('POST', `/api/training/deploy/${encodeURIComponent(key)}`, { target: 'local' });
      const fresh = await getData(`/api/training/models/${encodeURIComponent(key)}`);
      stageBadge.replaceChildren(badge(fresh.stage));
      actionMessage.textContent = 'deployed: now the production version';
    } catch (e) { actionMessage.textContent = errorText(e); }
  } }, 'Deploy');

  const lineage = { run: model.run_id, 'training job': meta.training_job, dataset: meta.dataset,
    'data fingerprint': meta.provenance && meta.provenance.dataset && meta.provenance.dataset.fingerprint,
    'job SHA-256': meta.provenance && meta.provenance.job_sha256,
    'parent study': meta.study || meta.study_id, 'created by': model.created_by, registered: fmtTime(model.created_at), sha256: model.sha256 };
  const lineageList = kv(Object.fromEntries(Object.entries(lineage).filter(([, v]) => v)));
  if (model.run_id) {
    const dd = [...lineageList.querySelectorAll('dt')].find((dt) => dt.textContent === 'run');
    if (dd) dd.nextSibling.replaceChildren(h('a', { href: `#/runs/${encodeURIComponent(model.run_id)}` }, model.run_id));
  }
  view.append(
    h('h1', {}, `${model.name} v${model.version}`),
    h('div', { class: 'toolbar' }, stageBadge, h('span', { class: 'muted' }, `${model.algorithm} · ${model.framework} · ${model.task || ''}`),
      h('span', { class: 'spacer' }), stageSelect, setStage, deploy, actionMessage),
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h2', {}, 'Metrics (test)'), kv(model.metrics)),
      h('div', { class: 'card' }, h('h2', {}, 'Validation metrics'), kv(model.validation_metrics)),
      h('div', { class: 'card' }, h('h2', {}, 'Hyperparameters'), kv(model.hyperparameters)),
      h('div', { class: 'card' }, h('h2', {}, 'Lineage'), lineageList)));
  versionsSection(view, model, versions);
  if (Array.isArray(meta.features) && model.framework !== 'external') view.append(predictForm(key, meta.features));
  view.append(h('div', { class: 'card' }, h('h2', {}, 'Registry entry'), h('details', {}, h('summary', {}, 'metadata'), h('pre', {}, JSON.stringify(meta, null, 2)))));
  ctx.ready('model');
}

// Every version of the model's name: a table, and its numeric test metrics by version.
function versionsSection(view, model, versions) {
  const ordered = versions.slice().sort((a, b) => a.version - b.version);
  const metricNames = [...new Set(ordered.flatMap((v) => Object.keys(v.metrics || {}).filter((k) => typeof v.metrics[k] === 'number')))].slice(0, 6);
  const { card, el } = chartBox(`Test metrics of ${model.name}'s versions`, { id: 'versions' });
  const compareAll = h('a', { href: `#/compare/${ordered.slice(-5).map((v) => encodeURIComponent(v.key)).join(',')}` }, 'compare the latest versions');
  view.append(h('div', { class: 'grid' },
    h('div', { class: 'card' }, h('h2', {}, 'Versions'), ordered.length > 1 ? compareAll : '',
      h('div', { class: 'scroll' }, table([
        { title: 'version', value: (v) => (v.key === model.key ? h('strong', {}, `v${v.version}`) : h('a', { href: modelHref(v.key) }, `v${v.version}`)) },
        { title: 'stage', value: (v) => badge(v.stage) },
        { title: 'registered', value: (v) => fmtTime(v.created_at) },
        ...metricNames.slice(0, 3).map((m) => ({ title: m, num: true, value: (v) => fmtNumber(v.metrics[m]) })),
      ], ordered.slice().reverse()))),
    card));
  lineChart(el, metricNames.map((m) => ({ name: m, points: ordered.filter((v) => typeof v.metrics[m] === 'number').map((v) => [v.version, v.metrics[m]]) })), { xName: 'version' });
}

// One row typed in, predicted by the model (numbers stay numbers, empty is null).
function predictForm(key, features) {
  const inputs = features.map((f) => h('input', { name: f, id: `feature-${f}`, placeholder: 'value' }));
  const out = h('pre', { id: 'prediction', hidden: true });
  const submit = h('button', { id: 'predict', onclick: async () => {
    const row = {};
    for (const input of inputs) {
      const v = input.value.trim();
      row[input.name] = v === '' ? null : v === 'true' || v === 'false' ? v === 'true' : Number.isFinite(Number(v)) ? Number(v) : v;
    }
    out.hidden = false;
    try {
      const { data } = await send('POST', `/api/training/models/${encodeURIComponent(key)}/predict`, { records: [row] });
      out.textContent = JSON.stringify(data, null, 2);
    } catch (e) { out.textContent = errorText(e); }
  } }, 'Predict');
  return h('div', { class: 'card' }, h('h2', {}, 'Try a prediction'),
    h('div', { class: 'form-grid' }, features.map((f, i) => h('label', {}, f, inputs[i]))), submit, out);
}

// Versions side by side: each metric with its delta against the first, and
// the hyperparameters, those that differ marked.
export async function comparePage(view, ctx, keys) {
  const [{ data }] = await Promise.all([send('POST', '/api/training/models/compare', { keys }), chartsReady()]);
  const models = data.models;
  const label = (m) => `${m.name} v${m.version}`;
  const metricNames = Object.keys(data.metrics);
  const metricRows = metricNames.map((name) => ({ name, values: data.metrics[name], deltas: data.deltas[name] || {} }));
  const deltaCell = (d) => (typeof d === 'number' && d !== 0 ? h('span', { class: d > 0 ? 'pos' : 'neg' }, ` (${d > 0 ? '+' : ''}${fmtNumber(d)})`) : '');
  const columns = (valueOf, extra) => [
    { title: '', value: (r) => r.name },
    ...models.map((m, i) => ({ title: label(m), num: true, value: (r) => h('span', {}, fmtNumber(valueOf(r, m)), i > 0 && extra ? extra(r, m) : '') })),
  ];
  const params = Object.entries(data.hyperparameters).map(([name, p]) => ({ name, values: p.values, differs: p.differs }));
  params.sort((a, b) => Number(b.differs) - Number(a.differs));
  const { card, el } = chartBox('Metrics side by side', { id: 'compare' });
  view.append(
    h('h1', {}, `Comparing ${models.map(label).join(', ')}`),
    h('p', { class: 'muted' }, 'Deltas are against ', h('a', { href: modelHref(data.baseline) }, label(models[0])), '.'),
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h2', {}, 'Metrics'), table(columns((r, m) => r.values[m.key], (r, m) => deltaCell(r.deltas[m.key])), metricRows)),
      card),
    h('div', { class: 'card' }, h('h2', {}, 'Hyperparameters'), h('p', { class: 'muted' }, `${params.filter((p) => p.differs).length} differ (highlighted)`),
      table(columns((r, m) => r.values[m.key]), params, (r) => ({ class: r.differs ? 'differs' : '' }))));
  const numeric = metricRows.filter((r) => models.every((m) => typeof r.values[m.key] === 'number'));
  groupedBars(el, numeric.map((r) => r.name), models.map((m) => ({ name: label(m), values: numeric.map((r) => r.values[m.key]) })));
  ctx.ready('compare');
}

