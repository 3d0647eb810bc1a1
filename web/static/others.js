// Crawler, trigger, blueprint and Data Catalog pages.

import { h, time, duration, span, badge, link, kv, table, path, pageAll } from './dom.js';
import { read, nextFires } from './api.js';

// crawlersPage lists crawlers with their state and last crawl.
export async function crawlersPage(page) {
  page.render(h('h1', {}, 'Crawlers'), h('p', { class: 'muted' }, 'Loading…'));
  await page.poll(async () => {
    const crawlers = await pageAll(read, 'GetCrawlers', { MaxResults: 100 }, 'Crawlers');
    page.render(h('h1', {}, 'Crawlers'), crawlers.length ? table([
      ['Name', (c) => link(path('crawlers', c.Name), c.Name)],
      ['State', (c) => badge(c.State)],
      ['Last crawl', (c) => c.LastCrawl ? [badge(c.LastCrawl.Status), ' ', time(c.LastCrawl.StartTime)] : ''],
      ['Database', (c) => c.DatabaseName || ''],
      ['Schedule', (c) => c.Schedule?.ScheduleExpression || ''],
    ], crawlers) : h('p', { class: 'muted' }, 'No crawlers yet.'));
  }, 5000);
}

// crawlerPage shows a crawler and its crawl history.
export async function crawlerPage(page, name) {
  await page.poll(async () => {
    const c = (await read('GetCrawler', { Name: name })).Crawler;
    const crawls = (await read('ListCrawls', { CrawlerName: name, MaxResults: 100 })).Crawls || [];
    page.render(h('p', { class: 'crumbs' }, link('/crawlers', 'Crawlers'), ' / '), h('h1', {}, 'Crawler ', h('span', { class: 'mono' }, name), ' ', badge(c.State)),
      kv({ Database: c.DatabaseName, 'Table prefix': c.TablePrefix, Schedule: c.Schedule?.ScheduleExpression, Targets: c.Targets }),
      h('h2', {}, 'Crawls'), crawls.length ? table([
        ['Crawl', (r) => h('span', { class: 'mono' }, r.CrawlId)],
        ['State', (r) => badge(r.State)],
        ['Started', (r) => time(r.StartTime)],
        ['Duration', (r) => duration(span(r.StartTime, r.EndTime))],
        ['Summary', (r) => r.Summary || ''],
        ['Error', (r) => r.ErrorMessage || ''],
      ], crawls) : h('p', { class: 'muted' }, 'No crawls yet.'));
  }, 5000);
}

// triggersPage lists triggers, with their next fire times for schedules.
export async function triggersPage(page) {
  page.render(h('h1', {}, 'Triggers'), h('p', { class: 'muted' }, 'Loading…'));
  await page.poll(async () => {
    const triggers = await pageAll(read, 'GetTriggers', { MaxResults: 200 }, 'Triggers');
    triggers.sort((a, b) => a.Name.localeCompare(b.Name));
    const next = new Map(await Promise.all(triggers.filter((t) => t.Type === 'SCHEDULED' && t.State === 'ACTIVATED' && t.Schedule)
      .map(async (t) => [t.Name, await nextFires(t.Schedule).catch((e) => e)])));
    page.render(h('h1', {}, 'Triggers'), triggers.length ? table([
      ['Name', (t) => t.Name],
      ['Type', (t) => t.Type],
      ['State', (t) => badge(t.State)],
      ['Workflow', (t) => t.WorkflowName ? link(path('workflows', t.WorkflowName), t.WorkflowName) : ''],
      ['Condition', (t) => t.Type === 'SCHEDULED' ? h('span', { class: 'mono' }, t.Schedule) : predicate(t.Predicate)],
      ['Next fires', (t) => fires(next.get(t.Name))],
      ['Starts', (t) => (t.Actions || []).map((a) => a.JobName || a.CrawlerName).join(', ')],
    ], triggers, (t) => ({ 'data-trigger-name': t.Name })) : h('p', { class: 'muted' }, 'No triggers yet.'));
  }, 10000);
}

function predicate(p) {
  if (!p?.Conditions?.length) return '';
  return p.Conditions.map((c) => `${c.JobName || c.CrawlerName} ${c.State || c.CrawlState}`).join(` ${p.Logical || 'AND'} `);
}

function fires(v) {
  if (v === undefined) return '';
  if (v instanceof Error) return h('span', { class: 'error-text' }, v.message);
  return h('ul', { class: 'plain' }, v.map((t) => h('li', {}, time(t))));
}

// blueprintsPage lists blueprints.
export async function blueprintsPage(page) {
  page.render(h('h1', {}, 'Blueprints'), h('p', { class: 'muted' }, 'Loading…'));
  await page.poll(async () => {
    const names = await pageAll(read, 'ListBlueprints', { MaxResults: 25 }, 'Blueprints');
    const bps = [];
    for (let i = 0; i < names.length; i += 25) bps.push(...(await read('BatchGetBlueprints', { Names: names.slice(i, i + 25) })).Blueprints || []);
    page.render(h('h1', {}, 'Blueprints'), bps.length ? table([
      ['Name', (b) => link(path('blueprints', b.Name), b.Name)],
      ['Status', (b) => badge(b.Status)],
      ['Location', (b) => h('span', { class: 'mono' }, b.BlueprintLocation || '')],
      ['Last run', (b) => b.LastActiveDefinition?.LastModifiedOn ? time(b.LastActiveDefinition.LastModifiedOn) : ''],
    ], bps) : h('p', { class: 'muted' }, 'No blueprints yet.'));
  }, 10000);
}

// blueprintPage shows a blueprint's runs and the workflows they created.
export async function blueprintPage(page, name) {
  await page.poll(async () => {
    const runs = (await read('GetBlueprintRuns', { BlueprintName: name, MaxResults: 100 })).BlueprintRuns || [];
    page.render(h('p', { class: 'crumbs' }, link('/blueprints', 'Blueprints'), ' / '), h('h1', {}, 'Blueprint ', h('span', { class: 'mono' }, name)),
      h('h2', {}, 'Runs'), runs.length ? table([
        ['Run', (r) => h('span', { class: 'mono' }, r.RunId)],
        ['State', (r) => badge(r.State)],
        ['Started', (r) => time(r.StartedOn)],
        ['Workflow', (r) => r.WorkflowName ? link(path('workflows', r.WorkflowName), r.WorkflowName) : ''],
        ['Error', (r) => r.ErrorMessage || ''],
      ], runs, (r) => ({ 'data-run-id': r.RunId, 'data-status': r.State })) : h('p', { class: 'muted' }, 'No runs yet.'));
  }, 5000);
}

// catalogPage shows the Data Catalog: databases, their tables, columns and
// partitions, once Epoxy serves it.
export async function catalogPage(page) {
  try {
    const dbs = await pageAll(read, 'GetDatabases', {}, 'DatabaseList');
    const sections = await Promise.all(dbs.map(async (db) => {
      const tables = await pageAll(read, 'GetTables', { DatabaseName: db.Name }, 'TableList');
      const details = await Promise.all(tables.map(async (t) => {
        const keys = t.PartitionKeys || [];
        const parts = keys.length ? (await read('GetPartitions', { DatabaseName: db.Name, TableName: t.Name, MaxResults: 50 })).Partitions || [] : [];
        return h('details', { 'data-table-name': t.Name }, h('summary', {}, t.Name),
          table([['Column', (c) => c.Name], ['Type', (c) => c.Type || '']], [...(t.StorageDescriptor?.Columns || []), ...keys]),
          parts.length ? table(keys.map((k, i) => [k.Name, (p) => p.Values[i]]), parts, (p) => ({ 'data-partition': p.Values.join('/') })) : []);
      }));
      return h('section', { 'data-database-name': db.Name }, h('h2', {}, db.Name), details);
    }));
    page.render(h('h1', {}, 'Data Catalog'), sections.length ? sections : h('p', { class: 'muted' }, 'No databases yet.'));
  } catch (e) {
    if (e.code !== 'UnknownOperationException') throw e;
    page.render(h('h1', {}, 'Data Catalog'), h('p', {}, 'This Epoxy does not serve the Data Catalog yet: its pages appear here once it does.'));
  }
}
