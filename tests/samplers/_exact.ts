/**
 * Shared checks for the discrete sampler tests: exactness of the final states of many
 * independent chains against the enumerated target, and CPU/GPU run comparison.
 * @module
 */
import { assert, assertEquals } from "../_assert.ts";
import { chiSquare, chiSquareQuantile } from "../_stats.ts";
import {
  type DiscreteModel,
  enumerateLogProbs,
  stateIndex,
} from "../../src/models/discrete/model.ts";
import { type AdaptMode, type RunResult, runSampler } from "../../src/samplers/engine.ts";
import type { DiscreteSampler } from "../../src/samplers/sampler.ts";
import type { GpuContext } from "../../src/gpu/mod.ts";

/** Options of one exactness check. */
export interface ExactOptions {
  chains: number;
  steps: number;
  seed: number;
  beta?: number;
  adapt?: AdaptMode;
}

/**
 * Runs `chains` independent chains from the engine's uniform init, and chi-square tests the
 * final states (i.i.d. across chains) against exp(-beta E) / Z at z = 3.7 (p ~ 1e-4). For
 * exchanging samplers (parallel tempering) the target chains are the first of each group.
 * Returns the run for further checks.
 */
export async function assertExact(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: ExactOptions,
  gpu: GpuContext | null,
): Promise<RunResult> {
  const r = await runSampler(model, sampler, o, gpu);
  const logp = enumerateLogProbs(model, o.beta ?? 1);
  const counts = new Float64Array(logp.length);
  const d = model.numSites, c = model.numCategories;
  const stride = sampler.exchange?.size ?? 1;
  for (let ch = 0; ch < o.chains; ch += stride) {
    counts[stateIndex(r.finalStates, ch * d, d, c)]++;
  }
  const { stat, dof } = chiSquare(counts, logp.map(Math.exp));
  assert(
    stat < chiSquareQuantile(dof, 3.7),
    `${sampler.name} on ${model.name} (${r.backend}): chi2 ${stat.toFixed(1)} on ${dof} dof`,
  );
  return r;
}

/** Number of entries where two traces differ. */
export function countDiffs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Mean of the per-chain acceptance. */
export function meanAcceptance(r: RunResult): number {
  return r.acceptance.reduce((s, v) => s + v, 0) / r.chains;
}

/** Asserts two runs agree bit for bit: parameter, energy and Hamming traces, states, acceptance. */
export function assertSameRun(a: RunResult, b: RunResult, what: string): void {
  assertEquals(Array.from(a.params), Array.from(b.params), `${what}: adaptive parameter`);
  assertEquals(Array.from(a.energies), Array.from(b.energies), `${what}: energies`);
  assertEquals(Array.from(a.hamming), Array.from(b.hamming), `${what}: Hamming statistic`);
  assertEquals(Array.from(a.finalStates), Array.from(b.finalStates), `${what}: final states`);
  assertEquals(Array.from(a.acceptance), Array.from(b.acceptance), `${what}: acceptance`);
}
