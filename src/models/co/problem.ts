/**
 * The combinatorial-optimisation problem contract: a {@link DiscreteModel} whose energy is
 * DISCS's penalised objective with the sign flipped (`E = -(objective - penalty)` for
 * maximisation problems), plus the true objective, a feasibility test and a greedy repair, so
 * that reported solutions are always valid.
 * @module
 */
import type { DiscreteModel, WgslParam } from "../discrete/model.ts";
import type { Graph } from "./graph.ts";

/** A CO problem on a graph. */
export interface CoProblem extends DiscreteModel {
  /** The graph the problem is posed on. */
  readonly graph: Graph;
  /** Whether the true objective is maximised (MIS, clique, cut) or minimised (partition cut). */
  readonly sense: "max" | "min";
  /** DISCS's penalised objective, `-E(x)` in float64 (higher is better for every problem). */
  penalised(x: ArrayLike<number>): number;
  /** The true objective (set size, clique size, cut weight, edge cut), meaningful when feasible. */
  objective(x: ArrayLike<number>): number;
  /** Whether x satisfies the problem's constraints. */
  isFeasible(x: ArrayLike<number>): boolean;
  /** A feasible solution near x (greedy; x is not modified). */
  repair(x: ArrayLike<number>): Uint32Array;
}

/** What one solution scores: penalised value, feasibility, and objective after repair. */
export interface SolutionReport {
  readonly penalised: number;
  readonly feasible: boolean;
  readonly objective: number;
  readonly repairedObjective: number;
  readonly repaired: Uint32Array;
}

/**
 * Scores one solution: the penalised objective as DISCS reports it and the repaired objective.
 *
 * @example
 * ```ts
 * import { evaluateSolution } from "./problem.ts";
 * import { misProblem } from "./mis.ts";
 * import { graphFromEdges } from "./graph.ts";
 * const graph = graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] });
 * const r = evaluateSolution(misProblem(graph), new Uint32Array(graph.n));
 * console.log(r.feasible); // true
 * ```
 */
export function evaluateSolution(p: CoProblem, x: ArrayLike<number>): SolutionReport {
  const repaired = p.repair(x);
  return {
    penalised: p.penalised(x),
    feasible: p.isFeasible(x),
    objective: p.objective(x),
    repairedObjective: p.objective(repaired),
    repaired,
  };
}

/** The CSR arrays as WGSL params (`model_row_ptr`, `model_col_idx`, `model_weights`). */
/**
 * Loop iterations of the CSR kernels (the engine's llvmpipe guard needs them): an energy
 * evaluation walks every adjacency entry, a delta or gradient one row, plus `perCall` extra
 * iterations (e.g. a pass over all nodes for part sizes).
 */
export function csrLoopCost(g: Graph, perCall = 0): { energy: number; call: number } {
  let longest = 0;
  for (let i = 0; i < g.n; i++) longest = Math.max(longest, g.rowPtr[i + 1] - g.rowPtr[i]);
  return { energy: g.n + g.rowPtr[g.n] + perCall, call: longest + 1 + perCall };
}

export function csrParams(g: Graph, withWeights: boolean): WgslParam[] {
  const params: WgslParam[] = [
    { name: "model_row_ptr", data: g.rowPtr },
    { name: "model_col_idx", data: g.colIdx },
  ];
  if (withWeights && g.weights) params.push({ name: "model_weights", data: g.weights });
  return params;
}

/** WGSL `model_w(k) -> f32`: weight of CSR entry k (1 when unweighted). */
export function weightWgsl(weighted: boolean): string {
  return weighted
    ? "fn model_w(k: u32) -> f32 { return model_weights[k]; }\n"
    : "fn model_w(k: u32) -> f32 { return 1.0; }\n";
}

/** Counts neighbours of i whose state is 1 (CPU twin of `model_ones_around`). */
export function onesAround(g: Graph, x: ArrayLike<number>, base: number, i: number): number {
  let s = 0;
  for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) s += x[base + g.colIdx[k]];
  return s;
}

/** WGSL: `model_ones_around(base, i) -> u32`, neighbours of i in state 1. */
export const ONES_AROUND_WGSL = /* wgsl */ `
fn model_ones_around(base: u32, i: u32) -> u32 {
  var s = 0u;
  for (var k = model_row_ptr[i]; k < model_row_ptr[i + 1u]; k++) {
    s = s + state[base + model_col_idx[k]];
  }
  return s;
}
`;

/** Throws unless `lambda` is a finite number >= 0. */
export function checkPenalty(name: string, lambda: number): void {
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    throw new Error(`${name} must be a finite number >= 0, got ${lambda}`);
  }
}

/** Throws unless x has n entries in {0, ..., c - 1}. */
export function checkSolution(x: ArrayLike<number>, n: number, c = 2): void {
  if (x.length !== n) throw new Error(`solution has ${x.length} entries: expected ${n}`);
  for (let i = 0; i < n; i++) {
    if (!(Number.isInteger(x[i]) && x[i] >= 0 && x[i] < c)) {
      throw new Error(`solution[${i}] is ${x[i]}: expected an integer in [0, ${c})`);
    }
  }
}
