/**
 * Sample featurisers (basins.md section 2.2): turn trajectory frames [frames, trajectories, dim]
 * with the start candidate of each trajectory into a {@link SampleSet}:
 * - `snapshot`: the fixed-time marginal X_t, one row per trajectory;
 * - `window`: time-window pooling, every `every`-th frame in [from, to] of every trajectory;
 * - `segment`: short path segments (X_t, X_{t+lag}, ..., X_{t+(length-1) lag}) concatenated;
 * - `auto` (the default): the last 3 frames pooled (`window:F-3:-1`) when there are several
 *   frames (the later half with fewer than 128 trajectories per candidate), else the snapshot. Basins stay defined at the data's own horizon
 *   (its last frame): the pooled frames sit between the start's memory and that horizon, and
 *   give 3 samples per trajectory instead of one (issue 18: the last frame alone merged two
 *   close wells that every pooled featuriser separated).
 * @module
 */
import type { SampleSet } from "./c2st.ts";

/** A featuriser spec. Frame indices may be negative (counted from the end). */
export type Featurizer =
  | { readonly kind: "auto" }
  | { readonly kind: "snapshot"; readonly frame?: number }
  | {
    readonly kind: "window";
    readonly from: number;
    readonly to?: number;
    readonly every?: number;
  }
  | {
    readonly kind: "segment";
    readonly frame: number;
    readonly length: number;
    readonly lag?: number;
  };

/** Trajectory frames with their start candidates. */
export interface FrameEnsemble {
  /** [numFrames, trajectories, dim]. */
  readonly frames: Float32Array;
  readonly numFrames: number;
  readonly trajectories: number;
  readonly dim: number;
  /** Candidate of each trajectory. */
  readonly startIndex: Int32Array;
  readonly numCandidates: number;
}

/**
 * Parses "snapshot", "snapshot:F", "window:FROM:TO[:EVERY]" or "segment:F:LENGTH[:LAG]".
 *
 * @example
 * ```ts
 * parseFeaturizer("window:5:-1:2"); // { kind: "window", from: 5, to: -1, every: 2 }
 * ```
 */
export function parseFeaturizer(text: string): Featurizer {
  if (text === "auto") return { kind: "auto" };
  const [kind, ...rest] = text.split(":");
  const nums = rest.map(Number);
  if (nums.some((v) => !Number.isInteger(v))) {
    throw new Error(`featurizer '${text}': arguments must be integers`);
  }
  if (kind === "snapshot" && nums.length <= 1) return { kind, frame: nums[0] ?? -1 };
  if (kind === "window" && nums.length >= 1 && nums.length <= 3) {
    return { kind, from: nums[0], to: nums[1] ?? -1, every: nums[2] ?? 1 };
  }
  if (kind === "segment" && nums.length >= 2 && nums.length <= 3) {
    return { kind, frame: nums[0], length: nums[1], lag: nums[2] ?? 1 };
  }
  throw new Error(
    `featurizer '${text}': expected auto, snapshot[:F], window:FROM[:TO[:EVERY]] or segment:F:LENGTH[:LAG]`,
  );
}

/**
 * Frames `auto` pools (the last ones). Earlier frames still remember the start where a basin
 * mixes slowly: pooling frames 5-10 of 11 split the folding model's unfolded shell at D = 1000
 * (ARI 0.78), the last 3 recovered it (1.00).
 */
export const AUTO_POOLED_FRAMES = 3;

/**
 * Below this many trajectories per candidate `auto` pools the later half of the frames instead:
 * there samples are scarcer than the start's memory is harmful (issue 18's case, 16 per
 * candidate at D = 100: the last 3 frames gave ARI 0.37, the later half 1.00).
 */
export const AUTO_FEW_TRAJECTORIES = 128;

/**
 * The concrete featuriser for data with `numFrames` frames: `auto` becomes the last
 * {@link AUTO_POOLED_FRAMES} frames pooled, or the later half with fewer than
 * {@link AUTO_FEW_TRAJECTORIES} trajectories per candidate (never frame 0, the start itself; the
 * snapshot with two frames or fewer); others are returned as they are.
 *
 * @example
 * ```ts
 * resolveFeaturizer({ kind: "auto" }, 11); // { kind: "window", from: 8, to: -1, every: 1 }
 * resolveFeaturizer({ kind: "auto" }, 1); // { kind: "snapshot", frame: -1 }
 * ```
 */
export function resolveFeaturizer(
  f: Featurizer,
  numFrames: number,
  perCandidate = Infinity,
): Exclude<Featurizer, { kind: "auto" }> {
  if (f.kind !== "auto") return f;
  if (numFrames <= 2) return { kind: "snapshot", frame: -1 };
  if (perCandidate < AUTO_FEW_TRAJECTORIES) {
    return { kind: "window", from: Math.floor(numFrames / 2), to: -1, every: 1 };
  }
  return { kind: "window", from: Math.max(1, numFrames - AUTO_POOLED_FRAMES), to: -1, every: 1 };
}

/**
 * Text form of a featuriser (inverse of {@link parseFeaturizer}).
 *
 * @example
 * ```ts
 * formatFeaturizer({ kind: "window", from: 5, to: -1, every: 1 }); // "window:5:-1:1"
 * ```
 */
export function formatFeaturizer(f: Featurizer): string {
  if (f.kind === "auto") return "auto";
  if (f.kind === "snapshot") return `snapshot:${f.frame ?? -1}`;
  if (f.kind === "window") return `window:${f.from}:${f.to ?? -1}:${f.every ?? 1}`;
  return `segment:${f.frame}:${f.length}:${f.lag ?? 1}`;
}

/**
 * Builds the sample set of a featuriser.
 *
 * @example
 * ```ts
 * import { featurize } from "./features.ts";
 * import { ensembleFromCandidateArray } from "./user_data.ts";
 * const data = new Float32Array(2 * 4 * 3 * 1).map((_, i) => i);
 * const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 4, 3, 1], data });
 * const s = featurize(ens, { kind: "snapshot", frame: -1 }); // one row per trajectory
 * console.log(s.x.length, s.dim); // 8 1
 * ```
 */
export function featurize(e: FrameEnsemble, given: Featurizer): SampleSet {
  const { numFrames: nf, trajectories: nt, dim } = e;
  const f = resolveFeaturizer(given, nf, nt / e.numCandidates);
  const rowsFrames = featureRowFrames(f, nf);
  const width = rowsFrames[0].length * dim;
  const n = rowsFrames.length * nt;
  const x = new Float32Array(n * width);
  const candidate = new Int32Array(n), trajectory = new Int32Array(n);
  let r = 0;
  for (let t = 0; t < nt; t++) {
    for (const frames of rowsFrames) {
      frames.forEach((fr, k) => {
        const src = (fr * nt + t) * dim;
        x.set(e.frames.subarray(src, src + dim), r * width + k * dim);
      });
      candidate[r] = e.startIndex[t];
      trajectory[r] = t;
      r++;
    }
  }
  return { dim: width, x, candidate, trajectory, numCandidates: e.numCandidates };
}

/**
 * The frames of each row a featuriser takes from one trajectory, in `featurize`'s order (a row
 * concatenates its frames). Throws the one-line error of a featuriser that does not fit.
 *
 * @example
 * ```ts
 * featureRowFrames({ kind: "window", from: 8, to: -1, every: 1 }, 11); // [[8], [9], [10]]
 * featureRowFrames({ kind: "segment", frame: 0, length: 3, lag: 2 }, 11); // [[0, 2, 4]]
 * ```
 */
export function featureRowFrames(given: Featurizer, nf: number): number[][] {
  const f = resolveFeaturizer(given, nf);
  const at = (i: number) => {
    const r = i < 0 ? nf + i : i;
    if (!(r >= 0 && r < nf)) throw new Error(`featurize: frame ${i} outside [0, ${nf})`);
    return r;
  };
  const rowsFrames: number[][] = [];
  if (f.kind === "snapshot") rowsFrames.push([at(f.frame ?? -1)]);
  else if (f.kind === "window") {
    const a = at(f.from), b = at(f.to ?? -1), ev = f.every ?? 1;
    if (!(ev >= 1) || b < a) throw new Error(`featurize: empty window [${a}, ${b}] every ${ev}`);
    for (let t = a; t <= b; t += ev) rowsFrames.push([t]);
  } else {
    const lag = f.lag ?? 1;
    const first = at(f.frame);
    const seg = Array.from({ length: f.length }, (_, k) => first + k * lag);
    if (seg[seg.length - 1] >= nf) throw new Error(`featurize: segment runs past frame ${nf - 1}`);
    rowsFrames.push(seg);
  }
  return rowsFrames;
}

/**
 * Throws `featurize`'s one-line error when `f` does not fit an ensemble of `numFrames` frames
 * (so a command can refuse it before any work or run starts).
 *
 * @example
 * ```ts
 * import { checkFeaturizer } from "./features.ts";
 * checkFeaturizer({ kind: "snapshot", frame: 3 }, 11); // fits
 * try {
 *   checkFeaturizer({ kind: "snapshot", frame: 30 }, 11);
 * } catch (e) {
 *   console.log((e as Error).message); // featurize: frame 30 outside [0, 11)
 * }
 * ```
 */
export function checkFeaturizer(f: Featurizer, numFrames: number): void {
  featurize({
    frames: new Float32Array(numFrames),
    numFrames,
    trajectories: 1,
    dim: 1,
    startIndex: new Int32Array(1),
    numCandidates: 1,
  }, f);
}
