/**
 * Landscape: a WebGPU-native toolkit for energy landscapes. Sample discrete and continuous
 * models on any GPU, on a CPU through a software adapter, or on the plain-TypeScript twin; store
 * runs as NumPy arrays; diagnose chains.
 *
 * @example
 * ```ts
 * import { acquireGpu, bernoulliModel, rwmSampler, runSampler } from "./mod.ts";
 * const model = bernoulliModel({ numSites: 100, sigma: 0.5, seed: 0 });
 * const gpu = await acquireGpu(); // null without an adapter: the CPU twin runs instead
 * const result = await runSampler(model, rwmSampler(), { chains: 256, steps: 500, seed: 1 }, gpu);
 * console.log(result.backend, result.acceptance[0]);
 * ```
 * @module
 */
export * from "./src/gpu/mod.ts";
export * from "./src/random/mod.ts";
export * from "./src/wgsl/mod.ts";
export * from "./src/io/mod.ts";
export * from "./src/models/discrete/mod.ts";
export * from "./src/samplers/mod.ts";
export * from "./src/diagnostics/mod.ts";
export * from "./src/models/continuous/mod.ts";
export * from "./src/dynamics/mod.ts";
export * from "./src/models/co/mod.ts";
export * from "./src/basins/mod.ts";
export * from "./src/co/mod.ts";
