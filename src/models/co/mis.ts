/**
 * Maximum independent set as in DISCS (`discs/models/mis.py`): maximise
 * `sum_i x_i - lambda sum_{(i,j) in E} x_i x_j`, i.e. the energy
 * `E(x) = -sum_i x_i + lambda * #(edges with both ends in the set)`. With lambda > 1 every
 * minimum of E is a maximum independent set (removing one end of a violated edge raises the
 * penalised objective by lambda - 1 > 0). DISCS uses lambda = 1.001 on ER graphs and 1.0001 on
 * SATLIB (its code falls back to 2.0).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { madF32 } from "../../random/f32math.ts";
import { degree, type Graph } from "./graph.ts";
import {
  checkPenalty,
  checkSolution,
  type CoProblem,
  csrLoopCost,
  csrParams,
  ONES_AROUND_WGSL,
  onesAround,
} from "./problem.ts";

/** Zod schema of the MIS problem (DISCS ER default penalty 1.001). */
export const MisConfig = z.object({
  name: z.literal("mis"),
  penalty: z.number().nonnegative().finite().default(1.001),
}).strict();

/** Options of {@link misProblem}. */
export interface MisOptions {
  /** Penalty lambda per violated edge; default 1.001. */
  penalty?: number;
}

/**
 * The pair-penalty energy `-sum x + lambda * #(conflict edges inside x)` shared by MIS (conflict
 * graph = the graph) and max clique (conflict graph = the complement). f32 arithmetic: the two
 * counts are integers, combined by one `math_mad`, so CPU and GPU agree bit for bit.
 * @internal
 */
export function pairPenaltyParts(conflict: Graph, lambda: number) {
  const lam = Math.fround(lambda);
  const n = conflict.n;
  const counts = (x: ArrayLike<number>, base: number) => {
    let s = 0, k = 0;
    for (let i = 0; i < n; i++) {
      if (x[base + i] !== 1) continue;
      s++;
      for (let q = conflict.rowPtr[i]; q < conflict.rowPtr[i + 1]; q++) {
        const j = conflict.colIdx[q];
        if (j > i && x[base + j] === 1) k++;
      }
    }
    return [s, k];
  };
  const code = ONES_AROUND_WGSL + /* wgsl */ `
fn model_energy(base: u32) -> f32 {
  var s = 0u;
  var k = 0u;
  for (var i = 0u; i < D; i++) {
    if (state[base + i] != 1u) { continue; }
    s = s + 1u;
    for (var q = model_row_ptr[i]; q < model_row_ptr[i + 1u]; q++) {
      let j = model_col_idx[q];
      if (j > i && state[base + j] == 1u) { k = k + 1u; }
    }
  }
  return math_mad(model_penalty[0], f32(k), -f32(s));
}
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  return math_mad(model_penalty[0], f32(model_ones_around(base, i)), -1.0);
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let x = state[base + i];
  if (v == x) { return 0.0; }
  let g = model_grad(base, i, 0u);
  if (v == 1u) { return g; }
  return -g;
}
`;
  // e_i = x_i (lambda #(conflict neighbours j > i in the set) - 1): the terms of E by site.
  const siteEnergy = {
    energy(x: Uint32Array, base: number, i: number) {
      if (x[base + i] !== 1) return 0;
      let k = 0;
      for (let q = conflict.rowPtr[i]; q < conflict.rowPtr[i + 1]; q++) {
        const j = conflict.colIdx[q];
        if (j > i && x[base + j] === 1) k++;
      }
      return madF32(lam, k, -1);
    },
    wgsl: /* wgsl */ `
fn model_site_energy(base: u32, i: u32) -> f32 {
  if (state[base + i] != 1u) { return 0.0; }
  var k = 0u;
  for (var q = model_row_ptr[i]; q < model_row_ptr[i + 1u]; q++) {
    let j = model_col_idx[q];
    k = k + select(0u, 1u, j > i && state[base + j] == 1u);
  }
  return math_mad(model_penalty[0], f32(k), -1.0);
}
// (model_grad(base, i, 0), model_site_energy(base, i)) from one walk over i's row.
fn model_site_grad_energy(base: u32, i: u32) -> vec2<f32> {
  var s = 0u;
  var k = 0u;
  for (var q = model_row_ptr[i]; q < model_row_ptr[i + 1u]; q++) {
    let j = model_col_idx[q];
    let xj = state[base + j];
    s = s + xj;
    k = k + select(0u, xj, j > i);
  }
  let e = select(0.0, math_mad(model_penalty[0], f32(k), -1.0), state[base + i] == 1u);
  return vec2<f32>(math_mad(model_penalty[0], f32(s), -1.0), e);
}
`,
    counts: /* wgsl */ `
fn model_count(base: u32, i: u32) -> u32 { return model_ones_around(base, i); }
fn model_count_grad(count: u32) -> f32 { return math_mad(model_penalty[0], f32(count), -1.0); }
fn model_count_energy(pairs: u32, ones: u32) -> f32 {
  return math_mad(model_penalty[0], f32(pairs), -f32(ones));
}
`,
  };
  return {
    lam,
    counts,
    siteEnergy,
    energy(x: Uint32Array, base: number) {
      const [s, k] = counts(x, base);
      return madF32(lam, k, -s);
    },
    grad(x: Uint32Array, base: number, i: number) {
      return madF32(lam, onesAround(conflict, x, base, i), -1);
    },
    delta(x: Uint32Array, base: number, i: number, v: number) {
      if (v === x[base + i]) return 0;
      const g = madF32(lam, onesAround(conflict, x, base, i), -1);
      return v === 1 ? g : -g;
    },
    wgsl: {
      code,
      loopCost: csrLoopCost(conflict, 0),
      params: [...csrParams(conflict, false), {
        name: "model_penalty",
        data: Float32Array.of(lam),
      }],
    },
  };
}

/**
 * Greedy MIS repair: drop the most conflicted members until independent, then add free nodes
 * by increasing degree until maximal.
 */
export function repairIndependentSet(g: Graph, x: ArrayLike<number>): Uint32Array {
  const n = g.n;
  const y = Uint32Array.from({ length: n }, (_, i) => (x[i] === 1 ? 1 : 0));
  const conflicts = new Int32Array(n);
  for (let i = 0; i < n; i++) if (y[i]) conflicts[i] = onesAround(g, y, 0, i);
  const members = [...Array(n).keys()].filter((i) => y[i] && conflicts[i] > 0);
  members.sort((a, b) => conflicts[b] - conflicts[a] || a - b);
  for (const i of members) {
    if (conflicts[i] === 0) continue;
    y[i] = 0;
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) conflicts[g.colIdx[k]]--;
  }
  const byDegree = [...Array(n).keys()].sort((a, b) => degree(g, a) - degree(g, b) || a - b);
  for (const i of byDegree) {
    if (y[i] || onesAround(g, y, 0, i) > 0) continue;
    y[i] = 1;
  }
  return y;
}

/** Whether x is an independent set of g. */
export function isIndependentSet(g: Graph, x: ArrayLike<number>): boolean {
  for (let i = 0; i < g.n; i++) {
    if (x[i] !== 1) continue;
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) if (x[g.colIdx[k]] === 1) return false;
  }
  return true;
}

/**
 * The MIS problem on a graph (binary x, C = 2). `delta` and `grad` cost O(degree).
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { misProblem } from "./mis.ts";
 * const p = misProblem(graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] }));
 * console.log(p.energy(Uint32Array.of(1, 0, 1), 0)); // -2
 * ```
 */
/**
 * The members MIS and max clique share: a selected-node count objective with a pair penalty
 * (energy, delta, grad, WGSL from {@link pairPenaltyParts}; penalised = size - penalty x
 * violations).
 */
export function selectionMembers(
  parts:
    & Pick<
      ReturnType<typeof pairPenaltyParts>,
      "lam" | "energy" | "delta" | "grad" | "wgsl" | "counts"
    >
    & Partial<Pick<ReturnType<typeof pairPenaltyParts>, "siteEnergy">>,
  n: number,
  penalty: number,
):
  & Pick<
    CoProblem,
    "energy" | "delta" | "grad" | "wgsl" | "siteEnergy" | "penalised" | "objective"
  >
  & {
    penalty: number;
  } {
  return {
    penalty: parts.lam,
    energy: parts.energy,
    delta: parts.delta,
    grad: parts.grad,
    wgsl: parts.wgsl,
    ...(parts.siteEnergy ? { siteEnergy: parts.siteEnergy } : {}),
    penalised(x) {
      checkSolution(x, n);
      const [s, k] = parts.counts(x, 0);
      return s - penalty * k;
    },
    objective(x) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] === 1 ? 1 : 0;
      return s;
    },
  };
}

export function misProblem(graph: Graph, opts: MisOptions = {}): CoProblem & { penalty: number } {
  const penalty = opts.penalty ?? 1.001;
  checkPenalty("mis penalty", penalty);
  const parts = pairPenaltyParts(graph, penalty);
  const n = graph.n;
  return {
    name: "mis",
    numSites: n,
    numCategories: 2,
    config: { model: "mis", penalty, nodes: n, edges: graph.colIdx.length / 2 },
    graph,
    sense: "max",
    ...selectionMembers(parts, n, penalty),
    isFeasible: (x) => isIndependentSet(graph, x),
    repair: (x) => repairIndependentSet(graph, x),
  };
}
