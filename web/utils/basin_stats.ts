/**
 * Basin-run views: adjusted Rand index (from `src/basins`) and contingency counts against
 * ground truth, and 2-D projections (chosen coordinates or PCA via `src/linalg`) of frames.
 * @module
 */

import type { NdArray } from "../../src/io/npy.ts";
import { adjustedRandIndex } from "../../src/basins/metrics.ts";
import { columnMeans, symmetricEigen } from "../../src/linalg/dense.ts";
import { BadRequest } from "./series.ts";

/** Counts of (true label, predicted label) pairs. */
export type Contingency = { trueLabels: number[]; predLabels: number[]; counts: number[][] };

/**
 * The contingency table of two labelings of the same items (labels sorted ascending).
 *
 * @example
 * ```ts
 * contingency([0, 0, 1], [1, 1, 1]); // { trueLabels: [0, 1], predLabels: [1], counts: [[2], [1]] }
 * ```
 */
export function contingency(a: ArrayLike<number>, b: ArrayLike<number>): Contingency {
  if (a.length !== b.length) {
    throw new Error(`labelings have ${a.length} and ${b.length} items: expected equal lengths`);
  }
  const trueLabels = [...new Set(Array.from(a))].sort((x, y) => x - y);
  const predLabels = [...new Set(Array.from(b))].sort((x, y) => x - y);
  const ti = new Map(trueLabels.map((l, i) => [l, i]));
  const pi = new Map(predLabels.map((l, i) => [l, i]));
  const counts = trueLabels.map(() => new Array(predLabels.length).fill(0));
  for (let k = 0; k < a.length; k++) counts[ti.get(a[k])!][pi.get(b[k])!]++;
  return { trueLabels, predLabels, counts };
}

/** Adjusted Rand index (the one in `src/basins/metrics.ts`). */
export { adjustedRandIndex };

/** Frames projected to 2-D. */
export type Projection = {
  /** Source frame index of each output frame. */
  frameIndex: number[];
  trajectories: number;
  /** Per output frame, `[x0, y0, x1, y1, ...]` over trajectories. */
  points: number[][];
  axes: [string, string];
  /** Fraction of variance on each PCA axis (PCA mode only). */
  explained?: [number, number];
};

/**
 * The top two principal axes of the rows of a row-major `[n, d]` array (eigenvectors of the
 * d x d covariance, `symmetricEigen` of `src/linalg`), with the variance fraction each explains. Each axis
 * is signed so that its largest-magnitude component is positive.
 *
 * @example
 * ```ts
 * const { axes } = principalAxes(new Float64Array([0, 0, 1, 1, 2, 2.1]), 3, 2);
 * // axes[0] ~ [0.70, 0.72]
 * ```
 */
export function principalAxes(
  data: ArrayLike<number>,
  n: number,
  d: number,
): { mean: Float64Array; axes: Float64Array[]; explained: number[] } {
  const mean = columnMeans(data, n, d);
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      const di = data[r * d + i] - mean[i];
      for (let j = i; j < d; j++) cov[i * d + j] += (di * (data[r * d + j] - mean[j])) / n;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i];
  let total = 0;
  for (let i = 0; i < d; i++) total += cov[i * d + i];
  const eig = symmetricEigen(cov, d);
  const axes: Float64Array[] = [];
  const explained: number[] = [];
  for (let k = 0; k < Math.min(2, d); k++) {
    let v = Float64Array.from({ length: d }, (_, i) => eig.vectors[i * d + k]);
    let big = 0;
    for (let i = 0; i < d; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
    if (v[big] < 0) v = v.map((x) => -x);
    axes.push(v);
    explained.push(total > 0 ? Math.max(0, eig.values[k]) / total : 0);
  }
  return { mean, axes, explained };
}

/**
 * Projects `frames` `[frames, trajectories, dim]` to 2-D, either onto coordinates `i` and `j`
 * or onto the top two principal axes of all (sampled) frames; at most `maxFrames` evenly
 * spaced frames are returned.
 *
 * @example
 * ```ts
 * const p = projectFrames(frames, { mode: "pca", maxFrames: 100 });
 * ```
 */
export function projectFrames(
  frames: NdArray,
  opts: { mode?: "pca" | "coords"; i?: number; j?: number; maxFrames?: number } = {},
): Projection {
  if (frames.shape.length !== 3) {
    throw new BadRequest(
      `frames has shape [${frames.shape}]: expected [frames, trajectories, dim]`,
    );
  }
  const [f, t, d] = frames.shape;
  const maxFrames = Math.max(1, opts.maxFrames ?? 200);
  const count = Math.min(f, maxFrames);
  const frameIndex = Array.from(
    { length: count },
    (_, k) => (count === 1 ? 0 : Math.round((k * (f - 1)) / (count - 1))),
  );
  const rows = new Float64Array(count * t * d);
  frameIndex.forEach((fi, k) => {
    for (let q = 0; q < t * d; q++) rows[k * t * d + q] = frames.data[fi * t * d + q];
  });
  let project: (r: number) => [number, number];
  let axes: [string, string];
  let explained: [number, number] | undefined;
  if ((opts.mode ?? "pca") === "coords") {
    const i = opts.i ?? 0, j = opts.j ?? Math.min(1, d - 1);
    for (const c of [i, j]) {
      if (!Number.isInteger(c) || c < 0 || c >= d) {
        throw new BadRequest(`coordinate ${c} is out of range: expected 0..${d - 1}`);
      }
    }
    project = (r) => [rows[r * d + i], rows[r * d + j]];
    axes = [`x${i}`, `x${j}`];
  } else {
    const pca = principalAxes(rows, count * t, d);
    const a0 = pca.axes[0], a1 = pca.axes[1];
    project = (r) => {
      let x = 0, y = 0;
      for (let q = 0; q < d; q++) {
        const v = rows[r * d + q] - pca.mean[q];
        x += v * a0[q];
        if (a1) y += v * a1[q];
      }
      return [x, y];
    };
    axes = ["PC1", "PC2"];
    explained = [pca.explained[0] ?? 0, pca.explained[1] ?? 0];
  }
  const points = frameIndex.map((_, k) => {
    const out = new Array(2 * t);
    for (let q = 0; q < t; q++) {
      const [x, y] = project(k * t + q);
      out[2 * q] = x;
      out[2 * q + 1] = y;
    }
    return out;
  });
  const result: Projection = { frameIndex, trajectories: t, points, axes };
  if (explained) result.explained = explained;
  return result;
}

/** A dendrogram laid out for drawing: leaf order and one U-link per merge. */
export type DendrogramLayout = {
  leaves: number;
  /** Leaf ids left to right. */
  order: number[];
  /** Per merge: x of the two children, their heights, and the merge height. */
  links: { x1: number; x2: number; y1: number; y2: number; height: number }[];
  maxHeight: number;
};

/**
 * Lays out a merge history in SciPy linkage form: row k is `(a, b, height[, size])` joining
 * clusters `a` and `b` into cluster `leaves + k`, where leaves are `0..leaves-1` and
 * `leaves = rows + 1`.
 *
 * @example
 * ```ts
 * dendrogramLayout([[0, 1, 0.5], [2, 3, 1.0]]).order; // [2, 0, 1] or a similar leaf order
 * ```
 */
export function dendrogramLayout(merges: number[][]): DendrogramLayout {
  const leaves = merges.length + 1;
  const children = new Map<number, [number, number]>();
  const height = new Map<number, number>();
  merges.forEach((row, k) => {
    const [a, b, h] = row;
    for (const c of [a, b]) {
      if (!Number.isInteger(c) || c < 0 || c >= leaves + k) {
        throw new BadRequest(`merge ${k} joins cluster ${c}: expected 0..${leaves + k - 1}`);
      }
    }
    children.set(leaves + k, [a, b]);
    height.set(leaves + k, h);
  });
  const order: number[] = [];
  const xOf = new Map<number, number>();
  const links: DendrogramLayout["links"] = [];
  const root = leaves + merges.length - 1;
  // Iterative post-order so deep chains of merges cannot overflow the stack.
  const stack: [number, boolean][] = [[merges.length ? root : 0, false]];
  while (stack.length) {
    const [node, done] = stack.pop()!;
    const kids = children.get(node);
    if (!kids) {
      xOf.set(node, order.length);
      order.push(node);
    } else if (!done) {
      stack.push([node, true], [kids[1], false], [kids[0], false]);
    } else {
      const [a, b] = kids;
      const x1 = xOf.get(a)!, x2 = xOf.get(b)!;
      xOf.set(node, (x1 + x2) / 2);
      links.push({
        x1,
        x2,
        y1: height.get(a) ?? 0,
        y2: height.get(b) ?? 0,
        height: height.get(node)!,
      });
    }
  }
  const maxHeight = Math.max(0, ...links.map((l) => l.height));
  return { leaves, order, links, maxHeight };
}
