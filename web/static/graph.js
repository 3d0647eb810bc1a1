// The workflow graph as SVG: nodes laid out by dag.js, zoom and pan by
// wheel, drag, keyboard and buttons. In a run view, nodes carry their
// state (data-state) and can be selected for "Resume".

import { h, s } from './dom.js';
import { layout } from './dag.js';

const BOX = { w: 190, h: 52, gapX: 70, gapY: 18 };

// nodeState is a node's latest JobRunState or CrawlState, '' if it has not
// run (triggers never have one).
export function nodeState(node) {
  const latest = (list, key) => {
    let best = null;
    for (const r of list || []) if (!best || (r.StartedOn || 0) >= (best.StartedOn || 0)) best = r;
    return best ? best[key] || '' : '';
  };
  if (node.JobDetails) return latest(node.JobDetails.JobRuns, 'JobRunState');
  if (node.CrawlerDetails) return latest(node.CrawlerDetails.Crawls, 'State');
  return '';
}

// latestRun returns a job node's latest job run, or a crawler node's latest
// crawl.
export function latestRun(node) {
  const list = node.JobDetails?.JobRuns || node.CrawlerDetails?.Crawls || [];
  return list.reduce((best, r) => (!best || (r.StartedOn || 0) >= (best.StartedOn || 0) ? r : best), null);
}

// triggerSummary describes a trigger node: type, and predicate or schedule.
export function triggerSummary(t) {
  if (!t) return '';
  if (t.Type === 'SCHEDULED') return `SCHEDULED ${t.Schedule || ''}`;
  if (t.Type === 'CONDITIONAL' || t.Type === 'EVENT') {
    const conds = t.Predicate?.Conditions || [];
    const logical = t.Predicate?.Logical || 'AND';
    const what = conds.map((c) => `${c.JobName || c.CrawlerName} ${c.State || c.CrawlState}`).join(` ${logical} `);
    return `${t.Type}${what ? ': ' + what : ''}`;
  }
  return t.Type || '';
}

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

// Graph renders a Glue workflow graph. opts: run (render states),
// onActivate(node) for Enter/click, selectable(node) for run views.
export class Graph {
  constructor(graph, opts = {}) {
    this.opts = opts;
    this.selected = new Set();
    this.view = { x: 0, y: 0, k: 1 };
    this.elements = new Map();
    this.build(graph);
  }

  build(graph) {
    const nodes = graph.Nodes || [];
    const edges = (graph.Edges || []).map((e) => [e.SourceId, e.DestinationId]);
    const { pos, width, height } = layout(nodes.map((n) => n.UniqueId), edges, BOX);
    this.size = { width, height };
    this.viewport = s('g', { class: 'viewport' },
      s('g', { class: 'edges' }, edges.filter(([a, b]) => pos.has(a) && pos.has(b)).map(([a, b]) => this.edge(pos.get(a), pos.get(b)))),
      s('g', { class: 'nodes' }, nodes.map((n) => this.node(n, pos.get(n.UniqueId)))));
    this.svg = s('svg', { class: 'graph-svg', role: 'group', 'aria-label': `Workflow graph, ${nodes.length} nodes` },
      s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))),
      this.viewport);
    this.el = h('div', { class: 'graph' },
      h('div', { class: 'graph-tools', role: 'toolbar', 'aria-label': 'Graph view' },
        h('button', { type: 'button', onclick: () => this.zoom(1.25) }, 'Zoom in'),
        h('button', { type: 'button', onclick: () => this.zoom(0.8) }, 'Zoom out'),
        h('button', { type: 'button', onclick: () => this.fit() }, 'Fit')),
      h('div', { class: 'graph-canvas', tabindex: 0, 'aria-label': 'Graph canvas: arrow keys pan, + and - zoom, 0 fits', onkeydown: (e) => this.key(e) }, this.svg));
    this.listen();
  }

  edge(a, b) {
    const x1 = a.x + BOX.w, y1 = a.y + BOX.h / 2, x2 = b.x, y2 = b.y + BOX.h / 2;
    const dx = Math.max(30, (x2 - x1) / 2);
    return s('path', { class: 'edge', d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' });
  }

  node(n, p) {
    const type = n.Type || '';
    const sub = type === 'TRIGGER' ? triggerSummary(n.TriggerDetails?.Trigger) : type.toLowerCase();
    const state = this.opts.run ? nodeState(n) : null;
    const g = s('g', {
      class: `node type-${type.toLowerCase()}`, transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button',
      'data-node-type': type, 'data-node-name': n.Name, 'data-node-id': n.UniqueId,
      onclick: () => this.activate(n), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.activate(n); } },
    },
    s('title', {}, `${type} ${n.Name}${sub && type === 'TRIGGER' ? '\n' + sub : ''}`),
    s('rect', { class: 'halo', x: -4, y: -4, width: BOX.w + 8, height: BOX.h + 8, rx: 10 }),
    s('rect', { class: 'box', width: BOX.w, height: BOX.h, rx: 7 }),
    s('text', { class: 'name', x: 10, y: 21 }, clip(n.Name, 24)),
    s('text', { class: 'sub', x: 10, y: 39 }, clip(sub, 30)));
    this.elements.set(n.UniqueId, { g, node: n });
    if (state !== null) this.setState(g, n, state);
    else g.setAttribute('aria-label', `${type} ${n.Name}${type === 'TRIGGER' ? ', ' + sub : ''}`);
    return g;
  }

  setState(g, n, state) {
    if (g.getAttribute('data-state') === state && g.hasAttribute('aria-label')) return;
    g.setAttribute('data-state', state);
    g.setAttribute('class', `node type-${n.Type.toLowerCase()} st-${(state || 'none').toLowerCase()}${this.selected.has(n.UniqueId) ? ' selected' : ''}`);
    const sub = g.querySelector('text.sub');
    if (n.Type !== 'TRIGGER') sub.textContent = `${n.Type.toLowerCase()} · ${state || 'not run'}`;
    g.setAttribute('aria-label', `${n.Type} ${n.Name}, ${state || 'not run'}`);
  }

  // update applies a newer graph of the same run: only states change.
  update(graph) {
    for (const n of graph.Nodes || []) {
      const e = this.elements.get(n.UniqueId);
      if (!e) continue;
      e.node = n;
      this.setState(e.g, n, nodeState(n));
    }
  }

  activate(n) {
    const sel = this.opts.selectable;
    if (sel && sel(n)) {
      const g = this.elements.get(n.UniqueId).g;
      if (this.selected.has(n.UniqueId)) this.selected.delete(n.UniqueId);
      else this.selected.add(n.UniqueId);
      g.classList.toggle('selected', this.selected.has(n.UniqueId));
      g.setAttribute('aria-pressed', String(this.selected.has(n.UniqueId)));
      this.opts.onSelect?.(this.selected);
      return;
    }
    this.opts.onActivate?.(n);
  }

  apply() {
    const { x, y, k } = this.view;
    this.viewport.setAttribute('transform', `translate(${x},${y}) scale(${k})`);
  }

  zoom(f, cx, cy) {
    const r = this.svg.getBoundingClientRect();
    cx ??= r.width / 2; cy ??= r.height / 2;
    const k = Math.min(3, Math.max(0.1, this.view.k * f));
    this.view.x = cx - ((cx - this.view.x) * k) / this.view.k;
    this.view.y = cy - ((cy - this.view.y) * k) / this.view.k;
    this.view.k = k;
    this.apply();
  }

  // fit shows the whole graph, at most at natural size and at least at
  // scale minK (then the rest is a pan away), centred when smaller.
  fit(minK = 0.1) {
    const r = this.svg.getBoundingClientRect();
    const pad = 20;
    const k = Math.max(minK, Math.min(1, (r.width - 2 * pad) / Math.max(1, this.size.width), (r.height - 2 * pad) / Math.max(1, this.size.height)));
    const x = pad + Math.max(0, (r.width - 2 * pad - this.size.width * k) / 2);
    const y = pad + Math.max(0, (r.height - 2 * pad - this.size.height * k) / 2);
    this.view = { k, x, y };
    this.apply();
  }

  key(e) {
    const step = 60;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (e.target !== e.currentTarget && moves[e.key]) return; // arrows on a node do not pan
    if (moves[e.key]) { this.view.x += moves[e.key][0]; this.view.y += moves[e.key][1]; this.apply(); }
    else if (e.key === '+' || e.key === '=') this.zoom(1.25);
    else if (e.key === '-') this.zoom(0.8);
    else if (e.key === '0') this.fit();
    else return;
    e.preventDefault();
  }

  listen() {
    this.svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.svg.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    let drag = null;
    this.svg.addEventListener('pointerdown', (e) => {
      if (e.target.closest('.node')) return;
      drag = { x: e.clientX - this.view.x, y: e.clientY - this.view.y };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.view.x = e.clientX - drag.x; this.view.y = e.clientY - drag.y;
      this.apply();
    });
    this.svg.addEventListener('pointerup', () => { drag = null; });
  }
}
