/**
 * Steps/s of every discrete sampler on the DISCS Ising 50x50 (lambda 0.5, field as in DISCS,
 * open boundary) with 100 chains, on each backend (TARGETS.md's configuration).
 * `deno bench -P bench/samplers_bench.ts` (site-updates/s = steps/s x 100 chains x 2500 sites).
 */
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

const gpu = await acquireGpu();
const model = isingModel({ size: 50 });
// Enough steps that setup (buffers, first readback) is a small share of each timed run; the
// steady-state table of docs/PERFORMANCE.md comes from bench/sampler_throughput.ts. No bench
// groups: the two backends run different step counts, so their times are not to be compared
// directly (steps/s = steps / time).
const CHEAP = new Set(CHEAP_SAMPLERS);
const stepsOf = (name: string) =>
  CHEAP.has(name) ? { webgpu: 8192, cpu: 1024 } : { webgpu: 64, cpu: 8 };
const opts = { chains: 100, seed: 1, adapt: "always" as const };

for (const name of SAMPLER_NAMES) {
  const STEPS = stepsOf(name);
  const sampler = buildSampler(parseConfig(SamplerConfig, { name }, "bench"));
  if (gpu) {
    await runSampler(model, sampler, { ...opts, steps: 2 }, gpu); // compile outside the timing
    Deno.bench({
      name: `${name} ising 50x50, 100 chains x ${STEPS.webgpu} steps (webgpu)`,
      n: 3,
      async fn() {
        await runSampler(model, sampler, { ...opts, steps: STEPS.webgpu }, gpu);
      },
    });
  }
  Deno.bench({
    name: `${name} ising 50x50, 100 chains x ${STEPS.cpu} steps (cpu)`,
    n: 3,
    async fn() {
      await runSampler(model, sampler, { ...opts, steps: STEPS.cpu }, null);
    },
  });
}
