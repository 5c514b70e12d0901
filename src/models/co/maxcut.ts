/**
 * Weighted max-cut as in DISCS (`discs/models/maxcut.py`): maximise
 * `sum_{(i,j) in E} w_ij [x_i != x_j]` (spins s = 2x - 1: `[x_i != x_j] = (1 - s_i s_j) / 2`),
 * so `E(x) = -cut(x)`; no penalty, every x is feasible. Flipping i changes the energy by
 * `sum_j w_ij s_i s_j` (O(degree)).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Graph } from "./graph.ts";
import { checkSolution, type CoProblem, csrLoopCost, csrParams, weightWgsl } from "./problem.ts";

/** Zod schema of the max-cut problem (no parameters: DISCS has no penalty). */
export const MaxCutConfig = z.object({
  name: z.literal("maxcut"),
}).strict();

// model_site_energy and model_site_grad_energy (the gradient and e_i from one walk of the row).
const SITE_ENERGY_WGSL = /* wgsl */ `
fn model_site_energy(base: u32, i: u32) -> f32 {
  let xi = state[base + i];
  var e = 0.0;
  for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
    let j = model_col_idx[k];
    if (j > i && state[base + j] != xi) { e = e - model_w(k); }
  }
  return e;
}
fn model_site_grad_energy(base: u32, i: u32) -> vec2<f32> {
  let xi = state[base + i];
  var g = 0.0;
  var e = 0.0;
  for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
    let j = model_col_idx[k];
    let xj = state[base + j];
    if (xj == 0u) { g = g - model_w(k); } else { g = g + model_w(k); }
    if (j > i && xj != xi) { e = e - model_w(k); }
  }
  return vec2<f32>(g, e);
}
`;

/** Cut weight of a 0/1 assignment, float64. */
export function cutWeight(g: Graph, x: ArrayLike<number>): number {
  let cut = 0;
  for (let i = 0; i < g.n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      if (j > i && x[i] !== x[j]) cut += g.weights ? g.weights[k] : 1;
    }
  }
  return cut;
}

/**
 * The max-cut problem (binary x, C = 2). Energies are f32 sums in CSR order on both backends.
 *
 * @example
 * ```ts
 * import { graphFromEdges } from "./graph.ts";
 * import { maxCutProblem } from "./maxcut.ts";
 * const p = maxCutProblem(graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] }));
 * console.log(p.energy(Uint32Array.of(0, 1, 0), 0)); // -2
 * ```
 */
export function maxCutProblem(graph: Graph): CoProblem {
  const n = graph.n;
  const f = Math.fround;
  const { rowPtr, colIdx } = graph;
  const w = graph.weights;
  const wt = (k: number) => (w ? w[k] : 1);
  const grad = (x: Uint32Array, base: number, i: number) => {
    let g = 0;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      g = x[base + colIdx[k]] === 0 ? f(g - wt(k)) : f(g + wt(k));
    }
    return g;
  };
  const code = weightWgsl(w !== null) + /* wgsl */ `
fn model_energy(base: u32) -> f32 {
  var e = 0.0;
  for (var i = 0u; i < D; i++) {
    let xi = state[base + i];
    for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
      let j = model_col_idx[k];
      if (j > i && state[base + j] != xi) { e = e - model_w(k); }
    }
  }
  return e;
}
// dE/dx_i of the multilinear relaxation -sum w_ij (x_i + x_j - 2 x_i x_j).
fn model_grad(base: u32, i: u32, c: u32) -> f32 {
  var g = 0.0;
  for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
    if (state[base + model_col_idx[k]] == 0u) { g = g - model_w(k); } else { g = g + model_w(k); }
  }
  return g;
}
fn model_delta(base: u32, i: u32, v: u32) -> f32 {
  let xi = state[base + i];
  if (v == xi) { return 0.0; }
  var d = 0.0;
  for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
    if (state[base + model_col_idx[k]] == xi) { d = d - model_w(k); } else { d = d + model_w(k); }
  }
  return d;
}
`;
  return {
    name: "maxcut",
    numSites: n,
    numCategories: 2,
    config: { model: "maxcut", nodes: n, edges: colIdx.length / 2, weighted: w !== null },
    graph,
    sense: "max",
    energy(x, base) {
      let e = 0;
      for (let i = 0; i < n; i++) {
        const xi = x[base + i];
        for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
          const j = colIdx[k];
          if (j > i && x[base + j] !== xi) e = f(e - wt(k));
        }
      }
      return e;
    },
    delta(x, base, i, v) {
      const xi = x[base + i];
      if (v === xi) return 0;
      let d = 0;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        d = x[base + colIdx[k]] === xi ? f(d - wt(k)) : f(d + wt(k));
      }
      return d;
    },
    grad,
    // e_i = -sum_{j > i, x_j != x_i} w_ij in CSR order: the terms of `energy` by site, for the
    // chains x sites layout (generic path: weights are floats, so no integer counts).
    siteEnergy: {
      energy(x, base, i) {
        const xi = x[base + i];
        let e = 0;
        for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
          const j = colIdx[k];
          if (j > i && x[base + j] !== xi) e = f(e - wt(k));
        }
        return e;
      },
      wgsl: SITE_ENERGY_WGSL,
    },
    wgsl: { code, params: csrParams(graph, true), loopCost: csrLoopCost(graph) },
    penalised(x) {
      checkSolution(x, n);
      return cutWeight(graph, x);
    },
    objective: (x) => cutWeight(graph, x),
    isFeasible: () => true,
    repair: (x) => Uint32Array.from({ length: n }, (_, i) => (x[i] === 1 ? 1 : 0)),
  };
}
