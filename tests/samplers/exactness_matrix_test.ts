/**
 * Every sampler on every model family, on both backends: the final states of many independent
 * chains match the exact distribution of a small enumerable instance (chi-square at z = 3.7,
 * seeded, so deterministic). Per-sampler files test more configurations; this file makes sure
 * no (sampler, model) pair is left out.
 */
import { gpuOrSkip } from "../_gpu.ts";
import { assertExact } from "./_exact.ts";
import {
  bernoulliModel,
  categoricalModel,
  type DiscreteModel,
  fhmmModel,
  isingModel,
  pottsModel,
  rbmModel,
} from "../../src/models/discrete/mod.ts";
import { buildSampler, SAMPLER_NAMES, samplerSupports } from "../../src/samplers/registry.ts";
import { parseConfig } from "../../src/io/config.ts";
import { SamplerConfig } from "../../src/samplers/registry.ts";

const MODELS: Record<string, () => DiscreteModel> = {
  bernoulli: () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 1.5, -0.4] }),
  categorical: () => categoricalModel({ numSites: 4, numCategories: 3, sigma: 1, seed: 2 }),
  ising: () => isingModel({ size: 3, seed: 1 }),
  potts: () => pottsModel({ size: 2, numCategories: 3, seed: 3 }),
  fhmm: () => fhmmModel({ numSteps: 4, numChains: 2, seed: 4 }),
  rbm: () => rbmModel({ numVisible: 7, numHidden: 3, sigma: 0.8, seed: 5 }),
};

// Block samplers touch a few sites per step, so they need more steps to mix from the uniform
// start than samplers that move many sites at once.
const STEPS: Record<string, number> = { block_gibbs: 120, hamming_ball: 120, rwm: 160 };

for (const name of SAMPLER_NAMES) {
  Deno.test(`exactness: ${name} on every model family it supports, CPU twin and WebGPU`, async () => {
    const gpu = await gpuOrSkip(`${name} exactness on WebGPU`);
    const sampler = buildSampler(parseConfig(SamplerConfig, { name }, "test"));
    let seed = 100;
    for (const [family, make] of Object.entries(MODELS)) {
      if (!samplerSupports(name, family)) continue; // sw: Ising and Potts only
      const model = make();
      const o = { chains: 4096, steps: STEPS[name] ?? 80, seed: seed++ };
      await assertExact(model, sampler, o, null);
      if (gpu) await assertExact(model, sampler, { ...o, seed: o.seed + 1000 }, gpu);
    }
  });
}
