// Charts on Apache ECharts (canvas): large data drawn with sampling and
// without animation, so a 10,000-trial study's first view stays well under 2 s.
import { h } from './api.js';

const COLORS = ['#2f6fde', '#e8590c', '#2b8a3e', '#ae3ec9', '#f59f00', '#0ca678', '#d6336c', '#495057'];

// ECharts is a megabyte of script: it loads beside a page's first API calls
// rather than before them. A page awaits chartsReady() before its first chart
// (it resolves at once when ECharts has loaded, and also when it cannot: then
// each chart says why it is missing).
const loaded = new Promise((resolve) => {
  const script = document.createElement('script');
  script.src = '/ui/echarts.min.js';
  script.onload = script.onerror = () => resolve();
  document.head.append(script);
});
export function chartsReady() { return loaded; }

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
// drawn through LTTB sampling. With opts.axisPerSeries each series has its own
// y axis (seconds, a CPU share and bytes on one scale would flatten two of
// them): the first on the left, the others on the right. Returns
// {append(name, [x, y])} for live data.
export function lineChart(el, series, opts = {}) {
  const chart = init(el);
  if (!chart) return { append() {} };
  const data = new Map(series.map((s) => [s.name, s.points.slice()]));
  const yAxes = () => (!opts.axisPerSeries ? { type: opts.log ? 'log' : 'value', scale: true }
    : [...data.keys()].map((name, i) => ({
      // Unnamed: each axis line has its series' color, which the legend names.
      type: 'value', scale: true, position: i ? 'right' : 'left',
      offset: i > 1 ? (i - 1) * 64 : 0, alignTicks: true, splitLine: { show: i === 0 },
      axisLine: { show: true, lineStyle: { color: COLORS[i % COLORS.length] } },
      axisLabel: { formatter: compact },
    })));
  const option = () => ({
    ...base,
    grid: opts.axisPerSeries ? { ...base.grid, top: 48, right: 24 + 64 * Math.max(0, data.size - 1) } : base.grid,
    legend: { top: 4, type: 'scroll' },
    xAxis: { type: 'value', name: opts.xName || 'round', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
    yAxis: yAxes(),
    dataZoom: [{ type: 'inside' }],
    series: [...data.entries()].map(([name, points], i) => ({
      name, type: 'line', data: points, showSymbol: points.length < 60, sampling: 'lttb', connectNulls: true,
      yAxisIndex: opts.axisPerSeries ? i : 0,
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

// 1234567 -> "1.2M": axis labels stay narrow whatever the unit.
function compact(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
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
      // Flat typed arrays (x, y, x, y, ...): ECharts' large mode draws them
      // without making an object per point.
      ...[...byStatus.entries()].map(([status, points]) => ({
        name: status, type: 'scatter', data: Float64Array.from(points.flat()), dimensions: ['x', 'y'],
        symbolSize: 4, large: true, largeThreshold: 2000,
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
// Returns {update(categories, groups)} to redraw it with new numbers.
export function groupedBars(el, categories, groups) {
  const chart = init(el);
  if (!chart) return { update() {} };
  const option = (cats, gs) => ({
    ...base,
    legend: { top: 4, type: 'scroll' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: cats, axisLabel: { interval: 0, rotate: cats.length > 6 ? 30 : 0 } },
    // From zero: bars cut off at the smaller value would show a difference that is not there.
    yAxis: { type: 'value' },
    series: gs.map((g) => ({ name: g.name, type: 'bar', data: g.values })),
  });
  chart.setOption(option(categories, groups));
  return { update(cats, gs) { if (!chart.isDisposed()) chart.setOption(option(cats, gs), { replaceMerge: ['series'] }); } };
}

// Intermediate values per trial: the completed trials' curves as one series
// and the pruned trials' as another (each curve ends where the next begins
// with a break), and a cross where each pruned trial stopped. Three series
// rather than one per trial: 200 curves draw in a frame.
// trials: [{trial_index, status, intermediate_values}].
export function intermediateChart(el, trials) {
  const chart = init(el);
  if (!chart) return;
  const completed = [], pruned = [], stops = [];
  for (const t of trials) {
    const points = (t.intermediate_values || []).filter((p) => Array.isArray(p) && typeof p[1] === 'number');
    if (!points.length) continue;
    const into = t.status === 'pruned' ? pruned : completed;
    for (const [x, y] of points) into.push([x, y, t.trial_index]);
    into.push(['-', '-', t.trial_index]);  // the break between two trials' curves
    if (t.status === 'pruned') stops.push([...points[points.length - 1], t.trial_index]);
  }
  const line = (name, data, color, opacity) => ({
    name, type: 'line', data, showSymbol: false, connectNulls: false,
    lineStyle: { width: 1, opacity, color }, itemStyle: { color },
  });
  chart.setOption({
    ...base,
    tooltip: { trigger: 'item', formatter: (p) => `trial ${p.data[2]} (${p.seriesName})` },
    legend: { top: 4, data: ['completed', 'pruned'] },
    xAxis: { type: 'value', name: 'round', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
    yAxis: { type: 'value', scale: true },
    series: [
      line('completed', completed, '#2f6fde', 0.45),
      line('pruned', pruned, '#e8590c', 0.8),
      { name: 'pruned', type: 'scatter', data: stops, symbol: 'path://M0,0L10,10M10,0L0,10', symbolSize: 8,
        itemStyle: { color: '#e8590c', borderColor: '#e8590c', borderWidth: 2 } },
    ],
  });
}

// A pipeline's stages as a graph, left to right by dependency depth (a stage
// one column right of its deepest dependency), each node colored by its state.
// stages: [{id, type, dependencies, status}].
export function dagChart(el, stages) {
  const chart = init(el);
  if (!chart) return;
  const depth = new Map();
  const byId = new Map(stages.map((s) => [s.id, s]));
  const depthOf = (id, seen = new Set()) => {
    if (depth.has(id)) return depth.get(id);
    if (seen.has(id) || !byId.has(id)) return 0;  // a cycle or an unknown id: hone check refuses both
    seen.add(id);
    const d = Math.max(-1, ...(byId.get(id).dependencies || []).map((p) => depthOf(p, seen))) + 1;
    depth.set(id, d);
    return d;
  };
  const rows = new Map();
  const nodes = stages.map((s) => {
    const d = depthOf(s.id);
    const row = rows.get(d) || 0;
    rows.set(d, row + 1);
    return { name: s.id, x: d * 220, y: row * 90, value: s.type,
             itemStyle: { color: STATE_COLORS[s.status] || STATE_COLORS.pending },
             label: { formatter: `{b|${s.id}}\n${s.type}\n${s.status || 'not run'}`, rich: { b: { fontWeight: 'bold' } } } };
  });
  const links = stages.flatMap((s) => (s.dependencies || []).filter((p) => byId.has(p)).map((p) => ({ source: p, target: s.id })));
  chart.setOption({
    ...base,
    tooltip: { formatter: (p) => (p.dataType === 'node' ? `${p.name}: ${p.value}` : `${p.data.source} → ${p.data.target}`) },
    series: [{
      type: 'graph', layout: 'none', data: nodes, links, roam: true, symbol: 'roundRect', symbolSize: [150, 62],
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 9, lineStyle: { color: '#94a3b8', width: 2 },
      label: { show: true, color: '#111827', fontSize: 11, lineHeight: 15 },
    }],
  });
}

const STATE_COLORS = {
  completed: '#bbf7d0', running: '#bfdbfe', pending: '#e5e7eb', failed: '#fed7aa', interrupted: '#fed7aa',
  skipped: '#f3f4f6', cancelled: '#fed7aa',
};
