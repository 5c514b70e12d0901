/**
 * Trains an RBM into the run store as it goes: the run (kind `rbm`) is created `running` before
 * the first update; after each epoch its monitoring figures are appended to
 * `pseudo_log_likelihood` and `reconstruction_error` and flushed, then the epoch's checkpoint
 * (parameters, persistent chains, row order, Adam moments) is stored; the run ends `done` with
 * the parameter arrays and a ready `sample_config.json` in its folder, or `failed` with the
 * reason. `runs resume` continues a killed or failed run from its last checkpoint with the bits
 * of the uninterrupted run.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";
import type { NdArray } from "../io/npy.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import type { RunReader, RunWriter } from "../io/run_store.ts";
import {
  type RbmEpochStats,
  RbmTraining,
  type RbmTrainOptions,
  type RbmTrainResult,
  type RbmTrainState,
} from "../models/discrete/rbm_train.ts";
import { type Checkpoint, clearCheckpoint, writeCheckpoint } from "../runs/checkpoint.ts";
import { failureReason } from "../runs/writer.ts";
import { RBM_ARRAYS, RBM_MONITOR_ARRAYS, rbmSampleConfig } from "../runs/rbm.ts";

const MOMENTS = ["weights", "visible_bias", "hidden_bias"] as const;

/** The checkpoint arrays of a training state. */
function stateArrays(s: RbmTrainState): Record<string, NdArray> {
  const { numHidden: h, numVisible: d } = s.params;
  const out: Record<string, NdArray> = {
    weights: { dtype: "f32", shape: [h, d], data: s.params.weights },
    visible_bias: { dtype: "f32", shape: [d], data: s.params.visibleBias },
    hidden_bias: { dtype: "f32", shape: [h], data: s.params.hiddenBias },
    chains: { dtype: "u8", shape: [s.chains.numChains, d], data: s.chains.visible },
    order: { dtype: "i32", shape: [s.order.length], data: s.order },
  };
  s.adamM.forEach((m, k) => {
    out[`adam_m_${MOMENTS[k]}`] = { dtype: "f64", shape: [m.length], data: m };
    out[`adam_v_${MOMENTS[k]}`] = { dtype: "f64", shape: [m.length], data: s.adamV[k] };
  });
  return out;
}

/** The training state a stored checkpoint holds, with the figures of its epochs. */
function stateOf(
  c: Checkpoint,
  numVisible: number,
  numHidden: number,
  history: RbmTrainState["history"],
): RbmTrainState {
  const a = c.arrays;
  const adam = MOMENTS.filter((n) => `adam_m_${n}` in a);
  return {
    epoch: c.meta.step,
    params: {
      numVisible,
      numHidden,
      weights: a.weights.data as Float32Array,
      visibleBias: a.visible_bias.data as Float32Array,
      hiddenBias: a.hidden_bias.data as Float32Array,
    },
    chains: { numChains: a.chains.shape[0], visible: a.chains.data as Uint8Array },
    order: a.order.data as Int32Array,
    adamM: adam.map((n) => a[`adam_m_${n}`].data as Float64Array),
    adamV: adam.map((n) => a[`adam_v_${n}`].data as Float64Array),
    history,
  };
}

/**
 * The monitoring figures of a stored run's first `epochs` epochs (rows after them, written
 * before a crash cut the checkpoint, are left out).
 */
export async function readRbmHistory(reader: RunReader, epochs: number): Promise<RbmEpochStats[]> {
  const M = RBM_MONITOR_ARRAYS;
  if (epochs === 0) return [];
  const pll = (await reader.readArray(M.pseudoLogLikelihood.name)).data;
  const recon = (await reader.readArray(M.reconstructionError.name)).data;
  if (pll.length < epochs || recon.length < epochs) {
    throw new Error(`run '${reader.id}' holds ${pll.length} epochs of figures: expected ${epochs}`);
  }
  return Array.from({ length: epochs }, (_, k) => ({
    epoch: k + 1,
    pseudoLogLikelihood: pll[k],
    reconstructionError: recon[k],
  }));
}

/** What {@link streamRbm} needs besides the run. */
export interface RbmStreamInput {
  /** `[n, numVisible]` binary rows. */
  readonly data: Uint8Array;
  readonly numVisible: number;
  readonly options: RbmTrainOptions;
  /** The run's checkpoint (null: start at epoch 0). */
  readonly from: Checkpoint | null;
  /** The figures of the checkpoint's epochs ({@link readRbmHistory}); needed with `from`. */
  readonly history?: readonly RbmEpochStats[];
  /** Called after each epoch is stored (a throw fails the run after that epoch). */
  readonly onEpoch?: (epoch: number) => void | Promise<void>;
  /** Called with the trained RBM before the run ends `done` (a throw fails it instead). */
  readonly beforeDone?: (rbm: RbmTrainResult) => Promise<void>;
}

/**
 * Trains into `run` (new, or reopened by `RunStore.resume`): the monitoring arrays keep exactly
 * the checkpoint's rows, then grow epoch by epoch. Returns the trained RBM (with the figures of
 * every epoch, those before the checkpoint read back from the run).
 */
export async function streamRbm(run: RunWriter, input: RbmStreamInput): Promise<RbmTrainResult> {
  const { data, numVisible, options, from } = input;
  const keepRows = from?.meta.step ?? 0;
  const M = RBM_MONITOR_ARRAYS;
  const appenders: NpyAppender[] = [];
  try {
    const pll = await run.appender(M.pseudoLogLikelihood.name, "f64", [], { keepRows });
    appenders.push(pll);
    const recon = await run.appender(M.reconstructionError.name, "f64", [], { keepRows });
    appenders.push(recon);
    const training = new RbmTraining(
      data,
      numVisible,
      options,
      from ? stateOf(from, numVisible, options.numHidden, input.history ?? []) : undefined,
    );
    const t0 = performance.now();
    while (!training.done) {
      const stats = training.runEpoch();
      await pll.append(Float64Array.of(stats.pseudoLogLikelihood), 1);
      await recon.append(Float64Array.of(stats.reconstructionError), 1);
      for (const app of appenders) await app.flush();
      // After the rows: a crash between the two leaves rows that resume drops (keepRows).
      await writeCheckpoint(run.dir, stats.epoch, {}, stateArrays(training.state()));
      await input.onEpoch?.(stats.epoch);
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const app of appenders.splice(0)) await app.close();
    const rbm = training.result();
    const { numHidden: h } = rbm;
    // `replace`: a resumed run may hold these from an attempt that died before `done`.
    const A = RBM_ARRAYS;
    await run.writeArray(A.weights.name, {
      dtype: "f32",
      shape: [h, numVisible],
      data: rbm.weights,
    }, { replace: true });
    await run.writeArray(A.visibleBias.name, {
      dtype: "f32",
      shape: [numVisible],
      data: rbm.visibleBias,
    }, { replace: true });
    await run.writeArray(A.hiddenBias.name, {
      dtype: "f32",
      shape: [h],
      data: rbm.hiddenBias,
    }, { replace: true });
    await writeFileAtomic(
      `${run.dir}/sample_config.json`,
      JSON.stringify(rbmSampleConfig(numVisible, h), null, 2) + "\n",
    );
    await input.beforeDone?.(rbm);
    await run.recordPhase("training", seconds);
    const last = rbm.history[rbm.history.length - 1];
    await run.setSummary({
      numVisible,
      numHidden: h,
      epochs: rbm.history.length,
      pseudoLogLikelihood: last.pseudoLogLikelihood,
      reconstructionError: last.reconstructionError,
      secondsPerEpoch: seconds / Math.max(1, rbm.history.length - keepRows),
    });
    // Cleared first: a crash between the two leaves a run that resume redoes from epoch 0
    // (same bits), never a done run with a stale checkpoint.
    await clearCheckpoint(run.dir);
    await run.finish("done");
    return rbm;
  } catch (e) {
    for (const app of appenders) await app.close().catch(() => {});
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  }
}
