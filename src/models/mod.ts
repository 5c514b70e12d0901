/**
 * Energies: discrete models (DISCS families), combinatorial optimisation problems on graphs,
 * and continuous potentials with their embeddings.
 *
 * @example
 * ```ts
 * import { doubleWell, erdosRenyi, isingModel, misProblem } from "./mod.ts";
 * const ising = isingModel({ size: 4 });
 * const mis = misProblem(erdosRenyi({ n: 10, p: 0.3, seed: 1 }));
 * console.log(ising.numSites, mis.numSites, doubleWell().dim); // 16 10 1
 * ```
 * @module
 */
export * from "./discrete/mod.ts";
export * from "./co/mod.ts";
export * from "./continuous/mod.ts";
