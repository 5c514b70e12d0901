/**
 * Min/max decimation of long traces for charts: each bucket of rows keeps its minimum and its
 * maximum (in the order they occur), so spikes and the envelope survive while a 10^7-row trace
 * shrinks to a few thousand points.
 * @module
 */

/** A decimated set of series sharing one x axis (row indices into the source array). */
export type Decimated = {
  /** Source row index of each output point (increasing). */
  index: Float64Array;
  /** One output array per column, `null` where the source value was not finite. */
  columns: (number | null)[][];
  /** Whether the rows were reduced (false: every row in the range is present). */
  decimated: boolean;
};

/**
 * Decimates rows `[start, end)` of a row-major `[rows, cols]` array to at most `maxPoints`
 * points per column. Each bucket contributes two x positions (its first and last row) that
 * carry, per column, the bucket's min and max in order of occurrence; so the min and max of
 * every bucket, and hence of the whole range, are exact. Non-finite values are skipped
 * (an all-NaN bucket yields nulls).
 *
 * @example
 * ```ts
 * const d = decimateMinMax(new Float64Array([0, 5, 1, 2, -3, 0]), 6, 1, 4);
 * // d.index = [0, 2, 3, 5]; d.columns[0] = [0, 5, 2, -3]
 * ```
 */
export function decimateMinMax(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  maxPoints: number,
  start = 0,
  end = rows,
): Decimated {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new Error(`maxPoints is ${maxPoints}: expected an integer >= 2`);
  }
  if (!(0 <= start && start <= end && end <= rows)) {
    throw new Error(`row range [${start}, ${end}) is outside [0, ${rows}]`);
  }
  if (data.length < rows * cols) {
    throw new Error(`data has ${data.length} values: expected ${rows} x ${cols}`);
  }
  const n = end - start;
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  if (n <= maxPoints) {
    const index = Float64Array.from({ length: n }, (_, i) => start + i);
    const columns = Array.from(
      { length: cols },
      (_, c) => Array.from({ length: n }, (_, i) => finite(data[(start + i) * cols + c])),
    );
    return { index, columns, decimated: false };
  }
  const buckets = Math.floor(maxPoints / 2);
  const index = new Float64Array(2 * buckets);
  const columns: (number | null)[][] = Array.from({ length: cols }, () => new Array(2 * buckets));
  for (let b = 0; b < buckets; b++) {
    const b0 = start + Math.floor((b * n) / buckets);
    const b1 = start + Math.floor(((b + 1) * n) / buckets);
    index[2 * b] = b0;
    index[2 * b + 1] = b1 - 1;
    for (let c = 0; c < cols; c++) {
      let lo = Infinity, hi = -Infinity, loAt = -1, hiAt = -1;
      for (let r = b0; r < b1; r++) {
        const v = data[r * cols + c];
        if (v < lo) (lo = v), (loAt = r);
        if (v > hi) (hi = v), (hiAt = r);
      }
      const col = columns[c];
      if (loAt < 0) {
        col[2 * b] = col[2 * b + 1] = null;
      } else if (loAt <= hiAt) {
        col[2 * b] = lo;
        col[2 * b + 1] = hi;
      } else {
        col[2 * b] = hi;
        col[2 * b + 1] = lo;
      }
    }
  }
  return { index, columns, decimated: true };
}
