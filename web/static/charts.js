// Charts on Apache ECharts (canvas): large data drawn with sampling and
// without animation, so a 10,000-trial study's first view stays well under 2 s.
import { h } from './api.js';

const COLORS = ['#2f6fde', '#e8590c', '#2b8a3e', '#ae3ec9', '#f59f00', '#0ca678', '#d6336c', '#495057'];

export function chartsAvailable() { return typeof window.echarts === 'object' && window.echarts !== null; }

// A chart container; without ECharts it says how to get the charts instead.
export function chartBox(title, opts = {}) {
  const el = h('div', { class: `chart${opts.tall ? ' tall' : ''}`, dataset: { chart: opts.id || title } });
  if (!chartsAvailable())
    el.append(h('div', { class: 'chart-empty' }, 'Charts need ECharts: run scripts/install-deps.sh and rebuild hone.'));
  return { card: h('div', { class: 'card' }, h('h2', {}, title), el), el };
}

// Charts of the current page, disposed of when another page is shown.
const live = new Set();
export function disposeCharts() {
  for (const c of live) c.dispose();
  live.clear();
}
window.addEventListener('resize', () => { for (const c of live) c.resize(); });

function init(el) {
  if (!chartsAvailable()) return null;
  const chart = window.echarts.init(el, null, { renderer: 'canvas' });
  live.add(chart);
  return chart;
}

const base = {
  animation: false,
  color: COLORS,
  grid: { left: 56, right: 24, top: 36, bottom: 40 },
  tooltip: { trigger: 'axis' },
};

// Curves over rounds: series [{name, points: [[x, y], ...]}]. Long series are
// drawn through LTTB sampling. Returns {append(name, [x, y])} for live data.
export function lineChart(el, series, opts = {}) {
  const chart = init(el);
  if (!chart) return { append() {} };
  const data = new Map(series.map((s) => [s.name, s.points.slice()]));
  const option = () => ({
    ...base,
    legend: { top: 4, type: 'scroll' },
    xAxis: { type: 'value', name: opts.xName || 'round', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
    yAxis: { type: opts.log ? 'log' : 'value', scale: true },
    dataZoom: [{ type: 'inside' }],
    series: [...data.entries()].map(([name, points]) => ({
      name, type: 'line', data: points, showSymbol: points.length < 60, sampling: 'lttb', connectNulls: true,
    })),
  });
  chart.setOption(option());
  // A fast fit reports hundreds of rounds a second: the chart is redrawn at
  // most four times a second with whatever arrived meanwhile.
  let pending = null;
  const redraw = () => { pending = null; if (!chart.isDisposed()) chart.setOption(option(), { replaceMerge: ['series'] }); };
  return {
    append(name, point) {
      if (!data.has(name)) data.set(name, []);
      const points = data.get(name);
      if (points.length && points[points.length - 1][0] >= point[0]) return;
      points.push(point);
      if (!pending) pending = setTimeout(redraw, 250);
    },
    count(name) { return data.has(name) ? data.get(name).length : 0; },
  };
}

// Every trial's objective by trial number (colored by status) and the
// best-so-far line. trials: [{trial_index, status, value}].
export function historyChart(el, trials, direction) {
  const chart = init(el);
  if (!chart) return;
  const byStatus = new Map();
  const best = [];
  let bestValue = null;
  for (const t of trials) {
    if (typeof t.value !== 'number') continue;
    if (!byStatus.has(t.status)) byStatus.set(t.status, []);
    byStatus.get(t.status).push([t.trial_index, t.value]);
    if (t.status !== 'ok') continue;
    if (bestValue !== null && !(direction === 'minimize' ? t.value < bestValue : t.value > bestValue)) continue;
    // Only where the best changes: a step line through a few dozen points
    // draws the same as one through every trial, and far faster.
    bestValue = t.value;
    best.push([t.trial_index, bestValue]);
  }
  const last = trials.length ? trials[trials.length - 1].trial_index : 0;
  if (best.length) best.push([last, bestValue]);
  const colors = { ok: COLORS[0], pruned: '#adb5bd', failed: COLORS[1], running: COLORS[4] };
  chart.setOption({
    ...base,
    tooltip: { trigger: 'item' },
    legend: { top: 4 },
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', scale: true, name: 'objective' },
    dataZoom: [{ type: 'inside' }],
    series: [
      ...[...byStatus.entries()].map(([status, points]) => ({
        name: status, type: 'scatter', data: points, symbolSize: 4, large: true, largeThreshold: 2000,
        itemStyle: { color: colors[status] || COLORS[5], opacity: 0.7 },
      })),
      { name: 'best so far', type: 'line', step: 'end', data: best, showSymbol: false, sampling: 'lttb',
        lineStyle: { width: 2, color: COLORS[2] }, itemStyle: { color: COLORS[2] } },
    ],
  });
}

// Parameters against the objective, one line per trial (at most maxLines:
// the best trials and an even sample of the rest, so the shape stays readable).
export function parallelChart(el, trials, direction, maxLines = 1000) {
  const chart = init(el);
  if (!chart) return;
  const done = trials.filter((t) => t.status === 'ok' && typeof t.value === 'number');
  const names = [...new Set(done.flatMap((t) => Object.keys(t.hyperparameters || {})))];
  const categorical = new Map(names.map((n) => [n, [...new Set(done.map((t) => t.hyperparameters[n]).filter((v) => typeof v !== 'number' && v !== undefined).map(String))]]));
  const sorted = done.slice().sort((a, b) => (direction === 'minimize' ? a.value - b.value : b.value - a.value));
  const keep = sorted.length <= maxLines ? sorted : [
    ...sorted.slice(0, Math.floor(maxLines / 3)),
    ...evenSample(sorted.slice(Math.floor(maxLines / 3)), maxLines - Math.floor(maxLines / 3)),
  ];
  const dims = names.map((n, i) => (categorical.get(n).length
    ? { dim: i, name: n, type: 'category', data: categorical.get(n) }
    : { dim: i, name: n, scale: true }));
  dims.push({ dim: names.length, name: 'objective', scale: true, nameTextStyle: { fontWeight: 'bold' } });
  const values = keep.map((t) => t.value);
  chart.setOption({
    ...base,
    tooltip: {},
    parallelAxis: dims,
    parallel: { left: 40, right: 70, top: 40, bottom: 30 },
    visualMap: { show: true, type: 'continuous', dimension: names.length, min: Math.min(...values), max: Math.max(...values),
                 inRange: { color: direction === 'minimize' ? ['#2f6fde', '#dee2e6'] : ['#dee2e6', '#2f6fde'] },
                 orient: 'vertical', right: 0, top: 'center', itemHeight: 120, calculable: false },
    series: [{ type: 'parallel', lineStyle: { width: 1, opacity: 0.5 }, progressive: 500,
               data: keep.map((t) => [...names.map((n) => (categorical.get(n).length ? String(t.hyperparameters[n]) : t.hyperparameters[n])), t.value]) }],
  });
}

function evenSample(items, n) {
  if (items.length <= n) return items;
  const out = [];
  for (let i = 0; i < n; ++i) out.push(items[Math.floor((i * items.length) / n)]);
  return out;
}

// Horizontal bars: [{name, value}], largest on top.
export function barChart(el, bars, opts = {}) {
  const chart = init(el);
  if (!chart) return;
  const sorted = bars.slice().sort((a, b) => a.value - b.value);
  chart.setOption({
    ...base,
    grid: { left: 140, right: 30, top: 20, bottom: 30 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', max: opts.max },
    yAxis: { type: 'category', data: sorted.map((b) => b.name) },
    series: [{ type: 'bar', data: sorted.map((b) => b.value), itemStyle: { color: COLORS[0] } }],
  });
}

// Groups of bars: categories on x, one series per group ({name, values}).
export function groupedBars(el, categories, groups) {
  const chart = init(el);
  if (!chart) return;
  chart.setOption({
    ...base,
    legend: { top: 4, type: 'scroll' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
    // From zero: bars cut off at the smaller value would show a difference that is not there.
    yAxis: { type: 'value' },
    series: groups.map((g) => ({ name: g.name, type: 'bar', data: g.values })),
  });
}

// Intermediate values per trial, pruned trials drawn in their own color with
// a cross where they stopped. trials: [{trial_index, status, intermediate_values}].
export function intermediateChart(el, trials) {
  const chart = init(el);
  if (!chart) return;
  const series = [];
  for (const t of trials) {
    const points = (t.intermediate_values || []).filter((p) => Array.isArray(p) && typeof p[1] === 'number');
    if (!points.length) continue;
    const pruned = t.status === 'pruned';
    series.push({
      name: pruned ? 'pruned' : 'completed', type: 'line', data: points, showSymbol: false, sampling: 'lttb',
      lineStyle: { width: 1, opacity: pruned ? 0.8 : 0.5, color: pruned ? '#e8590c' : '#2f6fde' },
      itemStyle: { color: pruned ? '#e8590c' : '#2f6fde' },
      markPoint: pruned ? { symbol: 'pin', symbolSize: 14, data: [{ coord: points[points.length - 1], value: '' }], label: { show: false } } : undefined,
      tooltip: { formatter: () => `trial ${t.trial_index} (${t.status})` },
    });
  }
  chart.setOption({
    ...base,
    tooltip: { trigger: 'item' },
    legend: { top: 4, data: ['completed', 'pruned'] },
    xAxis: { type: 'value', name: 'round', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
    yAxis: { type: 'value', scale: true },
    series,
  });
}
