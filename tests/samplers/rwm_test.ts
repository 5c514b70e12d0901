import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { chiSquare, chiSquareQuantile } from "../_stats.ts";
import { bernoulliModel, enumerateLogProbs, stateIndex } from "../../src/models/discrete/mod.ts";
import { hasLoopLimit, runSampler, rwmSampler } from "../../src/samplers/mod.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";

/** Max |z| of per-site frequencies of x_i = 1 in final states against sigmoid(theta_i). */
function maxMarginalZ(states: Uint32Array, chains: number, exact: Float64Array): number {
  const d = exact.length;
  let maxZ = 0;
  for (let i = 0; i < d; i++) {
    let ones = 0;
    for (let c = 0; c < chains; c++) ones += states[c * d + i];
    const p = exact[i];
    maxZ = Math.max(maxZ, Math.abs(ones / chains - p) / Math.sqrt(p * (1 - p) / chains));
  }
  return maxZ;
}

async function marginalsMatch(gpu: GpuContext | null) {
  const model = bernoulliModel({ numSites: 24, sigma: 1.5, seed: 5 });
  const chains = 2048;
  const r = await runSampler(model, rwmSampler(), { chains, steps: 300, seed: 21 }, gpu);
  // Chains are independent, so final states are i.i.d. draws once mixed; 24 sites with a
  // Bonferroni bound of |z| < 4 (two-sided p ~ 6e-5 each).
  const z = maxMarginalZ(r.finalStates, chains, model.marginals());
  assert(z < 4, `max |z| of marginals ${z.toFixed(2)} on ${r.backend}`);
  const acc = r.acceptance.reduce((a, b) => a + b, 0) / chains;
  assert(acc > 0.15 && acc < 0.45, `adapted acceptance ${acc} should be near 0.234`);
}

Deno.test("RWM on Bernoulli: marginals match sigmoid(theta) on the CPU twin", async () => {
  await marginalsMatch(null);
});

Deno.test("RWM on Bernoulli: marginals match sigmoid(theta) on WebGPU", async () => {
  const gpu = await gpuOrSkip("RWM marginals on WebGPU");
  if (gpu) await marginalsMatch(gpu);
});

async function jointMatches(gpu: GpuContext | null) {
  const model = bernoulliModel({ theta: [0.8, -1.2, 0.3, 2.0, -0.4] });
  const chains = 16384;
  const r = await runSampler(
    model,
    rwmSampler({ radius: 1.5, adaptive: false }),
    { chains, steps: 100, seed: 3 },
    gpu,
  );
  const logp = enumerateLogProbs(model);
  const counts = new Float64Array(logp.length);
  for (let c = 0; c < chains; c++) counts[stateIndex(r.finalStates, c * 5, 5, 2)]++;
  const { stat, dof } = chiSquare(counts, logp.map(Math.exp));
  assert(stat < chiSquareQuantile(dof, 3.7), `chi2 ${stat.toFixed(1)} on ${dof} dof`);
}

Deno.test("RWM on an enumerable Bernoulli: joint distribution is exact (CPU)", async () => {
  await jointMatches(null);
});

Deno.test("RWM on an enumerable Bernoulli: joint distribution is exact (WebGPU)", async () => {
  const gpu = await gpuOrSkip("RWM joint on WebGPU");
  if (gpu) await jointMatches(gpu);
});

Deno.test("RWM: WebGPU and the CPU twin give the same bits for the same seed", async () => {
  const gpu = await gpuOrSkip("CPU = GPU bits");
  if (!gpu) return;
  const model = bernoulliModel({ numSites: 40, sigma: 1, seed: 2 });
  const opts = { chains: 96, steps: 120, seed: 77, blockSteps: 50 };
  const [a, b] = await Promise.all([
    runSampler(model, rwmSampler(), opts, gpu),
    runSampler(model, rwmSampler(), opts, null),
  ]);
  assertEquals(a.backend, "webgpu");
  assertEquals(b.backend, "cpu");
  assertEquals(Array.from(a.params), Array.from(b.params));
  assertEquals(Array.from(a.finalStates), Array.from(b.finalStates));
  assertEquals(Array.from(a.energies), Array.from(b.energies));
  assertEquals(Array.from(a.hamming), Array.from(b.hamming));
});

Deno.test("RWM: the same seed gives the same run; another seed does not", async () => {
  const model = bernoulliModel({ numSites: 30, seed: 1 });
  const run = (seed: number) =>
    runSampler(model, rwmSampler(), { chains: 8, steps: 50, seed }, null);
  const [a, b, c] = await Promise.all([run(5), run(5), run(6)]);
  assertEquals(Array.from(a.energies), Array.from(b.energies));
  assert(Array.from(a.energies).some((v, i) => v !== c.energies[i]));
});

Deno.test("engine: work split under llvmpipe's loop limit still replays the CPU twin", async () => {
  const gpu = await gpuOrSkip("loop-limit chunking");
  if (!gpu) return;
  // D = 2000: ~8,000 loop iterations per RWM step, so a 60-step block needs several dispatches
  // on llvmpipe (about 7 steps each); the result must not depend on the split.
  const model = bernoulliModel({ numSites: 2000, sigma: 1, seed: 4 });
  const opts = { chains: 16, steps: 80, seed: 8, blockSteps: 60, adapt: "off" as const };
  const [a, b] = await Promise.all([
    runSampler(model, rwmSampler({ radius: 40, adaptive: false }), opts, gpu),
    runSampler(model, rwmSampler({ radius: 40, adaptive: false }), opts, null),
  ]);
  assertEquals(Array.from(a.energies), Array.from(b.energies));
  assertEquals(Array.from(a.finalStates), Array.from(b.finalStates));
});

Deno.test("engine: a model too large for llvmpipe's loop limit is refused with a reason", async () => {
  const gpu = await gpuOrSkip("loop-limit refusal");
  if (!gpu || !hasLoopLimit(gpu)) return;
  const model = bernoulliModel({ numSites: 100_000, seed: 1 });
  await assertRejects(
    () => runSampler(model, rwmSampler(), { chains: 4, steps: 2, seed: 1 }, gpu),
    /loop iterations per GPU invocation, over the software adapter's limit of 65535/,
  );
});
