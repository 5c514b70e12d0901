/**
 * Streamed input for large trajectory files: a `.npy` of shape [candidates, trajectories,
 * frames, D] is read one candidate at a time (`readNpyRows`), never whole. Pass 1 accumulates
 * the reduction's statistics over the training rows (`ProjectionAccumulator`: the same
 * arithmetic as fitting it in memory), pass 2 featurises and projects each candidate's rows, so
 * only [rows, width] (width <= candidates + 16) stays in memory besides one candidate's block.
 * The classifier then runs on the projected rows with the same seed, hence the same
 * train/held-out split the projection was fitted on.
 * @module
 */
import { readNpyFileHeader, readNpyRows } from "../io/npy_file.ts";
import { type SampleSet, splitByTrajectory } from "./c2st.ts";
import { featurize, type Featurizer, type FrameEnsemble, resolveFeaturizer } from "./features.ts";
import {
  defaultReduction,
  type Projection,
  ProjectionAccumulator,
  type Reduction,
} from "./reduce.ts";

/** Options of {@link streamNpyEnsemble}. */
export interface StreamOptions {
  readonly featurizer: Featurizer;
  readonly seed: number;
  /** Must equal the detection's test fraction (default 0.3). */
  readonly testFraction?: number;
  /** Default: `defaultReduction` of the feature width. */
  readonly reduce?: Reduction;
  /** Trajectories per candidate kept whole (all frames) for the run and the baselines (default 16). */
  readonly keepTrajectories?: number;
}

/** A streamed, projected ensemble. */
export interface StreamedEnsemble {
  /** Projected rows: feed to `detectBasins` with `reduce: { kind: "none" }` and the same seed. */
  readonly samples: SampleSet;
  /** The projection (null when the reduction is `none`: then `samples` holds raw rows). */
  readonly projection: Projection | null;
  /** The first `keepTrajectories` trajectories of every candidate, all frames, raw. */
  readonly preview: FrameEnsemble;
  readonly shape: readonly [number, number, number, number];
  /** Largest resident set size seen while streaming (bytes). */
  readonly peakRss: number;
}

/** One candidate's block [1, n, F, D] as a frame ensemble of that candidate alone. */
function candidateFrames(data: ArrayLike<number>, n: number, nf: number, dim: number, c: number) {
  const frames = new Float32Array(nf * n * dim);
  for (let t = 0; t < n; t++) {
    for (let f = 0; f < nf; f++) {
      const s = (t * nf + f) * dim, d = (f * n + t) * dim;
      for (let i = 0; i < dim; i++) frames[d + i] = data[s + i];
    }
  }
  const ens: FrameEnsemble = {
    frames,
    numFrames: nf,
    trajectories: n,
    dim,
    startIndex: new Int32Array(n).fill(c),
    numCandidates: c + 1,
  };
  return ens;
}

/**
 * Streams a `.npy` trajectory file into projected samples. Throws a one-line error on a file
 * that is not a 4-D float array with >= 2 candidates and >= 4 trajectories each.
 */
export async function streamNpyEnsemble(
  path: string,
  opts: StreamOptions,
): Promise<StreamedEnsemble> {
  const h = await readNpyFileHeader(path);
  if (h.shape.length !== 4) {
    throw new Error(
      `${path} has shape [${h.shape}], expected [candidates, trajectories, frames, dim]`,
    );
  }
  const [k, n, nf, dim] = h.shape;
  if (k < 2 || n < 4) {
    throw new Error(`need >= 2 candidates and >= 4 trajectories each, got ${k} x ${n}`);
  }
  let peakRss = Deno.memoryUsage().rss;
  const rss = () => (peakRss = Math.max(peakRss, Deno.memoryUsage().rss));
  const feat = resolveFeaturizer(opts.featurizer, nf, n);
  const read = async (c: number) => {
    const block = await readNpyRows(path, c, 1);
    const ens = candidateFrames(block.data as ArrayLike<number>, n, nf, dim, c);
    const s = featurize(ens, feat);
    rss();
    return { ens, s };
  };
  // Row layout, as featurize orders the whole ensemble: trajectory c * n + t, then its rows.
  const first = await read(0);
  const perTraj = first.s.candidate.length / n, width = first.s.dim;
  const total = k * n * perTraj;
  const candidate = Int32Array.from({ length: total }, (_, i) => Math.floor(i / (n * perTraj)));
  const trajectory = Int32Array.from({ length: total }, (_, i) => Math.floor(i / perTraj));
  const ids: SampleSet = {
    dim: 0,
    x: new Float32Array(0),
    candidate,
    trajectory,
    numCandidates: k,
  };
  const { train } = splitByTrajectory(ids, opts.testFraction ?? 0.3, opts.seed);
  const isTrain = new Uint8Array(total);
  for (const i of train) isTrain[i] = 1;
  const reduce = opts.reduce ?? defaultReduction(width);
  const keep = Math.min(opts.keepTrajectories ?? 16, n);
  const preview = new Float32Array(nf * k * keep * dim);
  const keepFrames = (c: number, ens: FrameEnsemble) => {
    for (let f = 0; f < nf; f++) {
      for (let t = 0; t < keep; t++) {
        const src = (f * n + t) * dim;
        preview.set(ens.frames.subarray(src, src + dim), (f * k * keep + c * keep + t) * dim);
      }
    }
  };
  let projection: Projection | null = null;
  let x: Float32Array;
  if (reduce.kind === "none") {
    // No reduction: the raw rows are the samples (only sensible for narrow data).
    x = new Float32Array(total * width);
    for (let c = 0; c < k; c++) {
      const { ens, s } = c === 0 ? first : await read(c);
      x.set(s.x, c * n * perTraj * width);
      keepFrames(c, ens);
    }
  } else {
    const acc = new ProjectionAccumulator(train.length, width, reduce, { seed: opts.seed });
    for (let c = 0; c < k; c++) {
      const { ens, s } = c === 0 ? first : await read(c);
      const base = c * n * perTraj;
      for (let r = 0; r < n * perTraj; r++) {
        if (isTrain[base + r]) acc.add(s.x.subarray(r * width, (r + 1) * width), c);
      }
      keepFrames(c, ens);
    }
    projection = acc.finish()!;
    x = new Float32Array(total * projection.width);
    for (let c = 0; c < k; c++) {
      const { s } = await read(c);
      x.set(projection.apply(s.x), c * n * perTraj * projection.width);
    }
  }
  rss();
  return {
    samples: {
      dim: projection?.width ?? width,
      x,
      candidate,
      trajectory,
      numCandidates: k,
    },
    projection,
    preview: {
      frames: preview,
      numFrames: nf,
      trajectories: k * keep,
      dim,
      startIndex: Int32Array.from({ length: k * keep }, (_, t) => Math.floor(t / keep)),
      numCandidates: k,
    },
    shape: [k, n, nf, dim],
    peakRss,
  };
}
