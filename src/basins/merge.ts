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

/** Options of {@link mergeCandidates}. */
export interface MergeOptions {
  /** Merge while the highest group risk exceeds this (default 0.25). */
  readonly threshold?: number;
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
    if (bestR!.risk <= threshold) break;
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
