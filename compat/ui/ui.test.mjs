// Browser tests of Epoxy's web UI: playwright-core driving Debian's
// chromium (headless, --no-sandbox, no network but the Epoxy server)
// against a running `epoxy serve` at $EPOXY_ENDPOINT (compat/run.sh starts
// one). Jobs are real Python scripts written to a temporary directory.
//
// Prints "ok - <test>" or "FAIL - <test>: <error>" per test, the
// measurements as "# measure: ...", and as its last line
// "ui: N passed, M failed". Screenshots go to $UI_SCREENSHOTS (default
// compat/ui/screenshots).

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

const ENDPOINT = process.env.EPOXY_ENDPOINT;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.UI_SCREENSHOTS || join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const DEADLINE = 120_000; // ms for any condition to come true on a busy machine
const ROLE = 'arn:aws:iam::123456789012:role/GlueRole';
const tag = randomUUID().slice(0, 8);
const dir = mkdtempSync(join(tmpdir(), 'epoxy-ui-'));

// ---- the Glue API, as any client calls it ----

async function glue(op, input) {
  const res = await fetch(ENDPOINT + '/', {
    method: 'POST',
    headers: { 'X-Amz-Target': `AWSGlue.${op}`, 'Content-Type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(input),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${op}: ${body.__type}: ${body.Message}`);
  return body;
}

function script(name, code) {
  const p = join(dir, name + '.py');
  writeFileSync(p, code);
  return p;
}

const scripts = {
  ok: () => script('ok', 'print("hello from epoxy")\n'),
  fail: () => script('fail', `import sys\nprint("UI-STDERR-MARKER ${tag}: the input file is missing", file=sys.stderr)\nsys.exit(1)\n`),
  // block waits until the run is stopped (a file that never appears).
  block: () => script('block', `import os, time\nwhile not os.path.exists(${JSON.stringify(join(dir, 'never'))}):\n    time.sleep(0.2)\n`),
  // flaky fails until the "fixed" file exists.
  flaky: () => script('flaky', `import os, sys\nif not os.path.exists(${JSON.stringify(join(dir, 'fixed'))}):\n    print("flaky: not fixed yet", file=sys.stderr)\n    sys.exit(1)\nprint("fixed")\n`),
};

async function job(name, location) {
  await glue('CreateJob', { Name: name, Role: ROLE, Command: { Name: 'pythonshell', ScriptLocation: location, PythonVersion: '3' } });
}

// layered creates a workflow of `layers` layers, each a trigger and
// `width` jobs: an ON_DEMAND trigger starts the first layer, and each
// further layer's conditional trigger waits for every job of the one
// before. It has layers * (width + 1) nodes.
async function layered(wf, layers, width, location, extra = {}) {
  await glue('CreateWorkflow', { Name: wf, ...extra });
  let prev = [];
  for (let l = 0; l < layers; l++) {
    const jobs = [];
    for (let j = 0; j < width; j++) {
      const name = `${wf}-l${l}-j${j}`;
      await job(name, location);
      jobs.push(name);
    }
    const t = { Name: `${wf}-t${l}`, WorkflowName: wf, Actions: jobs.map((JobName) => ({ JobName })) };
    if (l === 0) await glue('CreateTrigger', { ...t, Type: 'ON_DEMAND' });
    else await glue('CreateTrigger', { ...t, Type: 'CONDITIONAL', StartOnCreation: true,
      Predicate: { Logical: 'AND', Conditions: prev.map((JobName) => ({ LogicalOperator: 'EQUALS', JobName, State: 'SUCCEEDED' })) } });
    prev = jobs;
  }
}

async function until(what, fn) {
  const end = Date.now() + DEADLINE;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ---- the browser ----

let browser;
async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });
  // No network but Epoxy: every other request fails.
  await ctx.route((url) => !url.href.startsWith(ENDPOINT), (route) => route.abort());
  const page = await ctx.newPage();
  page.setDefaultTimeout(DEADLINE);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  return page;
}

const ui = (route) => `${ENDPOINT}/ui/#${route}`;
const enc = encodeURIComponent;

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name + '.png') });
}

// ---- the tests ----

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const measures = [];

const WF = `ui-wf-${tag}`;
test('a browser asking for / is sent to the UI, which lists workflows', async (page) => {
  await page.goto(ENDPOINT + '/');
  assert(page.url().startsWith(ENDPOINT + '/ui/'), `landed on ${page.url()}`);
  await page.getByRole('searchbox', { name: 'Filter workflows by name' }).fill(tag);
  await page.locator(`tr[data-workflow-name="${WF}"]`).waitFor();
});

test('a workflow page shows the nodes of GetWorkflow\'s graph', async (page) => {
  const graph = (await glue('GetWorkflow', { Name: WF, IncludeGraph: true })).Workflow.Graph;
  await page.goto(ui(`/workflows/${enc(WF)}`));
  await page.locator('[data-node-type]').nth(graph.Nodes.length - 1).waitFor();
  const shown = await page.locator('[data-node-type]').evaluateAll((els) => els.map((e) => `${e.dataset.nodeType} ${e.dataset.nodeName}`).sort());
  const want = graph.Nodes.map((n) => `${n.Type} ${n.Name}`).sort();
  assert(JSON.stringify(shown) === JSON.stringify(want), `nodes ${shown} != ${want}`);
  assert(await page.locator(`[data-node-type=TRIGGER][data-node-name="${WF}-t1"] text.sub`).textContent().then((t) => t.startsWith('CONDITIONAL')), 'trigger shows its type');
});

test('"Start run" starts a run whose job nodes all reach SUCCEEDED live', async (page) => {
  await page.goto(ui(`/workflows/${enc(WF)}`));
  await page.evaluate(() => { window.notReloaded = true; });
  await page.getByLabel('Run properties').fill('requested_by=ui-test');
  await page.getByRole('button', { name: 'Start run', exact: true }).click();
  await page.waitForURL(/\/runs\//);
  const jobs = page.locator('[data-node-type=JOB]');
  await until('every job node SUCCEEDED', async () => (await jobs.evaluateAll((els) => els.every((e) => e.dataset.state === 'SUCCEEDED'))) && (await jobs.count()) === 6);
  await page.locator('#run-status[data-status=COMPLETED]').waitFor();
  assert(await page.evaluate(() => window.notReloaded === true), 'the page was reloaded');
  await page.getByText('requested_by').waitFor();
  assert(!/^null$/m.test(await page.locator('body').innerText()), 'no absent value is shown as the text "null"');
  await page.getByRole('button', { name: 'Fit' }).click();
  await shot(page, 'run-succeeded');
  await page.goto(ui(`/workflows/${enc(WF)}`));
  await page.locator('tr[data-run-id][data-status=COMPLETED]').first().waitFor();
  await shot(page, 'workflow');
});

const FAILWF = `ui-fail-${tag}`;
test('a failed job run shows its stderr', async (page) => {
  await glue('CreateWorkflow', { Name: FAILWF });
  await job(`${FAILWF}-job`, scripts.fail());
  await glue('CreateTrigger', { Name: `${FAILWF}-start`, WorkflowName: FAILWF, Type: 'ON_DEMAND', Actions: [{ JobName: `${FAILWF}-job` }] });
  const { RunId } = await glue('StartWorkflowRun', { Name: FAILWF });
  await page.goto(ui(`/workflows/${enc(FAILWF)}/runs/${RunId}`));
  await page.locator(`[data-node-type=JOB][data-node-name="${FAILWF}-job"][data-state=FAILED]`).waitFor();
  await page.locator('#run-status[data-status=COMPLETED]').waitFor();
  await page.locator('table a[href*="/runs/jr_"]').first().click();
  await page.locator('#log-stderr', { hasText: `UI-STDERR-MARKER ${tag}` }).waitFor();
  await shot(page, 'job-run-failed');
});

const STOPWF = `ui-stop-${tag}`;
test('a second "Start run" shows ConcurrentRunsExceeded; "Stop run" stops the run', async (page) => {
  await glue('CreateWorkflow', { Name: STOPWF, MaxConcurrentRuns: 1 });
  await job(`${STOPWF}-job`, scripts.block());
  await glue('CreateTrigger', { Name: `${STOPWF}-start`, WorkflowName: STOPWF, Type: 'ON_DEMAND', Actions: [{ JobName: `${STOPWF}-job` }] });
  await page.goto(ui(`/workflows/${enc(STOPWF)}`));
  await page.getByRole('button', { name: 'Start run', exact: true }).click();
  await page.waitForURL(/\/runs\//);
  await page.locator('[data-node-type=JOB][data-state=RUNNING]').waitFor();
  await page.goto(ui(`/workflows/${enc(STOPWF)}`));
  await page.getByRole('button', { name: 'Start run', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'ConcurrentRunsExceededException' }).waitFor();
  await page.locator('tr[data-run-id][data-status=RUNNING] a').first().click();
  await page.getByRole('button', { name: 'Stop run', exact: true }).click();
  await page.locator('#run-status[data-status=STOPPED]').waitFor();
  await page.locator('[data-node-type=JOB][data-state=STOPPED]').waitFor();
});

const RESWF = `ui-resume-${tag}`;
test('"Resume" on a selected failed node re-runs it', async (page) => {
  await glue('CreateWorkflow', { Name: RESWF });
  await job(`${RESWF}-flaky`, scripts.flaky());
  await glue('CreateTrigger', { Name: `${RESWF}-start`, WorkflowName: RESWF, Type: 'ON_DEMAND', Actions: [{ JobName: `${RESWF}-flaky` }] });
  const { RunId } = await glue('StartWorkflowRun', { Name: RESWF });
  await page.goto(ui(`/workflows/${enc(RESWF)}/runs/${RunId}`));
  await page.locator('#run-status[data-status=COMPLETED]').waitFor();
  writeFileSync(join(dir, 'fixed'), '');
  const resume = page.getByRole('button', { name: 'Resume', exact: true });
  assert(await resume.isDisabled(), 'Resume is disabled with nothing selected');
  // Keyboard: focus the failed node, select it with Enter, then Resume.
  const node = page.locator(`[data-node-type=JOB][data-node-name="${RESWF}-flaky"][data-state=FAILED]`);
  await node.focus();
  await page.keyboard.press('Enter');
  assert(await node.getAttribute('aria-pressed') === 'true', 'Enter selects the node');
  await resume.focus();
  await page.keyboard.press('Enter');
  await until('a new run', async () => !page.url().endsWith(RunId));
  await page.locator(`[data-node-name="${RESWF}-flaky"][data-state=SUCCEEDED]`).waitFor();
});

test('keyboard: skip link, section links and labelled actions', async (page) => {
  await page.goto(ui(`/workflows/${enc(WF)}`));
  await page.getByRole('button', { name: 'Start run', exact: true }).waitFor();
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.textContent) === 'Skip to content', 'first Tab reaches the skip link');
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.textContent) === 'Workflows', 'then the section links');
  for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Data Catalog' }).waitFor();
  for (const name of ['Zoom in', 'Zoom out', 'Fit']) {
    await page.goto(ui(`/workflows/${enc(WF)}`));
    await page.getByRole('button', { name, exact: true }).waitFor();
    assert(await page.getByRole('button', { name, exact: true }).count() === 1, `one "${name}" button`);
  }
  assert(await page.getByRole('textbox', { name: 'Run properties' }).count() === 1, 'labelled run properties');
});

test('every section renders; a schedule shows its next fire times; the catalog shows a table and its partitions', async (page) => {
  await glue('CreateTrigger', { Name: `ui-sched-${tag}`, Type: 'SCHEDULED', Schedule: 'cron(0 12 * * ? *)', StartOnCreation: true,
    Actions: [{ JobName: `${WF}-l0-j0` }] });
  for (const [route, heading] of [['/jobs', 'Jobs'], ['/crawlers', 'Crawlers'], ['/blueprints', 'Blueprints'], ['/catalog', 'Data Catalog'],
    [`/jobs/${enc(WF + '-l0-j0')}`, `Job ${WF}-l0-j0`]]) {
    await page.goto(ui(route));
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  }
  // The catalog page shows databases, tables, their columns and partitions.
  const db = `ui_db_${tag}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await glue('CreateDatabase', { DatabaseInput: { Name: db } });
  await glue('CreateTable', { DatabaseName: db, TableInput: { Name: 'sales',
    StorageDescriptor: { Columns: [{ Name: 'amount', Type: 'bigint' }] }, PartitionKeys: [{ Name: 'day', Type: 'string' }] } });
  await glue('CreatePartition', { DatabaseName: db, TableName: 'sales', PartitionInput: { Values: ['2026-01-01'] } });
  await page.goto(ui('/catalog'));
  const tableEl = page.locator(`[data-database-name="${db}"] details[data-table-name="sales"]`);
  await tableEl.locator('summary').click();
  await tableEl.locator('tr[data-partition="2026-01-01"]').waitFor();
  assert(/amount/.test(await tableEl.textContent()), 'the table shows its columns');
  await glue('DeleteDatabase', { Name: db });

  await page.goto(ui('/triggers'));
  await page.locator(`tr[data-trigger-name="ui-sched-${tag}"] li`).nth(2).waitFor();
  const first = await page.locator(`tr[data-trigger-name="ui-sched-${tag}"] li`).first().textContent();
  assert(/12:00:00/.test(first), `next fire at 12:00, got ${first}`);
  await glue('DeleteTrigger', { Name: `ui-sched-${tag}` });
});

const BIG = `ui-big-${tag}`;
test('performance: time to interactive of a 200-node workflow page', async (page) => {
  await layered(BIG, 20, 9, scripts.ok());
  await page.goto(ui('/jobs'));
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  const t0 = Date.now();
  await page.goto(ui(`/workflows/${enc(BIG)}`));
  await page.locator('[data-node-type]').nth(199).waitFor();
  await page.getByRole('button', { name: 'Start run', exact: true }).waitFor({ state: 'visible' });
  // Interactive: the page answers a click on a node within a frame.
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  const tti = Date.now() - t0;
  const count = await page.locator('[data-node-type]').count();
  assert(count === 200, `200 nodes, got ${count}`);
  measures.push(`200-node workflow page: interactive ${tti} ms after navigation`);
  await shot(page, 'workflow-200');
});

const RUN100 = `ui-run100-${tag}`;
test('performance: update latency and frame time of a running 100-node run', async (page) => {
  await layered(RUN100, 10, 9, scripts.ok());
  const { RunId } = await glue('StartWorkflowRun', { Name: RUN100 });
  await page.goto(ui(`/workflows/${enc(RUN100)}/runs/${RunId}`));
  await page.locator('[data-node-type]').nth(99).waitFor();
  // In the page: when each node's data-state changes, and frame intervals.
  await page.evaluate(() => {
    window.seen = {};
    window.frames = [];
    new MutationObserver((ms) => {
      for (const m of ms) window.seen[`${m.target.dataset.nodeName} ${m.target.dataset.state}`] ??= Date.now();
    }).observe(document.querySelector('.graph-svg'), { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    let last = performance.now();
    const frame = (t) => { window.frames.push(t - last); last = t; if (!window.stopFrames) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
  });
  // Beside it, when the API first reports each job's state.
  const api = {};
  for (;;) {
    const run = (await glue('GetWorkflowRun', { Name: RUN100, RunId, IncludeGraph: true })).Run;
    const now = Date.now();
    for (const n of run.Graph.Nodes) for (const r of n.JobDetails?.JobRuns || []) api[`${n.Name} ${r.JobRunState}`] ??= now;
    if (run.Status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.locator('#run-status[data-status=COMPLETED]').waitFor();
  const { seen, frames } = await page.evaluate(() => { window.stopFrames = true; return { seen: window.seen, frames: window.frames }; });
  const lat = Object.keys(api).filter((k) => seen[k]).map((k) => seen[k] - api[k]).sort((a, b) => a - b);
  const succeeded = Object.keys(seen).filter((k) => k.endsWith(' SUCCEEDED')).length;
  assert(succeeded === 90, `the page saw ${succeeded} of 90 jobs succeed`);
  const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  const fr = frames.slice(1).sort((a, b) => a - b);
  measures.push(`100-node running run: ${lat.length} state changes seen in the page; latency after the API reported them: median ${q(lat, 0.5)} ms, p95 ${q(lat, 0.95)} ms, max ${lat[lat.length - 1]} ms (UI polls every 500 ms)`);
  measures.push(`100-node running run: ${fr.length} frames, frame time median ${q(fr, 0.5).toFixed(1)} ms, p95 ${q(fr, 0.95).toFixed(1)} ms, max ${fr[fr.length - 1].toFixed(1)} ms`);
});

// ---- the runner ----

async function main() {
  if (!ENDPOINT) throw new Error('EPOXY_ENDPOINT is not set (run compat/run.sh, or start epoxy serve and set it)');
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM} (apt-get install chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  await layered(WF, 2, 3, scripts.ok()); // the workflow most tests open
  const only = process.env.UI_ONLY ? new RegExp(process.env.UI_ONLY) : null;
  let pass = 0, fail = 0;
  for (const t of tests) {
    if (only && !only.test(t.name)) continue;
    const page = await newPage();
    try {
      await t.fn(page);
      if (page.errors.length) throw new Error(`errors in the page: ${page.errors.join('; ')}`);
      pass++;
      console.log(`ok - ${t.name}`);
    } catch (e) {
      fail++;
      console.log(`FAIL - ${t.name}: ${e.stack || e}`);
      await shot(page, 'failed-' + t.name.replace(/\W+/g, '-').slice(0, 60)).catch(() => {});
    } finally {
      await page.context().close();
    }
  }
  await browser.close();
  for (const m of measures) console.log(`# measure: ${m}`);
  console.log(`ui: ${pass} passed, ${fail} failed`);
  process.exitCode = fail ? 1 : 0;
}

main().catch((e) => {
  console.log(`FAIL - setup: ${e.stack || e}`);
  console.log('ui: 0 passed, 1 failed');
  process.exit(1);
});
