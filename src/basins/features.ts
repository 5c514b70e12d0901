/**
 * Sample featurisers (basins.md section 2.2): turn trajectory frames [frames, trajectories, dim]
 * with the start candidate of each trajectory into a {@link SampleSet}:
 * - `snapshot`: the fixed-time marginal X_t, one row per trajectory (the default);
 * - `window`: time-window pooling, every `every`-th frame in [from, to] of every trajectory;
 * - `segment`: short path segments (X_t, X_{t+lag}, ..., X_{t+(length-1) lag}) concatenated.
 * @module
 */
import type { SampleSet } from "./c2st.ts";

/** A featuriser spec. Frame indices may be negative (counted from the end). */
export type Featurizer =
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
    `featurizer '${text}': expected snapshot[:F], window:FROM[:TO[:EVERY]] or segment:F:LENGTH[:LAG]`,
  );
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
export function featurize(e: FrameEnsemble, f: Featurizer): SampleSet {
  const { numFrames: nf, trajectories: nt, dim } = e;
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
