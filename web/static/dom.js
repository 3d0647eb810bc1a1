// Small DOM helpers: h() builds elements, the rest format values.

const SVG = 'http://www.w3.org/2000/svg';

// h(tag, attrs, ...children) returns a new element. Attributes starting with
// "on" are listeners; null, undefined and false attributes are skipped.
// Children are nodes, strings, or (nested) arrays of them.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s() is h() for SVG elements.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// time formats an AWS JSON timestamp (epoch seconds) in local time.
export function time(t) {
  if (!t) return '';
  return new Date(t * 1000).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

// duration formats a number of seconds: 1h 2m, 3m 4s, 5s.
export function duration(sec) {
  if (sec === null || sec === undefined || Number.isNaN(sec)) return '';
  sec = Math.max(0, Math.round(sec));
  const hh = Math.floor(sec / 3600), mm = Math.floor((sec % 3600) / 60), ss = sec % 60;
  if (hh) return `${hh}h ${mm}m`;
  if (mm) return `${mm}m ${ss}s`;
  return `${ss}s`;
}

// span returns the seconds between two AWS timestamps, up to now when the
// end is missing.
export function span(start, end) {
  if (!start) return null;
  return (end || Date.now() / 1000) - start;
}

// statusBadge shows a run or node state.
export function badge(state) {
  return h('span', { class: `badge st-${(state || 'none').toLowerCase()}` }, state || 'not run');
}

// link returns an anchor to a route of the UI.
export function link(route, text, attrs) {
  return h('a', { href: '#' + route, ...attrs }, text);
}

// kv renders a map as a definition list (empty: a dash).
export function kv(map) {
  const entries = Object.entries(map || {});
  if (!entries.length) return h('p', { class: 'muted' }, 'none');
  return h('dl', { class: 'kv' }, entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

// table renders rows as a table; cols are [header, cell(row)] pairs and
// rowAttrs(row) gives each row's attributes.
export function table(cols, rows, rowAttrs) {
  return h('table', {},
    h('thead', {}, h('tr', {}, cols.map(([title]) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {}, cols.map(([, cell]) => h('td', {}, cell(r)))))));
}

// path builds a UI route from segments, each escaped.
export function path(...segments) {
  return '/' + segments.map((x) => encodeURIComponent(x)).join('/');
}

// go navigates to a route of the UI (no reload).
export function go(route) {
  location.hash = '#' + route;
}

// pageAll calls a paginated read until its NextToken runs out and returns
// the concatenated items of key.
export async function pageAll(readFn, op, input, key) {
  const items = [];
  let token;
  do {
    const out = await readFn(op, token ? { ...input, NextToken: token } : input);
    items.push(...(out[key] || []));
    token = out.NextToken;
  } while (token);
  return items;
}
