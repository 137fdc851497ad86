// Studies: the tuning jobs, and one study's optimization history with the
// best-so-far line, parallel coordinates, hyperparameter importance,
// intermediate values with pruned trials marked, and its trials, paged.
import { badge, fmtNumber, fmtTime, getData, h, pager, table } from './api.js';
import { barChart, chartBox, chartsReady, historyChart, intermediateChart, parallelChart } from './charts.js';

const PAGE = 50;
const INTERMEDIATE_TRIALS = 200;  // the latest trials' curves: more is a tangle, not a picture

export async function studiesPage(view, ctx) {
  const names = await getData('/api/training/tuning/jobs');
  view.append(h('h1', {}, 'Studies'),
    names.length ? table([
      { title: 'tuning job', value: (n) => h('a', { href: `#/studies/${encodeURIComponent(n)}` }, n) },
    ], names) : h('p', { class: 'muted' }, 'The served job files have no tuning jobs.'));
  ctx.ready('studies');
}

export async function studyPage(view, ctx, name) {
  const base = `/api/training/tuning/jobs/${encodeURIComponent(name)}`;
  // Three calls at once: the summary; of every trial only what the charts and
  // the table show (a 10,000-trial study's whole documents are megabytes,
  // these a fraction); the latest trials' intermediate values, newest first.
  const [study, trials, newest] = await Promise.all([getData(`${base}/study`),
    getData(`${base}/trials?fields=trial_index,status,value,hyperparameters,started_at,duration_ms`),
    getData(`${base}/trials?sort=-trial_index&limit=${INTERMEDIATE_TRIALS}&fields=trial_index,status,intermediate_values`)]);
  const latest = newest.reverse();
  const direction = study.objective.direction;
  const counts = Object.entries(study.trials_by_status).map(([s, n]) => `${n} ${s}`).join(' · ');
  view.append(
    h('h1', {}, `Study of ${name}`),
    h('div', { class: 'toolbar' }, badge(study.status), h('span', { class: 'muted' },
      `${study.total_trials} trials (${counts}) · ${direction} ${study.objective.metric} · best ${fmtNumber(study.best_value)} (trial ${study.best_trial ?? '–'})`),
      h('span', { class: 'spacer' }), h('a', { href: `#/runs/${encodeURIComponent(study.study_id)}` }, 'its run')));
  await chartsReady();
  const history = chartBox('Optimization history', { id: 'history' });
  const importance = chartBox('Hyperparameter importance', { id: 'importance' });
  const parallel = chartBox('Parameters against the objective', { id: 'parallel', tall: true });
  const intermediate = chartBox(`Intermediate values (latest ${INTERMEDIATE_TRIALS} trials)`, { id: 'intermediate' });
  const tableBox = h('div', {});
  view.append(h('div', { class: 'grid' }, history.card, importance.card), parallel.card, intermediate.card,
    h('div', { class: 'card' }, h('h2', {}, 'Trials'), tableBox));
  historyChart(history.el, trials, direction);
  barChart(importance.el, (study.importance || []).map((i) => ({ name: i.name || i.param || i[0], value: i.importance ?? i.value ?? i[1] })));
  parallelChart(parallel.el, trials, direction);
  intermediateChart(intermediate.el, latest);
  trialTable(tableBox, trials);
  ctx.ready('study');
}

// The trials, 50 a page, filtered by status: paged here, from the list the
// charts already hold, so turning a page asks the server nothing.
function trialTable(box, trials) {
  const state = { status: '', offset: 0 };
  const statusSelect = h('select', { id: 'trial-status', onchange: () => { state.status = statusSelect.value; state.offset = 0; show(); } },
    ['', 'ok', 'pruned', 'failed', 'running'].map((s) => h('option', { value: s }, s || 'any status')));
  const body = h('div', {});
  box.append(h('div', { class: 'toolbar' }, statusSelect), body);
  function show() {
    const matching = state.status ? trials.filter((t) => t.status === state.status) : trials;
    const rows = matching.slice(state.offset, state.offset + PAGE);
    const paramNames = [...new Set(rows.flatMap((t) => Object.keys(t.hyperparameters || {})))];
    body.replaceChildren(table([
      { title: 'trial', value: (t) => t.trial_index, num: true },
      { title: 'status', value: (t) => badge(t.status) },
      { title: 'value', value: (t) => fmtNumber(t.value), num: true },
      ...paramNames.map((p) => ({ title: p, value: (t) => fmtNumber(t.hyperparameters[p]), num: true })),
      { title: 'started', value: (t) => fmtTime(t.started_at) },
      { title: 'ms', value: (t) => fmtNumber(Math.round(t.duration_ms || 0)), num: true },
    ], rows), pager(state.offset, PAGE, rows.length, matching.length, (offset) => { state.offset = offset; show(); }));
  }
  show();
}
