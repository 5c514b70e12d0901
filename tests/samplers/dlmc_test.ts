import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel } from "../../src/models/discrete/bernoulli.ts";
import { categoricalModel } from "../../src/models/discrete/categorical.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { pottsModel } from "../../src/models/discrete/potts.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import {
  DlmcConfig,
  dlmcDist,
  DlmcfConfig,
  dlmcfSampler,
  dlmcSampler,
} from "../../src/samplers/dlmc.ts";
import type { CpuChain } from "../../src/samplers/sampler.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertExact, countDiffs, meanAcceptance } from "./_exact.ts";

const bern = () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 2.0, -0.4, 1.1] });
const cat = () => categoricalModel({ numSites: 4, numCategories: 3, sigma: 1, seed: 3 });
const ising = () => isingModel({ size: 3, lambda: 0.4, seed: 2 });
const potts = () => pottsModel({ size: 2, numCategories: 3, lambda: 0.6, seed: 4 });

function chainAt(x: number[]): CpuChain {
  return {
    x: Uint32Array.from(x),
    base: 0,
    chain: 0,
    step: 0,
    beta: 1,
    param: 3,
    energy: 0,
    draw: () => new Uint32Array(4),
    set() {},
  };
}

async function exactOnAll(gpu: GpuContext | null) {
  const run = { chains: 4096, steps: 20 };
  await assertExact(bern(), dlmcSampler({ adaptive: false }), { ...run, seed: 1 }, gpu);
  await assertExact(ising(), dlmcSampler(), { ...run, steps: 24, seed: 2, adapt: "off" }, gpu);
  await assertExact(ising(), dlmcfSampler(), { ...run, steps: 24, seed: 3, adapt: "off" }, gpu);
  await assertExact(cat(), dlmcfSampler({ balancing: "ratio" }), { ...run, seed: 4 }, gpu);
  await assertExact(potts(), dlmcSampler(), { ...run, seed: 5, beta: 0.8 }, gpu);
}

Deno.test("DLMC/DLMCf: exact on Bernoulli, Ising 3x3, categorical, Potts (CPU)", async () => {
  await exactOnAll(null);
});

Deno.test("DLMC/DLMCf: exact on Bernoulli, Ising 3x3, categorical, Potts (WebGPU)", async () => {
  const gpu = await gpuOrSkip("DLMC exactness on WebGPU");
  if (gpu) await exactOnAll(gpu);
});

Deno.test("DLMC: binary flip probabilities of both solvers", () => {
  const model = bern();
  const q = new Float32Array(2);
  const x = [1, 0, 0, 1, 1, 0];
  const logTau = -0.9, tau = Math.exp(logTau);
  for (let i = 0; i < 6; i++) {
    const d = (1 - 2 * x[i]) * model.theta[i];
    const nu = 1 / (1 + Math.exp(-d)), w = Math.exp(d / 2);
    dlmcDist("sqrt", "interpolate")(model, chainAt(x), i, logTau, q);
    // Exact two-state CTMC: nu (1 - exp(-tau w / nu)).
    assertClose(Math.exp(q[1 - x[i]]), nu * (1 - Math.exp(-tau * w / nu)), 1e-6);
    assertClose(Math.exp(q[x[i]]), 1 - nu * (1 - Math.exp(-tau * w / nu)), 1e-6);
    dlmcDist("sqrt", "euler_forward")(model, chainAt(x), i, logTau, q);
    assertClose(Math.exp(q[1 - x[i]]), Math.min(tau * w, nu), 1e-6);
  }
});

Deno.test("DLMC: categorical moves nu_c (1 - exp(-tau w_c / nu_c)), stay the rest", () => {
  const model = cat();
  const q = new Float32Array(3);
  const x = [2, 0, 1, 1];
  const logTau = -0.5, tau = Math.exp(logTau);
  for (let i = 0; i < 4; i++) {
    dlmcDist("sqrt", "interpolate")(model, chainAt(x), i, logTau, q);
    const d = [0, 1, 2].map((c) => model.theta[i * 3 + c] - model.theta[i * 3 + x[i]]);
    const z = d.reduce((s, v) => s + Math.exp(v), 0);
    const p = d.map((v) => {
      const nu = Math.exp(v) / z;
      return nu * (1 - Math.exp(-tau * Math.exp(v / 2) / nu));
    });
    const moves = p.reduce((s, v, c) => s + (c === x[i] ? 0 : v), 0);
    p[x[i]] = Math.max(1 - moves, Math.exp(d[x[i]]) / z);
    const s = p[0] + p[1] + p[2];
    for (let c = 0; c < 3; c++) assertClose(Math.exp(q[c]), p[c] / s, 1e-6);
  }
});

Deno.test("DLMC/DLMCf: the adaptive n moves acceptance toward 0.574", async () => {
  const model = isingModel({ size: 6, lambda: 0.5, seed: 1 });
  for (const sampler of [dlmcSampler(), dlmcfSampler()]) {
    const r = await runSampler(model, sampler, { chains: 32, steps: 200, seed: 3 }, null);
    assertEquals(r.params[0], 3);
    const acc = meanAcceptance(r);
    assert(
      Math.abs(acc - 0.574) < 0.08,
      `${sampler.name}: acceptance after adaptation ${acc} should be near 0.574`,
    );
  }
});

Deno.test("DLMC: options, config defaults, names and evals", () => {
  const cfg = DlmcConfig.parse({ name: "dlmc" });
  assertEquals(
    [cfg.adaptive, cfg.targetAcceptance, cfg.balancing, cfg.n, cfg.solver],
    [true, 0.574, "sqrt", 3, "interpolate"],
  );
  assertEquals(DlmcfConfig.parse({ name: "dlmcf" }).n, 3);
  assertThrows(() => DlmcfConfig.parse({ name: "dlmcf", solver: "interpolate" }));
  assertEquals(dlmcSampler().name, "dlmc");
  assertEquals(dlmcfSampler().name, "dlmcf");
  assertEquals(dlmcfSampler().config.solver, "euler_forward");
  assertEquals(dlmcSampler().evalsPerStep(bern()), 4);
  assertEquals(dlmcSampler({ n: 5 }).initialParam(bern()), 5);
  assertThrows(() => dlmcSampler({ n: 0 }));
});

Deno.test("DLMC/DLMCf: WebGPU and the CPU twin agree for the same seed", async () => {
  const gpu = await gpuOrSkip("DLMC CPU = GPU");
  if (!gpu) return;
  for (
    const [model, sampler] of [
      [isingModel({ size: 4, lambda: 0.5, seed: 1 }), dlmcSampler()],
      [isingModel({ size: 4, lambda: 0.5, seed: 1 }), dlmcfSampler()],
      [pottsModel({ size: 3, numCategories: 3, lambda: 0.5, seed: 1 }), dlmcSampler()],
      [pottsModel({ size: 3, numCategories: 3, lambda: 0.5, seed: 1 }), dlmcfSampler()],
    ] as const
  ) {
    const opts = { chains: 64, steps: 60, seed: 9, blockSteps: 32 };
    const a = await runSampler(model, sampler, opts, gpu);
    const b = await runSampler(model, sampler, opts, null);
    const what = `${sampler.name} on ${model.name}`;
    assertEquals(countDiffs(a.params, b.params), 0, `${what} params`);
    assertEquals(countDiffs(a.finalStates, b.finalStates), 0, `${what} states`);
    assertEquals(countDiffs(a.energies, b.energies), 0, `${what} energies`);
    assertEquals(countDiffs(a.hamming, b.hamming), 0, `${what} hamming`);
  }
});
