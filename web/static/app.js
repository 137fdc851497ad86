// The dashboard's entry: a router over the URL's #fragment (so the server
// serves one page), the navigation, and what a page may leave running
// (polls, event streams, charts), stopped when another page is shown.
import { errorText, forgetToken, getData, h, showBanner } from './api.js';
import { disposeCharts } from './charts.js';
import { runPage, runsPage } from './runs.js';
import { studiesPage, studyPage } from './studies.js';
import { comparePage, modelPage, modelsPage } from './models.js';
import { auditPage } from './audit.js';
import { executionPage, pipelinePage, pipelinesPage } from './pipelines.js';
import { servingPage } from './serving.js';

const routes = [
  [/^\/runs\/([^/]+)$/, 'runs', (v, c, m) => runPage(v, c, m[1])],
  [/^\/runs$/, 'runs', (v, c, m, q) => runsPage(v, c, q)],
  [/^\/studies\/([^/]+)$/, 'studies', (v, c, m) => studyPage(v, c, m[1])],
  [/^\/studies$/, 'studies', (v, c) => studiesPage(v, c)],
  [/^\/models\/([^/]+)$/, 'models', (v, c, m) => modelPage(v, c, m[1])],
  [/^\/models$/, 'models', (v, c, m, q) => modelsPage(v, c, q)],
  [/^\/compare\/(.+)$/, 'models', (v, c, m) => comparePage(v, c, m[1].split(','))],
  [/^\/pipelines\/([^/]+)$/, 'pipelines', (v, c, m) => pipelinePage(v, c, m[1])],
  [/^\/pipelines$/, 'pipelines', (v, c) => pipelinesPage(v, c)],
  [/^\/executions\/([^/]+)$/, 'pipelines', (v, c, m) => executionPage(v, c, m[1])],
  [/^\/serving$/, 'serving', (v, c) => servingPage(v, c)],
  [/^\/audit$/, 'audit', (v, c) => auditPage(v, c)],
];

let current = null;  // the shown page's context

// What a page may start, undone when it is left.
function pageContext() {
  const timers = [];
  const aborts = [];
  return {
    every(ms, fn) {
      let busy = false;
      timers.push(setInterval(async () => {
        if (busy || document.hidden) return;
        busy = true;
        try { await fn(); } catch (e) { showBanner(errorText(e)); } finally { busy = false; }
      }, ms));
    },
    stream(start) {
      const controller = new AbortController();
      aborts.push(controller);
      start(controller.signal).catch((e) => { if (e.name !== 'AbortError') showBanner(errorText(e)); });
    },
    // Marks the page drawn: the browser tests time a first view by it.
    ready(name) { document.body.dataset.ready = name; },
    banner: showBanner,
    leave() {
      timers.forEach(clearInterval);
      aborts.forEach((a) => a.abort());
      disposeCharts();
    },
  };
}

async function show() {
  const [path, search] = (location.hash.replace(/^#/, '') || '/runs').split('?');
  const query = new URLSearchParams(search || '');
  if (current) current.leave();
  current = pageContext();
  delete document.body.dataset.ready;
  showBanner('');
  const view = document.getElementById('view');
  view.replaceChildren();
  const route = routes.find(([re]) => re.test(path));
  for (const a of document.querySelectorAll('header nav a')) a.classList.toggle('active', route && a.dataset.nav === route[1]);
  if (!route) {
    view.append(h('h1', {}, 'Not a page'), h('p', {}, 'Try ', h('a', { href: '#/runs' }, 'the runs'), '.'));
    return;
  }
  const match = path.match(route[0]).map((p, i) => (i ? decodeURIComponent(p) : p));
  const ctx = current;
  try {
    await route[2](view, ctx, match, query);
  } catch (e) {
    if (ctx !== current) return;  // left meanwhile
    view.append(h('p', { class: 'error', id: 'page-error' }, errorText(e)));
  }
}

async function serverStatus() {
  try {
    const health = await getData('/api/training/health');
    document.getElementById('server-status').textContent = `hone ${health.version} · ${health.status}`;
  } catch {
    document.getElementById('server-status').textContent = 'server not answering';
  }
}

document.getElementById('forget-token').addEventListener('click', () => { forgetToken(); location.reload(); });
document.getElementById('forget-token').hidden = !sessionStorage.getItem('hone.token');
window.addEventListener('hashchange', show);
serverStatus();
show();
