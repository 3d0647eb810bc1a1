// Job pages: the list, one job's runs, and one job run with its stdout and
// stderr followed live.

import { h, time, duration, span, badge, link, kv, table, path, pageAll } from './dom.js';
import { read, Reader, LogTail } from './api.js';

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'STOPPED', 'TIMEOUT', 'ERROR', 'EXPIRED']);

// jobsPage lists jobs.
export async function jobsPage(page) {
  page.render(h('h1', {}, 'Jobs'), h('p', { class: 'muted' }, 'Loading…'));
  await page.poll(async () => {
    const jobs = await pageAll(read, 'GetJobs', { MaxResults: 200 }, 'Jobs');
    jobs.sort((a, b) => a.Name.localeCompare(b.Name));
    page.render(h('h1', {}, 'Jobs'), jobs.length ? table([
      ['Name', (j) => link(path('jobs', j.Name), j.Name)],
      ['Command', (j) => j.Command?.Name || ''],
      ['Script', (j) => h('span', { class: 'mono' }, j.Command?.ScriptLocation || '')],
      ['Max concurrent runs', (j) => j.ExecutionProperty?.MaxConcurrentRuns ?? 1],
      ['Modified', (j) => time(j.LastModifiedOn)],
    ], jobs) : h('p', { class: 'muted' }, 'No jobs yet.'));
  }, 10000);
}

// jobPage shows a job and its runs.
export async function jobPage(page, name) {
  const runs = new Reader('GetJobRuns', { JobName: name, MaxResults: 50 });
  let job = {};
  try { job = (await read('GetJob', { JobName: name })).Job; } catch (e) { page.error(e); }
  const box = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  page.render(h('p', { class: 'crumbs' }, link('/jobs', 'Jobs'), ' / '), h('h1', {}, 'Job ', h('span', { class: 'mono' }, name)),
    h('p', {}, job.Description || ''), kv({ Command: job.Command?.Name, Script: job.Command?.ScriptLocation, Timeout: job.Timeout, MaxRetries: job.MaxRetries ?? 0 }),
    h('h2', {}, 'Default arguments'), kv(job.DefaultArguments), h('h2', {}, 'Runs (newest 50)'), box);
  await page.poll(async () => {
    const out = await runs.read();
    if (!out) return;
    const rows = out.JobRuns || [];
    box.replaceChildren(rows.length ? table([
      ['Run', (r) => link(path('jobs', name, 'runs', r.Id), r.Id, { class: 'mono' })],
      ['State', (r) => badge(r.JobRunState)],
      ['Attempt', (r) => r.Attempt || 0],
      ['Started', (r) => time(r.StartedOn)],
      ['Duration', (r) => duration(span(r.StartedOn, r.CompletedOn))],
      ['Trigger', (r) => r.TriggerName || ''],
    ], rows, (r) => ({ 'data-run-id': r.Id, 'data-status': r.JobRunState })) : h('p', { class: 'muted' }, 'No runs yet.'));
  }, 3000);
}

// jobRunPage shows a job run: state, attempt, arguments, timings, error,
// and the tails of its stdout and stderr, followed while it runs.
export async function jobRunPage(page, name, runId) {
  const reader = new Reader('GetJobRun', { JobName: name, RunId: runId });
  const head = h('div', {});
  const logs = ['stderr', 'stdout'].map((stream) => logView(runId, stream));
  page.render(h('p', { class: 'crumbs' }, link('/jobs', 'Jobs'), ' / ', link(path('jobs', name), name), ' / '),
    h('h1', {}, 'Job run ', h('span', { class: 'mono' }, runId)), head, logs.map((l) => l.el));
  let state = '';
  await page.poll(async () => {
    const out = await reader.read();
    if (out) {
      const r = out.JobRun;
      state = r.JobRunState;
      head.replaceChildren(
        h('p', {}, badge(r.JobRunState), r.ErrorMessage ? h('span', { class: 'error-text', id: 'error-message' }, ' ', r.ErrorMessage) : null),
        h('div', { class: 'cols' },
          h('section', {}, h('h2', {}, 'Run'), kv({ Attempt: r.Attempt || 0, 'Previous run': r.PreviousRunId || '—', Trigger: r.TriggerName || '—', 'Workflow run': r.Arguments?.['--WORKFLOW_RUN_ID'] || '—' })),
          h('section', {}, h('h2', {}, 'Timing'), kv({ Started: time(r.StartedOn), Completed: time(r.CompletedOn) || '—', 'Execution time': duration(r.ExecutionTime), Timeout: r.Timeout ? `${r.Timeout} min` : '—' })),
          h('section', {}, h('h2', {}, 'Arguments'), kv(r.Arguments))));
    }
    const ended = await Promise.all(logs.map((l) => l.refresh()));
    return !(ENDED.has(state) && ended.every(Boolean));
  }, 1000);
}

// logView is one stream's tail, with a link to the whole log.
function logView(runId, stream) {
  const tail = new LogTail(runId, stream);
  const pre = h('pre', { class: 'log', id: `log-${stream}`, tabindex: 0, 'aria-label': `${stream} of the job run` }, '');
  const note = h('p', { class: 'muted' });
  const el = h('section', { class: 'logbox' }, h('h2', {}, stream, ' ',
    h('a', { href: `/ui/api/logs/${encodeURIComponent(runId)}/${stream}?whole=1`, target: '_blank', rel: 'noopener' }, 'whole log')), note, pre);
  let ended = false;
  // refresh reads the tail when it changed; it reports whether the log is
  // complete.
  const refresh = async () => {
    const t = await tail.read();
    if (!t) return ended;
    if (t.missing) { note.textContent = `No ${stream} (yet).`; return ended; }
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = t.text;
    note.textContent = t.offset > 0 ? `Last ${t.size - t.offset} of ${t.size} bytes.` : `${t.size} bytes.`;
    if (atBottom) pre.scrollTop = pre.scrollHeight;
    ended = t.ended;
    return ended;
  };
  return { el, refresh };
}
