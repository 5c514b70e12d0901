import { assert, assertEquals } from "../../_assert.ts";
import { gpuOrSkip } from "../../_gpu.ts";
import type { GpuContext } from "../../../src/gpu/mod.ts";
import { runSampler } from "../../../src/samplers/engine.ts";
import { rwmSampler } from "../../../src/samplers/rwm.ts";
import {
  barabasiAlbert,
  bestOfChains,
  type CoProblem,
  erdosRenyi,
  exactReference,
  finalReport,
  maxCliqueProblem,
  maxCutProblem,
  misProblem,
  partitionProblem,
} from "../../../src/models/co/mod.ts";

/** RWM at fixed high beta: the best final state over chains, repaired, is the optimum. */
async function reachesOptimum(p: CoProblem, gpu: GpuContext | null, beta: number) {
  const reference = exactReference(p);
  assert(reference !== null);
  const chains = 32, steps = 1500;
  const r = await runSampler(p, rwmSampler(), { chains, steps, seed: 17, beta }, gpu);
  const rep = finalReport(p, r.finalStates, chains);
  assertEquals(rep.bestRepaired, reference, `${p.name} on ${r.backend}`);
  assert(p.isFeasible(rep.solution));
  // The sampler itself found an optimum (not just the repair): DISCS's penalised value equals
  // the optimum (partition, n = 9 = 3 x 3: balanced, so -E = -2 cut).
  const target = p.sense === "max" ? reference : -2 * reference;
  assert(
    Math.abs(rep.bestPenalised - target) < 1e-9,
    `${p.name}: ${rep.bestPenalised} vs ${target}`,
  );
  // The engine's cached energies are the model's: the traced running best matches the states.
  const best = bestOfChains(r.energies, chains);
  assert(best[steps - 1] >= rep.bestPenalised - 1e-4, `${best[steps - 1]} < ${rep.bestPenalised}`);
  return rep;
}

const cases = (): [CoProblem, number][] => [
  [misProblem(erdosRenyi({ n: 24, p: 0.25, seed: 3 })), 8],
  [maxCliqueProblem(erdosRenyi({ n: 20, p: 0.6, seed: 5 })), 8],
  [maxCutProblem(barabasiAlbert({ n: 18, m: 4, seed: 2 })), 5],
  [partitionProblem(erdosRenyi({ n: 9, p: 0.4, seed: 1 }), { numParts: 3, penalty: 1 }), 5],
];

Deno.test("RWM at high beta reaches the exact optimum after repair (CPU twin)", async () => {
  for (const [p, beta] of cases()) await reachesOptimum(p, null, beta);
});

Deno.test("RWM at high beta reaches the exact optimum after repair (WebGPU)", async () => {
  const gpu = await gpuOrSkip("CO annealing on WebGPU");
  if (!gpu) return;
  for (const [p, beta] of cases()) await reachesOptimum(p, gpu, beta);
});
