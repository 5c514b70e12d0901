/**
 * Balanced graph partition into K parts as in DISCS (`discs/models/normcut.py`, "quad"
 * penalty): x_i in {0..K-1}, energy
 * `E(x) = sum_k cut_k + lambda sum_k (|V_k| - N/K)^2`, where cut_k is the weight of edges with
 * exactly one end in part k (so sum_k cut_k = 2 cut). DISCS uses lambda = 0.0005 on the
 * computation graphs and 1.0 on random graphs, K = 3. The "span" penalty and the lambda = 0
 * normalised cut are not implemented.
 *
 * Moving i from part a to part b changes the balance term by exactly `2 lambda (n_b - n_a + 1)`
 * (N/K cancels); the part sizes are not cached, so `delta` and `grad` cost O(n + degree).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { madF32 } from "../../random/f32math.ts";
import type { Graph } from "./graph.ts";
import {
  checkPenalty,
  checkSolution,
  type CoProblem,
  csrLoopCost,
  csrParams,
  weightWgsl,
} from "./problem.ts";

/** Zod schema of the balanced partition problem (DISCS computation-graph defaults). */
export const PartitionConfig = z.object({
  name: z.literal("partition"),
  numParts: z.number().int().min(2).default(3),
  penalty: z.number().nonnegative().finite().default(0.0005),
  /** Allowed relative imbalance of a feasible (repaired) solution; 0 = sizes floor/ceil(N/K). */
  imbalance: z.number().nonnegative().finite().default(0),
}).strict();

/** Options of {@link partitionProblem}. */
export interface PartitionOptions {
  numParts?: number;
  penalty?: number;
  imbalance?: number;
}

/** Part sizes of an assignment. */
export function partSizes(x: ArrayLike<number>, k: number): Uint32Array {
  const sizes = new Uint32Array(k);
  for (let i = 0; i < x.length; i++) sizes[x[i]]++;
  return sizes;
}

/** Weight of the edges whose ends lie in different parts, float64. */
export function partitionCut(g: Graph, x: ArrayLike<number>): number {
  let cut = 0;
  for (let i = 0; i < g.n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      if (j > i && x[i] !== x[j]) cut += g.weights ? g.weights[k] : 1;
    }
  }
  return cut;
}

/** DISCS's balanceness `K (N^2 - sum n_k^2) / ((K - 1) N^2)`: 1 when perfectly balanced. */
export function balanceness(x: ArrayLike<number>, k: number): number {
  const n = x.length;
  let sq = 0;
  for (const s of partSizes(x, k)) sq += s * s;
  return (k * (n * n - sq)) / ((k - 1) * n * n);
}

/** DISCS's edge-cut ratio: cut weight over total edge weight. */
export function edgeCutRatio(g: Graph, x: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < g.colIdx.length; k++) total += g.weights ? g.weights[k] : 1;
  return total > 0 ? partitionCut(g, x) / (total / 2) : 0;
}

/**
 * The balanced partition problem (x_i in {0..K-1}, C = K).
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { partitionProblem } from "./partition.ts";
 * const p = partitionProblem(graphFromEdges({ n: 4, src: [0, 2], dst: [1, 3] }), { numParts: 2 });
 * console.log(p.energy(Uint32Array.of(0, 0, 1, 1), 0)); // 0
 * ```
 */
export function partitionProblem(
  graph: Graph,
  opts: PartitionOptions = {},
): CoProblem & { numParts: number; penalty: number } {
  const K = opts.numParts ?? 3;
  const penalty = opts.penalty ?? 0.0005;
  const imbalance = opts.imbalance ?? 0;
  if (!Number.isInteger(K) || K < 2) throw new Error(`numParts must be an integer >= 2, got ${K}`);
  checkPenalty("partition penalty", penalty);
  checkPenalty("partition imbalance", imbalance);
  const n = graph.n;
  const f = Math.fround;
  const lam = f(penalty), lam2 = f(2 * lam), q = f(n / K);
  const { rowPtr, colIdx } = graph;
  const w = graph.weights;
  const wt = (k: number) => (w ? w[k] : 1);
  const lo = Math.floor((1 - imbalance) * n / K), hi = Math.ceil((1 + imbalance) * n / K);
  const count = (x: ArrayLike<number>, base: number, c: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) if (x[base + i] === c) s++;
    return s;
  };
  const code = weightWgsl(w !== null) + /* wgsl */ `
fn model_part_size(base: u32, c: u32) -> u32 {
  var s = 0u;
  for (var i = 0u; i < D; i++) { if (state[base + i] == c) { s = s + 1u; } }
  return s;
}
fn model_energy(base: u32) -> f32 {
  var sizes: array<u32, C>;
  var cut = 0.0;
  for (var i = 0u; i < D; i++) {
    let xi = state[base + i];
    sizes[xi] = sizes[xi] + 1u;
    for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
      let j = model_col_idx[k];
      if (j > i && state[base + j] != xi) { cut = cut + model_w(k); }
    }
  }
  var bal = 0.0;
  for (var c = 0u; c < C; c++) {
    let t = math_keep(f32(sizes[c]) - model_penalty[2]);
    bal = math_mad(t, t, bal);
  }
  return math_mad(model_penalty[0], bal, cut + cut);
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let a = state[base + i];
  if (v == a) { return 0.0; }
  var dc = 0.0;
  for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
    let xj = state[base + model_col_idx[k]];
    if (xj == a) { dc = dc + model_w(k); } else if (xj == v) { dc = dc - model_w(k); }
  }
  let nb = i32(model_part_size(base, v)) - i32(model_part_size(base, a)) + 1;
  return math_mad(model_penalty[1], f32(nb), dc + dc);
}
// dE/dx_{i,c} of the one-hot relaxation: sum_j w_ij (1 - 2 x_{j,c}) + 2 lambda (n_c - N/K).
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  var g = 0.0;
  for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
    if (state[base + model_col_idx[k]] == c) { g = g - model_w(k); } else { g = g + model_w(k); }
  }
  let t = math_keep(f32(model_part_size(base, c)) - model_penalty[2]);
  return math_mad(model_penalty[1], t, g);
}
`;
  return {
    name: "partition",
    numSites: n,
    numCategories: K,
    config: {
      model: "partition",
      numParts: K,
      penalty,
      imbalance,
      nodes: n,
      edges: colIdx.length / 2,
      weighted: w !== null,
    },
    graph,
    sense: "min",
    numParts: K,
    penalty: lam,
    energy(x, base) {
      const sizes = new Uint32Array(K);
      let cut = 0;
      for (let i = 0; i < n; i++) {
        const xi = x[base + i];
        sizes[xi]++;
        for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
          const j = colIdx[k];
          if (j > i && x[base + j] !== xi) cut = f(cut + wt(k));
        }
      }
      let bal = 0;
      for (let c = 0; c < K; c++) {
        const t = f(sizes[c] - q);
        bal = madF32(t, t, bal);
      }
      return madF32(lam, bal, f(cut + cut));
    },
    delta(x, base, i, v) {
      const a = x[base + i];
      if (v === a) return 0;
      let dc = 0;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        const xj = x[base + colIdx[k]];
        if (xj === a) dc = f(dc + wt(k));
        else if (xj === v) dc = f(dc - wt(k));
      }
      return madF32(lam2, count(x, base, v) - count(x, base, a) + 1, f(dc + dc));
    },
    grad(x, base, i, c) {
      let g = 0;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        g = x[base + colIdx[k]] === c ? f(g - wt(k)) : f(g + wt(k));
      }
      return madF32(lam2, f(count(x, base, c) - q), g);
    },
    wgsl: {
      code,
      loopCost: csrLoopCost(graph, 2 * graph.n),
      params: [...csrParams(graph, true), {
        name: "model_penalty",
        data: Float32Array.of(lam, lam2, q),
      }],
    },
    penalised(x) {
      checkSolution(x, n, K);
      let bal = 0;
      for (const s of partSizes(x, K)) bal += (s - n / K) ** 2;
      return -(2 * partitionCut(graph, x) + penalty * bal);
    },
    objective: (x) => partitionCut(graph, x),
    isFeasible(x) {
      for (const s of partSizes(x, K)) if (s < lo || s > hi) return false;
      return true;
    },
    repair(x) {
      const y = Uint32Array.from({ length: n }, (_, i) => x[i]);
      checkSolution(y, n, K);
      const sizes = partSizes(y, K);
      for (;;) {
        let big = 0, small = 0;
        for (let c = 1; c < K; c++) {
          if (sizes[c] > sizes[big]) big = c;
          if (sizes[c] < sizes[small]) small = c;
        }
        if (sizes[big] <= hi && sizes[small] >= lo) break;
        // Move the node of the largest part whose move to the smallest adds the least cut.
        let best = -1, bestGain = Infinity;
        for (let i = 0; i < n; i++) {
          if (y[i] !== big) continue;
          let d = 0;
          for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
            const xj = y[colIdx[k]];
            if (xj === big) d += wt(k);
            else if (xj === small) d -= wt(k);
          }
          if (d < bestGain) {
            bestGain = d;
            best = i;
          }
        }
        y[best] = small;
        sizes[big]--;
        sizes[small]++;
      }
      return y;
    },
  };
}
