/**
 * Dynamics on energy landscapes: Langevin trajectory ensembles (Euler-Maruyama, BAOAB) on
 * WebGPU or the CPU twin, finite-state Markov chains (stationary distributions, communicating
 * classes, absorption, the drunkard's walk), continuous samplers (ULA, MALA, HMC: one entry,
 * `sampleContinuous`, on WebGPU or its f32 CPU twin). Storing trajectories as a run is the
 * `simulate` run kind (`src/runs/simulate.ts`).
 *
 * @example
 * ```ts
 * import { simulate } from "./mod.ts";
 * import { doubleWell } from "../models/continuous/mod.ts";
 * const r = await simulate(doubleWell(), {
 *   starts: [[-1]], trajectoriesPerStart: 16, steps: 1000, stride: 100, dt: 1e-3, beta: 4, seed: 1,
 * }, null);
 * console.log(r.numFrames); // 11
 * ```
 * @module
 */
export * from "./langevin.ts";
export * from "./markov_chain.ts";
export * from "./samplers.ts";
export * from "./config.ts";
export * from "./embed_gpu.ts";
