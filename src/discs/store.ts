/**
 * Stores one DISCS cell as a run: manifest with the cell, protocol settings and resolved
 * configurations; the Hamming statistic trace, the adaptive parameter, per-chain acceptance
 * and per-chain ESS as `.npy`; the DISCS figures as the run summary.
 * @module
 */
import type { RunStore } from "../io/run_store.ts";
import type { AdapterSummary } from "../gpu/mod.ts";
import { essTfpChains } from "../diagnostics/ess.ts";
import { dropBurnIn } from "../diagnostics/chains.ts";
import { statisticByChain } from "./protocol.ts";
import type { DiscsCellResult } from "./run.ts";

/**
 * Writes a finished cell as a new run and returns its id.
 *
 * @example
 * ```ts
 * const id = await storeDiscsCell(new RunStore("runs"), ["--quick"], r, { seed: 0, burnInFraction: 0.5 });
 * ```
 */
export async function storeDiscsCell(
  store: RunStore,
  argv: readonly string[],
  r: DiscsCellResult,
  settings: { seed: number; burnInFraction: number },
  adapter?: AdapterSummary,
): Promise<string> {
  const { result, metrics, cell } = r;
  const run = await store.create({
    command: ["discs", ...argv],
    config: {
      protocol: "discs",
      suite: cell.suite,
      model: cell.modelConfig,
      sampler: cell.samplerConfig,
      x: cell.x,
      chains: result.chains,
      steps: result.steps,
      seed: settings.seed,
      burnInFraction: settings.burnInFraction,
      adapt: "always",
      resolvedModel: r.model.config,
      resolvedSampler: r.sampler.config,
    },
    seed: settings.seed,
    backend: result.backend,
    adapter: result.backend === "webgpu" ? adapter : undefined,
  });
  try {
    const { chains, steps } = result;
    await run.writeArray("hamming", { dtype: "f32", shape: [steps, chains], data: result.hamming });
    await run.writeArray("param", { dtype: "f32", shape: [steps], data: result.params });
    await run.writeArray("acceptance", { dtype: "f64", shape: [chains], data: result.acceptance });
    const kept = dropBurnIn(
      statisticByChain(result.hamming, steps, chains),
      settings.burnInFraction,
    );
    await run.writeArray("ess", { dtype: "f64", shape: [chains], data: essTfpChains(kept) });
    await run.recordPhase("sampling", result.seconds);
    const summary: Record<string, number | string> = {
      suite: cell.suite,
      model: cell.model,
      sampler: cell.sampler,
      numSites: result.numSites,
    };
    if (cell.x !== null) summary.x = cell.x;
    for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) summary[k] = v;
    await run.setSummary(summary);
    await run.finish("done");
  } catch (e) {
    await run.finish("failed", (e as Error).message).catch(() => {});
    throw e;
  }
  return run.id;
}
