/**
 * Classifier two-sample tests (Lopez-Paz & Oquab, ICLR 2017) for basin detection: the held-out
 * balanced error of a trained classifier estimates the Bayes risk
 * R* = (1 - TV(mu, nu)) / 2 (from above), with standard error
 * sqrt(e_a (1 - e_a) / n_a + e_b (1 - e_b) / n_b) / 2.
 *
 * Two designs: a binary network per pair ({@link pairwiseRisk}) and one multi-class network over
 * all candidates ({@link fitMultiClass}), from whose held-out logits the risk between any two
 * groups of candidates follows by comparing log-sum-exp scores ({@link groupRisk}). Rows are
 * split into train and test **by trajectory**, so correlated frames of one trajectory never sit
 * on both sides.
 * @module
 */
import { SplitMix32 } from "../random/splitmix.ts";
import {
  type Classifier,
  type ClassifierOptions,
  shuffled,
  trainClassifier,
} from "./classifier.ts";
import { defaultReduction, fitProjection, type Projection, type Reduction } from "./reduce.ts";

/** Samples of the candidates' trajectory distributions. */
export interface SampleSet {
  /** Feature dimension. */
  readonly dim: number;
  /** Rows [n, dim]. */
  readonly x: Float32Array;
  /** Candidate (class) of each row. */
  readonly candidate: Int32Array;
  /** Trajectory of each row (global ids); rows of one trajectory stay on one side of the split. */
  readonly trajectory: Int32Array;
  /** Number of candidates. */
  readonly numCandidates: number;
}

/** A risk estimate with its standard error. */
export interface RiskEstimate {
  /** Held-out balanced error in [0, 1] (1/2: indistinguishable). */
  readonly risk: number;
  /** Standard error of the estimate. */
  readonly se: number;
  /** Held-out rows used. */
  readonly nTest: number;
}

/** Options shared by the C2ST designs. */
export interface C2stOptions extends ClassifierOptions {
  /** Fraction of trajectories held out for the risk estimate (default 0.3). */
  readonly testFraction?: number;
  /**
   * Linear reduction fitted on the training rows before the classifier (default
   * {@link defaultReduction} of the input width: `means+pca:16` above 256 dimensions).
   */
  readonly reduce?: Reduction;
}

/**
 * Trains the classifier on training rows, after the reduction (fitted on those rows only);
 * the returned classifier takes raw rows.
 */
async function trainReduced(
  xTrain: Float32Array,
  yTrain: Int32Array,
  dim: number,
  numClasses: number,
  opts: C2stOptions,
): Promise<{ net: Classifier; projection: Projection | null }> {
  const projection = fitProjection(
    xTrain,
    yTrain,
    dim,
    opts.reduce ?? defaultReduction(dim),
    { seed: opts.seed },
  );
  if (!projection) {
    return { net: await trainClassifier(xTrain, yTrain, dim, numClasses, opts), projection };
  }
  const inner = await trainClassifier(
    projection.apply(xTrain),
    yTrain,
    projection.width,
    numClasses,
    opts,
  );
  return { net: projectedClassifier(inner, projection), projection };
}

/** A classifier on projected rows seen as one on raw rows (the projection folds into layer 1). */
function projectedClassifier(inner: Classifier, p: Projection): Classifier {
  return {
    inputDim: p.inputDim,
    numClasses: inner.numClasses,
    epochs: inner.epochs,
    validationLoss: inner.validationLoss,
    logits: (x) => inner.logits(p.apply(x)),
    async exportWeights() {
      const w = await inner.exportWeights();
      const [first, ...rest] = w.layers;
      const [k, h] = first.shape, d = p.inputDim;
      // z_std = ((x - mu) B - m) s, so layer 1 = x (B diag(s) W) + b - (mu B + m) diag(s) W.
      const bs = new Float64Array(d * h);
      for (let j = 0; j < d; j++) {
        for (let c = 0; c < k; c++) {
          const v = p.basis[j * k + c] * w.scale[c];
          if (v === 0) continue;
          for (let o = 0; o < h; o++) bs[j * h + o] += v * first.w[c * h + o];
        }
      }
      const shift = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        let s = w.mean[c];
        for (let j = 0; j < d; j++) s += p.mean[j] * p.basis[j * k + c];
        shift[c] = s * w.scale[c];
      }
      const b = Float32Array.from(first.b);
      for (let c = 0; c < k; c++) for (let o = 0; o < h; o++) b[o] -= shift[c] * first.w[c * h + o];
      return {
        mean: new Float32Array(d),
        scale: new Float32Array(d).fill(1),
        layers: [{ w: Float32Array.from(bs), b, shape: [d, h] as [number, number] }, ...rest],
      };
    },
    dispose: () => inner.dispose(),
  };
}

/**
 * Balanced risk from two error counts.
 *
 * @example
 * ```ts
 * balancedRisk(50, 100, 50, 100); // { risk: 0.5, se: 0.0354, nTest: 200 }
 * ```
 */
export function balancedRisk(errA: number, nA: number, errB: number, nB: number): RiskEstimate {
  if (nA === 0 || nB === 0) throw new Error("balancedRisk: both classes need held-out rows");
  const ea = errA / nA, eb = errB / nB;
  return {
    risk: 0.5 * (ea + eb),
    se: 0.5 * Math.sqrt((ea * (1 - ea)) / nA + (eb * (1 - eb)) / nB),
    nTest: nA + nB,
  };
}

/**
 * Balanced risk from per-trajectory error counts: the same estimate as {@link balancedRisk}
 * of the totals, with a standard error that treats each trajectory's rows as one cluster
 * (pooled frames of one trajectory are correlated, so rows are not independent draws):
 * var(e) = sum_t (err_t - e n_t)^2 / (sum_t n_t)^2 per class (the ratio estimator's variance).
 * With one row per trajectory it equals e (1 - e) / n, the binomial variance.
 *
 * @example
 * ```ts
 * clusteredRisk([[1, 2], [0, 2]], [[1, 2], [1, 2]]).risk; // (1/4 + 1/4) / 2 = 0.25
 * ```
 */
export function clusteredRisk(
  a: readonly (readonly [number, number])[],
  b: readonly (readonly [number, number])[],
): RiskEstimate {
  const part = (rows: readonly (readonly [number, number])[]) => {
    let err = 0, n = 0;
    for (const [e, m] of rows) [err, n] = [err + e, n + m];
    if (n === 0) throw new Error("clusteredRisk: both classes need held-out rows");
    const rate = err / n;
    let v = 0;
    for (const [e, m] of rows) v += (e - rate * m) ** 2;
    return { rate, variance: v / (n * n), n };
  };
  const pa = part(a), pb = part(b);
  return {
    risk: 0.5 * (pa.rate + pb.rate),
    se: 0.5 * Math.sqrt(pa.variance + pb.variance),
    nTest: pa.n + pb.n,
  };
}

/** Per-trajectory [errors, rows] of each side from row outcomes. */
function byTrajectory(
  side: readonly number[],
  traj: readonly number[],
  wrong: readonly boolean[],
): [[number, number][], [number, number][]] {
  const maps = [new Map<number, [number, number]>(), new Map<number, [number, number]>()];
  side.forEach((sd, i) => {
    const m = maps[sd];
    const c = m.get(traj[i]) ?? [0, 0];
    c[0] += wrong[i] ? 1 : 0;
    c[1]++;
    m.set(traj[i], c);
  });
  return [[...maps[0].values()], [...maps[1].values()]];
}

/** Train/test row split by trajectory, stratified per candidate. */
export function splitByTrajectory(
  s: SampleSet,
  testFraction: number,
  seed: number,
): { train: Int32Array; test: Int32Array } {
  const rng = new SplitMix32(seed ^ 0x5eed);
  const trajsOf = new Map<number, number[]>();
  const trajCand = new Map<number, number>();
  for (let i = 0; i < s.candidate.length; i++) {
    const t = s.trajectory[i];
    if (!trajCand.has(t)) {
      trajCand.set(t, s.candidate[i]);
      const l = trajsOf.get(s.candidate[i]) ?? [];
      l.push(t);
      trajsOf.set(s.candidate[i], l);
    }
  }
  const testTraj = new Set<number>();
  for (const [, ts] of [...trajsOf].sort((a, b) => a[0] - b[0])) {
    const sorted = ts.sort((a, b) => a - b);
    const p = shuffled(sorted.length, rng);
    const nt = Math.max(1, Math.round(testFraction * sorted.length));
    for (let k = 0; k < nt && sorted.length > 1; k++) testTraj.add(sorted[p[k]]);
  }
  const train: number[] = [], test: number[] = [];
  for (let i = 0; i < s.candidate.length; i++) {
    (testTraj.has(s.trajectory[i]) ? test : train).push(i);
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

function gatherRows(x: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let k = 0; k < rows.length; k++) {
    out.set(x.subarray(rows[k] * dim, rows[k] * dim + dim), k * dim);
  }
  return out;
}

/**
 * Pairwise binary C2ST between two groups of candidates (each group's rows form one class;
 * groups are balanced by per-class loss weights and by the balanced error).
 *
 * @example
 * ```ts
 * import { ensembleFromCandidateArray } from "./user_data.ts";
 * import { featurize } from "./features.ts";
 * // 2 candidates x 8 trajectories x 2 frames x 2 dims, around -2 and +2.
 * const data = new Float32Array(64).map((_, i) => (i < 32 ? -2 : 2) + Math.sin(i));
 * const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 8, 2, 2], data });
 * const samples = featurize(ens, { kind: "snapshot" });
 * import { pairwiseRisk } from "./c2st.ts";
 * const r = await pairwiseRisk(samples, [0], [1], { seed: 1, backend: "cpu", hidden: [8] });
 * console.log(r.risk); // ~0.5 for candidates in one basin, ~0 for different basins
 * ```
 */
export async function pairwiseRisk(
  s: SampleSet,
  groupA: readonly number[],
  groupB: readonly number[],
  opts: C2stOptions,
): Promise<RiskEstimate> {
  const cls = new Int32Array(s.numCandidates).fill(-1);
  for (const c of groupA) cls[c] = 0;
  for (const c of groupB) cls[c] = 1;
  const { train, test } = splitByTrajectory(s, opts.testFraction ?? 0.3, opts.seed);
  const tr = Array.from(train).filter((i) => cls[s.candidate[i]] >= 0);
  const te = Array.from(test).filter((i) => cls[s.candidate[i]] >= 0);
  const { net } = await trainReduced(
    gatherRows(s.x, s.dim, tr),
    Int32Array.from(tr, (i) => cls[s.candidate[i]]),
    s.dim,
    2,
    opts,
  );
  try {
    const lg = await net.logits(gatherRows(s.x, s.dim, te));
    const side = te.map((i) => cls[s.candidate[i]]);
    const wrong = te.map((_, k) => (lg[2 * k + 1] > lg[2 * k]) !== (side[k] === 1));
    const [a, b] = byTrajectory(side, te.map((i) => s.trajectory[i]), wrong);
    return clusteredRisk(a, b);
  } finally {
    net.dispose();
  }
}

/** A multi-class network over candidates (or current groups) with its held-out logits. */
export interface MultiClassFit {
  readonly classifier: Classifier;
  /** Number of classes K. */
  readonly numClasses: number;
  /** Class of each candidate (identity when trained on candidates). */
  readonly classOfCandidate: Int32Array;
  /** Held-out logits [nTest, K]. */
  readonly testLogits: Float32Array;
  /** Candidate of each held-out row. */
  readonly testCandidate: Int32Array;
  /** Trajectory of each held-out row (for clustered standard errors). */
  readonly testTrajectory: Int32Array;
  /** The reduction fitted on the training rows (null: none). */
  readonly projection: Projection | null;
}

/**
 * Trains one multi-class network. `classOfCandidate` maps candidates to classes (default: one
 * class per candidate); used for the "one network per merge round" design.
 *
 * @example
 * ```ts
 * import { ensembleFromCandidateArray } from "./user_data.ts";
 * import { featurize } from "./features.ts";
 * // 2 candidates x 8 trajectories x 2 frames x 2 dims, around -2 and +2.
 * const data = new Float32Array(64).map((_, i) => (i < 32 ? -2 : 2) + Math.sin(i));
 * const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 8, 2, 2], data });
 * const samples = featurize(ens, { kind: "snapshot" });
 * import { fitMultiClass, groupRisk } from "./c2st.ts";
 * const fit = await fitMultiClass(samples, { seed: 1, backend: "cpu", hidden: [8] });
 * console.log(groupRisk(fit, [0], [1]).risk);
 * fit.classifier.dispose();
 * ```
 */
export async function fitMultiClass(
  s: SampleSet,
  opts: C2stOptions,
  classOfCandidate?: Int32Array,
): Promise<MultiClassFit> {
  const map = classOfCandidate ?? Int32Array.from({ length: s.numCandidates }, (_, i) => i);
  const k = Math.max(...map) + 1;
  const { train, test } = splitByTrajectory(s, opts.testFraction ?? 0.3, opts.seed);
  const { net: classifier, projection } = await trainReduced(
    gatherRows(s.x, s.dim, train),
    Int32Array.from(train, (i) => map[s.candidate[i]]),
    s.dim,
    k,
    opts,
  );
  const testLogits = await classifier.logits(gatherRows(s.x, s.dim, test));
  return {
    classifier,
    numClasses: k,
    classOfCandidate: map,
    testLogits,
    testCandidate: Int32Array.from(test, (i) => s.candidate[i]),
    testTrajectory: Int32Array.from(test, (i) => s.trajectory[i]),
    projection,
  };
}

/**
 * Risk between two disjoint groups of candidates from a multi-class fit: a held-out row of
 * group A is an error when group B's score log sum_{c in B} exp(l_c) beats A's (classes are
 * the fit's classes of the candidates). Balanced over the two groups.
 */
export function groupRisk(
  fit: MultiClassFit,
  groupA: readonly number[],
  groupB: readonly number[],
): RiskEstimate {
  const k = fit.numClasses;
  const side = new Int8Array(fit.classOfCandidate.length).fill(-1);
  for (const c of groupA) side[c] = 0;
  for (const c of groupB) side[c] = 1;
  const clsA = [...new Set(groupA.map((c) => fit.classOfCandidate[c]))];
  const clsB = [...new Set(groupB.map((c) => fit.classOfCandidate[c]))];
  const lse = (row: number, cls: number[]) => {
    let mx = -Infinity;
    for (const c of cls) mx = Math.max(mx, fit.testLogits[row * k + c]);
    let s = 0;
    for (const c of cls) s += Math.exp(fit.testLogits[row * k + c] - mx);
    return mx + Math.log(s);
  };
  const sides: number[] = [], trajs: number[] = [], wrong: boolean[] = [];
  for (let r = 0; r < fit.testCandidate.length; r++) {
    const sd = side[fit.testCandidate[r]];
    if (sd < 0) continue;
    const a = lse(r, clsA), b = lse(r, clsB);
    sides.push(sd);
    trajs.push(fit.testTrajectory[r]);
    wrong.push(sd === 0 ? b > a : a > b);
  }
  const [ra, rb] = byTrajectory(sides, trajs, wrong);
  return clusteredRisk(ra, rb);
}
