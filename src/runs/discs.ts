/**
 * The `discs` run kind: one DISCS cell stored as a run: manifest with the cell, protocol settings and resolved
 * configurations; the Hamming statistic trace, the adaptive parameter, per-chain acceptance
 * and per-chain ESS as `.npy`; the DISCS figures as the run summary.
 * @module
 */
import type { RunStore } from "../io/run_store.ts";
import type { AdapterSummary } from "../gpu/mod.ts";
import { essTfpChains } from "../diagnostics/ess.ts";
import { dropBurnIn } from "../diagnostics/chains.ts";
import { statisticByChain } from "../discs/protocol.ts";
import {
  type DiscsCellResult,
  type DiscsRunOptions,
  prepareDiscsCell,
  runPreparedCell,
} from "../discs/run.ts";
import type { DiscsCell } from "../discs/suites.ts";
import { type ArraySpec, recordRun, writeSpecArray } from "./writer.ts";

/** The `discs` kind's name, as recorded in `run.json`. */
export const DISCS_KIND = "discs";

/** Arrays of a `discs` run. */
export const DISCS_ARRAYS = {
  /** DISCS's Hamming-to-reference statistic of every chain after every step. */
  hamming: { name: "hamming", dtype: "f32", shape: ["steps", "chains"] },
  /** The shared adaptive parameter after every step. */
  param: { name: "param", dtype: "f32", shape: ["steps"] },
  /** Acceptance rate of each chain. */
  acceptance: { name: "acceptance", dtype: "f64", shape: ["chains"] },
  /** ESS of the statistic of each chain after burn-in. */
  ess: { name: "ess", dtype: "f64", shape: ["chains"] },
} as const satisfies Record<string, ArraySpec>;

/**
 * Runs one DISCS cell into a new `discs` run: created `running` before sampling, `done` with the
 * figures when it finishes, `failed` with the reason when it throws.
 *
 * @example
 * ```ts
 * import { discsCellToRun } from "./discs.ts";
 * import { RunStore } from "../io/run_store.ts";
 * import { PRESETS, suiteCells } from "../discs/suites.ts";
 * const cell = { ...suiteCells("size", PRESETS.quick)[0], steps: 20 };
 * const { runId, value } = await discsCellToRun(new RunStore(await Deno.makeTempDir()), [], cell, {
 *   chains: 4, seed: 0, burnInFraction: 0.5, gpu: null,
 * });
 * console.log(runId, value.metrics.essMean);
 * ```
 */
export async function discsCellToRun(
  store: RunStore,
  argv: readonly string[],
  cell: DiscsCell,
  opts: DiscsRunOptions,
  adapter?: AdapterSummary,
): Promise<{ runId: string; value: DiscsCellResult }> {
  const prepared = prepareDiscsCell(cell, opts);
  return await recordRun(store, "discs", {
    command: ["discs", ...argv],
    config: {
      protocol: "discs",
      suite: cell.suite,
      model: cell.modelConfig,
      sampler: cell.samplerConfig,
      x: cell.x,
      chains: opts.chains,
      steps: cell.steps,
      seed: opts.seed,
      burnInFraction: opts.burnInFraction,
      adapt: "always",
      resolvedModel: prepared.model.config,
      resolvedSampler: prepared.sampler.config,
    },
    seed: opts.seed,
    backend: prepared.gpu ? "webgpu" : "cpu",
    adapter: prepared.gpu ? adapter : undefined,
  }, async (run) => {
    const r = await runPreparedCell(cell, prepared, opts);
    const { result, metrics } = r;
    const { chains, steps } = result;
    const a = DISCS_ARRAYS;
    await writeSpecArray(run, a.hamming, [steps, chains], result.hamming);
    await writeSpecArray(run, a.param, [steps], result.params);
    await writeSpecArray(run, a.acceptance, [chains], result.acceptance);
    const kept = dropBurnIn(statisticByChain(result.hamming, steps, chains), opts.burnInFraction);
    await writeSpecArray(run, a.ess, [chains], essTfpChains(kept));
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
    return r;
  });
}
