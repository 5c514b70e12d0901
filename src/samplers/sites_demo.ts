/**
 * The demo's Engine II section: PAS on a paper-scale MIS graph (ER-[700-800], as DISCS Table 1)
 * that the per-chain layout cannot run on llvmpipe, run on WebGPU in the chains x sites layout
 * and replayed bit for bit on the CPU twin.
 * @module
 */
import type { GpuContext } from "../gpu/mod.ts";
import { erdosRenyi } from "../models/co/generators.ts";
import { misProblem } from "../models/co/mis.ts";
import { chainsLimitReason, runSampler } from "./engine.ts";
import { pasSampler } from "./pas.ts";

/** Prints the section's lines (WebGPU run, its reason for the layout, the CPU replay). */
export async function sitesDemoSection(
  print: (line: string) => void,
  gpu: GpuContext | null,
): Promise<void> {
  const graph = erdosRenyi({ n: 760, p: 0.05, seed: 11 });
  const model = misProblem(graph), sampler = pasSampler();
  const opts = { chains: 8, steps: 200, seed: 6, adapt: "always" as const };
  if (!gpu) {
    print("no WebGPU adapter: the chains x sites layout needs one (the CPU twin replays it)");
    return;
  }
  const refused = chainsLimitReason(model, sampler, gpu);
  const t0 = performance.now();
  const web = await runSampler(model, sampler, opts, gpu);
  const webSeconds = (performance.now() - t0) / 1000;
  const meanAt = (step: number) =>
    web.energies.subarray(step * opts.chains, (step + 1) * opts.chains)
      .reduce((a, b) => a + b, 0) / opts.chains;
  const t1 = performance.now();
  const cpu = await runSampler(model, sampler, { ...opts, layout: web.layout }, null);
  const cpuSeconds = (performance.now() - t1) / 1000;
  const same = web.finalStates.every((v, i) => v === cpu.finalStates[i]) &&
    web.energies.every((v, i) => Object.is(v, cpu.energies[i]));
  print(
    `MIS, Erdos-Renyi n = ${graph.n}, p = 0.05; PAS, ${opts.chains} chains x ${opts.steps} steps`,
  );
  print(
    `per-chain layout on this adapter: ${refused ? "refused (" + refused + ")" : "accepted"}`,
  );
  print(
    `WebGPU, ${web.layout} layout: ${webSeconds.toFixed(2)} s (compilation included); ` +
      `mean energy ${meanAt(0).toFixed(1)} after step 1, ${meanAt(opts.steps - 1).toFixed(1)} ` +
      `after step ${opts.steps}`,
  );
  print(
    `CPU twin given the recorded layout: ${cpuSeconds.toFixed(2)} s; ` +
      `states and energies ${same ? "identical bit for bit" : "DIFFERENT"}`,
  );
}
