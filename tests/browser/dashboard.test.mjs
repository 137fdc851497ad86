// The dashboard in a real browser: Debian's chromium, headless, driven by
// puppeteer-core. Each test file run starts its own `hone serve` on a free
// loopback port with its own HONE_HOME, fills the registry (a trained model,
// a 10,000-trial study and 1,000 models written by hone_dashboard_seed), and
// checks what a person would: every page loads without console errors, each
// chart draws, a run's curves grow while it trains, a stage changed on the page
// is what `hone models show` says, and the big study and registry render their
// first view within the bound. Screenshots go to HONE_SCREENSHOTS.
//
// Environment (set by tests/CMakeLists.txt): HONE_BINARY, HONE_SEED_BINARY,
// HONE_SOURCE_DIR, HONE_WEB_DIR (its node_modules holds puppeteer-core),
// HONE_SCREENSHOTS, HONE_CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const env = (name, fallback) => {
  const v = process.env[name] || fallback;
  if (!v) throw new Error(`${name} is not set: run this test through ctest (tests/CMakeLists.txt sets it)`);
  return v;
};
const HONE = env('HONE_BINARY');
const SEED = env('HONE_SEED_BINARY');
const SOURCE = env('HONE_SOURCE_DIR');
const WEB = env('HONE_WEB_DIR');
const SHOTS = env('HONE_SCREENSHOTS');
const CHROMIUM = env('HONE_CHROMIUM', '/usr/bin/chromium');
const FIRST_VIEW_BOUND_MS = 2000;
const BIG_STUDY_TRIALS = 10000;
const BIG_REGISTRY_MODELS = 1000;
const MANY_RUNS = 1000;

const JOB_FILE = `
dataset "customers":
    source: csv
    path: ${join(SOURCE, 'examples/churn/customers.csv')}

model "churn_trees":
    type: classifier
    algorithm: xgboost

model "churn_boost":
    type: classifier
    algorithm: xgboost

training "trees":
    model: churn_trees
    dataset: customers
    target: churned
    features: [tenure, monthly_spend, support_calls]
    objective: maximize_accuracy
    hyperparameters:
        n_estimators: 40
        max_depth: 3

# Long enough to watch: many thousands of boosting rounds, each reported.
training "slow_boost":
    model: churn_boost
    dataset: customers
    target: churned
    features: [tenure, monthly_spend, support_calls]
    objective: maximize_accuracy
    hyperparameters:
        n_estimators: 50000
        max_depth: 8
        learning_rate: 0.001

# Prepare, train, gate: its page draws the stages as a graph colored by state.
pipeline "nightly":
    description: "Prepare, train and gate the churn trees"
    stages:
        prep:
            type: data_preparation
            dataset: customers
        train:
            type: model_training
            training: trees
            dependencies: [prep]
        gate:
            type: model_validation
            dependencies: [train]
            min: {accuracy: 0.5}

tuning "big_study":
    training_job: trees
    strategy: random
    max_trials: 10
    objective_metric: auc
    search_space:
        learning_rate:
            type: float
            min: 0.005
            max: 0.5
            log: true
`;

let home, jobFile, server, tokenServer, browser, puppeteer;
const consoleErrors = [];

function hone(args) {
  return execFileSync(HONE, args, { env: { ...process.env, HONE_HOME: home }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Starts `hone serve` on a free port; resolves with its URL, or rejects with
// why it did not start (its standard error).
function serve(extraArgs = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(HONE, ['serve', jobFile, '--port', '0', '--quiet', ...extraArgs],
                       { env: { ...process.env, HONE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => { proc.kill(); reject(new Error(`hone serve did not say where it listens within 30 s: ${err}`)); }, 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[1] }); }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`hone serve exited (${code}) before listening: ${err}`)); });
  });
}

async function api(base, method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.data ?? json;
}

async function openPage(hash, { allow = [] } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow.some((re) => re.test(m.text()))) consoleErrors.push(`${hash}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${hash}: ${e.message}`));
  await page.goto(`${server.url}/${hash}`, { waitUntil: 'domcontentloaded' });
  return page;
}

// Waits until the page says it is drawn (`ready`) and every chart's canvas has
// something on it; answers the milliseconds since navigation, as the browser measured them.
async function firstView(page, ready, timeout = 20000) {
  const handle = await page.waitForFunction((names) => {
    if (!names.includes(document.body.dataset.ready)) return false;
    for (const el of document.querySelectorAll('[data-chart]')) {
      const canvas = el.querySelector('canvas');
      if (!canvas || !canvas.width) return false;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 16) if (pixels[i] !== 0) ++painted;
      if (painted < 200) return false;
    }
    return performance.now();
  }, { polling: 'raf', timeout }, Array.isArray(ready) ? ready : [ready]);
  return handle.jsonValue();
}

// Another page of the app in the same tab (the hash changes, nothing reloads):
// the ready mark is cleared first, so a wait cannot see the previous page's.
async function go(page, hash) {
  await page.evaluate((h) => { delete document.body.dataset.ready; location.hash = h; }, hash);
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// The longest series of the page's charts, read from their ECharts instances.
function pointsOf(page) {
  return page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('[data-chart]')].map((el) => {
    const instance = window.echarts.getInstanceByDom(el);
    return instance ? Math.max(0, ...instance.getOption().series.map((s) => (s.data || []).length)) : 0;
  })));
}

before(async () => {
  for (const [what, path] of [['chromium', CHROMIUM], ['puppeteer-core', join(WEB, 'node_modules/puppeteer-core')],
                              ['echarts', join(WEB, 'node_modules/echarts')]])
    if (!existsSync(path)) throw new Error(`${what} is missing (${path}): run scripts/install-deps.sh`);
  const require = createRequire(join(WEB, 'package.json'));
  puppeteer = (await import(pathToFileURL(require.resolve('puppeteer-core')).href)).default;
  mkdirSync(SHOTS, { recursive: true });
  home = mkdtempSync(join(tmpdir(), 'hone-dashboard-'));
  jobFile = join(home, 'dashboard.n3');
  writeFileSync(jobFile, JOB_FILE);
  execFileSync(SEED, [home, '--study', 'big_study', '--trials', String(BIG_STUDY_TRIALS), '--models', String(BIG_REGISTRY_MODELS),
                      '--runs-of', 'trees', '--runs', String(MANY_RUNS)]);
  hone(['train', jobFile, 'trees']);
  hone(['train', jobFile, 'trees', '--set', 'hyperparameters.max_depth=5']);
  server = await serve();
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true,
                                     args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  if (browser) await browser.close();
  for (const s of [server, tokenServer]) if (s) s.proc.kill('SIGTERM');
  if (home) rmSync(home, { recursive: true, force: true });
});

test(`the runs page lists ${MANY_RUNS} runs within ${FIRST_VIEW_BOUND_MS} ms, and a run started from it draws curves that grow while it trains`, async () => {
  const page = await openPage('#/runs');
  const ms = await firstView(page, 'runs');
  console.log(`# runs page (${MANY_RUNS + 3} runs): first view in ${ms.toFixed(0)} ms`);
  assert.ok(ms < FIRST_VIEW_BOUND_MS, `first view took ${ms.toFixed(0)} ms`);
  // The runs the CLI recorded are listed beside the server's.
  assert.match(await page.$eval('.pager span', (s) => s.textContent), new RegExp(`of ${MANY_RUNS + 3}$`));
  await page.select('#start-job', 'slow_boost');
  await page.click('#start-run');
  await page.waitForFunction(() => /^#\/runs\/./.test(location.hash));
  await firstView(page, 'run');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-chart]')].some((el) => {
    const chart = window.echarts.getInstanceByDom(el);
    return chart && chart.getOption().series.some((s) => s.data.length >= 3);
  }), { timeout: 60000 });
  const before = await pointsOf(page);
  await new Promise((r) => setTimeout(r, 2500));
  const later = await pointsOf(page);
  assert.ok(later > before, `the run's curves should grow while it trains: ${before} points, then ${later}`);
  await firstView(page, 'run');
  await shot(page, 'run-live');
  // The header is redrawn as events arrive: click the button there at that moment.
  await page.evaluate(() => document.querySelector('#run-cancel').click());
  await page.waitForFunction(() => document.querySelector('.toolbar .badge')?.textContent === 'cancelled', { timeout: 30000 });
  await go(page, '#/runs');
  await firstView(page, 'runs');
  await shot(page, 'runs');
  const rows = await page.$$eval('main table tbody tr', (trs) => trs.length);
  assert.ok(rows >= 1, 'the runs table should list the run started');
  await page.close();
});

test(`the models page shows a registry of ${BIG_REGISTRY_MODELS} models within ${FIRST_VIEW_BOUND_MS} ms`, async () => {
  const page = await openPage('#/models');
  const ms = await firstView(page, 'models');
  console.log(`# models page (${BIG_REGISTRY_MODELS + 2} models): first view in ${ms.toFixed(0)} ms`);
  assert.ok(ms < FIRST_VIEW_BOUND_MS, `first view took ${ms.toFixed(0)} ms`);
  const pagerText = await page.$eval('.pager span', (s) => s.textContent);
  assert.match(pagerText, new RegExp(`of ${BIG_REGISTRY_MODELS + 2}$`));
  await shot(page, 'models');
  await go(page, '#/models?name=bulk_model_3');
  await firstView(page, 'models');
  const firstKey = await page.$eval('main table tbody tr a', (a) => decodeURIComponent(a.getAttribute('href').split('/').pop()));
  await go(page, `#/models/${encodeURIComponent(firstKey)}`);
  const modelMs = await firstView(page, 'model');
  console.log(`# a model of 100 versions: first view in ${modelMs.toFixed(0)} ms`);
  await shot(page, 'model-versions');
  await page.close();
});

test('a stage changed on a model page is what `hone models show` says, and a prediction answers', async () => {
  const models = await api(server.url, 'POST', '/api/training/models/search', { name: 'churn_trees' });
  assert.equal(models.length, 2);
  const key = models[0].key;
  const page = await openPage(`#/models/${encodeURIComponent(key)}`);
  await firstView(page, 'model');
  await page.select('#stage-select', 'staging');
  await page.click('#set-stage');
  await page.waitForFunction(() => document.querySelector('#stage-badge').textContent === 'staging');
  const shown = hone(['models', 'show', key]);
  assert.match(shown, /staging/, `hone models show ${key} should say staging:\n${shown}`);
  await page.type('#feature-tenure', '3');
  await page.type('#feature-monthly_spend', '80.5');
  await page.type('#feature-support_calls', '4');
  await page.click('#predict');
  await page.waitForFunction(() => /predictions|prediction|label/.test(document.querySelector('#prediction').textContent));
  await shot(page, 'model');
  await go(page, `#/compare/${models.map((m) => encodeURIComponent(m.key)).join(',')}`);
  await firstView(page, 'compare');
  const differing = await page.$$eval('tr.differs', (trs) => trs.map((tr) => tr.firstChild.textContent));
  assert.ok(differing.includes('max_depth'), `max_depth differs between the versions: ${differing}`);
  await shot(page, 'compare');
  await page.close();
});

test(`a study of ${BIG_STUDY_TRIALS} trials renders within ${FIRST_VIEW_BOUND_MS} ms, every chart drawn`, async () => {
  const page = await openPage('#/studies/big_study');
  const ms = await firstView(page, 'study');
  console.log(`# study page (${BIG_STUDY_TRIALS} trials): first view in ${ms.toFixed(0)} ms`);
  assert.ok(ms < FIRST_VIEW_BOUND_MS, `first view took ${ms.toFixed(0)} ms`);
  
  const pagerText = await page.$eval('.pager span', (s) => s.textContent);
  assert.match(pagerText, new RegExp(`of ${BIG_STUDY_TRIALS}$`));
  await shot(page, 'study');
  // The table pages and filters the list the charts hold.
  await page.evaluate(() => [...document.querySelectorAll('.pager button')].pop().click());
  assert.equal(await page.$eval('.pager span', (s) => s.textContent), `51–100 of ${BIG_STUDY_TRIALS}`);
  await page.select('#trial-status', 'pruned');
  const statuses = await page.$$eval('main table tbody tr td:nth-child(2)', (tds) => [...new Set(tds.map((td) => td.textContent))]);
  assert.deepEqual(statuses, ['pruned']);
  await go(page, '#/studies');
  await firstView(page, 'studies');
  await shot(page, 'studies');
  await page.close();
});

test('a pipeline run from its page shows every stage completed, on the graph and in the table', async () => {
  const page = await openPage('#/pipelines');
  await firstView(page, 'pipelines');
  assert.equal(await page.$eval('main table tbody tr td a', (a) => a.textContent), 'nightly');
  await shot(page, 'pipelines');
  await go(page, '#/pipelines/nightly');
  await firstView(page, 'pipeline');
  await page.click('#pipeline-run');
  await page.waitForFunction(() => /^#\/executions\/./.test(location.hash));
  await page.waitForFunction(() => document.querySelector('main .toolbar .badge')?.textContent === 'completed',
                             { timeout: 60000 });
  await firstView(page, 'execution');
  const states = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[2].textContent]));
  assert.deepEqual(states, [['prep', 'completed'], ['train', 'completed'], ['gate', 'completed']]);
  const nodes = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-chart="dag"]'))
    .getOption().series[0].data.map((n) => `${n.name}@${n.x}`));
  assert.deepEqual(nodes, ['prep@0', 'train@220', 'gate@440'], 'stages are laid out by dependency depth');
  await shot(page, 'pipeline-execution');
  await page.close();
});

test('the serving page counts each model\'s predictions and errors, as /metrics does', async () => {
  const [model] = await api(server.url, 'POST', '/api/training/models/search', { name: 'churn_trees' });
  const row = { tenure: 3, monthly_spend: 80.5, support_calls: 4 };
  for (let i = 0; i < 5; ++i) await api(server.url, 'POST', `/api/training/models/${model.key}/predict`, { records: [row] });
  const refused = await fetch(`${server.url}/api/training/models/${model.key}/predict`, { method: 'POST', body: '{"records": 3}' });
  assert.equal(refused.status, 400);
  const page = await openPage('#/serving');
  await firstView(page, 'serving');
  const cells = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => [...tr.children].slice(0, 4).map((td) => td.textContent)));
  const mine = cells.find((c) => c[0] === model.key);
  assert.ok(mine, `the served model should be listed: ${JSON.stringify(cells)}`);
  // The page's own call to the prediction form earlier may have added some: at least these.
  assert.ok(Number(mine[1]) >= 6 && Number(mine[2]) >= 1, `requests and errors: ${mine}`);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, new RegExp(`hone_model_requests_total\\{model="${model.key}",outcome="error"\\} ${mine[2]}`));
  await shot(page, 'serving');
  await page.close();
});

test('the audit page lists the changes made', async () => {
  const page = await openPage('#/audit');
  await firstView(page, 'audit');
  const actions = await page.$$eval('main table tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
  assert.ok(actions.includes('update_model'), `the stage change should be audited: ${actions}`);
  assert.ok(actions.includes('start'), `the run started should be audited: ${actions}`);
  await shot(page, 'audit');
  await page.close();
});

test('with --token the page asks for it once and keeps it in session storage, never in the URL', async () => {
  tokenServer = await serve(['--token', 'dashboard-secret']);
  const page = await browser.newPage();
  const refused = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/status of 401/.test(m.text())) refused.push(m.text());
    else consoleErrors.push(`token page: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`token page: ${e.message}`));
  await page.goto(`${tokenServer.url}/#/models`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#token-dialog[open]');
  await page.type('#token-input', 'dashboard-secret');
  await page.keyboard.press('Enter');
  await firstView(page, 'models');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('hone.token')), 'dashboard-secret');
  assert.ok(!page.url().includes('dashboard-secret'), 'the token must not be in the URL');
  await go(page, '#/audit');
  await firstView(page, 'audit');  // asked once: the session keeps it
  assert.equal(await page.$('#token-dialog[open]'), null);
  await page.close();
});

test('no page wrote an error to the console', () => {
  assert.deepEqual(consoleErrors, []);
});
