/**
 * Frame embedding of trajectory ensembles on WebGPU and its CPU twin: each saved frame x (core
 * dimension d) of each trajectory becomes y = Q1 x + (I - Q1 Q1^T) w in D dimensions, with Q1
 * the first d columns of an orthogonal Q and w an isotropic white or Ornstein–Uhlenbeck process
 * of standard deviation sigma (OU lag-1 correlation a = exp(-1 / tau) per frame). This has the
 * law of Q [x; z] at O(D d) per frame (see `simulate_run.ts`).
 *
 * Randomness: the D normals of (trajectory t, frame f) are Philox stream
 * {@link EMBED_NOISE_STREAM} at counter (row / 4, f, t), exactly as `normals(..., t, f, stream)`
 * in `langevin.ts`, so the GPU and the CPU embed with the same noise (they differ only by f32
 * round-off). The GPU keeps the OU state in a buffer across blocks, so blocks of frames must
 * come in order.
 *
 * Mesa llvmpipe stops every loop of an invocation after 65,535 iterations in total: one
 * invocation handles {@link EMBED_ROWS} rows of one trajectory, and as many frames per dispatch
 * as keep it under half that limit.
 * @module
 */
import {
  assembleProgram,
  DispatchBatch,
  type GpuContext,
  GpuRunner,
  type Program,
  readBuffers,
  writeBuffer,
} from "../gpu/mod.ts";
import { haarOrthogonal } from "../models/continuous/embedding.ts";
import { seedToKey } from "../random/philox.ts";
import { LLVMPIPE_LOOP_LIMIT } from "../gpu/limits.ts";
import { rngWgsl } from "../wgsl/mod.ts";
import { normals } from "./langevin.ts";
import {
  EMBED_BINDINGS,
  EMBED_NOISE_MAIN,
  EMBED_PARAMS,
  EMBED_PROJECT_MAIN,
  EMBED_REDUCE_MAIN,
} from "./embed_gpu_wgsl.ts";

/** Philox stream word of the embedding noise. */
export const EMBED_NOISE_STREAM = 2;

/** Rows of one trajectory handled by one invocation of the noise kernel (a multiple of 4). */
export const EMBED_ROWS = 64;

/** A frame embedding: dimensions, Q1 and the noise process. */
export interface FrameEmbeddingSpec {
  /** Core dimension d. */
  readonly coreDim: number;
  /** Ambient dimension D (> d). */
  readonly ambientDim: number;
  /** Trajectories per frame T. */
  readonly trajectories: number;
  /**
   * Global index of trajectory 0 (default 0): the noise counter is keyed by it, so a split
   * run's trajectory ranges embed with the whole run's noise.
   */
  readonly trajectoryOffset?: number;
  /** Q1, the first d columns of Q, column-major: column j at j * D (D * d values). */
  readonly q1: Float64Array;
  readonly noise: "white" | "ou";
  /** Standard deviation of each noise coordinate (>= 0). */
  readonly sigma: number;
  /** OU correlation time in frames (> 0; unused for white noise). */
  readonly tau: number;
  /** Seed of the noise (the Philox key). */
  readonly seed: number;
}

/**
 * The spec of a Haar embedding: Q1 from `haarOrthogonal(D, seed)` (O(D^3) to build).
 *
 * @example
 * ```ts
 * const spec = haarFrameEmbedding({
 *   coreDim: 2, ambientDim: 10, trajectories: 4, noise: "ou", sigma: 0.1, tau: 10, seed: 1,
 * });
 * console.log(spec.q1.length); // 20
 * ```
 */
export function haarFrameEmbedding(opts: Omit<FrameEmbeddingSpec, "q1">): FrameEmbeddingSpec {
  const { coreDim: d, ambientDim: D } = opts;
  const q = haarOrthogonal(D, opts.seed);
  const q1 = new Float64Array(D * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < D; i++) q1[j * D + i] = q[i * D + j];
  return { ...opts, q1 };
}

function checkSpec(s: FrameEmbeddingSpec, who: string): void {
  const { coreDim: d, ambientDim: D, trajectories: T } = s;
  const int = (name: string, v: number, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) {
      throw new Error(`${who}: ${name} must be an integer >= ${min}, got ${v}`);
    }
  };
  int("coreDim", d, 1);
  int("ambientDim", D, d + 1);
  int("trajectories", T, 1);
  int("trajectoryOffset", s.trajectoryOffset ?? 0, 0);
  if (s.q1.length !== D * d) {
    throw new Error(`${who}: q1 has ${s.q1.length} values, expected D * d = ${D * d}`);
  }
  if (!(s.sigma >= 0 && Number.isFinite(s.sigma))) {
    throw new Error(`${who}: sigma must be a finite number >= 0, got ${s.sigma}`);
  }
  if (s.noise === "ou" && !(s.tau > 0)) {
    throw new Error(`${who}: tau must be > 0 for OU noise, got ${s.tau}`);
  }
  seedToKey(s.seed);
}

/** OU coefficients: w <- a w + b eps after frame 0. */
function ouCoefficients(s: FrameEmbeddingSpec): { a: number; b: number } {
  const a = s.noise === "ou" ? Math.exp(-1 / s.tau) : 0;
  return { a, b: s.sigma * Math.sqrt(1 - a * a) };
}

/**
 * Embeds one frame [T, d] into `out` [T, D]; `ouState` is the live OU state w [T, D] after the
 * last frame embedded (null for white noise), what a checkpoint stores.
 */
export type CpuFrameEmbedder =
  & ((
    core: ArrayLike<number>,
    frame: number,
    out: Float32Array,
  ) => void)
  & { readonly ouState: Float64Array | null };

/**
 * The CPU twin (f64 arithmetic): y = z - Q1 (Q1^T z - x) per trajectory. OU frames must come in
 * order; frame 0 draws the stationary state. `ouState` (a checkpoint's [T, D]) continues an
 * earlier embedder after its last frame.
 *
 * @example
 * ```ts
 * const spec = haarFrameEmbedding({
 *   coreDim: 1, ambientDim: 4, trajectories: 2, noise: "white", sigma: 0, tau: 1, seed: 3,
 * });
 * const y = new Float32Array(8);
 * cpuFrameEmbedder(spec)(Float32Array.of(1, 2), 0, y); // y = Q1 x per trajectory
 * ```
 */
export function cpuFrameEmbedder(
  spec: FrameEmbeddingSpec,
  ouState?: ArrayLike<number>,
): CpuFrameEmbedder {
  checkSpec(spec, "cpuFrameEmbedder");
  const { coreDim: d, ambientDim: D, trajectories: T, q1, sigma } = spec;
  const off = spec.trajectoryOffset ?? 0;
  const key = seedToKey(spec.seed);
  const { a, b } = ouCoefficients(spec);
  const w = spec.noise === "ou" ? new Float64Array(T * D) : null;
  if (ouState !== undefined) {
    if (!w || ouState.length !== T * D) {
      throw new Error(
        `cpuFrameEmbedder: ouState has ${ouState.length} values, expected ${
          w ? `${T} x ${D}` : "none for white noise"
        }`,
      );
    }
    w.set(ouState);
  }
  const eps = new Float64Array(D), z = new Float64Array(D), c = new Float64Array(d);
  const words = new Uint32Array(4);
  const embed = (core: ArrayLike<number>, frame: number, out: Float32Array) => {
    for (let t = 0; t < T; t++) {
      normals(eps, key, off + t, frame, EMBED_NOISE_STREAM, words);
      if (w) {
        const o = t * D;
        const keep = frame === 0 ? 0 : a, s = frame === 0 ? sigma : b;
        for (let i = 0; i < D; i++) z[i] = w[o + i] = keep * w[o + i] + s * eps[i];
      } else for (let i = 0; i < D; i++) z[i] = sigma * eps[i];
      // c = Q1^T z - x, then y = z - Q1 c = Q1 x + (I - Q1 Q1^T) z.
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < D; i++) s += q1[j * D + i] * z[i];
        c[j] = s - core[t * d + j];
      }
      for (let i = 0; i < D; i++) {
        let s = z[i];
        for (let j = 0; j < d; j++) s -= q1[j * D + i] * c[j];
        out[t * D + i] = s;
      }
    }
  };
  return Object.assign(embed, { ouState: w });
}

/** Receives `count` embedded frames [count, T, D] (the array may be reused afterwards). */
export type EmbeddedFramesSink = (frames: Float32Array, count: number) => Promise<void>;

/** A GPU frame embedder; call {@link GpuFrameEmbedder.destroy} when done. */
export interface GpuFrameEmbedder {
  readonly spec: FrameEmbeddingSpec;
  /** Frames per submit and trajectories per chunk this embedder uses. */
  readonly framesPerSubmit: number;
  readonly trajectoriesPerChunk: number;
  /**
   * Embeds `count` frames starting at frame `first` from `core` [count, T, d] and hands them to
   * `sink` in order, in pieces of at most `framesPerSubmit` frames. With OU noise, `first` must
   * continue the previous call (or be 0 to restart).
   */
  embed(
    core: Float32Array,
    first: number,
    count: number,
    sink: EmbeddedFramesSink,
  ): Promise<void>;
  /** The OU state w [T, D] after the last frame embedded (null for white noise). */
  readOuState(): Promise<Float32Array | null>;
  /** Frees the GPU buffers. */
  destroy(): void;
}

/** Options of {@link createGpuFrameEmbedder}. */
export interface GpuFrameEmbedderOptions {
  /** Most floats of one output block on the GPU (default: 2^25, capped by the device limits). */
  readonly blockFloats?: number;
  /** Continue after a checkpoint: the OU state w [T, D] after frame `nextFrame - 1`. */
  readonly ouState?: ArrayLike<number>;
  /** The frame the first `embed` call continues with (default 0). */
  readonly nextFrame?: number;
}

const WG = 64;
const NOISE_BLOCK_LOOPS = 17;

/** Estimated loop iterations of the noise kernel per frame (see `embed_gpu_wgsl.ts`). */
function noiseLoopsPerFrame(d: number): number {
  // Rows: ROWS / 4 Philox blocks of 4 values; then d sums over the block's ROWS rows.
  return (EMBED_ROWS / 4) * (NOISE_BLOCK_LOOPS + 1 + 4) + d * (EMBED_ROWS + 1) + 1;
}

/**
 * The three embedding programs (noise, reduce, project) of a noise kind, before compilation;
 * D and d travel in the uniform block, so the texts do not depend on the embedding's size.
 */
export function embedPrograms(noise: "white" | "ou"): Program[] {
  return (["noise", "reduce", "project"] as const).map((kind) =>
    assembleProgram({
      label: `embed/${kind}`,
      groups: [EMBED_BINDINGS],
      constants: {
        WG: { type: "u32", value: WG },
        ROWS: { type: "u32", value: EMBED_ROWS },
        OU: { type: "u32", value: noise === "ou" ? 1 : 0 },
        STREAM: { type: "u32", value: EMBED_NOISE_STREAM },
      },
      snippets: [EMBED_PARAMS.wgsl(), ...(kind === "noise" ? [rngWgsl()] : [])],
      body: kind === "noise"
        ? EMBED_NOISE_MAIN
        : kind === "reduce"
        ? EMBED_REDUCE_MAIN
        : EMBED_PROJECT_MAIN,
      workgroupSize: WG,
    })
  );
}

/**
 * Builds the GPU twin of {@link cpuFrameEmbedder}. Per submit it uploads the core frames of one
 * (frames, trajectories) chunk, runs the noise, reduce and project kernels and reads y back.
 *
 * @example
 * ```ts
 * import { acquireGpu } from "../gpu/mod.ts";
 * const gpu = await acquireGpu();
 * if (gpu) {
 *   const spec = haarFrameEmbedding({
 *     coreDim: 1, ambientDim: 8, trajectories: 2, noise: "ou", sigma: 0.1, tau: 5, seed: 1,
 *   });
 *   const emb = await createGpuFrameEmbedder(gpu, spec);
 *   await emb.embed(Float32Array.of(1, -1), 0, 1, async (y) => console.log(y.length)); // 16
 *   emb.destroy();
 * }
 * ```
 */
export async function createGpuFrameEmbedder(
  gpu: GpuContext,
  spec: FrameEmbeddingSpec,
  opts: GpuFrameEmbedderOptions = {},
): Promise<GpuFrameEmbedder> {
  checkSpec(spec, "createGpuFrameEmbedder");
  const { coreDim: d, ambientDim: D, trajectories: T } = spec;
  const lim = gpu.device.limits;
  const cap = Math.min(
    opts.blockFloats ?? 1 << 25,
    Math.floor(lim.maxStorageBufferBindingSize / 4),
    Math.floor(lim.maxBufferSize / 4),
  );
  const budget = 0.45 * LLVMPIPE_LOOP_LIMIT;
  const perFrame = noiseLoopsPerFrame(d);
  const nb = Math.ceil(D / EMBED_ROWS);
  if (perFrame > budget || d * (nb + 1) > budget) {
    throw new Error(
      `createGpuFrameEmbedder: d = ${d}, D = ${D} need over ${Math.round(budget)} loop ` +
        `iterations per GPU invocation; expected a smaller embedding (or the CPU backend)`,
    );
  }
  // Per frame and trajectory: D outputs and nb * d partial sums, each block within `cap`.
  const perTraj = Math.max(D, nb * d);
  if (perTraj > cap) {
    throw new Error(
      `createGpuFrameEmbedder: one trajectory needs ${perTraj} floats, expected at most ${cap}`,
    );
  }
  const tc = Math.min(T, Math.floor(cap / perTraj));
  const fs = Math.max(1, Math.min(Math.floor(cap / (tc * perTraj)), Math.floor(budget / perFrame)));
  const chunks = Math.ceil(T / tc);
  const [noise, reduce, project] = await Promise.all(
    embedPrograms(spec.noise).map((p) => gpu.cache.get(gpu.device, p)),
  );
  // The runner owns every buffer: released by destroy(), or at once if setup fails.
  const runner = new GpuRunner(gpu, "embed");
  let bufs: Record<string, GPUBuffer>;
  let groupsOf: GPUBindGroup[][][];
  let states: GPUBuffer[];
  try {
    bufs = {
      embed_params: runner.uniform("embed_params", EMBED_PARAMS),
      embed_q1: runner.storage("embed_q1", Float32Array.from(spec.q1)),
      embed_core: runner.storage("embed_core", fs * tc * d * 4),
      embed_out: runner.storage("embed_out", fs * tc * D * 4),
      embed_partial: runner.storage("embed_partial", fs * tc * nb * d * 4),
      embed_coef: runner.storage("embed_coef", fs * tc * d * 4),
    };
    // One OU state buffer per trajectory chunk (each fits one binding); white noise needs none.
    if (opts.ouState !== undefined && (spec.noise !== "ou" || opts.ouState.length !== T * D)) {
      throw new Error(
        `createGpuFrameEmbedder: ouState has ${opts.ouState.length} values, expected ${
          spec.noise === "ou" ? `${T} x ${D}` : "none for white noise"
        }`,
      );
    }
    const ou = opts.ouState ? Float32Array.from(opts.ouState) : null;
    states = Array.from(
      { length: spec.noise === "ou" ? chunks : 1 },
      (_, c) =>
        spec.noise !== "ou"
          ? runner.storage("embed_state", 16)
          : ou
          ? runner.storage("embed_state", ou.slice(c * tc * D, Math.min(T, (c + 1) * tc) * D))
          : runner.storage("embed_state", Math.min(tc, T - c * tc) * D * 4),
    );
    const named = bufs;
    groupsOf = states.map((embed_state) =>
      [noise, reduce, project].map((p) => runner.bindGroups(p, { ...named, embed_state }))
    );
  } catch (e) {
    runner.release();
    throw e;
  }
  const key = seedToKey(spec.seed);
  const { a, b } = ouCoefficients(spec);
  const values = {
    key_lo: key[0],
    key_hi: key[1],
    frame0: 0,
    frames: 0,
    traj0: 0,
    trajs: 0,
    a,
    b,
    sigma: spec.sigma,
    ambient: D,
    core: d,
    nb,
  };
  const gather = chunks > 1 ? new Float32Array(fs * T * D) : null;
  const coreChunk = new Float32Array(fs * tc * d);
  let next = opts.nextFrame ?? 0;
  let destroyed = false;
  return {
    spec,
    framesPerSubmit: fs,
    trajectoriesPerChunk: tc,
    async embed(core, first, count, sink) {
      if (destroyed) throw new Error("GpuFrameEmbedder: embed called after destroy()");
      if (!(Number.isInteger(first) && first >= 0 && Number.isInteger(count) && count >= 0)) {
        throw new Error(
          `GpuFrameEmbedder: first and count must be integers >= 0, got ${first}, ${count}`,
        );
      }
      if (core.length < count * T * d) {
        throw new Error(
          `GpuFrameEmbedder: core has ${core.length} values, expected ${count} x ${T} x ${d}`,
        );
      }
      if (spec.noise === "ou" && first !== next && first !== 0) {
        throw new Error(
          `GpuFrameEmbedder: OU frames must come in order: got frame ${first}, expected ${next} or 0`,
        );
      }
      for (let f0 = 0; f0 < count; f0 += fs) {
        const nf = Math.min(fs, count - f0);
        for (let c = 0; c < chunks; c++) {
          const t0 = c * tc, nt = Math.min(tc, T - t0);
          for (let f = 0; f < nf; f++) {
            const src = ((f0 + f) * T + t0) * d;
            coreChunk.set(core.subarray(src, src + nt * d), f * nt * d);
          }
          writeBuffer(gpu, bufs.embed_core, coreChunk.subarray(0, nf * nt * d));
          runner.writeUniform(bufs.embed_params, EMBED_PARAMS, {
            ...values,
            frame0: first + f0,
            frames: nf,
            // traj0 keys the noise only: the global index of the chunk's first trajectory.
            traj0: (spec.trajectoryOffset ?? 0) + t0,
            trajs: nt,
          });
          const groups = groupsOf[spec.noise === "ou" ? c : 0];
          const batch = new DispatchBatch(gpu, "embed");
          batch.dispatch(noise, groups[0], Math.ceil((nt * nb) / WG));
          batch.dispatch(reduce, groups[1], Math.ceil((nf * nt) / WG));
          batch.dispatch(project, groups[2], Math.ceil((nf * nt * D) / WG));
          await batch.submit();
          const [data] = await readBuffers(gpu, [{
            buffer: bufs.embed_out,
            byteLength: nf * nt * D * 4,
          }]);
          const y = new Float32Array(data);
          if (!gather) {
            await sink(y, nf);
            continue;
          }
          for (let f = 0; f < nf; f++) {
            gather.set(y.subarray(f * nt * D, (f + 1) * nt * D), (f * T + t0) * D);
          }
        }
        if (gather) await sink(gather.subarray(0, nf * T * D), nf);
      }
      next = first + count;
    },
    async readOuState() {
      if (spec.noise !== "ou") return null;
      const parts = await readBuffers(
        gpu,
        states.map((buffer, c) => ({ buffer, byteLength: Math.min(tc, T - c * tc) * D * 4 })),
      );
      const w = new Float32Array(T * D);
      parts.forEach((p, c) => w.set(new Float32Array(p), c * tc * D));
      return w;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      runner.release();
    },
  };
}
