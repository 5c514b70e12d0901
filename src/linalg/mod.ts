/**
 * Dense linear algebra shared by the estimators, the potentials and the Markov chains:
 * symmetric eigen-decomposition, linear solves, inversion, products, covariance helpers.
 *
 * @example
 * ```ts
 * import { solveDense, symmetricEigen } from "./mod.ts";
 * console.log(symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values); // [3, 1]
 * console.log(solveDense(Float64Array.of(2, 0, 0, 4), Float64Array.of(2, 2), 2)); // [1, 0.5]
 * ```
 * @module
 */
export * from "./dense.ts";
