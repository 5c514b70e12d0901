/**
 * k-means with k-means++ seeding (Arthur & Vassilvitskii 2007) and Lloyd iterations, seeded.
 * @module
 */
import { SplitMix32 } from "../random/splitmix.ts";

/** Options of {@link kMeans}. */
export interface KMeansOptions {
  readonly k: number;
  readonly seed: number;
  /** Lloyd iterations at most (default 100). */
  readonly maxIter?: number;
  /** Independent restarts; the lowest inertia wins (default 1). */
  readonly restarts?: number;
}

/** A fitted k-means model. */
export interface KMeansModel {
  /** Centres [k, d]. */
  readonly centers: Float64Array;
  readonly k: number;
  readonly dim: number;
  /** Cluster of each training row. */
  readonly labels: Int32Array;
  /** Sum of squared distances to the assigned centres. */
  readonly inertia: number;
  /** Nearest centre of each row of x [n, dim]. */
  assign(x: ArrayLike<number>): Int32Array;
}

function nearest(
  x: ArrayLike<number>,
  o: number,
  c: Float64Array,
  k: number,
  d: number,
): [number, number] {
  let best = 0, bd = Infinity;
  for (let j = 0; j < k; j++) {
    let s = 0;
    const oc = j * d;
    for (let i = 0; i < d; i++) {
      const t = x[o + i] - c[oc + i];
      s += t * t;
    }
    if (s < bd) {
      bd = s;
      best = j;
    }
  }
  return [best, bd];
}

function assignAll(x: ArrayLike<number>, c: Float64Array, k: number, d: number): Int32Array {
  const n = x.length / d;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) out[r] = nearest(x, r * d, c, k, d)[0];
  return out;
}

function fitOnce(
  x: ArrayLike<number>,
  n: number,
  d: number,
  k: number,
  rng: SplitMix32,
  maxIter: number,
) {
  const c = new Float64Array(k * d);
  const d2 = new Float64Array(n).fill(Infinity);
  let first = Math.floor(rng.uniform() * n);
  for (let j = 0; j < k; j++) {
    if (j > 0) {
      let tot = 0;
      for (let r = 0; r < n; r++) tot += d2[r];
      let u = rng.uniform() * tot;
      first = n - 1;
      if (tot > 0) {
        for (let r = 0; r < n; r++) {
          u -= d2[r];
          if (u < 0) {
            first = r;
            break;
          }
        }
      } else first = Math.floor(rng.uniform() * n);
    }
    for (let i = 0; i < d; i++) c[j * d + i] = x[first * d + i];
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let i = 0; i < d; i++) {
        const t = x[r * d + i] - c[j * d + i];
        s += t * t;
      }
      if (s < d2[r]) d2[r] = s;
    }
  }
  let labels = new Int32Array(n).fill(-1);
  let inertia = 0;
  for (let it = 0; it < maxIter; it++) {
    let changed = 0;
    inertia = 0;
    const next = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const [b, bd] = nearest(x, r * d, c, k, d);
      next[r] = b;
      inertia += bd;
      if (b !== labels[r]) changed++;
    }
    labels = next;
    if (changed === 0) break;
    const cnt = new Float64Array(k);
    c.fill(0);
    for (let r = 0; r < n; r++) {
      cnt[labels[r]]++;
      const o = labels[r] * d;
      for (let i = 0; i < d; i++) c[o + i] += x[r * d + i];
    }
    for (let j = 0; j < k; j++) {
      if (cnt[j] === 0) {
        // Empty cluster: restart it at the row farthest from its centre.
        let far = 0, fd = -1;
        for (let r = 0; r < n; r++) {
          const dd = nearest(x, r * d, c, k, d)[1];
          if (dd > fd) [far, fd] = [r, dd];
        }
        for (let i = 0; i < d; i++) c[j * d + i] = x[far * d + i];
      } else for (let i = 0; i < d; i++) c[j * d + i] /= cnt[j];
    }
  }
  return { c, labels, inertia };
}

/**
 * Fits k-means to the rows of x [n, dim].
 *
 * @example
 * ```ts
 * const m = kMeans(Float64Array.of(0, 0.1, 5, 5.1), 1, { k: 2, seed: 1 });
 * m.labels; // [a, a, b, b]
 * ```
 */
export function kMeans(x: ArrayLike<number>, dim: number, opts: KMeansOptions): KMeansModel {
  const n = x.length / dim;
  const k = opts.k;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`kMeans: data has ${x.length} values, expected a positive multiple of ${dim}`);
  }
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) {
    throw new Error(`kMeans: k must be an integer in [1, ${n}], got ${k}`);
  }
  const rng = new SplitMix32(opts.seed);
  let best: ReturnType<typeof fitOnce> | null = null;
  for (let r = 0; r < (opts.restarts ?? 1); r++) {
    const f = fitOnce(x, n, dim, k, rng, opts.maxIter ?? 100);
    if (!best || f.inertia < best.inertia) best = f;
  }
  const { c, labels, inertia } = best!;
  return {
    centers: c,
    k,
    dim,
    labels,
    inertia,
    assign: (y) => assignAll(y, c, k, dim),
  };
}
