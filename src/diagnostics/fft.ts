/**
 * FFT-based autocovariance. An iterative radix-2 complex FFT on Float64Arrays, with the series
 * zero-padded to a power of two >= 2n so the circular correlation equals the linear one.
 * Two real series share one complex transform (x + i y), which halves the work for many chains.
 * @module
 */

/** Twiddle tables per FFT size: cos/sin of 2*pi*k/m for k < m/2. */
const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function twiddles(m: number): { cos: Float64Array; sin: Float64Array } {
  let t = twiddleCache.get(m);
  if (t === undefined) {
    const half = m >>> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const a = (2 * Math.PI * k) / m;
      cos[k] = Math.cos(a);
      sin[k] = Math.sin(a);
    }
    t = { cos, sin };
    twiddleCache.set(m, t);
  }
  return t;
}

/** Smallest power of two >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new Error(`nextPowerOfTwo: n must be a positive integer, got ${n}`);
  }
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

/**
 * In-place complex FFT (forward: sum x_t e^{-2 pi i k t / m}; inverse: unnormalised, the
 * caller divides by m). `re.length` must be a power of two.
 *
 * @example
 * ```ts
 * const re = new Float64Array([1, 0, 0, 0]), im = new Float64Array(4);
 * fftInPlace(re, im); // re = [1, 1, 1, 1]
 * ```
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const m = re.length;
  if (im.length !== m) {
    throw new Error(`fftInPlace: re and im lengths differ (${m} vs ${im.length})`);
  }
  if (m === 0 || (m & (m - 1)) !== 0) {
    throw new Error(`fftInPlace: length must be a power of two, got ${m}`);
  }
  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < m; i++) {
    let bit = m >>> 1;
    for (; j & bit; bit >>>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const { cos, sin } = twiddles(m);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= m; len *= 2) {
    const half = len >>> 1;
    const step = m / len;
    for (let start = 0; start < m; start += len) {
      for (let k = 0, tw = 0; k < half; k++, tw += step) {
        const wr = cos[tw];
        const wi = sign * sin[tw];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

function meanOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/**
 * Writes (x - xbar) / sqrt(S_0) into out and returns S_0 = sum (x - xbar)^2 (direct sum). A
 * constant series (max == min) gives exactly zero, whatever the rounding of its mean.
 */
function centerScaled(x: ArrayLike<number>, out: Float64Array): number {
  const n = x.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  if (!(hi > lo)) return 0;
  const mu = meanOf(x);
  let s0 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mu;
    out[i] = d;
    s0 += d * d;
  }
  const inv = 1 / Math.sqrt(s0);
  for (let i = 0; i < n; i++) out[i] *= inv;
  return s0;
}

/**
 * Raw lagged sums S_k = sum_{t=0}^{n-1-k} (x_t - xbar)(x_{t+k} - xbar), k = 0..maxLag, for one
 * or two equally long real series at once (y optional). Callers pick the normalisation.
 */
export function laggedSums(
  x: ArrayLike<number>,
  y?: ArrayLike<number>,
  maxLag = x.length - 1,
): [Float64Array, Float64Array | undefined] {
  const n = x.length;
  if (n === 0) throw new Error("laggedSums: empty series, expected at least one value");
  if (y !== undefined && y.length !== n) {
    throw new Error(`laggedSums: series lengths differ (${n} vs ${y.length})`);
  }
  const lags = Math.min(Math.max(0, Math.floor(maxLag)), n - 1) + 1;
  const m = nextPowerOfTwo(2 * n);
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  // Each series is centred and scaled to unit energy before packing, so that rounding leakage
  // between the two halves of the packed transform is relative to each series' own variance.
  const sx0 = centerScaled(x, re);
  const sy0 = y === undefined ? 0 : centerScaled(y, im);
  fftInPlace(re, im);
  // With Z = FFT(x + i y): X_k = (Z_k + conj Z_{m-k}) / 2, Y_k = (Z_k - conj Z_{m-k}) / (2i).
  // |X|^2 and |Y|^2 are real and even, so IFFT(|X|^2 + i |Y|^2) = acf_x + i acf_y.
  const pr = new Float64Array(m);
  const pi = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const j = (m - k) & (m - 1);
    const ar = re[k], ai = im[k], br = re[j], bi = -im[j];
    const xr = 0.5 * (ar + br), xi = 0.5 * (ai + bi);
    pr[k] = xr * xr + xi * xi;
    if (y !== undefined) {
      const yr = 0.5 * (ai - bi), yi = -0.5 * (ar - br);
      pi[k] = yr * yr + yi * yi;
    }
  }
  fftInPlace(pr, pi, true);
  const sx = new Float64Array(lags);
  if (sx0 > 0) { for (let k = 0; k < lags; k++) sx[k] = (pr[k] / m) * sx0; }
  sx[0] = sx0;
  let sy: Float64Array | undefined;
  if (y !== undefined) {
    sy = new Float64Array(lags);
    if (sy0 > 0) { for (let k = 0; k < lags; k++) sy[k] = (pi[k] / m) * sy0; }
    sy[0] = sy0;
  }
  return [sx, sy];
}

/** Normalisation of the autocovariance at lag k: "biased" divides by n, "unbiased" by n - k. */
export type AutocovNormalization = "biased" | "unbiased";

/** Options for {@link autocovariance}. */
export interface AutocovarianceOptions {
  /** Largest lag returned (default n - 1). */
  maxLag?: number;
  /** "biased" (divide by n, default; positive semi-definite) or "unbiased" (divide by n - k). */
  normalization?: AutocovNormalization;
}

/**
 * Autocovariance of a real series about its sample mean, by FFT in O(n log n).
 *
 * @example
 * ```ts
 * const c = autocovariance(new Float64Array([1, 2, 3, 4]));
 * // c[0] = 1.25 (variance, ddof 0), c[1] = 0.3125, c[2] = -0.375, c[3] = -0.5625
 * ```
 */
export function autocovariance(
  x: ArrayLike<number>,
  opts: AutocovarianceOptions = {},
): Float64Array {
  const [s] = laggedSums(x, undefined, opts.maxLag ?? x.length - 1);
  normalizeSums(s, x.length, opts.normalization ?? "biased");
  return s;
}

/** Divides lagged sums in place by n ("biased") or n - k ("unbiased"). */
export function normalizeSums(s: Float64Array, n: number, how: AutocovNormalization): void {
  for (let k = 0; k < s.length; k++) s[k] /= how === "biased" ? n : n - k;
}

/**
 * Autocorrelation rho_k = c_k / c_0 from the biased autocovariance (the usual estimator, as in
 * ArviZ). A constant series has no defined autocorrelation; by convention it returns rho_0 = 1
 * and zeros elsewhere rather than NaN.
 *
 * @example
 * ```ts
 * const rho = autocorrelation(new Float64Array([1, -1, 1, -1]), 1); // [1, -0.75]
 * ```
 */
export function autocorrelation(x: ArrayLike<number>, maxLag = x.length - 1): Float64Array {
  const [s] = laggedSums(x, undefined, maxLag);
  const c0 = s[0];
  if (!(c0 > 0)) {
    s.fill(0);
    s[0] = 1;
    return s;
  }
  for (let k = 0; k < s.length; k++) s[k] /= c0;
  return s;
}
