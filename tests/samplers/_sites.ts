/** Shared checks of the chains x sites layout's tests. */
import { assert, assertEquals } from "../_assert.ts";
import { chiSquare, chiSquareQuantile, totalVariation } from "../_stats.ts";
import {
  type DiscreteModel,
  enumerateLogProbs,
  stateIndex,
} from "../../src/models/discrete/model.ts";
import { runSampler } from "../../src/samplers/mod.ts";
import type { DiscreteSampler } from "../../src/samplers/sampler.ts";

/**
 * Chi-square and total variation of the final states of 2,000 chains (sites layout, 25 steps, no
 * adaptation) against exp(-E) / Z of an enumerable binary model.
 */
export async function assertExactSites(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: Parameters<typeof runSampler>[3],
  seed: number,
): Promise<void> {
  const chains = 2000;
  const r = await runSampler(model, sampler, {
    chains,
    steps: 25,
    seed,
    layout: "sites",
    adapt: "off",
  }, gpu);
  assertEquals(r.layout, "sites");
  const logp = enumerateLogProbs(model, 1);
  const counts = new Float64Array(logp.length);
  const d = model.numSites;
  for (let ch = 0; ch < chains; ch++) counts[stateIndex(r.finalStates, ch * d, d, 2)]++;
  const p = logp.map(Math.exp);
  const { stat, dof } = chiSquare(counts, p);
  const what = `${sampler.name} on ${model.name} (${r.backend})`;
  assert(stat < chiSquareQuantile(dof, 3.7), `${what}: chi2 ${stat.toFixed(1)} on ${dof} dof`);
  // Total variation against its Monte Carlo level: E|p_hat - p| <= sqrt(p (1 - p) / chains).
  const tv = totalVariation(counts.map((c) => c / chains), p);
  const noise = p.reduce((s, q) => s + Math.sqrt(q * (1 - q) / chains), 0) / 2;
  assert(tv < 1.2 * noise, `${what}: total variation ${tv.toFixed(3)}, noise ${noise.toFixed(3)}`);
}
