// Epoxy's web UI: a hash router over pages, each rendered into <main>.
// Pages poll what they show (short polling with ETags, see api.js) until
// the user leaves them.

import { h } from './dom.js';
import { workflowsPage, workflowPage, runPage } from './workflows.js';
import { jobsPage, jobPage, jobRunPage } from './jobs.js';
import { crawlersPage, crawlerPage, triggersPage, blueprintsPage, blueprintPage, catalogPage } from './others.js';

const routes = [
  [/^\/?$/, workflowsPage],
  [/^\/workflows$/, workflowsPage],
  [/^\/workflows\/([^/]+)$/, workflowPage],
  [/^\/workflows\/([^/]+)\/runs\/([^/]+)$/, runPage],
  [/^\/jobs$/, jobsPage],
  [/^\/jobs\/([^/]+)$/, jobPage],
  [/^\/jobs\/([^/]+)\/runs\/([^/]+)$/, jobRunPage],
  [/^\/crawlers$/, crawlersPage],
  [/^\/crawlers\/([^/]+)$/, crawlerPage],
  [/^\/triggers$/, triggersPage],
  [/^\/blueprints$/, blueprintsPage],
  [/^\/blueprints\/([^/]+)$/, blueprintPage],
  [/^\/catalog$/, catalogPage],
];

// Page is what a page function receives: where to render, and polling and
// error reporting that end when the user navigates away.
class Page {
  constructor(main) {
    this.main = main;
    this.alive = true;
    this.timers = new Set();
  }

  // poll calls fn now and then every ms milliseconds after it settles,
  // until it returns false or the page is left.
  poll(fn, ms) {
    const tick = async () => {
      if (!this.alive) return;
      let again = true;
      try { again = (await fn()) !== false; } catch (e) { this.error(e); }
      if (again && this.alive) {
        const t = setTimeout(() => { this.timers.delete(t); tick(); }, ms);
        this.timers.add(t);
      }
    };
    return tick();
  }

  // error shows an error in the page's alert area; null clears it.
  error(e) {
    const box = document.getElementById('alert');
    box.replaceChildren();
    if (!e) return;
    box.append(h('p', {}, h('strong', {}, e.code || 'Error'), ': ', e.message || String(e)),
      h('button', { type: 'button', class: 'link', onclick: () => box.replaceChildren() }, 'Dismiss'));
    console.error(e);
  }

  // render replaces the page's content.
  render(...children) {
    if (this.alive) this.main.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  }

  leave() {
    this.alive = false;
    for (const t of this.timers) clearTimeout(t);
  }
}

let current = null;

function route() {
  current?.leave();
  const path = location.hash.replace(/^#/, '') || '/';
  const main = document.getElementById('main');
  current = new Page(main);
  current.error(null);
  for (const a of document.querySelectorAll('nav a')) {
    const section = a.getAttribute('href').slice(1);
    a.toggleAttribute('aria-current', path.startsWith(section) || (section === '/workflows' && path === '/'));
  }
  for (const [re, page] of routes) {
    const m = path.match(re);
    if (m) {
      page(current, ...m.slice(1).map(decodeURIComponent));
      return;
    }
  }
  current.render(h('h1', {}, 'Not found'), h('p', {}, `The UI has no page ${path}.`));
}

window.addEventListener('hashchange', route);
route();
document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
