/**
 * Discrete sampling throughput: Bernoulli RWM steps/s on each backend.
 * `deno bench -P bench/sampling_bench.ts`
 */
import { acquireGpu } from "../src/gpu/mod.ts";
import { bernoulliModel } from "../src/models/discrete/mod.ts";
import { runSampler, rwmSampler } from "../src/samplers/mod.ts";

const gpu = await acquireGpu();
const model = bernoulliModel({ numSites: 10_000, sigma: 0.5, seed: 0 });
const opts = { chains: 100, steps: 200, seed: 1, blockSteps: 200 };

if (gpu) {
  // Compile once outside the timed loop.
  await runSampler(model, rwmSampler(), { ...opts, steps: 2 }, gpu);
  Deno.bench({
    name: "bernoulli D=10k rwm 100 chains x 200 steps (webgpu)",
    group: "bernoulli-rwm",
    baseline: true,
    async fn() {
      await runSampler(model, rwmSampler(), opts, gpu);
    },
  });
}

Deno.bench({
  name: "bernoulli D=10k rwm 100 chains x 200 steps (cpu)",
  group: "bernoulli-rwm",
  async fn() {
    await runSampler(model, rwmSampler(), opts, null);
  },
});
