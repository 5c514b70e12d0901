/**
 * Discrete MCMC samplers and the engine that runs them on WebGPU or the CPU twin.
 *
 * @example
 * ```ts
 * import { rwmSampler, runSampler } from "./mod.ts";
 * import { bernoulliModel } from "../models/discrete/mod.ts";
 * const result = await runSampler(bernoulliModel({ numSites: 10 }), rwmSampler(),
 *   { chains: 16, steps: 200, seed: 1 }, null);
 * console.log(result.acceptance.length); // 16
 * ```
 * @module
 */
export * from "./sampler.ts";
export * from "./engine.ts";
export * from "./rwm.ts";
export * from "./registry.ts";
export * from "./balancing.ts";
export * from "./block_gibbs.ts";
export * from "./hamming_ball.ts";
export * from "./gwg.ts";
export * from "./pas.ts";
export * from "./dmala.ts";
export * from "./dlmc.ts";
export * from "./descriptor.ts";
export * from "./sample_config.ts";
export * from "./sw.ts";
export * from "./pt.ts";
