/**
 * Maximum clique as in DISCS (`discs/models/maxclique.py`): maximise
 * `|S| - lambda (|S|(|S|-1)/2 - #edges inside S)`, i.e. the set size minus lambda times the
 * number of non-adjacent pairs inside S. That is exactly MIS on the complement graph, which is
 * how the "complement" form evaluates it (cheap for the dense graphs clique problems use); the
 * "direct" form counts |S| and the edges inside S on the graph itself (O(n + degree) per
 * delta; for large sparse graphs whose complement would not fit). DISCS uses lambda = 1.0.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { madF32 } from "../../random/f32math.ts";
import { complementEdgeCount, complementGraph, degree, type Graph } from "./graph.ts";
import { pairPenaltyParts, selectionMembers } from "./mis.ts";
import {
  checkPenalty,
  type CoProblem,
  csrLoopCost,
  csrParams,
  ONES_AROUND_WGSL,
  onesAround,
} from "./problem.ts";

/** How the clique energy is evaluated; both give the same energy. */
export type CliqueForm = "auto" | "complement" | "direct";

/** Zod schema of the max-clique problem (DISCS penalty 1.0). */
export const MaxCliqueConfig = z.object({
  name: z.literal("maxclique"),
  penalty: z.number().nonnegative().finite().default(1.0),
  form: z.enum(["auto", "complement", "direct"]).default("auto"),
}).strict();

/** Options of {@link maxCliqueProblem}. */
export interface MaxCliqueOptions {
  /** Penalty per missing edge inside the set; default 1.0. */
  penalty?: number;
  /** "auto" (default) uses the complement when it has at most `maxComplementEdges` edges. */
  form?: CliqueForm;
  /** Default 4,000,000. */
  maxComplementEdges?: number;
}

function directParts(g: Graph, lambda: number) {
  const lam = Math.fround(lambda);
  const n = g.n;
  const counts = (x: ArrayLike<number>, base: number) => {
    let s = 0, inside = 0;
    for (let i = 0; i < n; i++) {
      if (x[base + i] !== 1) continue;
      s++;
      for (let q = g.rowPtr[i]; q < g.rowPtr[i + 1]; q++) {
        const j = g.colIdx[q];
        if (j > i && x[base + j] === 1) inside++;
      }
    }
    return [s, s * (s - 1) / 2 - inside];
  };
  const size = (x: ArrayLike<number>, base: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[base + i];
    return s;
  };
  const grad = (x: Uint32Array, base: number, i: number) =>
    madF32(lam, size(x, base) - x[base + i] - onesAround(g, x, base, i), -1);
  const code = ONES_AROUND_WGSL + /* wgsl */ `
fn model_set_size(base: u32) -> u32 {
  var s = 0u;
  for (var i = 0u; i < D; i++) { s = s + state[base + i]; }
  return s;
}
fn model_energy(base: u32) -> f32 {
  var s = 0u;
  var inside = 0u;
  for (var i = 0u; i < D; i++) {
    if (state[base + i] != 1u) { continue; }
    s = s + 1u;
    for (var q = model_row_ptr[i]; q < model_row_ptr[i + 1u]; q++) {
      let j = model_col_idx[q];
      if (j > i && state[base + j] == 1u) { inside = inside + 1u; }
    }
  }
  let missing = s * (s - 1u) / 2u - inside;
  return math_mad(model_penalty[0], f32(missing), -f32(s));
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  let others = model_set_size(base) - state[base + i];
  return math_mad(model_penalty[0], f32(others - model_ones_around(base, i)), -1.0);
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let x = state[base + i];
  if (v == x) { return 0.0; }
  let g = model_grad(base, i, 0u);
  if (v == 1u) { return g; }
  return -g;
}
`;
  return {
    lam,
    counts,
    energy(x: Uint32Array, base: number) {
      const [s, missing] = counts(x, base);
      return madF32(lam, missing, -s);
    },
    grad,
    delta(x: Uint32Array, base: number, i: number, v: number) {
      if (v === x[base + i]) return 0;
      const d = grad(x, base, i);
      return v === 1 ? d : -d;
    },
    wgsl: {
      code,
      loopCost: csrLoopCost(g, 2 * g.n),
      params: [...csrParams(g, false), { name: "model_penalty", data: Float32Array.of(lam) }],
    },
  };
}

/** Whether x is a clique of g. */
export function isClique(g: Graph, x: ArrayLike<number>): boolean {
  let s = 0;
  for (let i = 0; i < g.n; i++) s += x[i] === 1 ? 1 : 0;
  for (let i = 0; i < g.n; i++) {
    if (x[i] === 1 && onesAround(g, x, 0, i) !== s - 1) return false;
  }
  return true;
}

/**
 * Greedy clique repair: drop members missing the most edges inside the set until it is a
 * clique, then add nodes adjacent to every member (highest degree first) until maximal.
 */
export function repairClique(g: Graph, x: ArrayLike<number>): Uint32Array {
  const n = g.n;
  const y = Uint32Array.from({ length: n }, (_, i) => (x[i] === 1 ? 1 : 0));
  const inDeg = new Int32Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    size += y[i];
    inDeg[i] = onesAround(g, y, 0, i);
  }
  const members = [...Array(n).keys()].filter((i) => y[i]);
  members.sort((a, b) => inDeg[a] - inDeg[b] || a - b);
  // A member adjacent to all members when its turn comes stays so: later removals drop both
  // |S| and (at most) its in-set degree by one.
  for (const i of members) {
    if (inDeg[i] === size - 1) continue;
    y[i] = 0;
    size--;
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) inDeg[g.colIdx[k]]--;
  }
  const byDegree = [...Array(n).keys()].sort((a, b) => degree(g, b) - degree(g, a) || a - b);
  for (const v of byDegree) {
    if (y[v] || inDeg[v] !== size) continue;
    y[v] = 1;
    size++;
    for (let k = g.rowPtr[v]; k < g.rowPtr[v + 1]; k++) inDeg[g.colIdx[k]]++;
  }
  return y;
}

/**
 * The max-clique problem (binary x, C = 2).
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { maxCliqueProblem } from "./maxclique.ts";
 * const p = maxCliqueProblem(graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] }));
 * console.log(p.energy(Uint32Array.of(1, 1, 0), 0)); // -2
 * ```
 */
export function maxCliqueProblem(
  graph: Graph,
  opts: MaxCliqueOptions = {},
): CoProblem & { penalty: number; form: "complement" | "direct" } {
  const penalty = opts.penalty ?? 1.0;
  checkPenalty("maxclique penalty", penalty);
  const maxC = opts.maxComplementEdges ?? 4e6;
  const requested = opts.form ?? "auto";
  const form = requested === "auto"
    ? (complementEdgeCount(graph) <= maxC ? "complement" : "direct")
    : requested;
  const parts = form === "complement"
    ? pairPenaltyParts(complementGraph(graph, Math.max(maxC, 5e7)), penalty)
    : directParts(graph, penalty);
  const n = graph.n;
  return {
    name: "maxclique",
    numSites: n,
    numCategories: 2,
    config: { model: "maxclique", penalty, form, nodes: n, edges: graph.colIdx.length / 2 },
    graph,
    sense: "max",
    form,
    ...selectionMembers(parts, n, penalty),
    isFeasible: (x) => isClique(graph, x),
    repair: (x) => repairClique(graph, x),
  };
}
