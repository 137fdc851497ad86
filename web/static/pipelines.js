// Pipelines: the served pipelines with their latest execution, one pipeline's
// executions, and an execution's stages as a graph colored by state, refreshed
// while it runs.
import { badge, errorText, fmtNumber, getData, h, send, table } from './api.js';
import { chartBox, chartsReady, dagChart } from './charts.js';

const FINISHED = ['completed', 'failed', 'cancelled', 'interrupted'];
const link = (hash, text) => h('a', { href: hash }, text);
const executionLink = (id) => link(`#/executions/${encodeURIComponent(id)}`, id);

export async function pipelinesPage(view, ctx) {
  const { pipelines } = await getData('/api/training/pipelines');
  view.append(h('h1', {}, 'Pipelines'), pipelines.length ? table([
    { title: 'pipeline', value: (p) => link(`#/pipelines/${encodeURIComponent(p.name)}`, p.name) },
    { title: 'stages', value: (p) => Object.keys(p.stages || {}).length, num: true },
    { title: 'latest execution', value: (p) => (p.latest_execution ? executionLink(p.latest_execution.execution_id) : 'never run') },
    { title: 'status', value: (p) => (p.latest_execution ? badge(p.latest_execution.status) : '') },
    { title: 'description', value: (p) => p.description || '' },
  ], pipelines) : h('p', { class: 'muted' }, 'The served job files have no pipelines.'));
  ctx.ready('pipelines');
}

// The stages of a pipeline's declaration as the graph draws them.
function declaredStages(pipeline) {
  return Object.entries(pipeline.stages || {}).map(([id, s]) => ({ id, type: s.type, dependencies: s.dependencies || [] }));
}

export async function pipelinePage(view, ctx, name) {
  const base = `/api/training/pipelines/${encodeURIComponent(name)}`;
  const [{ pipelines }, { executions }] = await Promise.all([getData('/api/training/pipelines'), getData(`${base}/executions`)]);
  const pipeline = pipelines.find((p) => p.name === name);
  if (!pipeline) throw new Error(`no pipeline '${name}' is served`);
  const latest = executions[0];
  const states = new Map((latest ? latest.stages : []).map((s) => [s.id, s.status]));
  await chartsReady();
  const graph = chartBox(latest ? `Stages (latest execution ${latest.execution_id})` : 'Stages (never run)', { id: 'dag' });
  const run = (resume) => async () => {
    try {
      const started = await send('POST', `${base}/run`, resume ? { resume: true } : {});
      location.hash = `#/executions/${encodeURIComponent(started.data.execution_id)}`;
    } catch (e) { ctx.banner(errorText(e)); }
  };
  view.append(h('h1', {}, `Pipeline ${name}`),
    h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, pipeline.description || ''), h('span', { class: 'spacer' }),
      h('button', { id: 'pipeline-resume', class: 'secondary', onclick: run(true), disabled: !latest }, 'Resume the latest'),
      h('button', { id: 'pipeline-run', onclick: run(false) }, 'Run')),
    graph.card,
    h('div', { class: 'card' }, h('h2', {}, 'Executions'), executions.length ? table([
      { title: 'execution', value: (e) => executionLink(e.execution_id) },
      { title: 'status', value: (e) => badge(e.status) },
      { title: 'started', value: (e) => e.started_at || '' },
      { title: 'seconds', value: (e) => fmtNumber((e.duration_ms || 0) / 1000), num: true },
      { title: 'stages run', value: (e) => e.stages.filter((s) => s.status === 'completed' && !s.cached && !s.reused_from).length, num: true },
      { title: 'from the cache', value: (e) => e.stages.filter((s) => s.cached || s.reused_from).length, num: true },
    ], executions) : h('p', { class: 'muted' }, 'Not run yet.')));
  dagChart(graph.el, declaredStages(pipeline).map((s) => ({ ...s, status: states.get(s.id) })));
  ctx.ready('pipeline');
}

export async function executionPage(view, ctx, id) {
  const path = `/api/training/pipelines/executions/${encodeURIComponent(id)}`;
  let execution = await getData(path);
  const header = h('div', { class: 'toolbar' });
  await chartsReady();
  const graph = chartBox('Stages', { id: 'dag' });
  const stagesBox = h('div', {});
  view.append(h('h1', {}, `Execution ${id}`), header, graph.card, h('div', { class: 'card' }, h('h2', {}, 'Stages'), stagesBox));
  function render() {
    header.replaceChildren(badge(execution.status),
      link(`#/pipelines/${encodeURIComponent(execution.pipeline)}`, execution.pipeline),
      h('span', { class: 'muted' }, `started ${execution.started_at || ''}`),
      execution.resumed_from ? h('span', { class: 'muted' }, 'resumed from ', executionLink(execution.resumed_from)) : '',
      execution.error ? h('span', { class: 'error' }, execution.error) : '');
    stagesBox.replaceChildren(table([
      { title: 'stage', value: (s) => s.id },
      { title: 'type', value: (s) => s.type },
      { title: 'status', value: (s) => badge(s.status) },
      { title: 'from', value: (s) => (s.reused_from ? executionLink(s.reused_from) : s.cached ? 'cache' : '') },
      { title: 'attempts', value: (s) => s.attempts, num: true },
      { title: 'seconds', value: (s) => fmtNumber((s.duration_ms || 0) / 1000), num: true },
      { title: 'output', value: (s) => stageOutput(s) },
      { title: 'error', value: (s) => (s.error ? h('span', { class: 'error' }, s.error) : '') },
    ], execution.stages));
    dagChart(graph.el, execution.stages);
  }
  render();
  ctx.ready('execution');
  if (FINISHED.includes(execution.status)) return;
  ctx.every(1000, async () => {
    if (FINISHED.includes(execution.status)) return;
    execution = await getData(path);
    render();
  });
}

// What a stage made, in a few words: its model (a link) or its key numbers.
function stageOutput(stage) {
  const out = stage.output;
  if (!out || typeof out !== 'object') return '';
  const key = out.registry_key || out.model;
  if (typeof key === 'string') return link(`#/models/${encodeURIComponent(key)}`, key);
  const scalars = Object.entries(out).filter(([, v]) => typeof v !== 'object').slice(0, 3);
  const text = scalars.map(([k, v]) => `${k} ${fmtNumber(v)}`).join(' · ');
  // A digest or a path would push the table past the card: cut, whole on hover.
  return text.length <= 80 ? text : h('span', { title: text }, `${text.slice(0, 79)}…`);
}
