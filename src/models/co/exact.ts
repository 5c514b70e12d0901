/**
 * Exact reference solvers for small graphs: branch and bound for maximum clique (greedy
 * colouring bound, Tomita & Seki's MCQ) and, on the complement, maximum independent set;
 * exhaustive Gray-code search for max-cut (n <= 26); exhaustive search for balanced partition
 * (K^(n-1) <= 2e7); and a brute-force optimum of any CO problem's penalised objective.
 * @module
 */
import type { Graph } from "./graph.ts";
import type { CoProblem } from "./problem.ts";
import { partSizes } from "./partition.ts";

/** An exact optimum: its value and one optimal assignment. */
export interface ExactResult {
  readonly value: number;
  readonly x: Uint32Array;
}

function adjacencyMatrix(g: Graph, complement: boolean): Uint8Array[] {
  const rows = Array.from({ length: g.n }, () => new Uint8Array(g.n).fill(complement ? 1 : 0));
  for (let u = 0; u < g.n; u++) {
    rows[u][u] = 0;
    for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) rows[u][g.colIdx[k]] = complement ? 0 : 1;
  }
  return rows;
}

function maxCliqueOf(adj: Uint8Array[], n: number, maxNodes: number): ExactResult {
  if (n > maxNodes) {
    throw new Error(`exact clique/MIS search on ${n} nodes: expected at most ${maxNodes}`);
  }
  let best: number[] = [];
  const current: number[] = [];
  // Greedy colouring: candidates sorted by colour class; colour[k] bounds the clique size
  // reachable from candidates 0..k.
  const colourSort = (cand: number[]): { order: number[]; colour: number[] } => {
    const classes: number[][] = [];
    for (const v of cand) {
      let c = 0;
      while (c < classes.length && classes[c].some((u) => adj[u][v])) c++;
      (classes[c] ??= []).push(v);
    }
    const order: number[] = [], colour: number[] = [];
    classes.forEach((cls, c) => {
      for (const v of cls) {
        order.push(v);
        colour.push(c + 1);
      }
    });
    return { order, colour };
  };
  const expand = (cand: number[]) => {
    const { order, colour } = colourSort(cand);
    for (let k = order.length - 1; k >= 0; k--) {
      if (current.length + colour[k] <= best.length) return;
      const v = order[k];
      current.push(v);
      const next: number[] = [];
      for (let q = 0; q < k; q++) if (adj[v][order[q]]) next.push(order[q]);
      if (next.length === 0) {
        if (current.length > best.length) best = [...current];
      } else expand(next);
      current.pop();
    }
  };
  // Initial order: decreasing degree, which tends to tighten the colouring bound.
  const deg = adj.map((row) => row.reduce((a, b) => a + b, 0));
  expand([...Array(n).keys()].sort((a, b) => deg[b] - deg[a] || a - b));
  const x = new Uint32Array(n);
  for (const v of best) x[v] = 1;
  return { value: best.length, x };
}

/**
 * Maximum clique by branch and bound (practical to a few hundred nodes on easy graphs).
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { maxCliqueExact } from "./exact.ts";
 * const { value } = maxCliqueExact(graphFromEdges({ n: 3, src: [0, 1, 0], dst: [1, 2, 2] }));
 * console.log(value); // 3
 * ```
 */
export function maxCliqueExact(g: Graph, maxNodes = 400): ExactResult {
  return maxCliqueOf(adjacencyMatrix(g, false), g.n, maxNodes);
}

/** Maximum independent set by branch and bound on the complement. */
export function misExact(g: Graph, maxNodes = 400): ExactResult {
  return maxCliqueOf(adjacencyMatrix(g, true), g.n, maxNodes);
}

/**
 * Maximum cut by exhaustive Gray-code enumeration with node n-1 fixed to 0 (n <= 26).
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { maxCutExact } from "./exact.ts";
 * const { value } = maxCutExact(graphFromEdges({ n: 3, src: [0, 1, 0], dst: [1, 2, 2] }));
 * console.log(value); // 2
 * ```
 */
export function maxCutExact(g: Graph): ExactResult {
  const n = g.n;
  if (n > 26) throw new Error(`exact max-cut on ${n} nodes: expected at most 26`);
  if (n <= 1) return { value: 0, x: new Uint32Array(n) };
  const x = new Uint8Array(n);
  let cut = 0, best = 0, bestCode = 0, code = 0;
  const total = 2 ** (n - 1);
  for (let t = 1; t < total; t++) {
    const i = 31 - Math.clz32(t & -t); // the bit that changes in the Gray code
    let d = 0;
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const w = g.weights ? g.weights[k] : 1;
      d += x[g.colIdx[k]] === x[i] ? w : -w;
    }
    x[i] ^= 1;
    code ^= 1 << i;
    cut += d;
    if (cut > best) {
      best = cut;
      bestCode = code;
    }
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n - 1; i++) out[i] = (bestCode >>> i) & 1;
  // Recompute exactly: the running sum can drift for non-integer weights.
  let value = 0;
  for (let i = 0; i < n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      if (g.colIdx[k] > i && out[i] !== out[g.colIdx[k]]) value += g.weights ? g.weights[k] : 1;
    }
  }
  return { value, x: out };
}

/**
 * Minimum-cut balanced partition into K parts by exhaustive search (node 0 in part 0): every
 * part size within [floor((1 - eps) N/K), ceil((1 + eps) N/K)].
 */
export function partitionExact(g: Graph, numParts: number, imbalance = 0): ExactResult {
  const n = g.n, K = numParts;
  if (K ** Math.max(n - 1, 0) > 2e7) {
    throw new Error(`exact partition of ${n} nodes into ${K} parts: expected K^(n-1) <= 2e7`);
  }
  const lo = Math.floor((1 - imbalance) * n / K), hi = Math.ceil((1 + imbalance) * n / K);
  const x = new Uint32Array(n);
  let best = Infinity, bestX = new Uint32Array(n);
  const rec = (i: number, cut: number) => {
    if (cut >= best) return;
    if (i === n) {
      for (const s of partSizes(x, K)) if (s < lo || s > hi) return;
      best = cut;
      bestX = x.slice();
      return;
    }
    for (let c = 0; c < (i === 0 ? 1 : K); c++) {
      x[i] = c;
      let add = 0;
      for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
        const j = g.colIdx[k];
        if (j < i && x[j] !== c) add += g.weights ? g.weights[k] : 1;
      }
      rec(i + 1, cut + add);
    }
  };
  rec(0, 0);
  if (best === Infinity) throw new Error(`no partition of ${n} nodes into ${K} balanced parts`);
  return { value: best, x: bestX };
}

/**
 * The best penalised objective (`-E`, float64) of any problem over all C^n states, with one
 * maximiser; for checking that the energy's minimum is a feasible optimum.
 */
export function bruteForcePenalised(p: CoProblem, maxStates = 1 << 20): ExactResult {
  const n = p.numSites, c = p.numCategories;
  if (c ** n > maxStates) {
    throw new Error(`cannot enumerate ${c}^${n} states: expected at most ${maxStates}`);
  }
  const x = new Uint32Array(n);
  let best = -Infinity, bestX = x.slice();
  for (let s = 0; s < c ** n; s++) {
    let r = s;
    for (let i = 0; i < n; i++) {
      x[i] = r % c;
      r = Math.floor(r / c);
    }
    const v = p.penalised(x);
    if (v > best) {
      best = v;
      bestX = x.slice();
    }
  }
  return { value: best, x: bestX };
}
