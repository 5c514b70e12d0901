/**
 * Greedy agglomerative merging of candidate representatives by estimated classification risk
 * (basins.md section 2.6): repeatedly merge the least distinguishable pair of groups (highest
 * risk) while that risk is above the threshold, re-estimating only the risks of the new group.
 * The history is also returned in SciPy linkage form (height = 1/2 - risk), completed past the
 * threshold by average linkage of the last risk matrix so the dashboard can draw a full tree.
 * @module
 */
import type { RiskEstimate } from "./c2st.ts";

/** Estimates the risk between two disjoint groups of candidates. */
export type RiskOracle = (a: readonly number[], b: readonly number[]) => Promise<RiskEstimate>;

/** One merge. */
export interface MergeStep {
  /** Group ids merged (candidates are 0..K-1, group K + s is formed by step s). */
  readonly a: number;
  readonly b: number;
  readonly risk: number;
  readonly se: number;
  /** Members of the new group. */
  readonly members: readonly number[];
  /** Whether the step is part of the partition (risk above threshold) or only completes the tree. */
  readonly accepted: boolean;
}

/**
 * A calibrated merge test: merge a pair when its risk exceeds
 * max(floor, 1/2 - delta - z se), i.e. when it is not significantly (z standard errors) below
 * the same-basin level 1/2 - delta, and never below the fixed floor. With small standard errors
 * this splits pairs whose risk sits well below 1/2 but above 0.25 (a Bayes risk of 0.27 is two
 * distinct basins, not one); with large ones it falls back to the floor.
 */
export interface CalibratedRule {
  readonly kind: "calibrated";
  /** Allowed shortfall of a same-basin risk below 1/2 (incomplete mixing, classifier bias). */
  readonly delta: number;
  /** Standard errors (one-sided). */
  readonly z: number;
  /** Lowest threshold (the fixed rule's 0.25). */
  readonly floor: number;
}

/** A merge rule: a fixed threshold or a {@link CalibratedRule}. */
export type MergeRule = number | CalibratedRule;

/**
 * The default calibrated rule: merge when risk > max(0.25, 0.3 - 2 se). Measured at D = 1000:
 * Müller–Brown's two distinct close basins at 0.266 (se ~0.01), the folding model's slowly mixing
 * unfolded shell (one basin) at 0.31; delta 0.15 split the shell.
 */
export const DEFAULT_MERGE_RULE: CalibratedRule = Object.freeze({
  kind: "calibrated",
  delta: 0.2,
  z: 2,
  floor: 0.25,
});

/**
 * The risk above which a pair with this estimate merges.
 *
 * @example
 * ```ts
 * mergeLevel(0.25, { risk: 0.3, se: 0.01, nTest: 1000 }); // 0.25
 * mergeLevel(DEFAULT_MERGE_RULE, { risk: 0.3, se: 0.01, nTest: 1000 }); // 0.28
 * ```
 */
export function mergeLevel(rule: MergeRule, r: RiskEstimate): number {
  if (typeof rule === "number") return rule;
  const se = Number.isFinite(r.se) ? r.se : Infinity;
  return Math.max(rule.floor, 0.5 - rule.delta - rule.z * se);
}

/**
 * Text form of a merge rule: the number, or "calibrated:DELTA:Z:FLOOR".
 *
 * @example
 * ```ts
 * formatMergeRule(DEFAULT_MERGE_RULE); // "calibrated:0.2:2:0.25"
 * ```
 */
export function formatMergeRule(rule: MergeRule): string {
  return typeof rule === "number"
    ? String(rule)
    : `calibrated:${rule.delta}:${rule.z}:${rule.floor}`;
}

/**
 * Parses a merge rule: a number in [0, 0.5], "calibrated" (the default rule) or
 * "calibrated:DELTA:Z[:FLOOR]".
 *
 * @example
 * ```ts
 * parseMergeRule("0.25"); // 0.25
 * parseMergeRule("calibrated:0.1:3"); // { kind: "calibrated", delta: 0.1, z: 3, floor: 0.25 }
 * ```
 */
export function parseMergeRule(text: string): MergeRule {
  if (text === "calibrated") return DEFAULT_MERGE_RULE;
  const m = /^calibrated:([^:]+):([^:]+)(?::([^:]+))?$/.exec(text);
  if (m) {
    const [delta, z, floor] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0.25)];
    if (delta >= 0 && delta <= 0.5 && z >= 0 && Number.isFinite(z) && floor >= 0 && floor <= 0.5) {
      return { kind: "calibrated", delta, z, floor };
    }
  } else if (/^[0-9.eE+-]+$/.test(text)) {
    const v = Number(text);
    if (v >= 0 && v <= 0.5) return v;
  }
  throw new Error(
    `threshold '${text}': expected a risk in [0, 0.5], 'calibrated' or calibrated:DELTA:Z[:FLOOR]`,
  );
}

/** Options of {@link mergeCandidates}. */
export interface MergeOptions {
  /**
   * Merge while the highest group risk passes this rule: a fixed threshold (risk > it) or a
   * {@link CalibratedRule} (default 0.25, fixed).
   */
  readonly threshold?: MergeRule;
  /** Called after each oracle call (progress). */
  readonly onRisk?: (done: number) => void;
  /**
   * Called after each accepted merge with the current groups (e.g. to retrain a multi-class
   * network); all group risks are then re-estimated, not only those of the new group.
   */
  readonly afterMerge?: (groups: readonly (readonly number[])[]) => Promise<void>;
}

/** Result of {@link mergeCandidates}. */
export interface MergeResult {
  /** Basin label of each candidate, 0..basins-1 in order of first appearance. */
  readonly labels: Int32Array;
  readonly basins: number;
  /** Initial pairwise candidate risks [K, K] (diagonal 0.5). */
  readonly risk: Float64Array;
  /** Standard errors of `risk`. */
  readonly riskSe: Float64Array;
  /** All K - 1 steps; accepted ones first. */
  readonly history: readonly MergeStep[];
  /** SciPy linkage rows [K - 1, 4]: a, b, height = 1/2 - risk, size. */
  readonly linkage: Float64Array;
  /** Oracle calls made. */
  readonly riskEvaluations: number;
}

/**
 * Merges K candidates using a risk oracle.
 *
 * @example
 * ```ts
 * const same = [0, 0, 1];
 * const r = await mergeCandidates(3, async (a, b) => ({
 *   risk: same[a[0]] === same[b[0]] ? 0.5 : 0, se: 0, nTest: 1,
 * }));
 * r.labels; // [0, 0, 1]
 * ```
 */
export async function mergeCandidates(
  k: number,
  oracle: RiskOracle,
  opts: MergeOptions = {},
): Promise<MergeResult> {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`mergeCandidates: need K >= 1, got ${k}`);
  const threshold = opts.threshold ?? 0.25;
  let calls = 0;
  const ask = async (a: readonly number[], b: readonly number[]) => {
    const r = await oracle(a, b);
    calls++;
    opts.onRisk?.(calls);
    return r;
  };
  const risk = new Float64Array(k * k).fill(0.5);
  const riskSe = new Float64Array(k * k);
  // Active groups: id -> members; pairwise group risks keyed "i,j" with i < j.
  const groups = new Map<number, number[]>();
  for (let i = 0; i < k; i++) groups.set(i, [i]);
  const gr = new Map<string, RiskEstimate>();
  const key = (i: number, j: number) => (i < j ? `${i},${j}` : `${j},${i}`);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const r = await ask([i], [j]);
      gr.set(key(i, j), r);
      risk[i * k + j] = risk[j * k + i] = r.risk;
      riskSe[i * k + j] = riskSe[j * k + i] = r.se;
    }
  }
  const history: MergeStep[] = [];
  let next = k;
  while (groups.size > 1) {
    let best: [number, number] | null = null;
    let bestR: RiskEstimate | null = null;
    for (const i of groups.keys()) {
      for (const j of groups.keys()) {
        if (j <= i) continue;
        const r = gr.get(key(i, j))!;
        if (!bestR || r.risk > bestR.risk) [best, bestR] = [[i, j], r];
      }
    }
    if (bestR!.risk <= mergeLevel(threshold, bestR!)) break;
    const [a, b] = best!;
    const members = [...groups.get(a)!, ...groups.get(b)!].sort((x, y) => x - y);
    groups.delete(a);
    groups.delete(b);
    history.push({ a, b, risk: bestR!.risk, se: bestR!.se, members, accepted: true });
    groups.set(next++, members);
    if (opts.afterMerge && groups.size > 1) {
      await opts.afterMerge([...groups.values()]);
      const ids = [...groups.keys()];
      for (let x = 0; x < ids.length; x++) {
        for (let y = x + 1; y < ids.length; y++) {
          gr.set(key(ids[x], ids[y]), await ask(groups.get(ids[x])!, groups.get(ids[y])!));
        }
      }
    } else {
      for (const [g, gm] of groups) {
        if (g !== next - 1) gr.set(key(g, next - 1), await ask(members, gm));
      }
    }
  }
  const labels = new Int32Array(k);
  const order = [...groups.values()].sort((x, y) => x[0] - y[0]);
  order.forEach((m, g) => m.forEach((c) => (labels[c] = g)));
  const basins = order.length;
  // Complete the tree by size-weighted average linkage of the current group risks (no new estimates).
  while (groups.size > 1) {
    let best: [number, number] = [0, 0];
    let bestR = -Infinity;
    for (const i of groups.keys()) {
      for (const j of groups.keys()) {
        if (j > i && gr.get(key(i, j))!.risk > bestR) {
          [best, bestR] = [[i, j], gr.get(key(i, j))!.risk];
        }
      }
    }
    const [a, b] = best;
    const ga = groups.get(a)!, gb = groups.get(b)!;
    const members = [...ga, ...gb].sort((x, y) => x - y);
    groups.delete(a);
    groups.delete(b);
    history.push({ a, b, risk: bestR, se: NaN, members, accepted: false });
    for (const [g, gm] of groups) {
      const ra = gr.get(key(g, a))!.risk, rb = gr.get(key(g, b))!.risk;
      const r = (ra * ga.length + rb * gb.length) / (ga.length + gb.length);
      gr.set(key(g, next), { risk: r, se: NaN, nTest: 0 });
      void gm;
    }
    groups.set(next++, members);
  }
  // SciPy linkage: heights must not decrease; use the running maximum of 1/2 - risk.
  const linkage = new Float64Array(history.length * 4);
  let h = 0;
  history.forEach((s, i) => {
    h = Math.max(h, 0.5 - s.risk);
    linkage.set([Math.min(s.a, s.b), Math.max(s.a, s.b), h, s.members.length], i * 4);
  });
  return { labels, basins, risk, riskSe, history, linkage, riskEvaluations: calls };
}
