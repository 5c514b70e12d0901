/**
 * Statistical helpers for exactness tests: empirical distributions against exact ones with
 * tolerances from Monte Carlo error.
 * @module
 */

/** Upper quantile of the chi-square distribution with k degrees of freedom (Wilson-Hilferty). */
export function chiSquareQuantile(k: number, z: number): number {
  const a = 2 / (9 * k);
  return k * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Pearson chi-square statistic of `counts` against probabilities `p`, pooling cells with expected
 * count below 5 into one, and its degrees of freedom.
 */
export function chiSquare(
  counts: ArrayLike<number>,
  p: ArrayLike<number>,
): { stat: number; dof: number } {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  let stat = 0, cells = 0, poolObs = 0, poolExp = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = n * p[i];
    if (e < 5) {
      poolObs += counts[i];
      poolExp += e;
      continue;
    }
    stat += (counts[i] - e) ** 2 / e;
    cells++;
  }
  if (poolExp > 0) {
    stat += (poolObs - poolExp) ** 2 / Math.max(poolExp, 1e-12);
    cells++;
  }
  return { stat, dof: Math.max(cells - 1, 1) };
}

/** Total-variation distance between two distributions. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - q[i]);
  return s / 2;
}
