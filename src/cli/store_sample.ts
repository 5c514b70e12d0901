/**
 * Runs a sampler into the run store as it goes: the run is created `running` before the first
 * step, every finished block's traces are appended to `energy`, `hamming` and `param` and flushed
 * (so a killed run keeps every finished block, readable from the `.npy.partial` files), then the
 * block's checkpoint (chain states, adaptive parameter, acceptance totals) is stored, and the
 * run ends `done` with the per-chain arrays and summary, or `failed` with the reason. Resident
 * memory is one block of traces, whatever the number of steps. `runs resume` continues a killed
 * or failed run from its checkpoint with the bits of the uninterrupted run.
 * @module
 */
import type { RunStore, RunWriter } from "../io/run_store.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import type { ResolvedBackend } from "../gpu/mod.ts";
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { DiscreteSampler } from "../samplers/sampler.ts";
import {
  type BlockTrace,
  type RunOptions,
  type RunResult,
  runSampler,
} from "../samplers/engine.ts";
import { failureReason, startRun } from "../runs/writer.ts";
import { SAMPLE_ARRAYS } from "../runs/sample.ts";
import {
  type Checkpoint,
  clearCheckpoint,
  engineCheckpointOf,
  writeEngineCheckpoint,
} from "../runs/checkpoint.ts";

/** A stored sampling run: its id and the engine's result (traces not kept in memory). */
export interface StoredSample {
  id: string;
  result: RunResult;
}

/**
 * Samples `model` with `sampler` and streams the run into `store`. `opts.onBlock`, if given, is
 * called after each block is stored (a throw there fails the run after that block).
 */
export async function sampleToStore(
  store: RunStore,
  argv: string[],
  config: Record<string, unknown>,
  model: DiscreteModel,
  sampler: DiscreteSampler,
  backend: ResolvedBackend,
  opts: RunOptions,
  runId?: string,
): Promise<StoredSample> {
  const run = await startRun(store, "sample", {
    ...(runId !== undefined ? { id: runId } : {}),
    command: ["sample", ...argv],
    config: { ...config, resolvedModel: model.config, resolvedSampler: sampler.config },
    seed: opts.seed,
    backend: backend.kind,
    adapter: backend.gpu?.adapter,
  });
  return await streamSample(run, model, sampler, backend, opts, null);
}

/**
 * Streams the run's blocks into `run` (a new run, or one reopened by `RunStore.resume` with its
 * checkpoint): arrays keep exactly the checkpoint's rows, then grow block by block.
 */
export async function streamSample(
  run: RunWriter,
  model: DiscreteModel,
  sampler: DiscreteSampler,
  backend: ResolvedBackend,
  opts: RunOptions,
  from: Checkpoint | null,
): Promise<StoredSample> {
  const { chains } = opts, d = model.numSites;
  const A = SAMPLE_ARRAYS;
  const keepRows = from?.meta.step ?? 0;
  const appenders: NpyAppender[] = [];
  try {
    const energy = await run.appender(A.energy.name, A.energy.dtype, [chains], { keepRows });
    appenders.push(energy);
    const hamming = await run.appender(A.hamming.name, A.hamming.dtype, [chains], { keepRows });
    appenders.push(hamming);
    // Parallel tempering adapts one parameter per rung: rows of `replicas` values.
    const slots = sampler.exchange?.size;
    const param = await run.appender(A.param.name, A.param.dtype, slots ? [slots] : [], {
      keepRows,
    });
    appenders.push(param);
    const result = await runSampler(model, sampler, {
      ...opts,
      keepTraces: false,
      checkpoints: true,
      resumeFrom: engineCheckpointOf(from),
      onBlock: async (b: BlockTrace) => {
        await energy.append(b.energies, b.length);
        await hamming.append(b.hamming, b.length);
        await param.append(b.params, b.length);
        for (const app of appenders) await app.flush();
        // After the rows: a crash between the two leaves rows that resume drops (keepRows).
        await writeEngineCheckpoint(run.dir, b.checkpoint!);
        await opts.onBlock?.(b);
      },
    }, backend.gpu);
    for (const app of appenders.splice(0)) await app.close();
    // `replace`: a resumed run may hold these from an attempt that died before `done`.
    await run.writeArray(A.acceptance.name, {
      dtype: A.acceptance.dtype,
      shape: [chains],
      data: result.acceptance,
    }, { replace: true });
    await run.writeArray(A.finalStates.name, {
      dtype: A.finalStates.dtype,
      shape: [chains, d],
      data: result.finalStates,
    }, { replace: true });
    await run.writeArray(A.reference.name, {
      dtype: A.reference.dtype,
      shape: [d],
      data: result.reference,
    }, { replace: true });
    await run.recordPhase("sampling", result.seconds);
    await run.setSummary({
      model: model.name,
      sampler: sampler.name,
      chains,
      steps: result.steps,
      numSites: d,
      stepsPerSecond: (result.steps - keepRows) / result.seconds,
      layout: result.layout,
      meanAcceptance: result.acceptance.reduce((a, b) => a + b, 0) / chains,
      energyEvals: result.energyEvals,
      ...await writeExchange(run, result.exchange),
    });
    // Cleared first: a crash between the two leaves a run that resume redoes from step 0
    // (same bits), never a done run with a stale checkpoint.
    await clearCheckpoint(run.dir);
    await run.finish("done");
    return { id: run.id, result };
  } catch (e) {
    // Finished blocks stay: close the appenders so their arrays hold every flushed row.
    for (const app of appenders) await app.close().catch(() => {});
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  }
}

/**
 * An exchanging sampler's summary (parallel tempering): lists become f64 arrays named in snake
 * case (`ladder`, `swap_rates`, `swap_attempts`), numbers go to the run summary.
 */
async function writeExchange(
  run: RunWriter,
  ex: Record<string, unknown> | undefined,
): Promise<Record<string, number>> {
  const scalars: Record<string, number> = {};
  for (const [key, v] of Object.entries(ex ?? {})) {
    if (typeof v === "number") scalars[key] = v;
    if (!Array.isArray(v)) continue;
    const name = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    await run.writeArray(name, { dtype: "f64", shape: [v.length], data: Float64Array.from(v) });
  }
  return scalars;
}
