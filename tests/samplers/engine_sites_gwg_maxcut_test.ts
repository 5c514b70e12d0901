/**
 * The chains x sites layout for max-cut (PAS, DMALA, GWG on CSR graphs, generic site-energy
 * path) and for GWG on binary models (count and generic paths): WebGPU replays the CPU twin bit
 * for bit, both sample the exact Boltzmann distribution of enumerable models, and the engine's
 * `auto` takes the layout for paper-scale shapes (max-cut BA-[1024-1100], GWG on Ising 100x100)
 * where the per-chain layout is refused.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import { hasLoopLimit } from "../../src/gpu/mod.ts";
import {
  barabasiAlbert,
  erdosRenyi,
  graphFromEdges,
  maxCutProblem,
  misProblem,
} from "../../src/models/co/mod.ts";
import { withLoopCost } from "../../src/co/solve.ts";
import { isingModel, pottsModel } from "../../src/models/discrete/mod.ts";
import type { DiscreteModel } from "../../src/models/discrete/model.ts";
import {
  chainsLimitReason,
  dmalaSampler,
  gpuLimitReason,
  gwgSampler,
  pasSampler,
  type RunOptions,
  runSampler,
  rwmSampler,
} from "../../src/samplers/mod.ts";
import { sitesEnergy, sitesEngineSources, sitesProblem } from "../../src/samplers/engine_sites.ts";
import type { DiscreteSampler } from "../../src/samplers/sampler.ts";
import { assertSameRun } from "./_exact.ts";
import { assertExactSites } from "./_sites.ts";

/** A weighted ER graph (weights 0.3..2.3, not dyadic: sums round differently by order). */
function weightedGraph(n: number, seed: number) {
  const g = erdosRenyi({ n, p: 0.2, seed });
  const src: number[] = [], dst: number[] = [], weights: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      if (j > i) src.push(i), dst.push(j), weights.push(0.3 + ((i * 7 + j * 3) % 7) / 3);
    }
  }
  return graphFromEdges({ n, src, dst, weights: Float32Array.from(weights) });
}

const mis = (n: number, p: number, seed: number) => misProblem(erdosRenyi({ n, p, seed }));

/** MIS stripped of its integer counts: the generic path. */
function withoutCounts(model: DiscreteModel): DiscreteModel {
  const se = model.siteEnergy!;
  return { ...model, siteEnergy: { energy: se.energy, wgsl: se.wgsl } };
}

Deno.test("sites layout: max-cut (PAS, DMALA, GWG, RWM) replays the CPU twin bit for bit", async () => {
  const gpu = await gpuOrSkip("sites layout on max-cut");
  if (!gpu) return;
  const model = maxCutProblem(weightedGraph(37, 3));
  const samplers: [string, () => DiscreteSampler][] = [
    ["pas (adaptive)", () => pasSampler({ numFlips: 3 })],
    ["dmala (adaptive)", () => dmalaSampler()],
    ["gwg (adaptive, 3 draws)", () => gwgSampler({ numFlips: 3 })],
    // Radius 4 on 37 sites (4 per invocation): both the sequential and the all-at-once move.
    ["rwm (adaptive, radius 4)", () => rwmSampler({ radius: 4 })],
  ];
  for (const [what, make] of samplers) {
    const opts: RunOptions = { chains: 4, steps: 10, seed: 5, layout: "sites", adapt: "always" };
    const cpu = await runSampler(model, make(), opts, null);
    const web = await runSampler(model, make(), opts, gpu);
    assertEquals([cpu.layout, web.layout], ["sites", "sites"]);
    assertSameRun(web, cpu, `maxcut, ${what}`);
    assert(new Set(cpu.energies).size > 3, `${what}: the chains never moved`);
    // Tree-summed site energies: within rounding of the model's energy (CSR order).
    const e = model.energy(cpu.finalStates, 0);
    assert(Math.abs(e - cpu.energies[9 * 4]) < 1e-3, `${what}: ${e} vs ${cpu.energies[9 * 4]}`);
  }
  // Without adaptation a block runs many steps per dispatch (the caches carry over), annealed.
  const opts: RunOptions = {
    chains: 3,
    steps: 30,
    seed: 9,
    layout: "sites",
    adapt: "off",
    betaSchedule: (t) => 0.5 + t / 10,
  };
  const sampler = () => gwgSampler({ adaptive: false, numFlips: 2 });
  const cpu = await runSampler(model, sampler(), opts, null);
  assertSameRun(await runSampler(model, sampler(), opts, gpu), cpu, "maxcut, gwg, multi-step");
});

Deno.test("sites layout: GWG on MIS (integer counts and generic) and Ising replays the CPU twin", async () => {
  const gpu = await gpuOrSkip("sites layout, GWG");
  if (!gpu) return;
  // 6 draws on 37 sites: repeated sites (each flips once) within a step are common.
  const cases: [string, DiscreteModel, DiscreteSampler][] = [
    ["mis counts", mis(37, 0.2, 3), gwgSampler({ numFlips: 6 })],
    ["mis generic", withoutCounts(mis(37, 0.2, 3)), gwgSampler({ numFlips: 6 })],
    ["ising torus", isingModel({ size: 7, lambda: 0.4, periodic: true, seed: 3 }), gwgSampler()],
    ["mis counts, rwm", mis(37, 0.2, 3), rwmSampler({ radius: 4 })],
  ];
  for (const [what, model, sampler] of cases) {
    const opts: RunOptions = { chains: 4, steps: 12, seed: 7, layout: "sites", adapt: "always" };
    const cpu = await runSampler(model, sampler, opts, null);
    assertSameRun(await runSampler(model, sampler, opts, gpu), cpu, `gwg, ${what}`);
    const acc = cpu.acceptance.reduce((a, b) => a + b, 0) / 4;
    assert(acc > 0.02 && acc < 0.98, `${what}: acceptance ${acc} (moves and rejections)`);
  }
});

// 8 sites on a ring with two chords (weights for max-cut); a weak MIS penalty keeps conflicts.
const ring = (weights?: Float32Array) =>
  graphFromEdges({
    n: 8,
    src: [0, 1, 2, 3, 4, 5, 6, 7, 0, 2],
    dst: [1, 2, 3, 4, 5, 6, 7, 0, 4, 6],
    ...(weights ? { weights } : {}),
  });
const cutWeights = Float32Array.of(0.5, 1, 0.25, 0.75, 1, 0.5, 0.25, 1, 0.5, 0.75);

Deno.test("sites layout: GWG (1 and 3 draws), RWM and PAS on max-cut sample the exact distribution (CPU twin)", async () => {
  const smallMis = misProblem(ring(), { penalty: 0.6 });
  await assertExactSites(smallMis, gwgSampler({ adaptive: false }), null, 11);
  await assertExactSites(smallMis, gwgSampler({ adaptive: false, numFlips: 3 }), null, 12);
  const ising = isingModel({ size: 3, lambda: 0.4, seed: 2 });
  await assertExactSites(ising, gwgSampler({ adaptive: false, numFlips: 2 }), null, 13);
  const cut = maxCutProblem(ring(cutWeights));
  await assertExactSites(cut, pasSampler({ numFlips: 2, adaptive: false }), null, 14);
  await assertExactSites(cut, gwgSampler({ adaptive: false, numFlips: 2 }), null, 15);
  // Radius 3 on 8 sites: about one step in ten moves more than 4 sites at once.
  await assertExactSites(cut, rwmSampler({ adaptive: false, radius: 3 }), null, 17);
  await assertExactSites(smallMis, rwmSampler({ adaptive: false, radius: 3 }), null, 18);
});

Deno.test("sites layout: GWG samples the exact distribution of an 8-site max-cut (WebGPU)", async () => {
  const gpu = await gpuOrSkip("sites layout exactness of GWG on WebGPU");
  if (!gpu) return;
  const cut = maxCutProblem(ring(cutWeights));
  await assertExactSites(cut, gwgSampler({ adaptive: false, numFlips: 2 }), gpu, 16);
});

Deno.test("sites layout: max-cut BA-[1024-1100] and GWG on Ising 100x100 run where the per-chain layout is refused (RWM when asked)", async () => {
  const gpu = await gpuOrSkip("paper-scale layout choice");
  if (!gpu) return;
  const cut = withLoopCost(
    maxCutProblem(barabasiAlbert({ nMin: 1024, nMax: 1100, m: 4, seed: 0 })),
  );
  const cases: [DiscreteModel, DiscreteSampler][] = [
    [cut, pasSampler()],
    [cut, dmalaSampler()],
    [cut, gwgSampler({ adaptive: false })],
    [isingModel({ size: 100, lambda: 0.4, seed: 1 }), gwgSampler()],
  ];
  for (const [model, sampler] of cases) {
    const what = `${model.name} (${model.numSites}) x ${sampler.name}`;
    if (hasLoopLimit(gpu)) {
      assertMatch(chainsLimitReason(model, sampler, gpu) ?? "", /loop iterations/, what);
    }
    assertEquals(gpuLimitReason(model, sampler, gpu), null, what);
    const opts: RunOptions = { chains: 2, steps: 3, seed: 3, adapt: "always" };
    const web = await runSampler(model, sampler, opts, gpu);
    assertEquals(web.layout, hasLoopLimit(gpu) ? "sites" : "chains", what);
    const cpu = await runSampler(model, sampler, { ...opts, layout: web.layout }, null);
    assertSameRun(web, cpu, what);
  }
  // RWM's sites step is slower than the per-chain CPU twin: `auto` keeps refusing (the callers
  // fall back to the CPU twin as before); asked for explicitly, the layout runs and replays.
  const rwm = rwmSampler();
  if (hasLoopLimit(gpu)) assertMatch(gpuLimitReason(cut, rwm, gpu) ?? "", /only when asked for/);
  const opts: RunOptions = { chains: 2, steps: 3, seed: 4, adapt: "always", layout: "sites" };
  const web = await runSampler(cut, rwm, opts, gpu);
  assertEquals(web.layout, "sites");
  assertSameRun(web, await runSampler(cut, rwm, opts, null), "maxcut x rwm, explicit sites");
});

Deno.test("sites layout: GWG and max-cut programs are the same text for n and 4n sites; categorical refused", () => {
  for (
    const [a, b] of [
      [mis(50, 0.2, 1), mis(200, 0.05, 2)],
      [isingModel({ size: 10 }), isingModel({ size: 20 })],
    ] as const
  ) {
    const x = sitesEngineSources(a, gwgSampler()), y = sitesEngineSources(b, gwgSampler());
    assertEquals(x.map((p) => p.code), y.map((p) => p.code));
  }
  const c1 = maxCutProblem(weightedGraph(40, 1)), c2 = maxCutProblem(weightedGraph(160, 2));
  const makers = [() => pasSampler(), () => dmalaSampler(), () => gwgSampler(), () => rwmSampler()];
  for (const make of makers) {
    assertEquals(
      sitesEngineSources(c1, make()).map((p) => p.code),
      sitesEngineSources(c2, make()).map((p) => p.code),
    );
  }
  // The site energies sum to the model's energy (up to the tree's rounding).
  const x = Uint32Array.from({ length: 40 }, (_, i) => (i * 5) % 3 === 0 ? 1 : 0);
  assert(Math.abs(sitesEnergy(c1, x, 0) - c1.energy(x, 0)) < 1e-4);
  const potts = pottsModel({ size: 3, numCategories: 3, seed: 1 });
  const categorical = { ...potts, siteEnergy: { energy: () => 0, wgsl: "" } };
  assertMatch(sitesProblem(categorical, gwgSampler()) ?? "", /needs binary sites/);
});
