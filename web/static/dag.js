// A layered left-to-right DAG layout (after Sugiyama et al.), small enough
// to read: cycles are broken by ignoring DFS back edges, nodes are ranked by
// their longest path from a source, each rank is ordered by the barycentre
// of its neighbours in a few down and up sweeps to reduce crossings, and
// each node is then placed near its neighbours' mean height without
// overlapping the node above it.

// layout places nodes (ids) joined by edges ([from, to] pairs) and returns
// {pos: Map id -> {x, y}, width, height} for boxes of size box.w x box.h.
export function layout(ids, edges, box = { w: 180, h: 48, gapX: 70, gapY: 18 }) {
  const known = new Set(ids);
  const es = edges.filter(([a, b]) => known.has(a) && known.has(b) && a !== b);
  const forward = acyclic(ids, es);
  const rank = ranks(ids, forward);
  const layers = order(ids, forward, rank);
  return place(layers, forward, box);
}

function adjacency(ids, edges) {
  const out = new Map(ids.map((id) => [id, []]));
  const inn = new Map(ids.map((id) => [id, []]));
  for (const [a, b] of edges) { out.get(a).push(b); inn.get(b).push(a); }
  return { out, inn };
}

// acyclic returns edges without those closing a cycle (iterative DFS).
function acyclic(ids, edges) {
  const { out } = adjacency(ids, edges);
  const state = new Map(); // 1: on the stack, 2: done
  const back = new Set();
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = out.get(top[0])[top[1]++];
      if (next === undefined) { state.set(top[0], 2); stack.pop(); continue; }
      if (state.get(next) === 1) back.add(top[0] + '\u0000' + next);
      else if (!state.has(next)) { state.set(next, 1); stack.push([next, 0]); }
    }
  }
  return edges.filter(([a, b]) => !back.has(a + '\u0000' + b));
}

// ranks gives each node the length of the longest path reaching it.
function ranks(ids, edges) {
  const { out, inn } = adjacency(ids, edges);
  const pending = new Map(ids.map((id) => [id, inn.get(id).length]));
  const rank = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => pending.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const a = queue[i];
    for (const b of out.get(a)) {
      rank.set(b, Math.max(rank.get(b), rank.get(a) + 1));
      pending.set(b, pending.get(b) - 1);
      if (pending.get(b) === 0) queue.push(b);
    }
  }
  // Pull sources (typically triggers) next to their first successor.
  for (const id of ids) {
    const succ = out.get(id);
    if (inn.get(id).length === 0 && succ.length) rank.set(id, Math.max(0, Math.min(...succ.map((b) => rank.get(b))) - 1));
  }
  return rank;
}

// order returns the ranks as arrays of ids, ordered to reduce crossings.
function order(ids, edges, rank) {
  const { out, inn } = adjacency(ids, edges);
  const layers = [];
  for (const id of ids) (layers[rank.get(id)] ||= []).push(id);
  for (let i = 0; i < layers.length; i++) layers[i] ||= [];
  const index = new Map();
  const reindex = (layer) => layer.forEach((id, i) => index.set(id, i));
  layers.forEach(reindex);
  const sweep = (layer, neighbours) => {
    const bary = new Map(layer.map((id) => {
      const ns = neighbours.get(id);
      return [id, ns.length ? ns.reduce((t, n) => t + index.get(n), 0) / ns.length : index.get(id)];
    }));
    layer.sort((a, b) => bary.get(a) - bary.get(b));
    reindex(layer);
  };
  for (let pass = 0; pass < 4; pass++) {
    for (let i = 1; i < layers.length; i++) sweep(layers[i], inn);
    for (let i = layers.length - 2; i >= 0; i--) sweep(layers[i], out);
  }
  return layers;
}

// place sets coordinates: columns by rank; in each column, nodes in
// order, as close to their predecessors' mean height as the spacing
// allows (least squares, by isotonic regression), so a fan-out centres on
// its source instead of hanging below it.
function place(layers, edges, box) {
  const { inn } = adjacency(layers.flat(), edges);
  const pos = new Map();
  const step = box.h + box.gapY;
  layers.forEach((layer, r) => {
    const want = layer.map((id, i) => {
      const ys = inn.get(id).map((p) => pos.get(p)?.y).filter((y) => y !== undefined);
      return ys.length ? ys.reduce((t, y) => t + y, 0) / ys.length : i * step;
    });
    spread(want, step).forEach((y, i) => pos.set(layer[i], { x: r * (box.w + box.gapX), y }));
  });
  const ys = [...pos.values()].map((p) => p.y);
  const top = ys.length ? Math.min(...ys) : 0;
  for (const p of pos.values()) p.y -= top;
  const height = ys.length ? Math.max(...ys) - top + box.h : 0;
  return { pos, width: Math.max(0, layers.length * (box.w + box.gapX) - box.gapX), height };
}

// spread returns the heights nearest (least squares) to want, in order and
// at least step apart: pool-adjacent-violators on want[i] - i * step.
export function spread(want, step) {
  const blocks = []; // {sum, n}: a run of nodes moved together
  want.forEach((w, i) => {
    blocks.push({ sum: w - i * step, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1], a = blocks[blocks.length - 2];
      if (a.sum / a.n <= b.sum / b.n) break;
      a.sum += b.sum; a.n += b.n;
      blocks.pop();
    }
  });
  const out = [];
  for (const b of blocks) for (let k = 0; k < b.n; k++) out.push(b.sum / b.n + out.length * step);
  return out;
}
