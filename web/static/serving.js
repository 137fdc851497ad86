// Serving: each model's predict and recommend answers since the server
// started, refreshed every 2 s: requests, errors and latency percentiles.
import { fmtDuration, fmtNumber, getData, h, table } from './api.js';
import { chartBox, chartsReady, groupedBars } from './charts.js';

export async function servingPage(view, ctx) {
  const note = h('p', { class: 'muted' });
  const body = h('div', {});
  await chartsReady();
  const latency = chartBox('Latency by model (ms)', { id: 'latency' });
  view.append(h('h1', {}, 'Serving'), note, latency.card, h('div', { class: 'card' }, h('h2', {}, 'Models'), body));
  let chart = null;
  async function load() {
    const stats = await getData('/api/training/serving');
    note.textContent = `Predict and recommend answers on both ports since the server started ${fmtDuration(stats.uptime_seconds)} ago; ` +
      'also in /metrics as hone_model_requests_total and hone_model_request_duration_seconds.';
    body.replaceChildren(stats.models.length ? table([
      { title: 'model', value: (m) => h('a', { href: `#/models/${encodeURIComponent(m.model)}` }, m.model) },
      { title: 'requests', value: (m) => m.requests, num: true },
      { title: 'errors', value: (m) => m.errors, num: true },
      { title: 'error rate', value: (m) => `${(100 * m.error_rate).toFixed(2)}%`, num: true },
      { title: 'p50 ms', value: (m) => fmtNumber(m.latency_ms.p50), num: true },
      { title: 'p95 ms', value: (m) => fmtNumber(m.latency_ms.p95), num: true },
      { title: 'p99 ms', value: (m) => fmtNumber(m.latency_ms.p99), num: true },
    ], stats.models) : h('p', { class: 'muted' }, 'No model has been asked for a prediction since the server started.'));
    const names = stats.models.map((m) => m.model);
    const groups = ['p50', 'p95', 'p99'].map((p) => ({ name: p, values: stats.models.map((m) => m.latency_ms[p]) }));
    if (chart) chart.update(names, groups);
    else chart = groupedBars(latency.el, names, groups);
  }
  await load();
  ctx.ready('serving');
  ctx.every(2000, load);
}
