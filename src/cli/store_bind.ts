/**
 * Trains the binding energy network into the run store as it goes: the run (kind `bind`) is
 * created `running` before the first step; after each epoch its mean loss is appended to
 * `epoch_loss` and its steps' losses to `step_loss` (flushed), then the epoch's checkpoint
 * (network parameters, Adam's moments and step count, the draw generator) is stored; the run
 * ends `done` with the parameters as `w_<name>` arrays and a preview of the first complex for
 * the dashboard (`store_bind_view.ts`), or `failed` with the reason. `runs resume` continues a killed or failed run from its last checkpoint with the bits of the
 * uninterrupted run.
 * @module
 */
import type { NdArray } from "../io/npy.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import type { RunReader, RunWriter } from "../io/run_store.ts";
import type { Tf } from "../nn/tf.ts";
import type { BindingExample } from "../binding/complex.ts";
import { saveNet } from "../binding/model_store.ts";
import {
  type BindTrainState,
  type TrainConfig,
  trainEnergy,
  type TrainResult,
} from "../binding/train.ts";
import { type Checkpoint, clearCheckpoint, writeCheckpoint } from "../runs/checkpoint.ts";
import { BIND_ARRAYS } from "../runs/bind.ts";
import { failureReason } from "../runs/writer.ts";
import { previewPose, writeComplexView } from "./store_bind_view.ts";

/** The checkpoint of a training state: scalars as JSON, parameters and moments as arrays. */
function checkpointOf(
  s: BindTrainState,
): { state: Record<string, unknown>; arrays: Record<string, NdArray> } {
  const arrays: Record<string, NdArray> = {};
  for (const [name, w] of Object.entries(s.weights)) {
    arrays[`w_${name}`] = { dtype: "f32", shape: w.shape, data: Float32Array.from(w.data) };
  }
  s.adam.m.forEach((m, k) => {
    arrays[`adam_m_${k}`] = { dtype: "f32", shape: [m.length], data: m };
    arrays[`adam_v_${k}`] = { dtype: "f32", shape: [m.length], data: s.adam.v[k] };
  });
  const { step, acc1, acc2 } = s.adam;
  return { state: { adam: { step, acc1, acc2 }, rng: s.rng }, arrays };
}

/** The training state a stored checkpoint holds, with the losses of its epochs. */
function stateOf(c: Checkpoint, losses: BindLosses): BindTrainState {
  const a = c.arrays,
    st = c.meta.state as {
      adam: { step: number; acc1: number; acc2: number };
      rng: { state: number; spare: number | null };
    };
  const weights: BindTrainState["weights"] = {};
  for (const [key, arr] of Object.entries(a)) {
    if (key.startsWith("w_")) {
      weights[key.slice(2)] = { shape: [...arr.shape], data: Array.from(arr.data as Float32Array) };
    }
  }
  const moments = Object.keys(a).filter((k) => k.startsWith("adam_m_")).length;
  return {
    epoch: c.meta.step,
    weights,
    adam: {
      ...st.adam,
      m: Array.from({ length: moments }, (_, k) => a[`adam_m_${k}`].data as Float32Array),
      v: Array.from({ length: moments }, (_, k) => a[`adam_v_${k}`].data as Float32Array),
    },
    rng: st.rng,
    stepLosses: losses.stepLosses,
    epochLosses: losses.epochLosses,
  };
}

/** Losses of the epochs before a checkpoint. */
export interface BindLosses {
  readonly stepLosses: readonly number[];
  readonly epochLosses: readonly number[];
}

/** Training steps per epoch (the last batch may be short). */
export function stepsPerEpoch(examples: number, batch: number): number {
  return Math.ceil(examples / batch);
}

/** The losses of a stored run's first `epochs` epochs (rows after them are left out). */
export async function readBindLosses(
  reader: RunReader,
  epochs: number,
  perEpoch: number,
): Promise<BindLosses> {
  if (epochs === 0) return { stepLosses: [], epochLosses: [] };
  const B = BIND_ARRAYS;
  const epochLosses = Array.from((await reader.readArray(B.epochLoss.name)).data);
  const stepLosses = Array.from((await reader.readArray(B.stepLoss.name)).data);
  if (epochLosses.length < epochs || stepLosses.length < epochs * perEpoch) {
    throw new Error(
      `run '${reader.id}' holds ${epochLosses.length} epochs of losses: expected ${epochs}`,
    );
  }
  return {
    stepLosses: stepLosses.slice(0, epochs * perEpoch),
    epochLosses: epochLosses.slice(0, epochs),
  };
}

/** What {@link streamBind} needs besides the run. */
export interface BindStreamInput {
  readonly tf: Tf;
  readonly examples: BindingExample[];
  readonly train: TrainConfig;
  /** The run's checkpoint (null: start at epoch 0) and the losses before it. */
  readonly from: Checkpoint | null;
  readonly losses?: BindLosses;
  /** Progress after each epoch (1-based epoch, mean loss). */
  readonly onEpoch?: (epoch: number, loss: number) => void;
  /** Atom class names of the complexes' features (the dashboard view's colours). */
  readonly classes: readonly string[];
}

/**
 * Trains into `run` (new, or reopened by `RunStore.resume`): the loss arrays keep exactly the
 * checkpoint's rows, then grow epoch by epoch. Returns the training result (its network is the
 * caller's to dispose).
 */
export async function streamBind(run: RunWriter, input: BindStreamInput): Promise<TrainResult> {
  const { tf, examples, train, from } = input;
  const keepEpochs = from?.meta.step ?? 0;
  const perEpoch = stepsPerEpoch(examples.length, train.batch);
  const B = BIND_ARRAYS;
  const appenders: NpyAppender[] = [];
  let result: TrainResult | undefined;
  try {
    const epochApp = await run.appender(B.epochLoss.name, "f32", [], { keepRows: keepEpochs });
    appenders.push(epochApp);
    const stepApp = await run.appender(B.stepLoss.name, "f32", [], {
      keepRows: keepEpochs * perEpoch,
    });
    appenders.push(stepApp);
    result = await trainEnergy(tf, examples, train, undefined, {
      from: from ? stateOf(from, input.losses ?? { stepLosses: [], epochLosses: [] }) : undefined,
      onEpochState: async (epoch, loss, read) => {
        const s = await read();
        await epochApp.append(Float32Array.of(loss), 1);
        await stepApp.append(
          Float32Array.from(s.stepLosses.slice((epoch - 1) * perEpoch)),
          perEpoch,
        );
        for (const app of appenders) await app.flush();
        // After the rows: a crash between the two leaves rows that resume drops (keepRows).
        const c = checkpointOf(s);
        await writeCheckpoint(run.dir, epoch, c.state, c.arrays);
        input.onEpoch?.(epoch, loss);
      },
    });
    for (const app of appenders.splice(0)) await app.close();
    await saveNet(run, result.net);
    const ex0 = examples[0];
    await writeComplexView(run, {
      tf,
      net: result.net,
      example: ex0,
      classes: input.classes,
      pose: previewPose(ex0.ligand, train.seed),
      native: ex0.ligand,
    });
    await run.recordPhase("train", result.seconds);
    await run.setSummary({
      method: train.method,
      complexes: examples.length,
      final_loss: result.epochLosses[result.epochLosses.length - 1],
      complexes_per_s: examples.length * (train.epochs - keepEpochs) / result.seconds,
    });
    // Cleared first: a crash between the two leaves a run that resume redoes from epoch 0
    // (same bits), never a done run with a stale checkpoint.
    await clearCheckpoint(run.dir);
    await run.finish("done");
    return result;
  } catch (e) {
    result?.net.dispose();
    for (const app of appenders) await app.close().catch(() => {});
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  }
}
