import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";
import { parseConfig } from "../../src/io/config.ts";
import { SamplerConfig } from "../../src/samplers/registry.ts";
import { buildSampler } from "../../src/samplers/registry.ts";
import {
  barabasiAlbert,
  type CoProblem,
  erdosRenyi,
  exactReference,
  exponentialDecay,
  maxCutProblem,
  misProblem,
} from "../../src/models/co/mod.ts";
import {
  coAdaptMode,
  coSamplerConfig,
  solveAnnealed,
  type SolveResult,
} from "../../src/co/solve.ts";

const sampler = (name: string) =>
  buildSampler(parseConfig(SamplerConfig, coSamplerConfig(name), "test"));

const SCHEDULE = { kind: "exp_decay" as const, t0: 1, decay: 0.02, tMin: 1e-5 };

/** The traces are consistent: best = running max of the objective trace, time ordered. */
function checkTraces(r: SolveResult) {
  const { steps, chains } = r;
  assertEquals(r.objectiveTrace.length, steps * chains);
  assertEquals(r.bestTrace.length, steps);
  assertEquals(r.timeTrace.length, steps);
  let best = -Infinity;
  for (let s = 0; s < steps; s++) {
    for (let c = 0; c < chains; c++) best = Math.max(best, r.objectiveTrace[s * chains + c]);
    assertEquals(r.bestTrace[s], best, `best at step ${s}`);
    if (s > 0) {
      assert(r.bestTrace[s] >= r.bestTrace[s - 1], `best decreased at step ${s}`);
      assert(r.timeTrace[s] >= r.timeTrace[s - 1], `time decreased at step ${s}`);
    }
  }
  assertEquals(r.bestObjective, r.bestTrace[steps - 1]);
  assert(r.timeTrace[0] >= 0);
  assert(Math.abs(r.timeTrace[steps - 1] - r.seconds) < 0.05 + 0.01 * r.seconds);
}

/** Small instances with exact optima (MIS by branch and bound, max-cut by enumeration). */
const instances = (): CoProblem[] => [
  misProblem(erdosRenyi({ n: 30, p: 0.2, seed: 4 })),
  maxCutProblem(barabasiAlbert({ n: 18, m: 4, seed: 3 })),
];

async function reachesOptimum(gpu: GpuContext | null) {
  for (const problem of instances()) {
    const optimum = exactReference(problem)!;
    for (const name of ["rwm", "pas", "dmala"]) {
      const r = await solveAnnealed(problem, sampler(name), {
        chains: 16,
        steps: 600,
        seed: 5,
        schedule: SCHEDULE,
      }, gpu);
      const what = `${problem.name} x ${name} on ${r.backend}`;
      assertEquals(r.backend, gpu ? "webgpu" : "cpu");
      assertEquals([r.reference, r.referenceExact], [optimum, true], what);
      assertEquals(r.repairedObjective, optimum, what);
      assertEquals(r.ratio, 1, what);
      assert(problem.isFeasible(r.bestSolution), what);
      assertEquals(problem.objective(r.bestSolution), optimum, what);
      // The chains themselves reached the optimum (not only the repair): DISCS's number.
      assert(Math.abs(r.bestObjective - optimum) < 1e-4, `${what}: ${r.bestObjective}`);
      assertEquals(r.adapt, coAdaptMode(name));
      checkTraces(r);
    }
  }
}

Deno.test("annealed RWM, PAS and DMALA reach the exact MIS and max-cut optima (CPU twin)", () =>
  reachesOptimum(null));

Deno.test("annealed RWM, PAS and DMALA reach the exact MIS and max-cut optima (WebGPU)", async () => {
  const gpu = await gpuOrSkip("annealed CO solve on WebGPU");
  if (gpu) await reachesOptimum(gpu);
});

Deno.test("solveAnnealed: schedules as config, Schedule or function give the same run", async () => {
  const problem = misProblem(erdosRenyi({ n: 20, p: 0.3, seed: 1 }));
  const steps = 200;
  const opts = { chains: 4, steps, seed: 2, reference: null };
  const s = exponentialDecay({ t0: 2, decay: 0.05, tMin: 0.01, steps });
  const a = await solveAnnealed(problem, sampler("pas"), {
    ...opts,
    schedule: { kind: "exp_decay", t0: 2, decay: 0.05, tMin: 0.01 },
  }, null);
  const b = await solveAnnealed(problem, sampler("pas"), { ...opts, schedule: s }, null);
  const c = await solveAnnealed(problem, sampler("pas"), {
    ...opts,
    schedule: (t) => s.beta(t),
  }, null);
  assertEquals(b.objectiveTrace, a.objectiveTrace);
  assertEquals(c.objectiveTrace, a.objectiveTrace);
  assertEquals(a.betaRange, [Math.fround(0.5), Math.fround(1 / s.temperature(steps - 1))]);
  assertEquals([a.reference, a.ratio, a.penalisedRatio], [null, null, null]);
  checkTraces(a);
});

Deno.test("solveAnnealed: user reference, logEvery and CO adaptation modes", async () => {
  const problem = maxCutProblem(barabasiAlbert({ n: 16, m: 3, seed: 2 }));
  const r = await solveAnnealed(problem, sampler("rwm"), {
    chains: 4,
    steps: 100,
    seed: 1,
    schedule: { kind: "linear", t0: 1, t1: 0.2 },
    reference: 40,
    logEvery: 10,
  }, null);
  assertEquals([r.reference, r.referenceExact], [40, false]);
  assertEquals(r.ratio, r.repairedObjective / 40);
  assertEquals(r.penalisedRatio, r.bestObjective / 40);
  // Only steps 9, 19, ... count: the best before step 9 is -Infinity, then it is constant
  // between logged steps and equals the running max over logged steps.
  for (let s = 0; s < 9; s++) assertEquals(r.bestTrace[s], -Infinity);
  let best = -Infinity;
  for (let s = 0; s < 100; s++) {
    if ((s + 1) % 10 === 0) {
      for (let c = 0; c < 4; c++) best = Math.max(best, r.objectiveTrace[s * 4 + c]);
    }
    assertEquals(r.bestTrace[s], best);
  }
  assertEquals(
    ["rwm", "pas", "gwg", "dmala", "dlmc", "dlmcf"].map(coAdaptMode),
    ["always", "always", "off", "off", "off", "off"],
  );
  assertEquals(coSamplerConfig("gwg"), { name: "gwg", adaptive: false, numFlips: 1 });
  await assertRejects(
    () =>
      solveAnnealed(problem, sampler("rwm"), {
        chains: 2,
        steps: 10,
        seed: 1,
        schedule: SCHEDULE,
        logEvery: 0,
      }, null),
    /logEvery must be a positive integer/,
  );
});
