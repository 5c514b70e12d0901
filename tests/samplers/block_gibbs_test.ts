import { assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel } from "../../src/models/discrete/bernoulli.ts";
import { categoricalModel } from "../../src/models/discrete/categorical.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { BlockGibbsConfig, blockGibbsSampler, blockStart } from "../../src/samplers/block_gibbs.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertExact, assertSameRun } from "./_exact.ts";

const bern = () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 2.0, -0.4] });
const cat = () => categoricalModel({ numSites: 4, numCategories: 3, sigma: 1, seed: 3 });
const ising = () => isingModel({ size: 3, lambda: 0.4, seed: 2 });

async function exactOnAll(gpu: GpuContext | null) {
  // Bernoulli D = 5 with k = 2 wraps ({4, 0}); 3 steps touch every site.
  await assertExact(bern(), blockGibbsSampler(), { chains: 8192, steps: 6, seed: 1 }, gpu);
  await assertExact(cat(), blockGibbsSampler({ blockSize: 3 }), {
    chains: 8192,
    steps: 4,
    seed: 2,
  }, gpu);
  await assertExact(ising(), blockGibbsSampler(), { chains: 8192, steps: 60, seed: 3 }, gpu);
}

Deno.test("block Gibbs: exact on Bernoulli, categorical and Ising 3x3 (CPU)", async () => {
  await exactOnAll(null);
});

Deno.test("block Gibbs: exact on Bernoulli, categorical and Ising 3x3 (WebGPU)", async () => {
  const gpu = await gpuOrSkip("block Gibbs exactness on WebGPU");
  if (gpu) await exactOnAll(gpu);
});

Deno.test("block Gibbs: systematic scan wraps around D, evals are C^k", () => {
  assertEquals([0, 1, 2, 3, 4].map((s) => blockStart(s, 2, 5)), [0, 2, 4, 1, 3]);
  assertEquals(blockGibbsSampler().evalsPerStep(cat()), 9);
  assertEquals(blockGibbsSampler({ blockSize: 9 }).evalsPerStep(bern()), 32);
  assertEquals(BlockGibbsConfig.parse({ name: "block_gibbs" }).blockSize, 2);
  assertThrows(() => blockGibbsSampler({ blockSize: 0 }), /positive integer/);
  assertThrows(
    () => blockGibbsSampler({ blockSize: 11 }).evalsPerStep(categoricalModel({ numSites: 20 })),
    /at most 65536/,
  );
});

Deno.test("block Gibbs: acceptance 1; WebGPU and CPU give the same bits", async () => {
  const gpu = await gpuOrSkip("block Gibbs CPU = GPU");
  const opts = { chains: 64, steps: 40, seed: 9, blockSteps: 16 };
  // C^k = 8 and 9 run as straight-line WGSL, 27 as a loop: all must replay the CPU twin.
  for (
    const [model, blockSize] of [
      [isingModel({ size: 4, lambda: 0.5, seed: 1 }), 3],
      [categoricalModel({ numSites: 7, numCategories: 3, seed: 4 }), 2],
      [categoricalModel({ numSites: 7, numCategories: 3, seed: 4 }), 3],
    ] as const
  ) {
    const b = await runSampler(model, blockGibbsSampler({ blockSize }), opts, null);
    assertEquals(Array.from(b.acceptance), new Array(64).fill(1));
    if (!gpu) continue;
    const a = await runSampler(model, blockGibbsSampler({ blockSize }), opts, gpu);
    assertSameRun(a, b, `block_gibbs k=${blockSize} on ${model.name}`);
  }
});
