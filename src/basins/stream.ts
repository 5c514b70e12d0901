/**
 * Streamed input for large trajectory files: a `.npy` of shape [candidates, trajectories,
 * frames, D] is read one candidate at a time, and of each trajectory only the frames the
 * featuriser uses, never whole. Pass 1 accumulates the reduction's statistics over the training rows (`ProjectionAccumulator`: the same
 * arithmetic as fitting it in memory), pass 2 featurises and projects each candidate's rows, so
 * only [rows, width] (width <= candidates + 16) stays in memory besides one candidate's block.
 * The classifier then runs on the projected rows with the same seed, hence the same
 * train/held-out split the projection was fitted on.
 * @module
 */
import { readNpyFileHeader } from "../io/npy_file.ts";
import { NPY_ITEM_SIZE, type NpyDtype, type NpyHeader, typedFromBytes } from "../io/npy.ts";
import { type SampleSet, splitByTrajectory } from "./c2st.ts";
import {
  featureRowFrames,
  type Featurizer,
  formatFeaturizer,
  type FrameEnsemble,
  resolveFeaturizer,
} from "./features.ts";
import { checkFinite } from "./user_data.ts";
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
  /** The featuriser used (text form, `auto` resolved for the file's frames and trajectories). */
  readonly featurizer: string;
  /** Wall seconds of pass 1 (read + accumulate), the fit, and pass 2 (read + project). */
  readonly seconds: { readonly pass1: number; readonly fit: number; readonly pass2: number };
}

/** The bytes [start, start + length) of an open file (short only at end of file). */
async function readAt(
  file: Deno.FsFile,
  start: number,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const buf = new Uint8Array(length);
  await file.seek(start, Deno.SeekMode.Start);
  let off = 0;
  while (off < length) {
    const got = await file.read(buf.subarray(off));
    if (got === null) break;
    off += got;
  }
  return off === length ? buf : buf.subarray(0, off);
}

/** Bytes of one dtype as float32 (a view for f32, no copy). */
function asF32(dtype: NpyDtype, bytes: Uint8Array<ArrayBuffer>): Float32Array {
  if (dtype === "f32") return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  return Float32Array.from(typedFromBytes(dtype, bytes));
}

/**
 * Reads one candidate's featurised rows straight from the file, in `featurize`'s order: per
 * trajectory only its span of the frames the rows use (frames outside it are never read), rows
 * assembled by slice copies. `keep` > 0 also reads the first `keep` trajectories whole.
 */
async function readCandidate(
  file: Deno.FsFile,
  h: NpyHeader,
  c: number,
  rowFrames: readonly (readonly number[])[],
  keep: number,
  path: string,
): Promise<{ x: Float32Array; kept: Float32Array }> {
  const [, n, nf, dim] = h.shape;
  const item = NPY_ITEM_SIZE[h.dtype];
  const lo = Math.min(...rowFrames.flat()), hi = Math.max(...rowFrames.flat());
  const span = hi - lo + 1, width = rowFrames[0].length * dim;
  const trajBytes = nf * dim * item, spanBytes = span * dim * item;
  const base = h.dataOffset + c * n * trajBytes;
  const short = () =>
    new Error(`${path}: truncated .npy file: candidate ${c} needs ${n * trajBytes} bytes`);
  // The whole block in one read when the rows use every frame, else one read per trajectory.
  let spans: Float32Array;
  if (span === nf) {
    const b = await readAt(file, base, n * trajBytes);
    if (b.length < n * trajBytes) throw short();
    spans = asF32(h.dtype, b);
  } else {
    spans = new Float32Array(n * span * dim);
    for (let t = 0; t < n; t++) {
      const b = await readAt(file, base + t * trajBytes + lo * dim * item, spanBytes);
      if (b.length < spanBytes) throw short();
      spans.set(asF32(h.dtype, b), t * span * dim);
    }
  }
  checkFinite(spans, `${path}: candidate ${c}'s frames`);
  const x = new Float32Array(n * rowFrames.length * width);
  let r = 0;
  for (let t = 0; t < n; t++) {
    for (const frames of rowFrames) {
      frames.forEach((f, k) => {
        const src = (t * span + f - lo) * dim;
        x.set(spans.subarray(src, src + dim), r * width + k * dim);
      });
      r++;
    }
  }
  let kept: Float32Array = new Float32Array(0);
  if (keep > 0) {
    const b = await readAt(file, base, keep * trajBytes);
    if (b.length < keep * trajBytes) throw short();
    kept = asF32(h.dtype, b);
    checkFinite(kept, `${path}: candidate ${c}'s frames`);
  }
  return { x, kept };
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
  const rowFrames = featureRowFrames(feat, nf);
  const perTraj = rowFrames.length, width = rowFrames[0].length * dim;
  // Row layout, as featurize orders the whole ensemble: trajectory c * n + t, then its rows.
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
  const keepFrames = (c: number, kept: Float32Array) => {
    for (let t = 0; t < keep; t++) {
      for (let f = 0; f < nf; f++) {
        const src = (t * nf + f) * dim;
        preview.set(kept.subarray(src, src + dim), (f * k * keep + c * keep + t) * dim);
      }
    }
  };
  using file = await Deno.open(path, { read: true });
  // Each pass reads candidate c + 1 while candidate c is being processed (the reads are async).
  const pass = async (
    withKept: boolean,
    each: (c: number, got: { x: Float32Array; kept: Float32Array }) => void,
  ) => {
    let next = readCandidate(file, h, 0, rowFrames, withKept ? keep : 0, path);
    for (let c = 0; c < k; c++) {
      const got = await next;
      if (c + 1 < k) next = readCandidate(file, h, c + 1, rowFrames, withKept ? keep : 0, path);
      each(c, got);
      rss();
    }
  };
  let projection: Projection | null = null;
  let x: Float32Array;
  const t0 = performance.now();
  let t1 = t0, t2 = t0;
  if (reduce.kind === "none") {
    // No reduction: the raw rows are the samples (only sensible for narrow data).
    x = new Float32Array(total * width);
    await pass(true, (c, got) => {
      x.set(got.x, c * n * perTraj * width);
      keepFrames(c, got.kept);
    });
    t1 = t2 = performance.now();
  } else {
    const acc = new ProjectionAccumulator(train.length, width, reduce, { seed: opts.seed });
    await pass(true, (c, got) => {
      const base = c * n * perTraj;
      for (let r = 0; r < n * perTraj; r++) {
        if (isTrain[base + r]) acc.add(got.x.subarray(r * width, (r + 1) * width), c);
      }
      keepFrames(c, got.kept);
    });
    t1 = performance.now();
    const p = acc.finish()!;
    t2 = performance.now();
    projection = p;
    x = new Float32Array(total * p.width);
    await pass(false, (c, got) => x.set(p.apply(got.x), c * n * perTraj * p.width));
  }
  const t3 = performance.now();
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
    featurizer: formatFeaturizer(feat),
    seconds: { pass1: (t1 - t0) / 1000, fit: (t2 - t1) / 1000, pass2: (t3 - t2) / 1000 },
  };
}
