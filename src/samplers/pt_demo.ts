/**
 * Demo section for parallel tempering (wired into `cli.ts demo` by the CLI): a strongly coupled
 * 4x4 Ising torus without field, every chain started all up. Block Gibbs alone never leaves the
 * positive magnetisation; PT around it reaches the negative sign in about half of its systems,
 * the exact answer by symmetry. About a second on the CPU twin.
 * @module
 */
import type { GpuContext } from "../gpu/mod.ts";
import { isingModel } from "../models/discrete/ising.ts";
import { runSampler } from "./engine.ts";
import { blockGibbsSampler } from "./block_gibbs.ts";
import { ptSampler, type PtSummary } from "./pt.ts";
import type { DiscreteSampler } from "./sampler.ts";

/** Prints the demo's lines (PT against block Gibbs alone on the bimodal Ising). */
export async function ptDemoSection(
  print: (line: string) => void,
  gpu: GpuContext | null = null,
): Promise<void> {
  const model = isingModel({ size: 4, lambda: 1, mu: 0, sigma: 0, periodic: true });
  const d = model.numSites, systems = 64, steps = 400;
  const negative = async (sampler: DiscreteSampler, stride: number) => {
    const chains = systems * stride;
    const r = await runSampler(model, sampler, {
      chains,
      steps,
      seed: 3,
      initialState: new Uint32Array(chains * d).fill(1),
    }, gpu);
    let n = 0;
    for (let c = 0; c < chains; c += stride) {
      let m = 0;
      for (let i = 0; i < d; i++) m += r.finalStates[c * d + i] ? 1 : -1;
      if (m < 0) n++;
    }
    return { n, r };
  };
  print(`Parallel tempering: Ising 4x4 torus, lambda 1, no field, ${systems} chains from all up`);
  const alone = await negative(blockGibbsSampler(), 1);
  print(`  block Gibbs alone: ${alone.n}/${systems} chains at m < 0 after ${steps} steps`);
  const pt = await negative(ptSampler(blockGibbsSampler(), { replicas: 4, betaMin: 0.2 }), 4);
  const ex = pt.r.exchange as PtSummary;
  print(
    `  PT (4 rungs, block Gibbs): ${pt.n}/${systems} targets at m < 0 (exact: half); ` +
      `ladder ${ex.ladder.map((b) => b.toFixed(2)).join(" ")}, swap rates ${
        ex.swapRates.map((a) => a.toFixed(2)).join(" ")
      }`,
  );
}
