/**
 * Discrete energy models with CPU functions and WGSL twins.
 *
 * @example
 * ```ts
 * import { bernoulliModel } from "./mod.ts";
 * const model = bernoulliModel({ numSites: 100, sigma: 0.5, seed: 0 });
 * console.log(model.marginals()[0]);
 * ```
 * @module
 */
export * from "./model.ts";
export * from "./bernoulli.ts";
export * from "./categorical.ts";
export * from "./ising.ts";
export * from "./potts.ts";
export * from "./fhmm.ts";
export * from "./rbm.ts";
export * from "./lattice.ts";
export * from "./mnist.ts";
export * from "./rbm_train.ts";
export * from "./registry.ts";
export * from "./descriptor.ts";
