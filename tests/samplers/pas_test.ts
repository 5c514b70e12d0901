import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel } from "../../src/models/discrete/bernoulli.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { pottsModel } from "../../src/models/discrete/potts.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { PasConfig, pasSampler } from "../../src/samplers/pas.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertExact, countDiffs, meanAcceptance } from "./_exact.ts";

const bern = () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 2.0, -0.4, 1.1] });
const ising = () => isingModel({ size: 3, lambda: 0.4, seed: 2 });
const potts = () => pottsModel({ size: 2, numCategories: 3, lambda: 0.6, seed: 4 });

async function exactOnAll(gpu: GpuContext | null) {
  const run = { chains: 2048, steps: 20 };
  // WebGPU runs the multi-flip and categorical paths; the rest of the GPU kernel is covered
  // by the bit-identity test against the CPU twin below (compiles are slow on llvmpipe).
  if (!gpu) {
    await assertExact(bern(), pasSampler({ adaptive: false }), { ...run, seed: 1 }, gpu);
  }
  // A path of three distinct sites: Plackett-Luce forward and reversed-order backward terms.
  await assertExact(bern(), pasSampler({ adaptive: false, numFlips: 3 }), {
    ...run,
    seed: 2,
  }, gpu);
  if (!gpu) {
    await assertExact(ising(), pasSampler({ balancing: "ratio" }), {
      ...run,
      steps: 25,
      seed: 4,
      adapt: "off",
    }, gpu);
  }
  await assertExact(potts(), pasSampler({ numFlips: 2, adaptive: false }), {
    ...run,
    seed: 5,
  }, gpu);
  if (!gpu) {
    await assertExact(ising(), pasSampler({ approxWithGrad: false, numFlips: 2 }), {
      ...run,
      seed: 6,
    }, gpu);
  }
}

Deno.test("PAS: exact on Bernoulli, Ising 3x3 (grad and exact ratios), Potts (CPU)", async () => {
  await exactOnAll(null);
});

Deno.test("PAS: exact on Bernoulli (path 3) and Potts (WebGPU)", async () => {
  const gpu = await gpuOrSkip("PAS exactness on WebGPU");
  if (gpu) await exactOnAll(gpu);
});

Deno.test("PAS: the adaptive radius moves toward 0.574 acceptance", async () => {
  // On a weak-field Bernoulli one flip is accepted far more often than 0.574, so r grows.
  const model = bernoulliModel({ numSites: 64, sigma: 0.3, seed: 1 });
  const r = await runSampler(model, pasSampler(), { chains: 64, steps: 300, seed: 3 }, null);
  assertEquals(r.params[0], 1);
  const final = r.params[r.steps - 1];
  assert(final > 3, `adapted radius ${final} should have grown from 1`);
  const acc = meanAcceptance(r);
  assert(Math.abs(acc - 0.574) < 0.1, `acceptance after adaptation ${acc} should be near 0.574`);
  // A long path on a strongly coupled Ising model is mostly rejected, so r shrinks to 1.
  const hot = isingModel({ size: 4, lambda: 1, seed: 1 });
  const h = await runSampler(hot, pasSampler({ numFlips: 12 }), {
    chains: 64,
    steps: 100,
    seed: 3,
  }, null);
  assert(h.params[h.steps - 1] < 6, `radius ${h.params[h.steps - 1]} should shrink from 12`);
});

Deno.test("PAS: options, config defaults and evals", () => {
  const cfg = PasConfig.parse({ name: "pas" });
  assertEquals(
    [cfg.numFlips, cfg.adaptive, cfg.targetAcceptance, cfg.balancing],
    [1, true, 0.574, "sqrt"],
  );
  assertEquals(pasSampler().evalsPerStep(bern()), 4);
  assertEquals(pasSampler({ approxWithGrad: false }).evalsPerStep(bern()), 2);
  // deno-lint-ignore no-explicit-any
  assertThrows(() => pasSampler({ useFastPath: false as any }), /true/);
  assertThrows(() => pasSampler({ numFlips: 9, maxFlips: 4 }), /exceeds maxFlips/);
});

Deno.test("PAS: WebGPU and the CPU twin agree for the same seed", async () => {
  const gpu = await gpuOrSkip("PAS CPU = GPU");
  if (!gpu) return;
  for (
    const [model, sampler] of [
      [isingModel({ size: 4, lambda: 0.5, seed: 1 }), pasSampler()],
      [
        pottsModel({ size: 3, numCategories: 3, lambda: 0.5, seed: 1 }),
        pasSampler({ numFlips: 3 }),
      ],
      // 81 sites: three 32-site chunks of the GPU's candidate pruning (the last one partial,
      // ending inside a Philox quad), with the r-th best key pruning from the fifth site on.
      [
        isingModel({ size: 9, lambda: 0.5, seed: 3 }),
        pasSampler({ numFlips: 4, adaptive: false, balancing: "ratio" }),
      ],
    ] as const
  ) {
    const opts = { chains: 64, steps: 60, seed: 9, blockSteps: 32 };
    const a = await runSampler(model, sampler, opts, gpu);
    const b = await runSampler(model, sampler, opts, null);
    assertEquals(countDiffs(a.params, b.params), 0, `${model.name} params`);
    assertEquals(countDiffs(a.finalStates, b.finalStates), 0, `${model.name} states`);
    assertEquals(countDiffs(a.energies, b.energies), 0, `${model.name} energies`);
  }
});
