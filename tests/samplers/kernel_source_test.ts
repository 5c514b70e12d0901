/**
 * The engine's WGSL does not grow with the model: for every sampler and model family, the
 * programs for a model of size n and of size 4n are the same text (sizes travel in the uniform
 * block), so compile time cannot grow with the model.
 */
import { assert, assertEquals } from "../_assert.ts";
import {
  bernoulliModel,
  categoricalModel,
  fhmmModel,
  isingModel,
  pottsModel,
  rbmModel,
} from "../../src/models/discrete/mod.ts";
import { erdosRenyi } from "../../src/models/co/generators.ts";
import { misProblem } from "../../src/models/co/mis.ts";
import { maxCutProblem } from "../../src/models/co/maxcut.ts";
import { maxCliqueProblem } from "../../src/models/co/maxclique.ts";
import { partitionProblem } from "../../src/models/co/partition.ts";
import { gpuOrSkip } from "../_gpu.ts";
import type { DiscreteModel } from "../../src/models/discrete/model.ts";
import { engineSources } from "../../src/samplers/engine.ts";
import { buildSampler, SAMPLER_NAMES, samplerSupports } from "../../src/samplers/registry.ts";
import { parseConfig } from "../../src/io/config.ts";
import { SamplerConfig } from "../../src/samplers/registry.ts";

/** Each family at a size n and 4n (sites), same categories and options. */
const FAMILIES: Record<string, (scale: number) => DiscreteModel> = {
  bernoulli: (s) => bernoulliModel({ numSites: 40 * s, seed: 1 }),
  categorical: (s) => categoricalModel({ numSites: 40 * s, numCategories: 3, seed: 1 }),
  ising: (s) => isingModel({ size: 6 * (s === 1 ? 1 : 2), seed: 1 }),
  potts: (s) => pottsModel({ size: 6 * (s === 1 ? 1 : 2), numCategories: 3, seed: 1 }),
  fhmm: (s) => fhmmModel({ numSteps: 10 * s, numChains: 4, seed: 1 }),
  rbm: (s) => rbmModel({ numVisible: 20 * s, numHidden: 5 * s, seed: 1 }) as DiscreteModel,
  fhmm_categorical: (s) => fhmmModel({ numSteps: 10 * s, numChains: 3, numCategories: 3, seed: 1 }),
  rbm_categorical: (s) => rbmModel({ numVisible: 12 * s, numHidden: 4 * s, numCategories: 3 }),
  mis: (s) => misProblem(graph(s)),
  maxcut: (s) => maxCutProblem(graph(s)),
  maxclique: (s) => maxCliqueProblem(graph(s)),
  partition: (s) => partitionProblem(graph(s), { numParts: 3 }),
};

function graph(scale: number) {
  return erdosRenyi({ nMin: 30 * scale, nMax: 30 * scale, p: 0.2, seed: 3 });
}

Deno.test("engine WGSL is the same text for a model of size n and 4n (every sampler x family)", () => {
  let pairs = 0;
  for (const [family, make] of Object.entries(FAMILIES)) {
    const small = make(1), large = make(4);
    assertEquals(large.numSites, 4 * small.numSites, `${family}: 4n sites`);
    for (const name of SAMPLER_NAMES) {
      if (!samplerSupports(name, small.name)) continue; // sw: Ising and Potts only
      const sampler = buildSampler(parseConfig(SamplerConfig, { name }, "test"));
      const a = engineSources(small, sampler), b = engineSources(large, sampler);
      assertEquals(a.length, b.length);
      a.forEach((p, k) => {
        assert(p.code === b[k].code, `${family} x ${name}: program ${p.label} differs by size`);
      });
      pairs++;
    }
  }
  assertEquals(pairs, Object.keys(FAMILIES).length * (SAMPLER_NAMES.length - 1) + 2);
});

Deno.test("kernel-source check fails when a size is baked into the text", () => {
  // The check above must be able to fail: a model that bakes its size into a constant differs.
  const baked = (d: number): DiscreteModel => {
    const m = bernoulliModel({ numSites: d, seed: 1 });
    return { ...m, wgsl: { ...m.wgsl, code: `const BAKED: u32 = ${d}u;\n${m.wgsl.code}` } };
  };
  const sampler = buildSampler(parseConfig(SamplerConfig, { name: "rwm" }, "test"));
  const [a] = engineSources(baked(10), sampler), [b] = engineSources(baked(40), sampler);
  assert(a.code !== b.code);
});

Deno.test("engine WGSL compiles for every model family and every sampler (sizes not constants)", async () => {
  // Sizes are run-time values, so a snippet that sizes an array by one (array<f32, C>) or uses
  // one in a constant expression fails here, not only in a long run.
  const gpu = await gpuOrSkip("engine WGSL compiles");
  if (!gpu) return;
  const refresh = (m: DiscreteModel, name: string) =>
    engineSources(m, buildSampler(parseConfig(SamplerConfig, { name }, "test")))[1];
  for (const [_family, make] of Object.entries(FAMILIES)) {
    await gpu.cache.get(gpu.device, refresh(make(1), "rwm")); // throws GpuCompileError
  }
  for (const name of SAMPLER_NAMES) {
    for (const family of ["ising", "potts"]) {
      await gpu.cache.get(gpu.device, refresh(FAMILIES[family](1), name));
    }
  }
});
