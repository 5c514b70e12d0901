/**
 * Small numeric helpers for the diagnostics: moments, type-7 quantiles, average ranks and the
 * standard normal quantile function.
 * @module
 */

/** Arithmetic mean (NaN for an empty array). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/**
 * Variance with `ddof` degrees of freedom removed (two-pass, so large offsets do not cancel).
 *
 * @example
 * ```ts
 * variance([1, 2, 3, 4], 1); // 1.6666...
 * ```
 */
export function variance(x: ArrayLike<number>, ddof = 0): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    s += d * d;
  }
  return s / (x.length - ddof);
}

/** Sorted copy as a Float64Array (numeric order; radix-sorted when large, ~1.6x native). */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(x as ArrayLike<number>);
  if (s.length < 4096) return s.sort();
  const order = argsortFloat64(s);
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[order[i]];
  return out;
}

/**
 * Quantile of already sorted data with linear interpolation between order statistics
 * (Hyndman-Fan type 7, NumPy's default): h = (n - 1) p.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error("quantileSorted: empty data, expected at least one value");
  if (!(p >= 0 && p <= 1)) throw new Error(`quantileSorted: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Quantile with NumPy's default (linear, type 7) rule.
 *
 * @example
 * ```ts
 * quantile([3, 1, 2, 4], 0.5); // 2.5
 * ```
 */
export function quantile(x: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(x), p);
}

/** First index i with sorted[i] >= v (sorted[i] > v when `strict`). */
function searchSorted(sorted: Float64Array, v: number, strict: boolean): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? sorted[mid] <= v : sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * 1-based ranks of x among the values of `sorted` (a sorted copy of the pooled data), ties
 * getting their average rank (SciPy's rankdata "average").
 */
export function averageRanks(x: ArrayLike<number>, sorted: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const lo = searchSorted(sorted, x[i], false);
    const hi = searchSorted(sorted, x[i], true);
    out[i] = 0.5 * (lo + 1 + hi);
  }
  return out;
}

/**
 * Stable argsort of a Float64Array in O(n): LSD radix sort (four 16-bit digits) on the IEEE-754
 * bits mapped to an order-preserving unsigned key. Values must not be NaN.
 *
 * @example
 * ```ts
 * argsortFloat64(new Float64Array([0.5, -2, 3])); // Uint32Array [1, 0, 2]
 * ```
 */
export function argsortFloat64(x: Float64Array): Uint32Array {
  const n = x.length;
  const words = new Uint32Array(Float64Array.from(x).buffer); // little-endian: [lo, hi] pairs
  let lo = new Uint32Array(n), hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const l = words[2 * i], h = words[2 * i + 1];
    // Negative: flip all bits; positive: flip the sign bit. Unsigned order = numeric order.
    if (h & 0x80000000) {
      lo[i] = ~l >>> 0;
      hi[i] = ~h >>> 0;
    } else {
      lo[i] = l;
      hi[i] = (h | 0x80000000) >>> 0;
    }
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let lo2 = new Uint32Array(n), hi2 = new Uint32Array(n), idx2 = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i] >>> shift) & 0xffff]++;
    if (count[(src[0] >>> shift) & 0xffff] === n) continue; // one bucket: order unchanged
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = count[(src[i] >>> shift) & 0xffff]++;
      lo2[j] = lo[i];
      hi2[j] = hi[i];
      idx2[j] = idx[i];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

/**
 * 1-based average ranks of all values of x (ties share their mean rank, SciPy's rankdata
 * "average"), in O(n) after an O(n) radix argsort.
 *
 * @example
 * ```ts
 * rankAverage(new Float64Array([10, 20, 20, 5])); // [2, 3.5, 3.5, 1]
 * ```
 */
export function rankAverage(x: Float64Array): Float64Array {
  const n = x.length;
  const order = argsortFloat64(x);
  const out = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i + 1;
    const v = x[order[i]];
    while (j < n && x[order[j]] === v) j++;
    const r = 0.5 * (i + 1 + j); // mean of ranks i+1..j
    for (let k = i; k < j; k++) out[order[k]] = r;
    i = j;
  }
  return out;
}

// Wichura (1988), Algorithm AS 241 (PPND16): standard normal quantile, relative error ~1e-16.
const A = [
  3.387132872796366608,
  133.14166789178437745,
  1971.5909503065514427,
  13731.693765509461125,
  45921.953931549871457,
  67265.770927008700853,
  33430.575583588128105,
  2509.0809287301226727,
];
const B = [
  1,
  42.313330701600911252,
  687.1870074920579083,
  5394.1960214247511077,
  21213.794301586595867,
  39307.89580009271061,
  28729.085735721942674,
  5226.495278852545925,
];
const C = [
  1.42343711074968357734,
  4.6303378461565452959,
  5.7694972214606914055,
  3.64784832476320460504,
  1.27045825245236838258,
  0.24178072517745061177,
  0.0227238449892691845833,
  7.7454501427834140764e-4,
];
const D = [
  1,
  2.05319162663775882187,
  1.6763848301838038494,
  0.68976733498510000455,
  0.14810397642748007459,
  0.0151986665636164571966,
  5.475938084995344946e-4,
  1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772,
  5.4637849111641143699,
  1.7848265399172913358,
  0.29656057182850489123,
  0.026532189526576123093,
  0.0012426609473880784386,
  2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const F = [
  1,
  0.59983220655588793769,
  0.13692988092273580531,
  0.0148753612908506148525,
  7.868691311456132591e-4,
  1.8463183175100546818e-5,
  1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

function poly(c: readonly number[], r: number): number {
  let s = c[7];
  for (let i = 6; i >= 0; i--) s = s * r + c[i];
  return s;
}

/**
 * Standard normal quantile function Phi^{-1}(p) (Wichura's AS 241). Returns -Infinity at 0 and
 * Infinity at 1; throws outside [0, 1].
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`normalQuantile: p must be in [0, 1], got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}
