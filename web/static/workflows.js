// Workflow pages: the list, one workflow (graph, runs, "Start run"), and
// one run (the graph coloured by node state, live until the run ends).

import { h, time, duration, span, badge, link, kv, table, path, go, pageAll } from './dom.js';
import { glue, read, Reader } from './api.js';
import { Graph, nodeState, latestRun } from './graph.js';

const RUNS_PER_PAGE = 10;
// OVERVIEW is the smallest scale a graph opens at: names stay legible.
const OVERVIEW = 0.45;
const LIVE = new Set(['RUNNING', 'STOPPING']);

// workflowsPage lists workflows: last run, a strip of recent outcomes, and
// a filter by name.
export async function workflowsPage(page) {
  const filter = h('input', { type: 'search', id: 'filter', placeholder: 'Filter by name', 'aria-label': 'Filter workflows by name' });
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  page.render(h('h1', {}, 'Workflows'), h('label', { class: 'filter' }, filter), body);
  let rows = [];
  const show = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = rows.filter((r) => r.wf.Name.toLowerCase().includes(q));
    body.replaceChildren(shown.length ? table([
      ['Name', (r) => link(path('workflows', r.wf.Name), r.wf.Name)],
      ['Last run', (r) => r.wf.LastRun ? [badge(r.wf.LastRun.Status), ' ', time(r.wf.LastRun.StartedOn)] : h('span', { class: 'muted' }, 'never run')],
      ['Recent runs', (r) => strip(r.wf.Name, r.runs)],
      ['Description', (r) => r.wf.Description || ''],
    ], shown, (r) => ({ 'data-workflow-name': r.wf.Name })) : h('p', { class: 'muted' }, rows.length ? 'No workflow matches.' : 'No workflows yet.'));
  };
  filter.addEventListener('input', show);
  await page.poll(async () => {
    const names = await pageAll(read, 'ListWorkflows', { MaxResults: 25 }, 'Workflows');
    const wfs = [];
    for (let i = 0; i < names.length; i += 25) {
      wfs.push(...(await read('BatchGetWorkflows', { Names: names.slice(i, i + 25) })).Workflows || []);
    }
    wfs.sort((a, b) => a.Name.localeCompare(b.Name));
    rows = await Promise.all(wfs.map(async (wf) => ({ wf, runs: wf.LastRun ? (await read('GetWorkflowRuns', { Name: wf.Name, MaxResults: 12 })).Runs || [] : [] })));
    show();
  }, 5000);
}

// strip shows recent runs' outcomes, oldest first, each a link to its run.
function strip(name, runs) {
  return h('span', { class: 'strip', 'aria-label': `${runs.length} recent runs` }, runs.slice().reverse().map((r) =>
    h('a', { href: '#' + path('workflows', name, 'runs', r.WorkflowRunId), class: `tick st-${runOutcome(r).toLowerCase()}`, title: `${runOutcome(r)} ${time(r.StartedOn)}`, 'aria-label': `${runOutcome(r)} run ${time(r.StartedOn)}` })));
}

// runOutcome is a run's status, FAILED when it completed with failed
// actions.
function runOutcome(r) {
  const st = r.Statistics || {};
  if (r.Status === 'COMPLETED' && (st.FailedActions || st.TimeoutActions || st.ErroredActions)) return 'FAILED';
  return r.Status || '';
}

// workflowPage shows a workflow: graph, runs and "Start run".
export async function workflowPage(page, name) {
  const wf = (await read('GetWorkflow', { Name: name, IncludeGraph: true }).catch((e) => { page.error(e); return {}; })).Workflow;
  if (!wf) return page.render(h('h1', {}, name), h('p', {}, 'This workflow could not be read.'));
  const graph = new Graph(wf.Graph || {}, { onActivate: (n) => openEntity(n) });
  const runs = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  page.render(
    h('p', { class: 'crumbs' }, link('/workflows', 'Workflows'), ' / '),
    h('h1', {}, 'Workflow ', h('span', { class: 'mono' }, name)),
    wf.Description ? h('p', {}, wf.Description) : null,
    startForm(page, name),
    h('h2', {}, 'Graph'), graph.el,
    h('h2', {}, 'Runs'), runs,
    h('h2', {}, 'Default run properties'), kv(wf.DefaultRunProperties),
  );
  graph.fit(OVERVIEW);
  runsList(page, name, runs);
}

// openEntity opens the page of a graph node's job or crawler.
function openEntity(n) {
  if (n.Type === 'JOB') go(path('jobs', n.Name));
  else if (n.Type === 'CRAWLER') go(path('crawlers', n.Name));
}

// startForm is "Start run" with optional run properties, one key=value a
// line.
function startForm(page, name) {
  const props = h('textarea', { id: 'run-properties', rows: 2, placeholder: 'key=value, one a line (optional)' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Start run');
  const form = h('form', { class: 'start', onsubmit: async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      const input = { Name: name };
      const rp = parseProperties(props.value);
      if (Object.keys(rp).length) input.RunProperties = rp;
      const out = await glue('StartWorkflowRun', input);
      go(path('workflows', name, 'runs', out.RunId));
    } catch (err) {
      page.error(err);
    } finally {
      button.disabled = false;
    }
  } },
  h('label', { for: 'run-properties' }, 'Run properties'), props, button);
  return form;
}

// parseProperties reads key=value lines.
function parseProperties(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    if (i < 1) throw Object.assign(new Error(`run property "${t}": write key=value`), { code: 'InvalidInput' });
    out[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return out;
}

// runsList shows the workflow's runs, newest first, a page at a time; the
// first page follows new runs.
function runsList(page, name, box) {
  const tokens = [undefined];
  let at = 0;
  let reader = null;
  const load = () => { reader = new Reader('GetWorkflowRuns', { Name: name, MaxResults: RUNS_PER_PAGE, NextToken: tokens[at] }); };
  const show = (out) => {
    const rows = out.Runs || [];
    if (out.NextToken) tokens[at + 1] = out.NextToken;
    const pager = h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: at === 0, onclick: () => { at--; load(); refresh(); } }, 'Newer runs'),
      h('span', {}, ` page ${at + 1} `),
      h('button', { type: 'button', disabled: !out.NextToken, onclick: () => { at++; load(); refresh(); } }, 'Older runs'));
    box.replaceChildren(rows.length ? table([
      ['Run', (r) => link(path('workflows', name, 'runs', r.WorkflowRunId), r.WorkflowRunId, { class: 'mono' })],
      ['Status', (r) => badge(runOutcome(r))],
      ['Started', (r) => time(r.StartedOn)],
      ['Duration', (r) => duration(span(r.StartedOn, r.CompletedOn))],
      ['Actions', (r) => stats(r.Statistics)],
    ], rows, (r) => ({ 'data-run-id': r.WorkflowRunId, 'data-status': r.Status })) : h('p', { class: 'muted' }, 'No runs yet.'), pager);
  };
  const refresh = async () => { const out = await reader.read(); if (out) show(out); };
  load();
  page.poll(refresh, 2000);
}

function stats(st) {
  if (!st) return '';
  return `${st.SucceededActions || 0} ok · ${st.FailedActions || 0} failed · ${st.RunningActions || 0} running · ${st.TotalActions || 0} total`;
}

// runPage shows a run: its graph coloured by state, statistics, properties,
// per-node durations, "Stop run", and "Resume" on selected nodes. It
// follows the run until it ends.
export async function runPage(page, name, runId) {
  const reader = new Reader('GetWorkflowRun', { Name: name, RunId: runId, IncludeGraph: true });
  let run;
  try { run = (await reader.read()).Run; } catch (e) { page.error(e); return page.render(h('h1', {}, 'Run ', runId)); }
  const resume = h('button', { type: 'button', disabled: true, 'aria-describedby': 'resume-help' }, 'Resume');
  const stop = h('button', { type: 'button', class: 'danger' }, 'Stop run');
  const graph = new Graph(run.Graph || {}, {
    run: true,
    selectable: (n) => n.Type !== 'TRIGGER',
    onSelect: (sel) => { resume.disabled = sel.size === 0; help.textContent = `${sel.size} node(s) selected to resume`; },
  });
  const help = h('span', { id: 'resume-help', class: 'muted' }, 'Select failed nodes in the graph (click or Enter) to resume them');
  const status = h('span', { id: 'run-status' });
  const detail = h('div', {});
  stop.addEventListener('click', () => act(page, stop, async () => { await glue('StopWorkflowRun', { Name: name, RunId: runId }); follow(); }));
  resume.addEventListener('click', () => act(page, resume, async () => {
    const out = await glue('ResumeWorkflowRun', { Name: name, RunId: runId, NodeIds: [...graph.selected] });
    go(path('workflows', name, 'runs', out.RunId));
  }));
  page.render(
    h('p', { class: 'crumbs' }, link('/workflows', 'Workflows'), ' / ', link(path('workflows', name), name), ' / '),
    h('h1', {}, 'Run ', h('span', { class: 'mono' }, runId), ' ', status),
    h('div', { class: 'actions' }, stop, resume, help),
    graph.el, detail);
  graph.fit(OVERVIEW);
  const show = (r) => {
    run = r;
    status.replaceChildren(badge(runOutcome(r)));
    status.setAttribute('data-status', r.Status);
    stop.disabled = !LIVE.has(r.Status);
    graph.update(r.Graph || {});
    detail.replaceChildren(...runDetail(r).filter((c) => c !== null));
  };
  show(run);
  const follow = () => page.poll(async () => {
    const out = await reader.read();
    if (out) show(out.Run);
    return LIVE.has(run.Status);
  }, 500);
  if (LIVE.has(run.Status)) follow();
}

// act runs an action from button, showing its error.
async function act(page, button, fn) {
  button.disabled = true;
  try { await fn(); page.error(null); } catch (e) { page.error(e); } finally { button.disabled = false; }
}

function runDetail(r) {
  const nodes = (r.Graph?.Nodes || []).filter((n) => n.Type !== 'TRIGGER');
  return [
    r.ErrorMessage ? h('p', { class: 'error-text' }, r.ErrorMessage) : null,
    h('div', { class: 'cols' },
      h('section', {}, h('h2', {}, 'Statistics'), kv(r.Statistics)),
      h('section', {}, h('h2', {}, 'Run properties'), kv(r.WorkflowRunProperties)),
      h('section', {}, h('h2', {}, 'Timing'), kv({ Started: time(r.StartedOn), Completed: time(r.CompletedOn) || '—', Duration: duration(span(r.StartedOn, r.CompletedOn)) }))),
    h('h2', {}, 'Nodes'),
    table([
      ['Node', (n) => n.Type === 'JOB' ? link(path('jobs', n.Name), n.Name) : link(path('crawlers', n.Name), n.Name)],
      ['Type', (n) => n.Type],
      ['State', (n) => badge(nodeState(n))],
      ['Run', (n) => {
        const lr = latestRun(n);
        return n.Type === 'JOB' && lr ? link(path('jobs', n.Name, 'runs', lr.Id), lr.Id, { class: 'mono' }) : '';
      }],
      ['Started', (n) => time(latestRun(n)?.StartedOn)],
      ['Duration', (n) => { const lr = latestRun(n); return lr ? duration(span(lr.StartedOn, lr.CompletedOn)) : ''; }],
    ], nodes),
  ];
}
