import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel } from "../../src/models/discrete/bernoulli.ts";
import { categoricalModel } from "../../src/models/discrete/categorical.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { pottsModel } from "../../src/models/discrete/potts.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import {
  HammingBallConfig,
  hammingBallSampler,
  uniformIndex,
} from "../../src/samplers/hamming_ball.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertExact } from "./_exact.ts";

const bern = () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 2.0, -0.4, 1.1] });
const cat = () => categoricalModel({ numSites: 4, numCategories: 3, sigma: 1, seed: 3 });
const ising = () => isingModel({ size: 3, lambda: 0.4, seed: 2 });
const potts = () => pottsModel({ size: 2, numCategories: 3, lambda: 0.6, seed: 4 });

async function exactOnAll(gpu: GpuContext | null) {
  // Block 10 is capped at D; block 4 on D = 6 and block 2 on D = 9 wrap around.
  await assertExact(bern(), hammingBallSampler(), { chains: 8192, steps: 12, seed: 1 }, gpu);
  await assertExact(bern(), hammingBallSampler({ blockSize: 4 }), {
    chains: 8192,
    steps: 12,
    seed: 5,
  }, gpu);
  await assertExact(cat(), hammingBallSampler(), { chains: 8192, steps: 12, seed: 2 }, gpu);
  await assertExact(ising(), hammingBallSampler({ blockSize: 2 }), {
    chains: 8192,
    steps: 40,
    seed: 3,
  }, gpu);
  await assertExact(potts(), hammingBallSampler({ blockSize: 3 }), {
    chains: 8192,
    steps: 30,
    seed: 4,
  }, gpu);
}

Deno.test("Hamming ball: exact on Bernoulli, categorical, Ising 3x3, Potts (CPU)", async () => {
  await exactOnAll(null);
});

Deno.test("Hamming ball: exact on Bernoulli, categorical, Ising 3x3, Potts (WebGPU)", async () => {
  const gpu = await gpuOrSkip("Hamming ball exactness on WebGPU");
  if (gpu) await exactOnAll(gpu);
});

Deno.test("Hamming ball: evals (C-1)k+1, config defaults, uniform index", () => {
  assertEquals(hammingBallSampler().evalsPerStep(isingModel({ size: 10 })), 11);
  assertEquals(hammingBallSampler().evalsPerStep(cat()), 9);
  assertEquals(HammingBallConfig.parse({ name: "hamming_ball" }).blockSize, 10);
  assertThrows(() => hammingBallSampler({ blockSize: 1.5 }), /positive integer/);
  assertEquals(uniformIndex(0, 11), 0);
  assertEquals(uniformIndex(0xffffffff, 11), 10);
  // The auxiliary draw is uniform over the 11 ball members (DISCS's logits bug is not).
  const counts = new Array(11).fill(0);
  for (let w = 0; w < 2 ** 32; w += 2 ** 20) counts[uniformIndex(w, 11)]++;
  assert(Math.max(...counts) - Math.min(...counts) <= 1, `counts ${counts}`);
});

Deno.test("Hamming ball: acceptance 1; WebGPU and CPU give the same bits", async () => {
  const gpu = await gpuOrSkip("Hamming ball CPU = GPU");
  const model = pottsModel({ size: 4, numCategories: 3, lambda: 0.5, seed: 1 });
  const opts = { chains: 64, steps: 40, seed: 9, blockSteps: 16 };
  const b = await runSampler(model, hammingBallSampler(), opts, null);
  assertEquals(Array.from(b.acceptance), new Array(64).fill(1));
  if (!gpu) return;
  const a = await runSampler(model, hammingBallSampler(), opts, gpu);
  assertEquals(Array.from(a.finalStates), Array.from(b.finalStates));
  assertEquals(Array.from(a.energies), Array.from(b.energies));
  assertEquals(Array.from(a.hamming), Array.from(b.hamming));
});
