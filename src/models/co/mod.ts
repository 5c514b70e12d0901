/**
 * Combinatorial optimisation by annealed sampling (DISCS's CO family): graphs (CSR, seeded
 * generators, DIMACS / edge-list / METIS / CNF loaders and writers), the penalised problems
 * (MIS, max clique, max-cut, balanced partition) as discrete models with WGSL twins, greedy
 * repair, exact solvers for small graphs, classical baselines, annealing schedules and scoring.
 * Solving them by annealed sampling is the CO application in `src/co`.
 *
 * @example
 * ```ts
 * import { erdosRenyi, misExact, misProblem } from "./mod.ts";
 * const graph = erdosRenyi({ n: 30, p: 0.2, seed: 1 });
 * const problem = misProblem(graph); // a DiscreteModel: run any sampler on it
 * console.log(misExact(graph).value, problem.numSites);
 * ```
 * @module
 */
export * from "./graph.ts";
export * from "./generators.ts";
export * from "./errors.ts";
export * from "./loaders.ts";
export * from "./cnf.ts";
export * from "./writers.ts";
export * from "./problem.ts";
export * from "./mis.ts";
export * from "./maxclique.ts";
export * from "./maxcut.ts";
export * from "./partition.ts";
export * from "./exact.ts";
export * from "./baselines.ts";
export * from "./schedule.ts";
export * from "./evaluate.ts";
