/**
 * Metastable basin detection by marginal trajectory distribution discrimination: classifier
 * two-sample tests with a tfjs MLP (pairwise binary or one multi-class network), greedy merging
 * of candidate representatives by estimated risk, sample featurisers, and the baselines
 * (k-means, spectral clustering, TICA, reversible MLE MSM, PCCA+) with partition metrics.
 *
 * @example
 * ```ts
 * import { BENCH_SYSTEMS, detectBasins, featurize, simulateSystem } from "./mod.ts";
 * const e = await simulateSystem({
 *   setup: BENCH_SYSTEMS["quadruple-well"], candidates: 4, trajectories: 16, ambientDim: 10,
 *   noise: "ou", seed: 1,
 * });
 * const all = Int32Array.from({ length: e.trajectories }, (_, i) => i);
 * const frames = e.embed([e.numFrames - 1], all);
 * const s = featurize({ frames, numFrames: 1, trajectories: e.trajectories, dim: 10,
 *   startIndex: e.startIndex, numCandidates: 4 }, { kind: "snapshot" });
 * const r = await detectBasins(s, { seed: 1, backend: "cpu", hidden: [8] });
 * console.log(r.labels, e.labelsTrue);
 * r.assigner?.dispose();
 * ```
 * @module
 */
export * from "./metrics.ts";
export * from "./kmeans.ts";
export * from "./msm.ts";
export * from "./pcca.ts";
export * from "./tica.ts";
export * from "./spectral.ts";
export * from "./classifier.ts";
export * from "./reduce.ts";
export * from "./c2st.ts";
export * from "./merge.ts";
export * from "./detect.ts";
export * from "./features.ts";
export * from "./systems.ts";
export * from "./baselines.ts";
export * from "./evaluate.ts";
export * from "./user_data.ts";
export * from "./bench_potentials.ts";
