/**
 * One annealed MIS solve per backend: PAS, 32 chains x 500 steps on an Erdos-Renyi graph of 200
 * nodes (p = 0.05), exponential decay T0 = 1, r = 0.01. Run: `deno bench -P bench/co_bench.ts`.
 * The WebGPU case is skipped (ignored) when no adapter exists or llvmpipe's loop limit refuses
 * the model.
 * @module
 */
import { acquireGpu } from "../src/gpu/mod.ts";
import { parseConfig } from "../src/io/config.ts";
import { SamplerConfig } from "../src/samplers/registry.ts";
import { erdosRenyi, misProblem } from "../src/models/co/mod.ts";
import { coSamplerConfig, solveAnnealed, withLoopCost } from "../src/co/solve.ts";
import { gpuLimitReason } from "../src/samplers/engine.ts";
import { buildSampler } from "../src/samplers/registry.ts";

const problem = misProblem(erdosRenyi({ n: 200, p: 0.05, seed: 1 }));
const sampler = buildSampler(parseConfig(SamplerConfig, coSamplerConfig("pas"), "bench"));
const opts = {
  chains: 32,
  steps: 500,
  seed: 1,
  schedule: { kind: "exp_decay" as const, t0: 1, decay: 0.01 },
  reference: null,
};
const gpu = await acquireGpu();
const gpuUsable = gpu !== null && gpuLimitReason(withLoopCost(problem), sampler, gpu) === null;
let sink = 0;

Deno.bench(
  "annealed MIS solve, ER-200 p=0.05, PAS 32 x 500 (CPU twin)",
  { n: 3, warmup: 1 },
  async () => {
    sink += (await solveAnnealed(problem, sampler, opts, null)).repairedObjective;
  },
);

Deno.bench(
  "annealed MIS solve, ER-200 p=0.05, PAS 32 x 500 (WebGPU)",
  { n: 3, warmup: 1, ignore: !gpuUsable },
  async () => {
    sink += (await solveAnnealed(problem, sampler, opts, gpu)).repairedObjective;
  },
);

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink);
});
