/**
 * The classifier method end to end: estimate candidate risks with a C2ST design, merge greedily,
 * and keep a model that assigns new samples to the basins found.
 * @module
 */
import {
  type C2stOptions,
  fitMultiClass,
  groupRisk,
  type MultiClassFit,
  pairwiseRisk,
  type SampleSet,
} from "./c2st.ts";
import {
  DEFAULT_MERGE_RULE,
  formatMergeRule,
  mergeCandidates,
  type MergeResult,
  type MergeRule,
} from "./merge.ts";
import { defaultReduction, formatReduction } from "./reduce.ts";

/** Risk designs. */
export type RiskDesign = "multiclass" | "multiclass-rounds" | "pairwise";

/** Options of {@link detectBasins}. */
export interface DetectOptions extends C2stOptions {
  /**
   * "multiclass" (default): one network over candidates, group risks from its held-out logits;
   * "multiclass-rounds": one network per merge round over the current groups;
   * "pairwise": one binary network per pair of groups.
   */
  readonly design?: RiskDesign;
  /** Merge rule (default {@link DEFAULT_MERGE_RULE}: risk > max(0.25, 0.3 - 2 se)). */
  readonly threshold?: MergeRule;
  readonly onRisk?: (done: number) => void;
}

/** Assigns new samples to the detected basins. */
export interface BasinAssigner {
  /** Basin of each row x [n, dim] (argmax of the basin scores). */
  assignRows(x: Float32Array): Promise<Int32Array>;
  /** Basin of a query state from rows of its own trajectories: highest mean probability. */
  assignState(x: Float32Array): Promise<number>;
  dispose(): void;
}

/** Result of {@link detectBasins}. */
export interface DetectResult extends MergeResult {
  readonly design: RiskDesign;
  /** The merge rule used (text form, e.g. "calibrated:0.2:2:0.25" or "0.25"). */
  readonly mergeRule: string;
  /** The reduction used (text form of a `Reduction`, e.g. "means+pca:16" or "none"). */
  readonly reduction: string;
  /** Networks trained. */
  readonly trainings: number;
  readonly seconds: number;
  /** Present for the multi-class designs; null for pairwise. */
  readonly assigner: BasinAssigner | null;
}

/**
 * Runs the classifier method on a sample set.
 *
 * @example
 * ```ts
 * import { ensembleFromCandidateArray } from "./user_data.ts";
 * import { featurize } from "./features.ts";
 * // 2 candidates x 8 trajectories x 2 frames x 2 dims, around -2 and +2.
 * const data = new Float32Array(64).map((_, i) => (i < 32 ? -2 : 2) + Math.sin(i));
 * const ens = ensembleFromCandidateArray({ dtype: "f32", shape: [2, 8, 2, 2], data });
 * const samples = featurize(ens, { kind: "snapshot" });
 * import { detectBasins } from "./detect.ts";
 * const r = await detectBasins(samples, { seed: 1, backend: "cpu", hidden: [8] });
 * console.log(r.labels); // basin of each candidate
 * r.assigner?.dispose();
 * ```
 */
export async function detectBasins(s: SampleSet, opts: DetectOptions): Promise<DetectResult> {
  const t0 = performance.now();
  const design = opts.design ?? "multiclass";
  const rule = opts.threshold ?? DEFAULT_MERGE_RULE;
  let trainings = 0;
  let fit: MultiClassFit | null = null;
  let merged: MergeResult;
  if (design === "pairwise") {
    merged = await mergeCandidates(s.numCandidates, (a, b) => {
      trainings++;
      return pairwiseRisk(s, a, b, { ...opts, seed: opts.seed + trainings });
    }, { threshold: rule, onRisk: opts.onRisk });
  } else {
    fit = await fitMultiClass(s, opts);
    trainings++;
    const rounds = design === "multiclass-rounds";
    merged = await mergeCandidates(
      s.numCandidates,
      (a, b) => Promise.resolve(groupRisk(fit!, a, b)),
      {
        threshold: rule,
        onRisk: opts.onRisk,
        afterMerge: rounds
          ? async (groups) => {
            const cls = new Int32Array(s.numCandidates);
            groups.forEach((g, i) => g.forEach((c) => (cls[c] = i)));
            fit!.classifier.dispose();
            fit = await fitMultiClass(s, { ...opts, seed: opts.seed + trainings }, cls);
            trainings++;
          }
          : undefined,
      },
    );
  }
  const assigner = fit ? makeAssigner(fit, merged.labels, merged.basins) : null;
  const reduction = formatReduction(opts.reduce ?? defaultReduction(s.dim));
  const seconds = (performance.now() - t0) / 1000;
  const mergeRule = formatMergeRule(rule);
  return { ...merged, design, mergeRule, reduction, trainings, seconds, assigner };
}

function makeAssigner(fit: MultiClassFit, labels: Int32Array, basins: number): BasinAssigner {
  const k = fit.numClasses;
  // Basin of each class of the fit (a class is a candidate or a group of one basin).
  const basinOfClass = new Int32Array(k);
  fit.classOfCandidate.forEach((c, cand) => (basinOfClass[c] = labels[cand]));
  const probs = async (x: Float32Array) => {
    const lg = await fit.classifier.logits(x);
    const n = lg.length / k;
    const p = new Float64Array(n * basins);
    for (let r = 0; r < n; r++) {
      let mx = -Infinity;
      for (let c = 0; c < k; c++) mx = Math.max(mx, lg[r * k + c]);
      let z = 0;
      for (let c = 0; c < k; c++) z += Math.exp(lg[r * k + c] - mx);
      for (let c = 0; c < k; c++) {
        p[r * basins + basinOfClass[c]] += Math.exp(lg[r * k + c] - mx) / z;
      }
    }
    return { p, n };
  };
  return {
    async assignRows(x) {
      const { p, n } = await probs(x);
      return Int32Array.from({ length: n }, (_, r) => {
        let b = 0;
        for (let j = 1; j < basins; j++) if (p[r * basins + j] > p[r * basins + b]) b = j;
        return b;
      });
    },
    async assignState(x) {
      const { p, n } = await probs(x);
      const m = new Float64Array(basins);
      for (let r = 0; r < n; r++) for (let j = 0; j < basins; j++) m[j] += p[r * basins + j];
      let b = 0;
      for (let j = 1; j < basins; j++) if (m[j] > m[b]) b = j;
      return b;
    },
    dispose: () => fit.classifier.dispose(),
  };
}
