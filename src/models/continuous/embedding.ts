/**
 * High-dimensional noisy embeddings of low-dimensional dynamics (basins.md section 3.4):
 * y = Q [phi(x); z] with Q a seeded Haar-random orthogonal matrix, phi an optional lift and z
 * white or Ornstein–Uhlenbeck noise. The CPU path is here; `embedWgsl` is the GPU twin.
 * @module
 */
import { SplitMix32 } from "../../random/splitmix.ts";

/**
 * A Haar-distributed random orthogonal D x D matrix, row-major. Built by modified Gram–Schmidt
 * on the columns of a Gaussian matrix: Gram–Schmidt yields R with a positive diagonal, which is
 * exactly the sign correction that makes the QR factor Haar (Mezzadri 2007).
 *
 * @example
 * ```ts
 * const q = haarOrthogonal(3, 1); // 9 numbers, Q^T Q = I
 * ```
 */
export function haarOrthogonal(D: number, seed: number): Float64Array {
  if (!(Number.isInteger(D) && D >= 1)) {
    throw new Error(`haarOrthogonal: D must be a positive integer, got ${D}`);
  }
  const rng = new SplitMix32(seed);
  // w holds the columns contiguously: column j is w[j*D .. j*D+D).
  const w = rng.fillNormal(new Float64Array(D * D));
  for (let j = 0; j < D; j++) {
    const oj = j * D;
    let nrm = 0;
    for (let i = 0; i < D; i++) nrm += w[oj + i] * w[oj + i];
    nrm = 1 / Math.sqrt(nrm);
    for (let i = 0; i < D; i++) w[oj + i] *= nrm;
    for (let l = j + 1; l < D; l++) {
      const ol = l * D;
      let d = 0;
      for (let i = 0; i < D; i++) d += w[oj + i] * w[ol + i];
      for (let i = 0; i < D; i++) w[ol + i] -= d * w[oj + i];
    }
  }
  // Q[i][j] = column j, entry i: transpose into row-major.
  const q = new Float64Array(D * D);
  for (let j = 0; j < D; j++) for (let i = 0; i < D; i++) q[i * D + j] = w[j * D + i];
  return q;
}

/** A map phi: R^inDim -> R^outDim applied to the core before rotation. */
export interface Lift {
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
  apply(x: Float64Array, out: Float64Array): void;
}

/**
 * phi(x) = x.
 *
 * @example
 * ```ts
 * identityLift(2).outDim; // 2
 * ```
 */
export function identityLift(d: number): Lift {
  return { name: "identity", inDim: d, outDim: d, apply: (x, out) => out.set(x.subarray(0, d)) };
}

/**
 * Swiss roll (deeptime's `swissroll_model` map): (x1, x2) -> (x1 cos x1, x2, x1 sin x1).
 * Choose the core's x1 range away from 0 (e.g. shift it to [5, 15]) for a proper roll.
 *
 * @example
 * ```ts
 * swissRollLift().outDim; // 3
 * ```
 */
export function swissRollLift(): Lift {
  return {
    name: "swiss-roll",
    inDim: 2,
    outDim: 3,
    apply: (x, out) => {
      out[0] = x[0] * Math.cos(x[0]);
      out[1] = x[1];
      out[2] = x[0] * Math.sin(x[0]);
    },
  };
}

/**
 * A fixed random tanh layer phi(x) = tanh(W x + b), W ~ N(0, gain^2/d), b ~ N(0, 0.1^2).
 * Injective whenever width >= d (W has full column rank almost surely and tanh is monotone).
 *
 * @example
 * ```ts
 * tanhLift(2, 16, 3).outDim; // 16
 * ```
 */
export function tanhLift(d: number, width: number, seed: number, gain = 1): Lift {
  if (!(width >= d)) {
    throw new Error(`tanhLift: width must be >= d (${d}) to stay injective, got ${width}`);
  }
  const rng = new SplitMix32(seed);
  const W = rng.fillNormal(new Float64Array(width * d)).map((v) => (v * gain) / Math.sqrt(d));
  const b = rng.fillNormal(new Float64Array(width)).map((v) => 0.1 * v);
  return {
    name: `tanh(${width})`,
    inDim: d,
    outDim: width,
    apply: (x, out) => {
      for (let r = 0; r < width; r++) {
        let s = b[r];
        for (let c = 0; c < d; c++) s += W[r * d + c] * x[c];
        out[r] = Math.tanh(s);
      }
    },
  };
}

/** Options for {@link createEmbedding}. */
export interface EmbeddingOptions {
  /** Dimension d of the core x. */
  readonly coreDim: number;
  /** Ambient dimension D (>= the lift's output dimension). */
  readonly ambientDim: number;
  /** phi (default identity). Its inDim must equal coreDim. */
  readonly lift?: Lift;
  /** Seed of Q. */
  readonly seed: number;
}

/** A fixed embedding y = Q [phi(x); z]. */
export interface Embedding {
  readonly coreDim: number;
  /** d' = lift.outDim. */
  readonly liftDim: number;
  readonly ambientDim: number;
  /** D - d', the number of noise coordinates per frame. */
  readonly noiseDim: number;
  readonly lift: Lift;
  /** Q, row-major D x D. */
  readonly q: Float64Array;
  /** Q as f32 for upload to the `model_embed_q` binding. */
  qF32(): Float32Array;
  /** Lifts n frames of x [n, d] to phi(x) [n, d'] (what the GPU kernel takes as core input). */
  liftFrames(frames: ArrayLike<number>): Float32Array;
  /**
   * y = Q [phi(x); z] for n frames. frames: [n, d]; noise: [n, D - d'] or null for z = 0;
   * out: [n, D] (allocated when omitted). Accumulates in f64.
   */
  embedFrames(
    frames: ArrayLike<number>,
    noise: ArrayLike<number> | null,
    out?: Float32Array,
  ): Float32Array;
}

/**
 * Builds an embedding of a d-dimensional core into D dimensions.
 *
 * @example
 * ```ts
 * const e = createEmbedding({ coreDim: 2, ambientDim: 100, seed: 1 });
 * const y = e.embedFrames(Float32Array.of(1, 0), new Float32Array(98)); // 100 values
 * ```
 */
export function createEmbedding(opts: EmbeddingOptions): Embedding {
  const d = opts.coreDim;
  const D = opts.ambientDim;
  const lift = opts.lift ?? identityLift(d);
  if (lift.inDim !== d) {
    throw new Error(`createEmbedding: lift takes ${lift.inDim} inputs, expected coreDim ${d}`);
  }
  const dl = lift.outDim;
  if (!(Number.isInteger(D) && D >= dl)) {
    throw new Error(
      `createEmbedding: ambientDim must be an integer >= ${dl} (the lift's output), got ${D}`,
    );
  }
  const q = haarOrthogonal(D, opts.seed);
  const nz = D - dl;
  const frameCount = (frames: ArrayLike<number>) => {
    if (frames.length % d !== 0) {
      throw new Error(
        `embedding: frames has ${frames.length} values, expected a multiple of coreDim ${d}`,
      );
    }
    return frames.length / d;
  };
  return {
    coreDim: d,
    liftDim: dl,
    ambientDim: D,
    noiseDim: nz,
    lift,
    q,
    qF32: () => Float32Array.from(q),
    liftFrames(frames) {
      const n = frameCount(frames);
      const out = new Float32Array(n * dl);
      const x = new Float64Array(d);
      const v = new Float64Array(dl);
      for (let f = 0; f < n; f++) {
        for (let i = 0; i < d; i++) x[i] = frames[f * d + i];
        lift.apply(x, v);
        out.set(v, f * dl);
      }
      return out;
    },
    embedFrames(frames, noise, out) {
      const n = frameCount(frames);
      if (noise && noise.length !== n * nz) {
        throw new Error(`embedFrames: noise has ${noise.length} values, expected ${n} x ${nz}`);
      }
      const y = out ?? new Float32Array(n * D);
      if (y.length !== n * D) {
        throw new Error(`embedFrames: out has ${y.length} values, expected ${n} x ${D}`);
      }
      const x = new Float64Array(d);
      const v = new Float64Array(D);
      const phi = new Float64Array(dl);
      for (let f = 0; f < n; f++) {
        for (let i = 0; i < d; i++) x[i] = frames[f * d + i];
        lift.apply(x, phi);
        v.set(phi);
        if (noise) { for (let j = 0; j < nz; j++) v[dl + j] = noise[f * nz + j]; }
        else v.fill(0, dl);
        const last = noise ? D : dl; // with z = 0 only the first d' columns matter
        for (let i = 0; i < D; i++) {
          const o = i * D;
          let s = 0;
          for (let j = 0; j < last; j++) s += q[o + j] * v[j];
          y[f * D + i] = s;
        }
      }
      return y;
    },
  };
}

/** Options for {@link OuNoise}. */
export interface OuNoiseOptions {
  /** Number of independent coordinates. */
  readonly dim: number;
  /** Stationary standard deviation sigma. */
  readonly sigma: number;
  /** Correlation time tau; 0 gives white noise. */
  readonly tau: number;
  /** Frame interval dt (> 0). */
  readonly dt: number;
  readonly seed: number;
  /** "stationary" (default) draws z_0 ~ N(0, sigma^2 I); "zero" starts at 0. */
  readonly start?: "stationary" | "zero";
}

/**
 * Independent Ornstein–Uhlenbeck processes dz = -z/tau dt + sigma sqrt(2/tau) dW, sampled
 * exactly at interval dt: z_{t+1} = a z_t + sqrt(1 - a^2) sigma eps with a = exp(-dt/tau).
 * Stationary law N(0, sigma^2 I), lag-k correlation a^k. tau = 0 gives white noise.
 *
 * @example
 * ```ts
 * const ou = new OuNoise({ dim: 998, sigma: 0.5, tau: 10, dt: 1, seed: 3 });
 * const z = ou.frames(100); // [100, 998]
 * ```
 */
export class OuNoise {
  readonly dim: number;
  readonly sigma: number;
  /** a = exp(-dt/tau), the lag-1 autocorrelation. */
  readonly a: number;
  readonly state: Float64Array;
  #b: number;
  #rng: SplitMix32;

  constructor(opts: OuNoiseOptions) {
    const { dim, sigma, tau, dt } = opts;
    if (!(Number.isInteger(dim) && dim >= 0)) {
      throw new Error(`OuNoise: dim must be an integer >= 0, got ${dim}`);
    }
    if (!(sigma >= 0 && Number.isFinite(sigma))) {
      throw new Error(`OuNoise: sigma must be >= 0, got ${sigma}`);
    }
    if (!(tau >= 0)) throw new Error(`OuNoise: tau must be >= 0, got ${tau}`);
    if (!(dt > 0 && Number.isFinite(dt))) throw new Error(`OuNoise: dt must be > 0, got ${dt}`);
    this.dim = dim;
    this.sigma = sigma;
    this.a = tau === 0 ? 0 : Math.exp(-dt / tau);
    this.#b = sigma * Math.sqrt(1 - this.a * this.a);
    this.#rng = new SplitMix32(opts.seed);
    this.state = new Float64Array(dim);
    if ((opts.start ?? "stationary") === "stationary") {
      for (let i = 0; i < dim; i++) this.state[i] = sigma * this.#rng.normal();
    }
  }

  /** Advances one frame and returns the (live) state. */
  step(): Float64Array {
    const z = this.state;
    for (let i = 0; i < this.dim; i++) z[i] = this.a * z[i] + this.#b * this.#rng.normal();
    return z;
  }

  /** Writes the current state, then n - 1 further steps, as [n, dim] (frame 0 = current state). */
  frames(n: number, out?: Float32Array): Float32Array {
    const y = out ?? new Float32Array(n * this.dim);
    if (y.length !== n * this.dim) {
      throw new Error(`OuNoise.frames: out has ${y.length} values, expected ${n} x ${this.dim}`);
    }
    for (let f = 0; f < n; f++) {
      if (f > 0) this.step();
      y.set(this.state, f * this.dim);
    }
    return y;
  }
}

/**
 * Binding layout of the GPU embedding kernel (`@group(0)`, in binding order), in the shape the
 * program assembler takes: uniform dims, Q, the lifted core phi(x), the noise z, the output y.
 */
export const embedWgslBindings = [
  { name: "model_embed_dims", kind: "uniform", type: "ModelEmbedDims" },
  { name: "model_embed_q", kind: "read", type: "array<f32>" },
  { name: "model_embed_core", kind: "read", type: "array<f32>" },
  { name: "model_embed_noise", kind: "read", type: "array<f32>" },
  { name: "model_embed_out", kind: "storage", type: "array<f32>" },
] as const;

/** The struct and entry body (`fn main`, without `@compute`) of the embedding kernel. */
export const embedWgslBody = `
struct ModelEmbedDims { n_frames: u32, lift_dim: u32, ambient_dim: u32, use_noise: u32 }

// y[f, i] = sum_{j<d'} Q[i, j] core[f, j] + sum_{j<D-d'} Q[i, d'+j] noise[f, j]
// One invocation per (output row i = id.x, frame f = id.y + id.z * num_workgroups.y).
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let D = model_embed_dims.ambient_dim;
  let dl = model_embed_dims.lift_dim;
  let i = id.x;
  let f = id.y + id.z * nw.y;
  if (i >= D || f >= model_embed_dims.n_frames) { return; }
  let row = i * D;
  var s = 0.0;
  for (var j = 0u; j < dl; j++) { s += model_embed_q[row + j] * model_embed_core[f * dl + j]; }
  if (model_embed_dims.use_noise != 0u) {
    let nz = D - dl;
    for (var j = 0u; j < nz; j++) { s += model_embed_q[row + dl + j] * model_embed_noise[f * nz + j]; }
  }
  model_embed_out[f * D + i] = s;
}
`;

/**
 * The complete WGSL module of the embedding kernel, with its bindings declared:
 *
 * ```
 * @group(0) @binding(0) var<uniform>             model_embed_dims: ModelEmbedDims; // n_frames, d', D, use_noise
 * @group(0) @binding(1) var<storage, read>       model_embed_q: array<f32>;     // Q row-major, D*D
 * @group(0) @binding(2) var<storage, read>       model_embed_core: array<f32>;  // phi(x), n*d'
 * @group(0) @binding(3) var<storage, read>       model_embed_noise: array<f32>; // z, n*(D-d') (>= 1 element)
 * @group(0) @binding(4) var<storage, read_write> model_embed_out: array<f32>;   // y, n*D
 * ```
 *
 * Dispatch (ceil(D / workgroupSize), min(n, 65535), ceil(n / 65535)).
 *
 * @example
 * ```ts
 * const code = embedWgsl(64); // pass to device.createShaderModule({ code })
 * ```
 */
export function embedWgsl(workgroupSize = 64): string {
  const decl = embedWgslBindings.map((b, i) => {
    const space = b.kind === "uniform"
      ? "uniform"
      : b.kind === "read"
      ? "storage, read"
      : "storage, read_write";
    return `@group(0) @binding(${i}) var<${space}> ${b.name}: ${b.type};`;
  }).join("\n");
  return embedWgslBody.replace(
    "fn main(",
    `${decl}\n\n@compute @workgroup_size(${workgroupSize})\nfn main(`,
  );
}
