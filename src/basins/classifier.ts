/**
 * A seeded multi-class MLP classifier on tfjs (wasm or cpu backend on CPU machines, webgpu on
 * real GPUs): inputs standardised with training-set statistics, He-initialised ReLU layers
 * drawn from our own RNG, Adam, mini-batches shuffled by our RNG, class-balanced cross-entropy,
 * and early stopping on a validation split (best weights restored). Given the seed, the cpu and
 * wasm backends reproduce a run exactly.
 * @module
 */
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { loadTf, type TfBackend } from "../nn/tf.ts";
export { loadTf, type TfBackend };
import { SplitMix32 } from "../random/splitmix.ts";

/** Options of {@link trainClassifier}. */
export interface ClassifierOptions {
  /** Hidden layer widths (default [64, 64]). */
  readonly hidden?: readonly number[];
  /** Adam learning rate (default 1e-3). */
  readonly learningRate?: number;
  /**
   * Mini-batch size (default {@link defaultBatchSize}: 128; smaller for small data so an epoch
   * has ~10 steps, larger for large data so an epoch has at most 64 steps).
   */
  readonly batchSize?: number;
  /** Epoch cap (default 60). */
  readonly maxEpochs?: number;
  /** Epochs without validation improvement before stopping (default 6). */
  readonly patience?: number;
  /** Fraction of the training rows held out for early stopping (default 0.2). */
  readonly validationFraction?: number;
  /** L2 penalty on weights (default 1e-4). */
  readonly weightDecay?: number;
  readonly seed: number;
  /** Default "wasm". */
  readonly backend?: TfBackend;
}

/** A trained classifier. */
export interface Classifier {
  readonly inputDim: number;
  readonly numClasses: number;
  /** Epochs run (including the patience tail). */
  readonly epochs: number;
  /** Best validation loss. */
  readonly validationLoss: number;
  /** Logits [n, numClasses] for rows x [n, inputDim]. */
  logits(x: Float32Array): Promise<Float32Array>;
  /** The weights and standardisation, for saving. */
  exportWeights(): Promise<
    {
      mean: Float32Array;
      scale: Float32Array;
      layers: { w: Float32Array; b: Float32Array; shape: [number, number] }[];
    }
  >;
  /** Frees the tensors. */
  dispose(): void;
}

/**
 * Trains an MLP on rows x [n, dim] with integer labels y in [0, numClasses).
 *
 * @example
 * ```ts
 * const x = Float32Array.of(0, 0, 1, 1, 5, 5, 6, 6);
 * const c = await trainClassifier(x, Int32Array.of(0, 0, 1, 1), 2, 2, { seed: 1, backend: "cpu" });
 * await c.logits(Float32Array.of(5.5, 5.5)); // class 1 wins
 * ```
 */
export async function trainClassifier(
  x: Float32Array,
  y: Int32Array,
  dim: number,
  numClasses: number,
  opts: ClassifierOptions,
): Promise<Classifier> {
  const n = y.length;
  if (x.length !== n * dim) {
    throw new Error(`trainClassifier: x has ${x.length} values, expected ${n} x ${dim}`);
  }
  if (n < 4) throw new Error(`trainClassifier: need at least 4 rows, got ${n}`);
  const tf = await loadTf(opts.backend ?? "wasm");
  const rng = new SplitMix32(opts.seed);
  const hidden = opts.hidden ?? [64, 64];
  // Small data sets still get >= ~10 optimiser steps per epoch.
  const batch = opts.batchSize ?? defaultBatchSize(n);
  const maxEpochs = opts.maxEpochs ?? 60;
  const patience = opts.patience ?? 10;
  const wd = opts.weightDecay ?? 1e-4;
  // Split off validation rows, stratified by class.
  const perm = shuffled(n, rng);
  const valFrac = opts.validationFraction ?? 0.2;
  const seen = new Int32Array(numClasses), total = new Int32Array(numClasses);
  for (let i = 0; i < n; i++) total[y[i]]++;
  const trainIdx: number[] = [], valIdx: number[] = [];
  for (const i of perm) {
    const c = y[i];
    if (seen[c] < Math.round(valFrac * total[c])) valIdx.push(i);
    else trainIdx.push(i);
    seen[c]++;
  }
  if (valIdx.length === 0) valIdx.push(trainIdx.pop()!);
  // Standardisation from the training rows.
  const mean = new Float32Array(dim), scale = new Float32Array(dim);
  {
    const m = new Float64Array(dim), s = new Float64Array(dim);
    for (const i of trainIdx) for (let j = 0; j < dim; j++) m[j] += x[i * dim + j];
    for (let j = 0; j < dim; j++) m[j] /= trainIdx.length;
    for (const i of trainIdx) for (let j = 0; j < dim; j++) s[j] += (x[i * dim + j] - m[j]) ** 2;
    for (let j = 0; j < dim; j++) {
      mean[j] = m[j];
      const sd = Math.sqrt(s[j] / trainIdx.length);
      scale[j] = sd > 1e-8 ? 1 / sd : 1;
    }
  }
  const standardize = (rows: number[]) => {
    const out = new Float32Array(rows.length * dim);
    rows.forEach((r, k) => {
      for (let j = 0; j < dim; j++) out[k * dim + j] = (x[r * dim + j] - mean[j]) * scale[j];
    });
    return out;
  };
  // Class-balanced sample weights (mean 1 over the training rows).
  const trainCount = new Float64Array(numClasses);
  for (const i of trainIdx) trainCount[y[i]]++;
  const present = trainCount.filter((c) => c > 0).length;
  const weightOf = (c: number) => trainIdx.length / (present * Math.max(trainCount[c], 1));
  const xTr = tf.tensor2d(standardize(trainIdx), [trainIdx.length, dim]);
  const yTr = tf.oneHot(tf.tensor1d(Int32Array.from(trainIdx, (i) => y[i]), "int32"), numClasses);
  const wTr = tf.tensor1d(Float32Array.from(trainIdx, (i) => weightOf(y[i])));
  const xVa = tf.tensor2d(standardize(valIdx), [valIdx.length, dim]);
  const yVa = tf.oneHot(tf.tensor1d(Int32Array.from(valIdx, (i) => y[i]), "int32"), numClasses);
  const wVa = tf.tensor1d(Float32Array.from(valIdx, (i) => weightOf(y[i])));
  // Parameters, He-normal weights from our RNG.
  const sizes = [dim, ...hidden, numClasses];
  const params: TfNs.Variable[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fi, fo] = [sizes[l], sizes[l + 1]];
    const sd = Math.sqrt(2 / fi);
    const w = new Float32Array(fi * fo);
    for (let i = 0; i < w.length; i++) w[i] = sd * rng.normal();
    params.push(tf.variable(tf.tensor2d(w, [fi, fo])));
    params.push(tf.variable(tf.zeros([fo])));
  }
  const forward = (inp: TfNs.Tensor2D): TfNs.Tensor2D => {
    let h: TfNs.Tensor2D = inp;
    for (let l = 0; l < params.length; l += 2) {
      h = tf.add(tf.matMul(h, params[l] as TfNs.Tensor2D), params[l + 1]) as TfNs.Tensor2D;
      if (l + 2 < params.length) h = tf.relu(h);
    }
    return h;
  };
  const lossOf = (xb: TfNs.Tensor2D, yb: TfNs.Tensor, wb: TfNs.Tensor) =>
    tf.losses.softmaxCrossEntropy(yb, forward(xb), wb) as TfNs.Scalar;
  const optimizer = tf.train.adam(opts.learningRate ?? 1e-3);
  let best = Infinity, bestEpoch = 0, epochs = 0;
  let bestParams: TfNs.Tensor[] = params.map((p) => tf.clone(p));
  const nTr = trainIdx.length;
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    epochs++;
    const order = shuffled(nTr, rng);
    for (let s = 0; s < nTr; s += batch) {
      const idx = tf.tensor1d(
        Int32Array.from(order.subarray(s, Math.min(nTr, s + batch))),
        "int32",
      );
      tf.tidy(() => {
        const xb = tf.gather(xTr, idx) as TfNs.Tensor2D;
        const yb = tf.gather(yTr, idx);
        const wb = tf.gather(wTr, idx);
        optimizer.minimize(
          () => {
            let loss = lossOf(xb, yb, wb);
            if (wd > 0) {
              for (let l = 0; l < params.length; l += 2) {
                loss = tf.add(loss, tf.mul(wd, tf.sum(tf.square(params[l])))) as TfNs.Scalar;
              }
            }
            return loss;
          },
          false,
          params,
        );
      });
      idx.dispose();
    }
    const vl = tf.tidy(() => lossOf(xVa, yVa, wVa));
    const v = (await vl.data())[0];
    vl.dispose();
    if (v < best - 1e-4) {
      best = v;
      bestEpoch = epoch;
      bestParams.forEach((t) => t.dispose());
      bestParams = params.map((p) => tf.clone(p));
    } else if (epoch - bestEpoch >= patience) break;
  }
  params.forEach((p, i) => p.assign(bestParams[i]));
  bestParams.forEach((t) => t.dispose());
  [xTr, yTr, wTr, xVa, yVa, wVa].forEach((t) => t.dispose());
  optimizer.dispose();
  return {
    inputDim: dim,
    numClasses,
    epochs,
    validationLoss: best,
    async logits(q: Float32Array) {
      const m = q.length / dim;
      const z = new Float32Array(q.length);
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < dim; j++) z[r * dim + j] = (q[r * dim + j] - mean[j]) * scale[j];
      }
      const out = new Float32Array(m * numClasses);
      const chunk = 4096;
      for (let s = 0; s < m; s += chunk) {
        const e = Math.min(m, s + chunk);
        const t = tf.tidy(() => forward(tf.tensor2d(z.subarray(s * dim, e * dim), [e - s, dim])));
        out.set(await t.data() as Float32Array, s * numClasses);
        t.dispose();
      }
      return out;
    },
    async exportWeights() {
      const layers = [];
      for (let l = 0; l < params.length; l += 2) {
        const shape = params[l].shape as [number, number];
        layers.push({
          w: await params[l].data() as Float32Array,
          b: await params[l + 1].data() as Float32Array,
          shape,
        });
      }
      return { mean, scale, layers };
    },
    dispose() {
      params.forEach((p) => p.dispose());
    },
  };
}

/**
 * The default mini-batch: 128 rows, fewer for small data (>= ~10 steps per epoch), and above
 * 8,192 rows n / 64 so an epoch stays at 64 steps. On the CPU backends a step of this small MLP
 * costs about the same for 128 or 1,000 rows (per-op overhead), so pooled frames (5-10x the
 * rows) would otherwise multiply the training time by the same factor.
 *
 * @example
 * ```ts
 * defaultBatchSize(600); // 50
 * defaultBatchSize(36000); // 563
 * ```
 */
export function defaultBatchSize(n: number): number {
  if (n > 128 * 64) return Math.ceil(n / 64);
  return Math.min(128, Math.max(16, Math.floor(n / 12)));
}

/** A Fisher–Yates permutation of 0..n-1 from our RNG. */
export function shuffled(n: number, rng: SplitMix32): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
