/**
 * Landscape: a WebGPU-native toolkit for energy landscapes. Sample discrete and continuous
 * models on any GPU, on a CPU through a software adapter, or on the plain-TypeScript twin;
 * simulate dynamics; detect metastable basins; solve combinatorial problems by annealing; store
 * runs as NumPy arrays; diagnose chains.
 *
 * This root module re-exports a curated set: the functions most programs start from. Each
 * domain has its own entry point with everything public in it (`./samplers`, `./models`,
 * `./dynamics`, `./basins`, `./co`, `./diagnostics`, `./io`, `./runs`, `./gpu`, `./random`,
 * `./linalg`, `./discs`, `./nn`; see deno.json `exports`).
 *
 * @example
 * ```ts
 * import { acquireGpu, bernoulliModel, rwmSampler, runSampler } from "./mod.ts";
 * const model = bernoulliModel({ numSites: 100, sigma: 0.5, seed: 0 });
 * const gpu = await acquireGpu(); // null without an adapter: the CPU twin runs instead
 * const result = await runSampler(model, rwmSampler(), { chains: 16, steps: 50, seed: 1 }, gpu);
 * console.log(result.backend, result.acceptance[0]);
 * ```
 * @module
 */

// Backends.
export { acquireGpu, type GpuContext, resolveBackend } from "./src/gpu/mod.ts";

// Discrete models and samplers.
export {
  bernoulliModel,
  buildDiscreteModel,
  categoricalModel,
  type DiscreteModel,
  fhmmModel,
  isingModel,
  loadDiscreteModel,
  MODEL_NAMES,
  ModelConfig,
  MODELS,
  pottsModel,
  rbmModel,
} from "./src/models/discrete/mod.ts";
export {
  blockGibbsSampler,
  buildSampler,
  type DiscreteSampler,
  dlmcfSampler,
  dlmcSampler,
  dmalaSampler,
  gwgSampler,
  hammingBallSampler,
  pasSampler,
  type RunResult,
  runSampler,
  rwmSampler,
  SampleConfig,
  SAMPLER_NAMES,
  SamplerConfig,
  SAMPLERS,
} from "./src/samplers/mod.ts";

// Diagnostics.
export { essBulk, essTail, rhat, summarizeChains } from "./src/diagnostics/mod.ts";

// Continuous potentials and dynamics.
export {
  doubleWell,
  gaussianMixture,
  mullerBrown,
  type Potential,
  quadrupleWell,
  userPotential,
} from "./src/models/continuous/mod.ts";
export { sampleContinuous, simulate } from "./src/dynamics/mod.ts";

// Combinatorial optimisation.
export { erdosRenyi, generateGraph, loadGraph } from "./src/models/co/mod.ts";
export { problemOf, solveAnnealed } from "./src/co/mod.ts";

// Basin detection.
export { detectBasins } from "./src/basins/mod.ts";

// Data and runs.
export { ConfigError, parseConfig, readNpyFile, RunStore, writeNpyFile } from "./src/io/mod.ts";
export { recordRun, RUN_KINDS } from "./src/runs/mod.ts";
