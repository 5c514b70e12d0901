import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { bernoulliModel } from "../../src/models/discrete/bernoulli.ts";
import { categoricalModel } from "../../src/models/discrete/categorical.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { pottsModel } from "../../src/models/discrete/potts.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { DmalaConfig, dmalaDist, dmalaSampler } from "../../src/samplers/dmala.ts";
import type { CpuChain } from "../../src/samplers/sampler.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { assertExact, countDiffs, meanAcceptance } from "./_exact.ts";

const bern = () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 2.0, -0.4, 1.1] });
const cat = () => categoricalModel({ numSites: 4, numCategories: 3, sigma: 1, seed: 3 });
const ising = () => isingModel({ size: 3, lambda: 0.4, seed: 2 });
const potts = () => pottsModel({ size: 2, numCategories: 3, lambda: 0.6, seed: 4 });

/** A one-chain view at state x (no randomness needed by the proposal functions). */
function chainAt(x: number[], beta = 1, param = 3): CpuChain {
  return {
    x: Uint32Array.from(x),
    base: 0,
    chain: 0,
    step: 0,
    beta,
    param,
    energy: 0,
    draw: () => new Uint32Array(4),
    set() {},
  };
}

async function exactOnAll(gpu: GpuContext | null) {
  const run = { chains: 4096, steps: 20 };
  // Fixed alpha: the paper's flip log-odds d/2 - 1/(2 alpha).
  await assertExact(bern(), dmalaSampler({ adaptive: false, stepSize: 0.5 }), {
    ...run,
    seed: 1,
  }, gpu);
  // tau = n / Z(x) per chain with n = 3 held fixed: the state-dependent step of this port.
  await assertExact(ising(), dmalaSampler(), { ...run, steps: 24, seed: 2, adapt: "off" }, gpu);
  await assertExact(cat(), dmalaSampler({ balancing: "ratio" }), { ...run, seed: 3 }, gpu);
  await assertExact(potts(), dmalaSampler(), { ...run, seed: 4, beta: 0.8 }, gpu);
}

Deno.test("DMALA: exact on Bernoulli, Ising 3x3, categorical, Potts (CPU)", async () => {
  await exactOnAll(null);
});

Deno.test("DMALA: exact on Bernoulli, Ising 3x3, categorical, Potts (WebGPU)", async () => {
  const gpu = await gpuOrSkip("DMALA exactness on WebGPU");
  if (gpu) await exactOnAll(gpu);
});

Deno.test("DMALA: binary flip probability is sigmoid(d/2 - 1/(2 alpha))", () => {
  const model = bern();
  const q = new Float32Array(2);
  const x = [1, 0, 0, 1, 1, 0];
  const alpha = 0.2;
  for (let i = 0; i < 6; i++) {
    dmalaDist("sqrt")(model, chainAt(x), i, -1 / (2 * alpha), q);
    // log pi = theta . x, so flipping site i changes it by d_i = (1 - 2 x_i) theta_i.
    const d = (1 - 2 * x[i]) * model.theta[i];
    const p = 1 / (1 + Math.exp(-(d / 2 - 1 / (2 * alpha))));
    assertClose(Math.exp(q[1 - x[i]]), p, 1e-6);
    assertClose(Math.exp(q[x[i]]), 1 - p, 1e-6);
  }
});

Deno.test("DMALA: categorical proposal is softmax(stay 0, log tau + g(d_c))", () => {
  const model = cat();
  const q = new Float32Array(3);
  const x = [2, 0, 1, 1];
  const logTau = -0.7;
  for (let i = 0; i < 4; i++) {
    dmalaDist("sqrt")(model, chainAt(x), i, logTau, q);
    const th = (c: number) => model.theta[i * 3 + c];
    const w = [0, 1, 2].map((c) => c === x[i] ? 1 : Math.exp(logTau + (th(c) - th(x[i])) / 2));
    const s = w[0] + w[1] + w[2];
    for (let c = 0; c < 3; c++) assertClose(Math.exp(q[c]), w[c] / s, 1e-6);
  }
});

Deno.test("DMALA: the adaptive n moves acceptance toward 0.574", async () => {
  const model = isingModel({ size: 6, lambda: 0.5, seed: 1 });
  const r = await runSampler(model, dmalaSampler(), { chains: 32, steps: 200, seed: 3 }, null);
  assertEquals(r.params[0], 3);
  const acc = meanAcceptance(r);
  assert(Math.abs(acc - 0.574) < 0.08, `acceptance after adaptation ${acc} should be near 0.574`);
  // Non-adaptive: the parameter stays alpha.
  const n = await runSampler(
    model,
    dmalaSampler({ adaptive: false }),
    { chains: 4, steps: 5, seed: 1 },
    null,
  );
  assertEquals(Array.from(new Set(n.params)), [Math.fround(0.2)]);
});

Deno.test("DMALA: options, config defaults and evals", () => {
  const cfg = DmalaConfig.parse({ name: "dmala" });
  assertEquals(
    [cfg.adaptive, cfg.targetAcceptance, cfg.balancing, cfg.stepSize],
    [true, 0.574, "sqrt", 0.2],
  );
  assertThrows(() => DmalaConfig.parse({ name: "dmala", scheduleStep: 100 }));
  assertEquals(dmalaSampler().evalsPerStep(bern()), 4);
  assertEquals(dmalaSampler().initialParam(bern()), 3);
  assertEquals(dmalaSampler({ adaptive: false }).initialParam(bern()), 0.2);
  assertThrows(() => dmalaSampler({ stepSize: -1 }));
});

Deno.test("DMALA: WebGPU and the CPU twin agree for the same seed", async () => {
  const gpu = await gpuOrSkip("DMALA CPU = GPU");
  if (!gpu) return;
  for (
    const [model, sampler] of [
      [isingModel({ size: 4, lambda: 0.5, seed: 1 }), dmalaSampler()],
      [pottsModel({ size: 3, numCategories: 3, lambda: 0.5, seed: 1 }), dmalaSampler()],
      [bernoulliModel({ numSites: 20, seed: 2 }), dmalaSampler({ adaptive: false })],
    ] as const
  ) {
    const opts = { chains: 64, steps: 60, seed: 9, blockSteps: 32 };
    const a = await runSampler(model, sampler, opts, gpu);
    const b = await runSampler(model, sampler, opts, null);
    assertEquals(countDiffs(a.params, b.params), 0, `${model.name} params`);
    assertEquals(countDiffs(a.finalStates, b.finalStates), 0, `${model.name} states`);
    assertEquals(countDiffs(a.energies, b.energies), 0, `${model.name} energies`);
    assertEquals(countDiffs(a.hamming, b.hamming), 0, `${model.name} hamming`);
  }
});
