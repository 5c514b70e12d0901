/**
 * The `basins` run kind: a basin detection stored as a run, read by the dashboard's basins page.
 * @module
 */
import type { RunStore, RunWriter } from "../io/run_store.ts";
import type { DetectResult } from "../basins/detect.ts";
import type { FrameEnsemble } from "../basins/features.ts";
import { type ArraySpec, recordRun, type StartRunOptions, writeSpecArray } from "./writer.ts";

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
  await writeSpecArray(run, a.frames, [f.numFrames, f.trajectories, f.dim], f.frames);
  await writeSpecArray(run, a.startIndex, [f.trajectories], f.startIndex);
  await writeSpecArray(run, a.labelsPred, [k], det.labels);
  if (o.labelsTrue) await writeSpecArray(run, a.labelsTrue, [k], o.labelsTrue);
  await writeSpecArray(run, a.risk, [k, k], det.risk);
  await writeSpecArray(run, a.riskSe, [k, k], det.riskSe);
  if (k > 1) await writeSpecArray(run, a.merges, [k - 1, 4], det.linkage);
  if (o.candidates) {
    const c = o.candidates;
    await writeSpecArray(run, a.candidates, [c.data.length / c.dim, c.dim], c.data);
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
  work: () => Promise<T>,
): Promise<{ runId: string; value: T }> {
  return await recordRun(store, "basins", start, async (run) => {
    const value = await work();
    await writeBasinsOutcome(run, value);
    return value;
  });
}
