/**
 * The `basins` run kind: a basin detection stored as a run, read by the dashboard's basins page.
 * @module
 */
import type { RunStore, RunWriter } from "../io/run_store.ts";
import type { DetectResult } from "../basins/detect.ts";
import type { FrameEnsemble } from "../basins/features.ts";
import type { SimulatedCore } from "../basins/systems.ts";
import {
  type ArraySpec,
  failureReason,
  startRun,
  type StartRunOptions,
  writeSpecArray,
} from "./writer.ts";
import { type Checkpoint, clearCheckpoint, writeCheckpoint } from "./checkpoint.ts";

/** The `basins` kind's name, as recorded in `run.json`. */
export const BASINS_KIND = "basins";

/** Arrays of a `basins` run. */
export const BASINS_ARRAYS = {
  /** Frames of the trajectories shown (the baseline subset for simulated systems). */
  frames: { name: "frames", dtype: "f32", shape: ["frames", "trajectories", "dim"] },
  /** Candidate each of those trajectories started from. */
  startIndex: { name: "start_index", dtype: "i32", shape: ["trajectories"] },
  /** Detected basin of each candidate. */
  labelsPred: { name: "labels_pred", dtype: "i32", shape: ["candidates"] },
  /** Ground-truth basin of each candidate, when known. */
  labelsTrue: { name: "labels_true", dtype: "i32", shape: ["candidates"], optional: true },
  /** Pairwise classifier risks and their standard errors. */
  risk: { name: "risk", dtype: "f64", shape: ["candidates", "candidates"] },
  riskSe: { name: "risk_se", dtype: "f64", shape: ["candidates", "candidates"] },
  /** The merge history in SciPy linkage form (absent with one candidate). */
  merges: { name: "merges", dtype: "f64", shape: ["candidates - 1", "4"], optional: true },
  /** Candidate start states of a simulated system. */
  candidates: {
    name: "candidates",
    dtype: "f64",
    shape: ["candidates", "coreDim"],
    optional: true,
  },
} as const satisfies Record<string, ArraySpec>;

/** What a basins computation hands to the writer. */
export interface BasinsOutcome {
  readonly detection: DetectResult;
  /** The frames to store (and show). */
  readonly frames: FrameEnsemble;
  readonly labelsTrue: Int32Array | null;
  /** Candidate start states (simulated systems), `data` [candidates, dim]. */
  readonly candidates: { readonly data: Float64Array; readonly dim: number } | null;
  readonly summary: Record<string, number | string>;
}

/** Writes a finished detection's arrays, phase time and summary into `run`. */
export async function writeBasinsOutcome(run: RunWriter, o: BasinsOutcome): Promise<void> {
  const a = BASINS_ARRAYS, det = o.detection, f = o.frames;
  const k = det.labels.length;
  // `replace`: a resumed run may hold arrays of an attempt that died before `done`.
  const R = { replace: true };
  await writeSpecArray(run, a.frames, [f.numFrames, f.trajectories, f.dim], f.frames, R);
  await writeSpecArray(run, a.startIndex, [f.trajectories], f.startIndex, R);
  await writeSpecArray(run, a.labelsPred, [k], det.labels, R);
  if (o.labelsTrue) await writeSpecArray(run, a.labelsTrue, [k], o.labelsTrue, R);
  await writeSpecArray(run, a.risk, [k, k], det.risk, R);
  await writeSpecArray(run, a.riskSe, [k, k], det.riskSe, R);
  if (k > 1) await writeSpecArray(run, a.merges, [k - 1, 4], det.linkage, R);
  if (o.candidates) {
    const c = o.candidates;
    await writeSpecArray(run, a.candidates, [c.data.length / c.dim, c.dim], c.data, R);
  }
  await run.recordPhase("detect", det.seconds);
  await run.setSummary(o.summary);
}

/**
 * Runs a basins computation into a new `basins` run: created `running` before `work` starts,
 * written and `done` when it returns, `failed` with the reason when it throws (the error is
 * rethrown).
 *
 * @example
 * ```ts
 * import { basinsToRun } from "./basins.ts";
 * import { RunStore } from "../io/run_store.ts";
 * import { detectOnEnsemble, ensembleFromCandidateArray } from "../basins/user_data.ts";
 * const data = new Float32Array(2 * 8 * 2 * 2).map((_, i) => (i < 32 ? -2 : 2) + Math.sin(i));
 * const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 8, 2, 2], data });
 * const { runId } = await basinsToRun(new RunStore(await Deno.makeTempDir()), {
 *   command: ["basins"], config: {}, seed: 1, backend: "cpu",
 * }, async () => {
 *   const { detection } = await detectOnEnsemble(ens, null, {
 *     featurizer: { kind: "snapshot" }, seed: 1, backend: "cpu", hidden: [8],
 *   });
 *   detection.assigner?.dispose();
 *   return { detection, frames: ens, labelsTrue: null, candidates: null, summary: {} };
 * });
 * console.log(runId);
 * ```
 */
export async function basinsToRun<T extends BasinsOutcome>(
  store: RunStore,
  start: StartRunOptions,
  work: (run: RunWriter) => Promise<T>,
): Promise<{ runId: string; value: T }> {
  const run = await startRun(store, "basins", start);
  return { runId: run.id, value: await basinsIntoRun(run, work) };
}

/**
 * Runs `work` into `run` (new, or reopened by `RunStore.resume`): the outcome is written and the
 * run `done` when it returns, `failed` with the reason when it throws (rethrown).
 */
export async function basinsIntoRun<T extends BasinsOutcome>(
  run: RunWriter,
  work: (run: RunWriter) => Promise<T>,
): Promise<T> {
  try {
    const value = await work(run);
    await writeBasinsOutcome(run, value);
    await clearCheckpoint(run.dir);
    await run.finish("done");
    return value;
  } catch (e) {
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  }
}

/** Checkpoints a simulated core: the first unit of a `basins` run on a simulated system. */
export async function checkpointCore(run: RunWriter, c: SimulatedCore): Promise<void> {
  const k = c.labelsTrue.length, d = c.candidates.length / k;
  await writeCheckpoint(run.dir, 1, { simulateSeconds: c.simulateSeconds }, {
    candidates: { dtype: "f64", shape: [k, d], data: c.candidates },
    labels_true: { dtype: "i32", shape: [k], data: c.labelsTrue },
    core: { dtype: "f32", shape: [c.numFrames, c.trajectories, d], data: c.core },
    start_index: { dtype: "i32", shape: [c.trajectories], data: c.startIndex },
  });
}

/** The simulated core a checkpoint holds (null: simulate again). */
export function coreFromCheckpoint(c: Checkpoint | null): SimulatedCore | undefined {
  if (!c || !c.arrays.core) return undefined;
  const core = c.arrays.core;
  return {
    candidates: c.arrays.candidates.data as Float64Array,
    labelsTrue: c.arrays.labels_true.data as Int32Array,
    core: core.data as Float32Array,
    numFrames: core.shape[0],
    trajectories: core.shape[1],
    startIndex: c.arrays.start_index.data as Int32Array,
    simulateSeconds: Number(c.meta.state.simulateSeconds),
  };
}
