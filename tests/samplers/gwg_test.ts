import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel } from "../../src/models/discrete/bernoulli.ts";
import { categoricalModel } from "../../src/models/discrete/categorical.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { pottsModel } from "../../src/models/discrete/potts.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { GwgConfig, gwgSampler } from "../../src/samplers/gwg.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertExact, countDiffs, meanAcceptance } from "./_exact.ts";

const bern = () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 2.0, -0.4, 1.1] });
const cat = () => categoricalModel({ numSites: 4, numCategories: 3, sigma: 1, seed: 3 });
const ising = () => isingModel({ size: 3, lambda: 0.4, seed: 2 });
const potts = () => pottsModel({ size: 2, numCategories: 3, lambda: 0.6, seed: 4 });

async function exactOnAll(gpu: GpuContext | null) {
  const run = { chains: 2048, steps: 20 };
  // WebGPU runs the multi-flip and categorical paths; the rest of the GPU kernel is covered
  // by the bit-identity test against the CPU twin below (compiles are slow on llvmpipe).
  if (!gpu) {
    await assertExact(bern(), gwgSampler({ adaptive: false }), { ...run, seed: 1 }, gpu);
  }
  // Three draws with replacement: repeated sites and the multinomial reverse probability.
  await assertExact(bern(), gwgSampler({ adaptive: false, numFlips: 3 }), {
    ...run,
    seed: 2,
  }, gpu);
  if (!gpu) {
    await assertExact(ising(), gwgSampler({ balancing: "ratio" }), {
      ...run,
      steps: 25,
      seed: 4,
      adapt: "off",
    }, gpu);
  }
  await assertExact(potts(), gwgSampler(), { ...run, seed: 5 }, gpu);
  // Checkpoint blocks of 2 sites: the walk skips blocks by their rescaled prefix mass.
  await assertExact(bern(), gwgSampler({ adaptive: false, numFlips: 3, blockSites: 2 }), {
    ...run,
    seed: 6,
  }, gpu);
  if (!gpu) {
    await assertExact(potts(), gwgSampler({ blockSites: 1 }), { ...run, seed: 7 }, gpu);
  }
}

Deno.test("GWG: exact on Bernoulli, Ising 3x3, Potts (CPU)", async () => {
  await exactOnAll(null);
});

Deno.test("GWG: exact on Bernoulli (3 flips) and Potts (WebGPU)", async () => {
  const gpu = await gpuOrSkip("GWG exactness on WebGPU");
  if (gpu) await exactOnAll(gpu);
});

Deno.test("GWG: the adaptive radius moves toward 0.574 acceptance", async () => {
  // On a weak-field Bernoulli one flip is accepted far more often than 0.574, so r grows.
  const model = bernoulliModel({ numSites: 64, sigma: 0.3, seed: 1 });
  const r = await runSampler(model, gwgSampler(), { chains: 64, steps: 300, seed: 3 }, null);
  assertEquals(r.params[0], 1);
  const final = r.params[r.steps - 1];
  assert(final > 3, `adapted radius ${final} should have grown from 1`);
  const acc = meanAcceptance(r);
  assert(Math.abs(acc - 0.574) < 0.1, `acceptance after adaptation ${acc} should be near 0.574`);
  // Categorical models have no adaptive variant: the parameter stays at numFlips.
  const c = await runSampler(cat(), gwgSampler(), { chains: 16, steps: 20, seed: 1 }, null);
  assertEquals(Array.from(new Set(c.params)), [1]);
});

Deno.test("GWG: options, config defaults and evals", () => {
  const cfg = GwgConfig.parse({ name: "gwg" });
  assertEquals(
    [cfg.numFlips, cfg.adaptive, cfg.targetAcceptance, cfg.balancing],
    [1, true, 0.574, "sqrt"],
  );
  assertEquals(gwgSampler().evalsPerStep(bern()), 4);
  assertThrows(() => gwgSampler({ numFlips: 9, maxFlips: 4 }), /exceeds maxFlips/);
});

Deno.test("GWG: WebGPU and the CPU twin agree for the same seed", async () => {
  const gpu = await gpuOrSkip("GWG CPU = GPU");
  if (!gpu) return;
  for (
    const [model, sampler] of [
      [isingModel({ size: 4, lambda: 0.5, seed: 1 }), gwgSampler()],
      [pottsModel({ size: 3, numCategories: 3, lambda: 0.5, seed: 1 }), gwgSampler()],
      // 100 sites: seven checkpoint blocks, the last one partial.
      [isingModel({ size: 10, lambda: 0.5, seed: 1 }), gwgSampler()],
      [
        pottsModel({ size: 3, numCategories: 3, lambda: 0.5, seed: 1 }),
        gwgSampler({ blockSites: 4 }),
      ],
      // Many draws over small blocks: lanes walk different blocks, several draws per unit;
      // "max" and "min" balancing tie many logits at 0 (the normaliser's l == m path).
      [
        isingModel({ size: 10, lambda: 0.5, seed: 1 }),
        gwgSampler({ adaptive: false, numFlips: 12, blockSites: 3, balancing: "max" }),
      ],
      [
        pottsModel({ size: 3, numCategories: 3, lambda: 0.5, seed: 1 }),
        gwgSampler({ blockSites: 2, balancing: "min" }),
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
