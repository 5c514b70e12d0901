/**
 * Basin detection on user trajectories: the `[candidates, trajectories, frames, dim]` array
 * layout users give, reshaped to a {@link FrameEnsemble}, then featurised, detected, and scored
 * against ground-truth labels with the baselines when labels are given.
 * @module
 */
import type { NdArray } from "../io/npy.ts";
import { type BaselineName, runBaselines } from "./baselines.ts";
import { detectBasins, type DetectOptions, type DetectResult } from "./detect.ts";
import type { MethodScore } from "./evaluate.ts";
import { featurize, type Featurizer, type FrameEnsemble } from "./features.ts";
import { scorePartition } from "./metrics.ts";
import type { SampleSet } from "./c2st.ts";
import type { Reduction } from "./reduce.ts";

/**
 * Reshapes trajectories given as `[candidates, trajectories, frames, dim]` (candidate-major, as
 * users store them) into a {@link FrameEnsemble} (`[frames, candidates * trajectories, dim]`,
 * trajectory `c * n + t` started from candidate `c`). Throws a one-line error on a wrong rank
 * or fewer than 2 candidates or 4 trajectories each.
 *
 * @example
 * ```ts
 * import { ensembleFromCandidateArray } from "./user_data.ts";
 * const data = new Float32Array(2 * 4 * 3 * 1).map((_, i) => i);
 * const e = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 4, 3, 1], data });
 * console.log(e.numFrames, e.trajectories, e.frames[1]); // 3 8 3
 * ```
 */
export function ensembleFromCandidateArray(arr: NdArray, what = "trajectories"): FrameEnsemble {
  if (arr.shape.length !== 4) {
    throw new Error(
      `${what} have shape [${arr.shape}], expected [candidates, trajectories, frames, dim]`,
    );
  }
  const [k, n, nf, dim] = arr.shape;
  if (k < 2 || n < 4) {
    throw new Error(`need >= 2 candidates and >= 4 trajectories each, got ${k} x ${n}`);
  }
  const src = arr.data;
  checkFinite(src, what);
  const frames = new Float32Array(nf * k * n * dim);
  for (let c = 0; c < k; c++) {
    for (let t = 0; t < n; t++) {
      for (let f = 0; f < nf; f++) {
        const s = ((c * n + t) * nf + f) * dim, d = (f * k * n + c * n + t) * dim;
        for (let i = 0; i < dim; i++) frames[d + i] = src[s + i];
      }
    }
  }
  return {
    frames,
    numFrames: nf,
    trajectories: k * n,
    dim,
    startIndex: Int32Array.from({ length: k * n }, (_, t) => Math.floor(t / n)),
    numCandidates: k,
  };
}

/**
 * Throws a one-line error naming the first NaN or infinite value of `data` (its index in it).
 *
 * @example
 * ```ts
 * import { checkFinite } from "./user_data.ts";
 * checkFinite(Float32Array.of(1, 2), "trajectories"); // fine
 * try {
 *   checkFinite(Float32Array.of(1, NaN), "trajectories");
 * } catch (e) {
 *   console.log((e as Error).message); // trajectories hold NaN (at 1), expected finite numbers
 * }
 * ```
 */
export function checkFinite(data: ArrayLike<number>, what: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`${what} hold ${data[i]} (at ${i}), expected finite numbers`);
    }
  }
}

/** Options of {@link detectOnEnsemble}: detection settings plus the featuriser and baselines. */
export interface EnsembleDetectOptions extends DetectOptions {
  readonly featurizer: Featurizer;
  /** The ensemble already featurised with `featurizer` (e.g. to refuse a bad one early). */
  readonly samples?: SampleSet;
  /** Baselines to score when true labels are given (default none). */
  readonly baselines?: readonly BaselineName[];
  /** Reduction before the baselines (default: `DEFAULT_BASELINE_REDUCTION` above 64 dims). */
  readonly baselineReduce?: Reduction;
}

/** What {@link detectOnEnsemble} returns. */
export interface EnsembleDetection {
  readonly detection: DetectResult;
  /** Scores of the classifier and the baselines (empty without true labels). */
  readonly methods: MethodScore[];
}

/**
 * Featurises an ensemble, detects its basins and, with true candidate labels, scores the
 * classifier and the chosen baselines against them.
 *
 * @example
 * ```ts
 * import { detectOnEnsemble, ensembleFromCandidateArray } from "./user_data.ts";
 * const data = new Float32Array(2 * 8 * 2 * 2).map((_, i) => (i < 32 ? -2 : 2) + Math.sin(i));
 * const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 8, 2, 2], data });
 * const r = await detectOnEnsemble(ens, null, {
 *   featurizer: { kind: "snapshot" }, seed: 1, backend: "cpu", hidden: [8],
 * });
 * console.log(r.detection.labels.length); // 2
 * r.detection.assigner?.dispose();
 * ```
 */
export async function detectOnEnsemble(
  ens: FrameEnsemble,
  labelsTrue: Int32Array | null,
  opts: EnsembleDetectOptions,
): Promise<EnsembleDetection> {
  const { featurizer, baselines, baselineReduce, samples: given, ...detect } = opts;
  const samples = given ?? featurize(ens, featurizer);
  const det = await detectBasins(samples, detect);
  const methods: MethodScore[] = [];
  if (labelsTrue) {
    const s = scorePartition(det.labels, labelsTrue);
    methods.push({ method: "classifier", seconds: det.seconds, ...s });
    if (baselines?.length) {
      for (
        const b of runBaselines(ens, {
          numSets: s.trueCount,
          seed: opts.seed,
          only: baselines,
          reduce: baselineReduce,
        })
      ) {
        methods.push({
          method: b.name,
          seconds: b.seconds,
          ...scorePartition(b.labels, labelsTrue),
        });
      }
    }
  }
  return { detection: det, methods };
}
