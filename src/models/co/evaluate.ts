/**
 * Scoring annealing runs the DISCS way (section 3.2 of the reference notes): the best
 * penalised objective over chains, as a running maximum over (logged) steps, divided by a
 * reference; plus what DISCS does not do, the repaired (always feasible) objective of every
 * chain's final state.
 * @module
 */
import type { CoProblem } from "./problem.ts";
import { maxCliqueExact, maxCutExact, misExact, partitionExact } from "./exact.ts";

/**
 * Running maximum over steps of the best penalised objective (`-E`) over chains, from an
 * engine energy trace laid out `[steps, chains]`. With `logEvery` > 1 only steps
 * `logEvery - 1, 2 logEvery - 1, ...` count, as in DISCS's `log_every_steps`.
 *
 * @example
 * ```ts
 * const best = bestOfChains(Float32Array.of(-1, -3, -2, -2), 2); // [3, 3]
 * ```
 */
export function bestOfChains(energies: Float32Array, chains: number, logEvery = 1): Float64Array {
  if (!Number.isInteger(chains) || chains < 1 || energies.length % chains !== 0) {
    throw new Error(`energy trace of ${energies.length} values is not [steps, ${chains}]`);
  }
  const steps = energies.length / chains;
  const out = new Float64Array(steps);
  let best = -Infinity;
  for (let s = 0; s < steps; s++) {
    if ((s + 1) % logEvery === 0) {
      for (let c = 0; c < chains; c++) best = Math.max(best, -energies[s * chains + c]);
    }
    out[s] = best;
  }
  return out;
}

/** Ratio to a reference objective (DISCS's alpha); for minimisation, reference / value. */
export function ratioToReference(
  value: number,
  reference: number,
  sense: "max" | "min" = "max",
): number {
  if (!(Number.isFinite(reference) && reference !== 0)) {
    throw new Error(`reference objective must be a finite non-zero number, got ${reference}`);
  }
  return sense === "max" ? value / reference : reference / value;
}

/** Summary of the final states of all chains. */
export interface FinalReport {
  /** Best penalised objective over chains (DISCS's number). */
  readonly bestPenalised: number;
  /** Chains whose final state is feasible without repair. */
  readonly feasibleChains: number;
  /** Best true objective over chains after greedy repair. */
  readonly bestRepaired: number;
  /** The repaired solution achieving it. */
  readonly solution: Uint32Array;
}

/**
 * Repairs every chain's final state and reports the best (states laid out `[chains, n]`).
 *
 * @example
 * ```ts
 * import { finalReport } from "./evaluate.ts";
 * import { misProblem } from "./mis.ts";
 * import { graphFromEdges } from "./graph.ts";
 * const problem = misProblem(graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] }));
 * // Two chains' final states, one after another: {0, 2} and the infeasible {0, 1}.
 * const r = finalReport(problem, Uint32Array.of(1, 0, 1, 1, 1, 0), 2);
 * console.log(r.bestRepaired); // 2
 * ```
 */
export function finalReport(p: CoProblem, states: Uint32Array, chains: number): FinalReport {
  const n = p.numSites;
  if (states.length !== chains * n) {
    throw new Error(`final states hold ${states.length} values: expected ${chains} x ${n}`);
  }
  let bestPenalised = -Infinity, feasibleChains = 0;
  let bestRepaired = p.sense === "max" ? -Infinity : Infinity;
  let solution: Uint32Array = new Uint32Array(n);
  for (let c = 0; c < chains; c++) {
    const x = states.subarray(c * n, (c + 1) * n);
    bestPenalised = Math.max(bestPenalised, p.penalised(x));
    if (p.isFeasible(x)) feasibleChains++;
    const y = p.repair(x);
    const v = p.objective(y);
    if (p.sense === "max" ? v > bestRepaired : v < bestRepaired) {
      bestRepaired = v;
      solution = y;
    }
  }
  return { bestPenalised, feasibleChains, bestRepaired, solution };
}

/**
 * The exact optimum of the true objective for small instances (MIS/clique by branch and bound
 * up to `maxNodes` nodes, max-cut up to 26 nodes, partition while K^(n-1) <= 2e7), else null:
 * then use a best-known or user-supplied reference.
 */
export function exactReference(p: CoProblem, maxNodes = 150): number | null {
  const g = p.graph;
  try {
    switch (p.name) {
      case "mis":
        return g.n <= maxNodes ? misExact(g).value : null;
      case "maxclique":
        return g.n <= maxNodes ? maxCliqueExact(g).value : null;
      case "maxcut":
        return g.n <= 26 ? maxCutExact(g).value : null;
      case "partition": {
        const imbalance = Number((p.config as { imbalance?: number }).imbalance ?? 0);
        return partitionExact(g, p.numCategories, imbalance).value;
      }
    }
  } catch {
    return null;
  }
  return null;
}
