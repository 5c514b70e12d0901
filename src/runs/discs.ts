/**
 * The `discs` run kind: one DISCS cell stored as a run: manifest with the cell, protocol settings and resolved
 * configurations; the Hamming statistic trace, the adaptive parameter, per-chain acceptance
 * and per-chain ESS as `.npy`; the DISCS figures as the run summary.
 * @module
 */
import type { RunStore, RunWriter } from "../io/run_store.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import { readNpyFile } from "../io/npy_file.ts";
import { ConfigError } from "../io/config.ts";
import type { AdapterSummary } from "../gpu/mod.ts";
import { essTfpChains } from "../diagnostics/ess.ts";
import { dropBurnIn } from "../diagnostics/chains.ts";
import { discsMetrics, statisticByChain } from "../discs/protocol.ts";
import {
  type DiscsCellResult,
  type DiscsRunOptions,
  type PreparedDiscsCell,
  prepareDiscsCell,
} from "../discs/run.ts";
import type { DiscsCell } from "../discs/suites.ts";
import { type BlockTrace, type RunResult, runSampler } from "../samplers/engine.ts";
import {
  type Checkpoint,
  clearCheckpoint,
  engineCheckpointOf,
  readCheckpoint,
  writeEngineCheckpoint,
} from "./checkpoint.ts";
import { type ArraySpec, failureReason, startRun, writeSpecArray } from "./writer.ts";

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

/** The configuration a cell's run records. */
function cellConfig(cell: DiscsCell, opts: DiscsRunOptions, prepared: PreparedDiscsCell) {
  return {
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
  };
}

/**
 * Runs one DISCS cell into a new `discs` run (id `id`, or a fresh one): created `running` before
 * sampling, the Hamming trace and parameter appended block by block with a checkpoint after each
 * (so {@link resumeDiscsCell} continues an interrupted cell), `done` with the figures when it
 * finishes, `failed` with the reason when it throws.
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
  id?: string,
): Promise<{ runId: string; value: DiscsCellResult }> {
  const prepared = prepareDiscsCell(cell, opts);
  const run = await startRun(store, "discs", {
    ...(id ? { id } : {}),
    command: ["discs", ...argv],
    config: cellConfig(cell, opts, prepared),
    seed: opts.seed,
    backend: prepared.gpu ? "webgpu" : "cpu",
    adapter: prepared.gpu ? adapter : undefined,
  });
  return { runId: run.id, value: await streamDiscsCell(run, cell, prepared, opts, null) };
}

/**
 * Continues the interrupted `discs` run `id` of `cell` from its last checkpoint, on the backend
 * that began it (its bits need it): the finished cell equals the uninterrupted one, timings aside.
 */
export async function resumeDiscsCell(
  store: RunStore,
  id: string,
  cell: DiscsCell,
  opts: DiscsRunOptions,
): Promise<{ runId: string; value: DiscsCellResult }> {
  const stored = await store.open(id);
  const onGpu = stored.manifest.backend === "webgpu";
  if (onGpu && !opts.gpu) {
    throw new ConfigError(
      `discs --resume: run '${id}' ran on webgpu and no WebGPU adapter is available: its bits ` +
        `need the same backend`,
    );
  }
  const prepared = prepareDiscsCell(cell, { ...opts, gpu: onGpu ? opts.gpu : null });
  const from = await readCheckpoint(store.runDir(id), id);
  const run = await store.resume(id);
  return { runId: id, value: await streamDiscsCell(run, cell, prepared, opts, from) };
}

async function streamDiscsCell(
  run: RunWriter,
  cell: DiscsCell,
  prepared: PreparedDiscsCell,
  opts: DiscsRunOptions,
  from: Checkpoint | null,
): Promise<DiscsCellResult> {
  const { model, sampler, gpu } = prepared;
  const { chains } = opts;
  const a = DISCS_ARRAYS;
  const keepRows = from?.meta.step ?? 0;
  const before = Number(from?.meta.state.seconds ?? 0);
  const appenders: NpyAppender[] = [];
  try {
    const hamming = await run.appender(a.hamming.name, a.hamming.dtype, [chains], { keepRows });
    appenders.push(hamming);
    const param = await run.appender(a.param.name, a.param.dtype, [], { keepRows });
    appenders.push(param);
    const result = await runSampler(model, sampler, {
      chains,
      steps: cell.steps,
      seed: opts.seed,
      burnInFraction: opts.burnInFraction,
      adapt: "always",
      onProgress: opts.onProgress,
      keepTraces: false,
      checkpoints: true,
      resumeFrom: engineCheckpointOf(from),
      onBlock: async (b: BlockTrace) => {
        await hamming.append(b.hamming, b.length);
        await param.append(b.params, b.length);
        for (const app of appenders) await app.flush();
        // After the rows: a crash between the two leaves rows that resume drops (keepRows).
        await writeEngineCheckpoint(run.dir, b.checkpoint!, { seconds: before + b.seconds });
      },
    }, gpu);
    for (const app of appenders.splice(0)) await app.close();
    // The whole traces, from the run itself (a resumed cell holds only the rest in memory).
    const whole = async (name: string) =>
      (await readNpyFile(`${run.dir}/${run.manifest.arrays[name].file}`)).data as Float32Array;
    const full: RunResult = {
      ...result,
      hamming: await whole(a.hamming.name),
      params: await whole(a.param.name),
      seconds: before + result.seconds,
    };
    const metrics = discsMetrics(full, opts.burnInFraction);
    const { steps } = full;
    // `replace`: a resumed run may hold these from an attempt that died before `done`.
    const replace = { replace: true };
    await writeSpecArray(run, a.acceptance, [chains], full.acceptance, replace);
    const kept = dropBurnIn(statisticByChain(full.hamming, steps, chains), opts.burnInFraction);
    await writeSpecArray(run, a.ess, [chains], essTfpChains(kept), replace);
    await run.recordPhase("sampling", result.seconds);
    const summary: Record<string, number | string> = {
      suite: cell.suite,
      model: cell.model,
      sampler: cell.sampler,
      numSites: full.numSites,
    };
    if (cell.x !== null) summary.x = cell.x;
    for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) summary[k] = v;
    await run.setSummary(summary);
    // Cleared first: a crash between the two leaves a run that resume redoes from step 0.
    await clearCheckpoint(run.dir);
    await run.finish("done");
    return { cell, model, sampler, result: full, metrics };
  } catch (e) {
    for (const app of appenders) await app.close().catch(() => {});
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  }
}
