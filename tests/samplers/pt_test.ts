/**
 * Parallel tempering: the target and a hot replica are exact against enumeration on every
 * model family on both backends, the twins agree bit for bit, the ladder freezes at the end of
 * burn-in, and on a bimodal Ising PT crosses between the two magnetisation signs with the exact
 * frequency where the inner sampler alone stays in its sign.
 */
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { chiSquare, chiSquareQuantile } from "../_stats.ts";
import { assertSameRun } from "./_exact.ts";
import {
  bernoulliModel,
  categoricalModel,
  type DiscreteModel,
  enumerateLogProbs,
  fhmmModel,
  isingModel,
  pottsModel,
  rbmModel,
  stateIndex,
} from "../../src/models/discrete/mod.ts";
import { buildSampler, SamplerConfig } from "../../src/samplers/registry.ts";
import { type RunOptions, type RunResult, runSampler } from "../../src/samplers/engine.ts";
import { ptChainBetas, type PtSummary } from "../../src/samplers/pt.ts";
import type { DiscreteSampler } from "../../src/samplers/sampler.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";

const pt = (o: Record<string, unknown>): DiscreteSampler =>
  buildSampler(SamplerConfig.parse({ name: "pt", ...o }));

const MODELS: Record<string, () => DiscreteModel> = {
  bernoulli: () => bernoulliModel({ theta: [0.8, -1.2, 0.3, 1.5, -0.4] }),
  categorical: () => categoricalModel({ numSites: 4, numCategories: 3, sigma: 1, seed: 2 }),
  ising: () => isingModel({ size: 3, seed: 1 }),
  potts: () => pottsModel({ size: 2, numCategories: 3, seed: 3 }),
  fhmm: () => fhmmModel({ numSteps: 4, numChains: 2, seed: 4 }),
  rbm: () => rbmModel({ numVisible: 7, numHidden: 3, sigma: 0.8, seed: 5 }),
};

/**
 * Chi-square of the final states of chains r, r + R, ... against the mixture over those
 * chains of exp(-beta_c E) / Z(beta_c) (each chain at its own final ladder rung; independent
 * groups, so the counts are a sum of independent one-draw multinomials: the test is
 * conservative for a mixture and exact when all rungs agree).
 */
function assertRungExact(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  r: RunResult,
  rung: number,
  what: string,
): void {
  const R = sampler.exchange!.size, d = model.numSites, c = model.numCategories;
  const betas = ptChainBetas(sampler, model, r.finalScratch!, r.chains);
  const cache = new Map<number, Float64Array>();
  let expected: Float64Array | null = null, n = 0;
  const counts = new Float64Array(c ** d);
  for (let ch = rung; ch < r.chains; ch += R) {
    const b = betas[ch];
    if (!cache.has(b)) cache.set(b, enumerateLogProbs(model, b).map(Math.exp));
    const p = cache.get(b)!;
    expected ??= new Float64Array(p.length);
    for (let s = 0; s < p.length; s++) expected[s] += p[s];
    counts[stateIndex(r.finalStates, ch * d, d, c)]++;
    n++;
  }
  const { stat, dof } = chiSquare(counts, expected!.map((v) => v / n));
  assert(
    stat < chiSquareQuantile(dof, 3.7),
    `${what} rung ${rung} (beta ${betas[rung].toFixed(3)}, ${r.backend}): chi2 ${
      stat.toFixed(1)
    } on ${dof} dof`,
  );
}

Deno.test("pt: the target and the hottest replica are exact on every family, CPU twin and WebGPU", async () => {
  const gpu = await gpuOrSkip("parallel tempering exactness on WebGPU");
  // Adapted ladders (each group its own) and a fixed geometric one, two inner samplers, on
  // alternate families.
  const samplers = [
    pt({ replicas: 4, betaMin: 0.25 }),
    pt({ replicas: 3, betaMin: 0.4, adaptLadder: false, inner: { name: "dmala" } }),
  ];
  let seed = 300;
  for (const [family, make] of Object.entries(MODELS)) {
    const model = make();
    {
      const sampler = samplers[seed % 2];
      const R = sampler.exchange!.size;
      const o = { chains: 400 * R, steps: 80, seed: seed++ };
      for (const g of gpu ? [null, gpu] : [null]) {
        const r = await runSampler(model, sampler, { ...o, seed: o.seed + (g ? 1000 : 0) }, g);
        assertRungExact(model, sampler, r, 0, `${family} pt(${sampler.config.inner})`);
        assertRungExact(model, sampler, r, R - 1, `${family} pt`);
      }
    }
  }
});

Deno.test("pt: the hot rung's exactness check fails when the ladder is misread", async () => {
  // The mixture check must be able to fail: the hottest chains are not at beta = 1.
  const model = isingModel({ size: 3, seed: 1 });
  const sampler = pt({ replicas: 3, betaMin: 0.2, adaptLadder: false, inner: { name: "rwm" } });
  const r = await runSampler(model, sampler, { chains: 1800, steps: 120, seed: 9 }, null);
  const misread = { ...r, finalScratch: new Uint32Array(r.finalScratch!.length) };
  const ones = { ...sampler, config: { ...sampler.config, betaMin: 0.999 } };
  assertThrows(() => assertRungExact(model, ones, misread, 2, "misread"));
  assertRungExact(model, sampler, r, 2, "read");
});

/** CPU and WebGPU runs agree bit for bit, ladders and swap statistics included. */
async function twinsAgree(
  gpu: GpuContext,
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: RunOptions,
): Promise<RunResult> {
  const cpu = await runSampler(model, sampler, o, null);
  const web = await runSampler(model, sampler, o, gpu);
  const what = `pt(${JSON.stringify(sampler.config.inner)}) on ${model.name}`;
  assertSameRun(web, cpu, what);
  assertEquals(web.exchange, cpu.exchange, `${what}: swap rates and ladder`);
  assertEquals(
    Array.from(ptChainBetas(sampler, model, web.finalScratch!, o.chains)),
    Array.from(ptChainBetas(sampler, model, cpu.finalScratch!, o.chains)),
    `${what}: every group's ladder`,
  );
  return cpu;
}

Deno.test("pt: WebGPU replays the CPU twin bit for bit (per-rung adaptation, short last group)", async () => {
  const gpu = await gpuOrSkip("parallel tempering twin identity");
  if (!gpu) return;
  // 23 chains in groups of 4: a last group of 3 keeps the geometric rungs; adaptation always,
  // blocks of 16 with a partial last block, swaps every other step.
  const o = { chains: 23, steps: 70, seed: 4, blockSteps: 16, adapt: "always" as const };
  const dmala = pt({ replicas: 4, swapEvery: 2, inner: { name: "dmala" } });
  const r = await twinsAgree(gpu, isingModel({ size: 3, seed: 2 }), dmala, o);
  // The inner step size adapts per rung: the four slots end at different values.
  const last = Array.from(r.params.subarray(69 * 4, 70 * 4));
  assertEquals(new Set(last).size, 4, `per-rung step sizes ${last}`);
  await twinsAgree(gpu, pottsModel({ size: 2, numCategories: 3, seed: 1 }), pt({}), {
    ...o,
    adapt: "burn-in",
  });
  await twinsAgree(gpu, bernoulliModel({ numSites: 6, seed: 3 }), pt({ inner: { name: "rwm" } }), {
    chains: 40,
    steps: 50,
    seed: 1,
  });
});

Deno.test("pt: a group too large for llvmpipe's loop limit runs split and replays the twin", async () => {
  const gpu = await gpuOrSkip("parallel tempering split mode");
  if (!gpu) return;
  // 16 rungs of DMALA on a 30 x 30 Ising: about 87,000 loop iterations for a group in one
  // invocation, so on llvmpipe each chain steps in its own invocation and the groups exchange
  // in a second dispatch (real GPUs have no limit and run the grouped step: same bits either way).
  const sampler = pt({ replicas: 16, inner: { name: "dmala" } });
  await twinsAgree(gpu, isingModel({ size: 30, seed: 1 }), sampler, {
    chains: 37,
    steps: 12,
    seed: 3,
    blockSteps: 5,
  });
});

Deno.test("pt: the ladder adapts during burn-in only, then swaps are counted", async () => {
  const model = isingModel({ size: 3, seed: 5 });
  const sampler = pt({ replicas: 5, betaMin: 0.1, inner: { name: "rwm" } });
  const run = (steps: number, burnInFraction: number) =>
    runSampler(
      model,
      sampler,
      { chains: 40, steps, seed: 8, burnInFraction, blockSteps: 50 },
      null,
    );
  const ladder = (r: RunResult) => Array.from(ptChainBetas(sampler, model, r.finalScratch!, 40));
  // Burn-in 100 steps in both: the ladder after 200 and after 400 steps is the same.
  const a = await run(200, 0.5), b = await run(400, 0.25), c = await run(300, 0.5);
  assertEquals(ladder(a), ladder(b));
  assert(ladder(a).some((v, k) => v !== ladder(c)[k]), "a longer burn-in adapts further");
  // Adapted, not geometric; ends fixed; decreasing.
  const geometric = [0, 1, 2, 3, 4].map((k) => Math.fround(0.1 ** (k / 4)));
  const first = ladder(a).slice(0, 5);
  assert(first.some((v, k) => v !== geometric[k]), `adapted ladder ${first}`);
  assertEquals(first[0], 1);
  assertEquals(first[4], Math.fround(0.1));
  for (let k = 1; k < 5; k++) assert(first[k] < first[k - 1], `ladder ${first}`);
  // Post-burn-in swap rounds: pair r is tried on rounds of its parity, 8 groups each time.
  const s = b.exchange as PtSummary;
  assertEquals(s.swapAttempts, [150, 150, 150, 150].map((n) => n * 8));
  assert(s.swapRates.every((v) => v > 0 && v < 1), `${s.swapRates}`);
});

Deno.test("pt: refuses per-chain betas and forced fused adaptation", async () => {
  const model = bernoulliModel({ numSites: 3 });
  const sampler = pt({ replicas: 2, inner: { name: "rwm" } });
  assertThrows(
    () => runSampler(model, sampler, { chains: 4, steps: 2, seed: 1, fuseAdaptation: true }, null),
    /chainBetas and fuseAdaptation/,
  );
  const chainBetas = new Float32Array(4).fill(1);
  assertThrows(() =>
    runSampler(model, sampler, { chains: 4, steps: 2, seed: 1, chainBetas }, null)
  );
  // One chain is a group of one: the inner sampler at beta 1, no swaps.
  const one = await runSampler(model, sampler, { chains: 1, steps: 5, seed: 1 }, null);
  assertEquals((one.exchange as PtSummary).swapAttempts, [0]);
});

/** Magnetisation signs of the target chains: counts of m < 0, m = 0, m > 0. */
function signCounts(r: RunResult, stride: number, d: number): number[] {
  const out = [0, 0, 0];
  for (let c = 0; c < r.chains; c += stride) {
    let m = 0;
    for (let i = 0; i < d; i++) m += r.finalStates[c * d + i] ? 1 : -1;
    out[Math.sign(m) + 1]++;
  }
  return out;
}

Deno.test("pt: on a strongly coupled 4x4 Ising PT reaches both signs at the exact frequency", async () => {
  // lambda = 1, no field, torus: flipping the sign crosses a barrier of 16 (two domain walls of
  // 4 bonds), so single-temperature chains started all up stay up; PT's hot rungs at beta 0.2
  // are disordered and swaps carry their states down the ladder.
  const model = isingModel({ size: 4, lambda: 1, mu: 0, sigma: 0, periodic: true });
  const d = 16, groups = 128, R = 4;
  const p = enumerateLogProbs(model).map(Math.exp);
  const exact = [0, 0, 0];
  for (let s = 0; s < p.length; s++) {
    let m = 0;
    for (let i = 0; i < d; i++) m += (s >> i) & 1 ? 1 : -1;
    exact[Math.sign(m) + 1] += p[s];
  }
  assert(Math.abs(exact[0] - exact[2]) < 1e-12 && exact[1] < 1e-4, `exact signs ${exact}`);
  const gpu = await gpuOrSkip("bimodal Ising on WebGPU");
  for (const g of gpu ? [null, gpu] : [null]) {
    const run = (s: DiscreteSampler, chains: number) =>
      runSampler(model, s, {
        chains,
        steps: 400,
        seed: g ? 12 : 11,
        initialState: new Uint32Array(chains * d).fill(1),
      }, g);
    const alone = signCounts(
      await run(buildSampler({ name: "block_gibbs", blockSize: 2 }), groups),
      1,
      d,
    );
    assertEquals(alone, [0, 0, groups], "the inner sampler alone stays in its sign");
    const tempered = signCounts(
      await run(
        pt({ replicas: R, betaMin: 0.2, inner: { name: "block_gibbs" } }),
        groups * R,
      ),
      R,
      d,
    );
    const { stat } = chiSquare([tempered[0], tempered[2]], [0.5, 0.5]);
    assert(stat < chiSquareQuantile(1, 3.7), `PT signs ${tempered} vs 50/50 (chi2 ${stat})`);
  }
});
