/**
 * The `rbm` run kind: `rbm train` stores a run whose per-epoch monitoring figures are appended
 * as each epoch finishes (with a checkpoint for `runs resume`) and which ends with the three
 * parameter arrays and a ready `sample_config.json` (so `sample --config` loads the run's
 * arrays by path). `--out DIR` also writes the trained RBM as a folder: the arrays, the sample
 * configuration and `rbm.json` with the data, training settings and per-epoch figures, written
 * last so that its presence marks a complete folder. Every file is written atomically.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";
import {
  RBM_FILES,
  type RbmParams,
  type RbmTrainOptions,
  saveRbmArrays,
} from "../models/discrete/rbm_train.ts";
import type { ArraySpec } from "./writer.ts";

/** The `rbm` kind's name. */
export const RBM_KIND = "rbm";

/** Arrays of an `rbm` folder (hidden-major weights). */
export const RBM_ARRAYS = {
  weights: { name: "weights", dtype: "f32", shape: ["hidden", "visible"] },
  visibleBias: { name: "visible_bias", dtype: "f32", shape: ["visible"] },
  hiddenBias: { name: "hidden_bias", dtype: "f32", shape: ["hidden"] },
} as const satisfies Record<string, ArraySpec>;

/** Per-epoch monitoring figures of an `rbm` run, one row per finished epoch. */
export const RBM_MONITOR_ARRAYS = {
  pseudoLogLikelihood: { name: "pseudo_log_likelihood", dtype: "f64", shape: ["epochs"] },
  reconstructionError: { name: "reconstruction_error", dtype: "f64", shape: ["epochs"] },
} as const satisfies Record<string, ArraySpec>;

/**
 * The `sample --config` file of an RBM whose arrays lie beside it.
 *
 * @example
 * ```ts
 * import { rbmSampleConfig } from "./rbm.ts";
 * console.log(rbmSampleConfig(784, 25).model.arrays.weights); // "weights.npy"
 * ```
 */
export function rbmSampleConfig(numVisible: number, numHidden: number) {
  const model = { name: "rbm", numVisible, numHidden, arrays: { ...RBM_FILES } };
  return { model, sampler: { name: "rwm" } };
}

/** Every file of an `rbm` folder, `rbm.json` last. */
export const RBM_OUT_FILES: readonly string[] = [
  RBM_FILES.weights,
  RBM_FILES.visibleBias,
  RBM_FILES.hiddenBias,
  "sample_config.json",
  "rbm.json",
];

/** What `rbm.json` records besides the arrays. */
export interface RbmFolderInfo {
  readonly data: Record<string, unknown>;
  readonly training: Omit<RbmTrainOptions, "onProgress">;
  readonly seconds: number;
}

/**
 * Writes a trained RBM into folder `out` (see the module doc) and returns what `rbm.json`
 * holds.
 *
 * @example
 * ```ts
 * import { writeRbmFolder } from "./rbm.ts";
 * import { trainRbm } from "../models/discrete/rbm_train.ts";
 * const rbm = trainRbm(new Uint8Array([1, 0, 0, 1]), 2, { numHidden: 1, epochs: 1, batchSize: 2 });
 * const out = await Deno.makeTempDir();
 * await writeRbmFolder(out, rbm, { data: {}, training: { numHidden: 1 }, seconds: 0 });
 * ```
 */
export async function writeRbmFolder(
  out: string,
  rbm: RbmParams & { history: readonly unknown[] },
  info: RbmFolderInfo,
): Promise<Record<string, unknown>> {
  await saveRbmArrays(out, rbm);
  const config = rbmSampleConfig(rbm.numVisible, rbm.numHidden);
  const model = config.model;
  await writeFileAtomic(`${out}/sample_config.json`, JSON.stringify(config, null, 2) + "\n");
  const summary = {
    out,
    files: RBM_OUT_FILES,
    model,
    data: info.data,
    training: { ...info.training, initSigma: 0.01 },
    seconds: info.seconds,
    history: rbm.history,
  };
  await writeFileAtomic(`${out}/rbm.json`, JSON.stringify(summary, null, 2) + "\n");
  return summary;
}
