/**
 * Partition comparison metrics (basins.md section 5): adjusted Rand index (Hubert & Arabie
 * 1985), normalised mutual information (arithmetic-mean normalisation, as scikit-learn >= 0.22),
 * pairwise same-basin precision/recall, and relabelling helpers.
 * @module
 */

/** Relabels to 0..k-1 in order of first appearance; returns the labels and k. */
export function canonicalLabels(labels: ArrayLike<number>): { labels: Int32Array; count: number } {
  const map = new Map<number, number>();
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let v = map.get(labels[i]);
    if (v === undefined) {
      v = map.size;
      map.set(labels[i], v);
    }
    out[i] = v;
  }
  return { labels: out, count: map.size };
}

/** The contingency table n_ij of two labellings, with row and column sums. */
export function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) {
    throw new Error(
      `contingency: labellings have ${a.length} and ${b.length} entries, expected equal lengths`,
    );
  }
  const ca = canonicalLabels(a), cb = canonicalLabels(b);
  const table = new Float64Array(ca.count * cb.count);
  for (let i = 0; i < a.length; i++) table[ca.labels[i] * cb.count + cb.labels[i]]++;
  const rows = new Float64Array(ca.count), cols = new Float64Array(cb.count);
  for (let i = 0; i < ca.count; i++) {
    for (let j = 0; j < cb.count; j++) {
      rows[i] += table[i * cb.count + j];
      cols[j] += table[i * cb.count + j];
    }
  }
  return { table, rows, cols, nRows: ca.count, nCols: cb.count, n: a.length };
}

const comb2 = (x: number) => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index. 1 for identical partitions (also when both are trivial, as sklearn),
 * about 0 for independent ones.
 *
 * @example
 * ```ts
 * adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]); // 0.5714...
 * ```
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rows, cols, n } = contingency(a, b);
  let sumIj = 0, sumA = 0, sumB = 0;
  for (const v of table) sumIj += comb2(v);
  for (const v of rows) sumA += comb2(v);
  for (const v of cols) sumB += comb2(v);
  const expected = n < 2 ? 0 : (sumA * sumB) / comb2(n);
  const maxIndex = 0.5 * (sumA + sumB);
  const den = maxIndex - expected;
  if (den === 0) return 1;
  return (sumIj - expected) / den;
}

/**
 * Normalised mutual information MI / ((H(a) + H(b)) / 2); 1 when both partitions are trivial.
 *
 * @example
 * ```ts
 * normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 1]); // 1
 * ```
 */
export function normalizedMutualInfo(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rows, cols, nRows, nCols, n } = contingency(a, b);
  const ent = (v: Float64Array) => {
    let h = 0;
    for (const x of v) if (x > 0) h -= (x / n) * Math.log(x / n);
    return h;
  };
  const ha = ent(rows), hb = ent(cols);
  let mi = 0;
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nCols; j++) {
      const v = table[i * nCols + j];
      if (v > 0) mi += (v / n) * Math.log((n * v) / (rows[i] * cols[j]));
    }
  }
  const den = 0.5 * (ha + hb);
  if (den <= 1e-15) return 1;
  return Math.max(0, Math.min(1, mi / den));
}

/** Pairwise same-basin precision and recall over all pairs of items. */
export interface PairScores {
  /** Of the pairs predicted together, the fraction truly together (1 when none predicted). */
  readonly precision: number;
  /** Of the pairs truly together, the fraction predicted together (1 when none are). */
  readonly recall: number;
}

/**
 * Pairwise merge precision/recall: false merges lower precision, false splits lower recall.
 *
 * @example
 * ```ts
 * pairPrecisionRecall([0, 0, 0], [0, 0, 1]); // precision 1/3, recall 1
 * ```
 */
export function pairPrecisionRecall(pred: ArrayLike<number>, truth: ArrayLike<number>): PairScores {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < pred.length; i++) {
    for (let j = i + 1; j < pred.length; j++) {
      const p = pred[i] === pred[j], t = truth[i] === truth[j];
      if (p && t) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
  }
  return {
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
  };
}

/** Number of distinct labels. */
export function countLabels(labels: ArrayLike<number>): number {
  return new Set(Array.from(labels)).size;
}

/** Index of the most frequent value in counts (first on ties). */
export function argMax(v: ArrayLike<number>): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
  return b;
}

/**
 * Majority label per group: labels[i] belongs to group groups[i]; returns one label per group
 * (0..numGroups-1), -1 for empty groups.
 *
 * @example
 * ```ts
 * majorityByGroup([0, 0, 1, 1, 1], [2, 2, 3, 5, 5], 2); // [2, 5]
 * ```
 */
export function majorityByGroup(
  groups: ArrayLike<number>,
  labels: ArrayLike<number>,
  numGroups: number,
): Int32Array {
  const counts = Array.from({ length: numGroups }, () => new Map<number, number>());
  for (let i = 0; i < groups.length; i++) {
    const m = counts[groups[i]];
    m.set(labels[i], (m.get(labels[i]) ?? 0) + 1);
  }
  return Int32Array.from(counts, (m) => {
    let best = -1, bc = -1;
    for (const [k, c] of m) if (c > bc || (c === bc && k < best)) [best, bc] = [k, c];
    return best;
  });
}

/** Scores of a predicted candidate partition against the truth. */
export interface PartitionScores {
  readonly ari: number;
  readonly nmi: number;
  readonly estimatedCount: number;
  readonly trueCount: number;
  readonly precision: number;
  readonly recall: number;
}

/**
 * All partition scores at once.
 *
 * @example
 * ```ts
 * scorePartition([0, 0, 1], [0, 0, 1]).ari; // 1
 * ```
 */
export function scorePartition(pred: ArrayLike<number>, truth: ArrayLike<number>): PartitionScores {
  const pr = pairPrecisionRecall(pred, truth);
  return {
    ari: adjustedRandIndex(pred, truth),
    nmi: normalizedMutualInfo(pred, truth),
    estimatedCount: countLabels(pred),
    trueCount: countLabels(truth),
    precision: pr.precision,
    recall: pr.recall,
  };
}
