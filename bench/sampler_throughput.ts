/**
 * Steady-state steps/s of every discrete sampler on the DISCS Ising 50x50 (100 chains, adaptation
 * at every step as in DISCS) on WebGPU and on the CPU twin, as a markdown table: the numbers of
 * docs/PERFORMANCE.md. Timing is the engine's sampling loop (`RunResult.seconds`, GPU
 * synchronised by its readbacks) after a warm-up run, best of `--rounds` runs, so pipeline
 * compiles, JIT warm-up and buffer setup are excluded.
 *
 * `deno run -A bench/sampler_throughput.ts [--samplers rwm,gwg] [--rounds 3]`
 * @module
 */
import { parseArgs } from "node:util";
import { acquireGpu } from "../src/gpu/mod.ts";
import { isingModel } from "../src/models/discrete/mod.ts";
import { runSampler } from "../src/samplers/engine.ts";
import { parseConfig } from "../src/io/config.ts";
import {
  buildSampler,
  CHEAP_SAMPLERS,
  SAMPLER_NAMES,
  SamplerConfig,
} from "../src/samplers/registry.ts";
import type { GpuContext } from "../src/gpu/mod.ts";
import type { DiscreteSampler } from "../src/samplers/sampler.ts";

const { values } = parseArgs({
  options: {
    samplers: { type: "string", default: SAMPLER_NAMES.join(",") },
    rounds: { type: "string", default: "3" },
  },
});
const names = values.samplers.split(",");
const rounds = Number(values.rounds);
const gpu = await acquireGpu();
const model = isingModel({ size: 50 });
// Steps per timed run: enough for about a second of sampling on each backend.
const CHEAP = new Set(CHEAP_SAMPLERS);
const steps = (name: string, backend: "webgpu" | "cpu") =>
  CHEAP.has(name) ? (backend === "webgpu" ? 16384 : 2048) : (backend === "webgpu" ? 128 : 16);

async function stepsPerSecond(
  sampler: DiscreteSampler,
  backend: "webgpu" | "cpu",
  device: GpuContext | null,
): Promise<number> {
  const opts = { chains: 100, seed: 1, adapt: "always" as const };
  await runSampler(model, sampler, { ...opts, steps: 64 }, device);
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const n = steps(sampler.name, backend);
    const result = await runSampler(model, sampler, { ...opts, steps: n }, device);
    best = Math.max(best, n / result.seconds);
  }
  return best;
}

// Site-updates/s as in the bench: steps/s x chains x sites (every step sweeps one proposal over
// the whole state of each chain).
const siteUpdates = (stepsPerSecond: number) => (stepsPerSecond * 100 * model.numSites) / 1e6;
console.log(
  `| sampler | WebGPU steps/s | CPU twin steps/s | WebGPU / CPU | WebGPU M site-updates/s |`,
);
console.log(`| --- | ---: | ---: | ---: | ---: |`);
for (const name of names) {
  const sampler = buildSampler(parseConfig(SamplerConfig, { name }, "--samplers"));
  const cpu = await stepsPerSecond(sampler, "cpu", null);
  const web = gpu ? await stepsPerSecond(sampler, "webgpu", gpu) : NaN;
  const fmt = (v: number) => v >= 100 ? v.toFixed(0) : v.toFixed(1);
  console.log(
    `| ${name} | ${fmt(web)} | ${fmt(cpu)} | ${(web / cpu).toFixed(1)}x | ${
      fmt(siteUpdates(web))
    } |`,
  );
}
