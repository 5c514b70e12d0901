/**
 * Combinatorial optimisation as an application of the samplers: the problem registry (MIS, max
 * clique, max-cut, balanced partition on a graph), the `solve` configuration, and annealed
 * solving with DISCS's CO policy (`solveAnnealed`). The problems themselves (penalised energies,
 * repair, exact solvers, graphs) are models in `src/models/co`.
 *
 * @example
 * ```ts
 * import { problemOf, solveAnnealed } from "./mod.ts";
 * import { erdosRenyi } from "../models/co/generators.ts";
 * import { pasSampler } from "../samplers/pas.ts";
 * const problem = problemOf({ name: "mis", penalty: 1.001 }, erdosRenyi({ n: 20, p: 0.2, seed: 1 }));
 * const r = await solveAnnealed(problem, pasSampler(), {
 *   chains: 8, steps: 300, seed: 1, schedule: { kind: "exp_decay", t0: 1, decay: 0.01 },
 * }, null);
 * console.log(r.repairedObjective, r.ratio);
 * ```
 * @module
 */
export * from "./problems.ts";
export * from "./config.ts";
export * from "./solve.ts";
