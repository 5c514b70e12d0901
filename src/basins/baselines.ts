/**
 * Baselines on the same trajectories as the classifier method (basins.md section 4.5), each
 * labelling candidates by the majority label of their trajectories' frames:
 * - `kmeans`: k-means with k = the true count on pooled frames;
 * - `spectral`: spectral clustering (k = true count) on a stratified subsample of frames;
 * - `msm-pcca`, `msm-pcca-gap`: k-means microstates -> reversible MLE MSM -> PCCA+ with the
 *   true count / the spectral-gap count;
 * - `tica-msm-pcca`, `tica-msm-pcca-gap`: the same after a TICA projection.
 *
 * Above {@link BASELINE_REDUCE_MIN_DIM} dimensions every baseline first works on a shared linear
 * reduction of the frames ({@link DEFAULT_BASELINE_REDUCTION}: the span of the start candidates'
 * mean frames plus 4 principal components, the kind of information the classifier's reduction
 * uses), so distances, covariances and k-means run in at most K + 3 dimensions instead of D.
 * More principal components only add noise directions (measured: with 32, k-means and MSM +
 * PCCA+ lost a split that 4 kept). Its time is charged to every baseline.
 * @module
 */
import { kMeans } from "./kmeans.ts";
import { majorityByGroup } from "./metrics.ts";
import {
  connectedSets,
  countMatrix,
  reversibleMle,
  reversibleSpectrum,
  spectralGapCount,
} from "./msm.ts";
import { pcca } from "./pcca.ts";
import { spectralClustering } from "./spectral.ts";
import { fitTica } from "./tica.ts";
import { fitProjection, type Reduction } from "./reduce.ts";

/** The baselines' reduction above {@link BASELINE_REDUCE_MIN_DIM} dimensions. */
export const DEFAULT_BASELINE_REDUCTION: Reduction = { kind: "pca", components: 4, means: true };

/** Frames wider than this are reduced before the baselines. */
export const BASELINE_REDUCE_MIN_DIM = 64;

/** Names of the baselines. */
export const BASELINES = [
  "kmeans",
  "spectral",
  "msm-pcca",
  "msm-pcca-gap",
  "tica-msm-pcca",
  "tica-msm-pcca-gap",
] as const;
/** A baseline name. */
export type BaselineName = typeof BASELINES[number];

/** Trajectory frames for the baselines. */
export interface BaselineInput {
  /** [numFrames, trajectories, dim]. */
  readonly frames: Float32Array;
  readonly numFrames: number;
  readonly trajectories: number;
  readonly dim: number;
  /** Candidate of each trajectory. */
  readonly startIndex: Int32Array;
  readonly numCandidates: number;
}

/** Options of {@link runBaselines}. */
export interface BaselineOptions {
  /** Number of basins given to the methods that need it. */
  readonly numSets: number;
  readonly seed: number;
  /** MSM / TICA lag in frames (default 1). */
  readonly lag?: number;
  /** k-means microstates for the MSM pipelines (default 50). */
  readonly microstates?: number;
  /** TICA output dimension (default 5). */
  readonly ticaDim?: number;
  /** Frames for spectral clustering (default 1000). */
  readonly spectralPoints?: number;
  /** First frame used for candidate voting (default 1). */
  readonly voteFrom?: number;
  /** Which baselines (default all). */
  readonly only?: readonly BaselineName[];
  /**
   * Reduction of the frames before every baseline (default {@link DEFAULT_BASELINE_REDUCTION}
   * above {@link BASELINE_REDUCE_MIN_DIM} dimensions, else none).
   */
  readonly reduce?: Reduction;
}

/** Result of one baseline. */
export interface BaselineResult {
  readonly name: BaselineName;
  readonly labels: Int32Array;
  readonly seconds: number;
  /** Number of sets used (differs from numSets for the gap variants). */
  readonly sets: number;
}

/**
 * Runs the baselines.
 *
 * @example
 * ```ts
 * import { runBaselines } from "./baselines.ts";
 * import { ensembleFromCandidateArray } from "./user_data.ts";
 * const data = new Float32Array(2 * 6 * 4 * 2).map((_, i) => (i < 48 ? -2 : 2) + Math.sin(i));
 * const input = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 6, 4, 2], data });
 * const rs = runBaselines(input, { numSets: 2, seed: 1, only: ["kmeans", "msm-pcca"] });
 * console.log(rs.map((r) => r.name)); // kmeans, msm-pcca
 * ```
 */
export function runBaselines(inp: BaselineInput, opts: BaselineOptions): BaselineResult[] {
  const { numFrames: nf, trajectories: nt } = inp;
  const lag = opts.lag ?? 1;
  const from = opts.voteFrom ?? 1;
  const want = new Set(opts.only ?? BASELINES);
  const out: BaselineResult[] = [];
  if (want.size === 0) return out;
  const r0 = performance.now();
  const { rows, dim } = baselineRows(inp, opts.reduce, opts.seed);
  // Shared by all baselines: charged to each.
  const reduceSeconds = (performance.now() - r0) / 1000;
  const voteRows: number[] = [];
  for (let t = 0; t < nt; t++) for (let f = from; f < nf; f++) voteRows.push(t * nf + f);
  const vote = (rowLabel: (r: number) => number) =>
    majorityByGroup(
      voteRows.map((r) => inp.startIndex[Math.floor(r / nf)]),
      voteRows.map(rowLabel),
      inp.numCandidates,
    );
  const timed = (name: BaselineName, fn: () => { labels: Int32Array; sets: number }) => {
    if (!want.has(name)) return;
    const t0 = performance.now();
    const r = fn();
    out.push({ name, ...r, seconds: reduceSeconds + (performance.now() - t0) / 1000 });
  };
  timed("kmeans", () => {
    const m = kMeans(rows, dim, { k: opts.numSets, seed: opts.seed, maxIter: 50, restarts: 3 });
    return { labels: vote((r) => m.labels[r]), sets: opts.numSets };
  });
  timed("spectral", () => {
    const per = Math.max(1, Math.floor((opts.spectralPoints ?? 1000) / inp.numCandidates));
    const pick: number[] = [];
    const seen = new Int32Array(inp.numCandidates);
    for (let f = nf - 1; f >= from && pick.length < per * inp.numCandidates; f--) {
      for (let t = 0; t < nt; t++) {
        const c = inp.startIndex[t];
        if (seen[c] < per) {
          seen[c]++;
          pick.push(t * nf + f);
        }
      }
    }
    const x = new Float64Array(pick.length * dim);
    pick.forEach((r, k) => x.set(rows.subarray(r * dim, r * dim + dim), k * dim));
    const sc = spectralClustering(x, dim, { k: opts.numSets, seed: opts.seed });
    const labels = majorityByGroup(
      pick.map((r) => inp.startIndex[Math.floor(r / nf)]),
      sc.labels,
      inp.numCandidates,
    );
    return { labels, sets: opts.numSets };
  });
  const msm = (x: Float64Array, xdim: number, gap: boolean) => {
    const nMicro = Math.min(opts.microstates ?? 50, Math.floor(x.length / xdim / 2));
    const km = kMeans(x, xdim, { k: nMicro, seed: opts.seed, maxIter: 30 });
    const micro = pruneTinySets(km.labels, km.centers, xdim, nMicro, nt, nf, lag);
    const dtrajs = Array.from({ length: nt }, (_, t) => micro.subarray(t * nf, t * nf + nf));
    const m = reversibleMle(countMatrix(dtrajs, nMicro, lag), nMicro);
    let sets = opts.numSets;
    if (gap) {
      const sp = reversibleSpectrum(m.transition, m.stationary, nMicro);
      sets = spectralGapCount(sp.values, 1, Math.min(10, nMicro - 1));
    }
    const pc = pcca(m.transition, nMicro, sets, { stationary: m.stationary });
    return { labels: vote((r) => pc.assignments[micro[r]]), sets };
  };
  timed("msm-pcca", () => msm(rows, dim, false));
  timed("msm-pcca-gap", () => msm(rows, dim, true));
  if (want.has("tica-msm-pcca") || want.has("tica-msm-pcca-gap")) {
    const t0 = performance.now();
    const trajs = Array.from(
      { length: nt },
      (_, t) => rows.subarray(t * nf * dim, (t + 1) * nf * dim),
    );
    const tica = fitTica(trajs, dim, { lag, dim: Math.min(opts.ticaDim ?? 5, dim) });
    const y = tica.transform(rows);
    const ticaSeconds = (performance.now() - t0) / 1000;
    for (const [name, gap] of [["tica-msm-pcca", false], ["tica-msm-pcca-gap", true]] as const) {
      timed(name, () => msm(y, tica.dim, gap));
      const last = out[out.length - 1];
      if (last?.name === name) {
        out[out.length - 1] = { ...last, seconds: last.seconds + ticaSeconds };
      }
    }
  }
  return out;
}

/**
 * The frames as rows in trajectory-major order (row (t, f) = trajectory t, frame f), reduced
 * when wide: the projection is fitted on all frames with their start candidates as classes.
 */
function baselineRows(
  inp: BaselineInput,
  reduce: Reduction | undefined,
  seed: number,
): { rows: Float64Array; dim: number } {
  const { numFrames: nf, trajectories: nt, dim } = inp;
  const r = reduce ??
    (dim > BASELINE_REDUCE_MIN_DIM ? DEFAULT_BASELINE_REDUCTION : { kind: "none" as const });
  const raw = new Float32Array(nt * nf * dim);
  for (let t = 0; t < nt; t++) {
    for (let f = 0; f < nf; f++) {
      const src = (f * nt + t) * dim;
      raw.set(inp.frames.subarray(src, src + dim), (t * nf + f) * dim);
    }
  }
  const y = Int32Array.from({ length: nt * nf }, (_, i) => inp.startIndex[Math.floor(i / nf)]);
  const p = fitProjection(raw, y, dim, r, { seed, iterations: 4 });
  if (!p) return { rows: Float64Array.from(raw), dim };
  return { rows: Float64Array.from(p.apply(raw)), dim: p.width };
}

/**
 * Reassigns frames in microstates of tiny connected sets (< 1% of the transition counts, e.g. a
 * lone microstate with only self-transitions) to the nearest microstate of a kept set. Such
 * fragments would otherwise each claim an eigenvalue 1 and a PCCA+ set. Whole basins that never
 * exchange counts are kept: they are large.
 */
function pruneTinySets(
  labels: Int32Array,
  centers: Float64Array,
  dim: number,
  n: number,
  nt: number,
  nf: number,
  lag: number,
): Int32Array {
  const dtrajs = Array.from({ length: nt }, (_, t) => labels.subarray(t * nf, t * nf + nf));
  const c = countMatrix(dtrajs, n, lag);
  let total = 0;
  for (const v of c) total += v;
  const keep = new Uint8Array(n);
  for (const set of connectedSets(c, n)) {
    let mass = 0;
    for (const i of set) for (let j = 0; j < n; j++) mass += c[i * n + j];
    if (mass >= 0.01 * total) { for (const i of set) keep[i] = 1; }
  }
  const map = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (keep[i]) continue;
    let best = -1, bd = Infinity;
    for (let j = 0; j < n; j++) {
      if (!keep[j]) continue;
      let d = 0;
      for (let k = 0; k < dim; k++) d += (centers[i * dim + k] - centers[j * dim + k]) ** 2;
      if (d < bd) [best, bd] = [j, d];
    }
    if (best >= 0) map[i] = best;
  }
  return labels.map((l) => map[l]);
}
