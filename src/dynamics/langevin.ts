/**
 * Langevin dynamics of many trajectories in parallel: overdamped Langevin by Euler-Maruyama
 * and underdamped Langevin by BAOAB, on WebGPU (one invocation per trajectory running `stride`
 * steps per dispatch, many dispatches per submit, one readback per block of frames) or on the
 * CPU twin with the same random counters.
 *
 * - Euler-Maruyama: x <- x - dt grad V(x) + sqrt(2 dt / beta) xi; stationary law ~ exp(-beta V)
 *   up to O(dt) bias.
 * - BAOAB (Leimkuhler & Matthews, AMRX 2013), mass 1, friction gamma: half kick, half drift,
 *   exact OU v <- c1 v + sqrt((1 - c1^2) / beta) xi with c1 = exp(-gamma dt), half drift, half
 *   kick. Its configurational sampling of a harmonic potential is exact for any stable dt.
 * - Optional reflecting box: a coordinate leaving [lo, hi] is mirrored back (and, for BAOAB, its
 *   velocity reversed).
 *
 * Randomness: Philox counter (index = block of 4 normals, step, trajectory, stream 0); at
 * dim <= 2 one call serves 4 / dim consecutive steps (counter (0, first step of the group, ...),
 * see {@link stepNormals}) so that all four words are used. Initial BAOAB velocities use stream
 * 1 at step 0xffffffff.
 *
 * Mesa llvmpipe stops every loop of an invocation after 65,535 iterations in total; there each
 * dispatch runs at most {@link stepsPerDispatch} steps (an estimate of the loop iterations per
 * step keeps an invocation under 90% of the limit) and a frame takes several dispatches. The GPU works in f32 and the CPU twin in
 * f64 with the same normals, so short trajectories agree closely and long ones diverge only
 * through round-off amplified by chaos.
 * @module
 */
import {
  assembleProgram,
  type CompiledProgram,
  DispatchBatch,
  type GpuContext,
  GpuRunner,
  type Program,
  readBuffers,
  synchronize,
} from "../gpu/mod.ts";
import { hasLoopLimit, LLVMPIPE_LOOP_LIMIT } from "../gpu/limits.ts";
import type { PotentialCore, WgslPotential } from "../models/continuous/potential.ts";
import { normal2 } from "../random/draws.ts";
import { philox4x32Words, seedToKey } from "../random/philox.ts";
import { rngWgsl } from "../wgsl/mod.ts";

import {
  BAOAB_STEPS,
  DYN_BINDINGS,
  DYN_MAIN,
  DYN_PARAMS,
  DYN_SLOTS,
  DYN_STREAM,
  dynHelpersWgsl,
  EM_STEPS,
} from "./langevin_wgsl.ts";
import { transposeInto } from "./work_layout.ts";

/** The integrators. */
export type IntegratorName = "euler-maruyama" | "baoab";

/** What an integrator needs of a potential: CPU energy/gradient and the WGSL twin. */
export type DynamicsPotential = PotentialCore & { readonly wgsl: WgslPotential };

/** An axis-aligned reflecting box. */
export interface ReflectingBox {
  readonly lo: readonly number[];
  readonly hi: readonly number[];
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Start states: one array per start, or a flat row-major [K, dim] array. */
  readonly starts: readonly ArrayLike<number>[] | Float64Array | Float32Array;
  /** Trajectories launched from each start (default 1); trajectory t starts at start floor(t / this). */
  readonly trajectoriesPerStart?: number;
  /** Total trajectories; optional, must equal K * trajectoriesPerStart when both are given. */
  readonly trajectories?: number;
  /**
   * Simulate only trajectories [a, b) of the whole set (default all). Random numbers are keyed
   * by the global trajectory index, so the ranges of a split give the whole run's bits.
   */
  readonly trajectoryRange?: readonly [number, number];
  /** Integrator steps (a multiple of stride, at most 2^32 - 1). */
  readonly steps: number;
  /** Steps between saved frames. */
  readonly stride: number;
  readonly dt: number;
  /** Inverse temperature (> 0). */
  readonly beta: number;
  /** Default "euler-maruyama". */
  readonly integrator?: IntegratorName;
  /** BAOAB friction (default 1). */
  readonly gamma?: number;
  readonly box?: ReflectingBox | null;
  readonly seed: number;
  /** Keep all frames in memory in the result (default: true unless onFrames is given). */
  readonly keepFrames?: boolean;
  /**
   * Most frames per block (one callback, one checkpoint; one submit on WebGPU). Default: up to
   * 256 frames capped at 2^25 floats on WebGPU, 2^22 floats on the CPU.
   */
  readonly blockFrames?: number;
  /** Hand a {@link SimulateCheckpoint} to the frames callback with every block (default false). */
  readonly checkpoints?: boolean;
  /**
   * Continue after a checkpoint of an earlier call with the same options and backend: frames
   * from `resumeFrom.frame + 1` on are computed and delivered (frame 0 is not), with the bits
   * the uninterrupted call gives. Frames are then not kept in memory.
   */
  readonly resumeFrom?: SimulateCheckpoint;
}

/**
 * The integrator's state after a block of frames: what continuing needs to reproduce the
 * uninterrupted bits on the same backend (random numbers depend only on step and trajectory).
 */
export interface SimulateCheckpoint {
  /** The last frame delivered (>= 1); the next block starts after it. */
  readonly frame: number;
  /** Positions `[trajectories, dim]` at that frame (the CPU twin's f64 state, WebGPU's f32). */
  readonly positions: Float64Array;
  /** BAOAB velocities `[trajectories, dim]` at that frame, else null. */
  readonly velocities: Float64Array | null;
}

/**
 * Receives frames `[firstFrame, firstFrame + count)` as one row-major `[count, trajectories,
 * dim]` block. Frame 0 (the start states) comes first, alone. The block is reused afterwards:
 * copy what you keep. With `checkpoints`, every block after frame 0 comes with the state after
 * its last frame.
 */
export type FramesCallback = (
  block: Float32Array,
  firstFrame: number,
  count: number,
  checkpoint?: SimulateCheckpoint,
) => void | Promise<void>;

/** What {@link simulate} returns. */
export interface SimulateResult {
  readonly backend: "webgpu" | "cpu";
  readonly integrator: IntegratorName;
  readonly trajectories: number;
  readonly dim: number;
  /** steps / stride + 1 (frame 0 is the start). */
  readonly numFrames: number;
  readonly stride: number;
  readonly dt: number;
  /** Start index of each trajectory. */
  readonly startIndex: Int32Array;
  /** `[numFrames, trajectories, dim]` when kept, else null. */
  readonly frames: Float32Array | null;
  /** Final states `[trajectories, dim]`. */
  readonly final: Float32Array;
  /** Wall-clock seconds of the integration loop. */
  readonly seconds: number;
}

interface Plan {
  dim: number;
  /** Trajectories simulated here (the range's length). */
  trajectories: number;
  /** Global index of the first one: the random numbers' trajectory counter is offset by it. */
  trajOffset: number;
  startIndex: Int32Array;
  x0: Float64Array;
  v0: Float64Array | null;
  steps: number;
  stride: number;
  numFrames: number;
  dt: number;
  beta: number;
  integrator: IntegratorName;
  gamma: number;
  box: ReflectingBox | null;
  key: [number, number];
  keep: boolean;
  /** Saved frames already done (0, or the resume checkpoint's frame). */
  startFrame: number;
  /** The state to start from: the starts (and initial velocities), or the checkpoint's. */
  pos0: Float64Array;
  vel0: Float64Array | null;
  checkpoints: boolean;
}

function flatStarts(starts: SimulateOptions["starts"], dim: number): Float64Array {
  if (starts instanceof Float64Array || starts instanceof Float32Array) {
    if (starts.length === 0 || starts.length % dim !== 0) {
      throw new Error(
        `simulate: starts has ${starts.length} values, expected a positive multiple of dim ${dim}`,
      );
    }
    return Float64Array.from(starts);
  }
  if (starts.length === 0) throw new Error("simulate: starts is empty, expected at least one");
  const out = new Float64Array(starts.length * dim);
  starts.forEach((s, k) => {
    if (s.length !== dim) {
      throw new Error(`simulate: start ${k} has length ${s.length}, expected dim ${dim}`);
    }
    for (let i = 0; i < dim; i++) out[k * dim + i] = s[i];
  });
  return out;
}

/**
 * Initial BAOAB velocities ~ N(0, I / beta) from Philox stream 1 at step 0xffffffff, for
 * trajectories [offset, offset + trajectories).
 */
export function initialVelocities(
  key: readonly number[],
  trajectories: number,
  dim: number,
  beta: number,
  offset = 0,
): Float64Array {
  const v = new Float64Array(trajectories * dim);
  const s = 1 / Math.sqrt(beta);
  const noise = new Float64Array(dim);
  const ws = new Uint32Array(4);
  for (let t = 0; t < trajectories; t++) {
    normals(noise, key, offset + t, 0xffffffff, DYN_STREAM.velocity, ws);
    for (let i = 0; i < dim; i++) v[t * dim + i] = s * noise[i];
  }
  return v;
}

const pair = [0, 0];

/** dim standard normals for (trajectory, step, stream), the twin of WGSL `dyn_add_noise`. */
export function normals(
  out: Float64Array,
  key: readonly number[],
  traj: number,
  step: number,
  stream: number,
  words: Uint32Array = new Uint32Array(4),
): Float64Array {
  const dim = out.length;
  for (let j = 0; 4 * j < dim; j++) {
    philox4x32Words(j, step, traj, stream, key[0], key[1], words);
    const i = 4 * j;
    normal2(words[0], words[1], pair);
    out[i] = pair[0];
    if (i + 1 < dim) out[i + 1] = pair[1];
    if (i + 2 < dim) {
      normal2(words[2], words[3], pair);
      out[i + 2] = pair[0];
      if (i + 3 < dim) out[i + 3] = pair[1];
    }
  }
  return out;
}

const group4 = new Float64Array(4);

/**
 * The dim normals of one integrator step, the twin of WGSL `dyn_step_noise`: {@link normals}
 * for dim > 2; for dim <= 2 the 4 normals of Philox counter (0, step - step % G, traj, stream)
 * with G = 4 / dim, of which step uses normals [(step % G) dim, (step % G + 1) dim).
 * @example
 * ```ts
 * const xi = stepNormals(new Float64Array(2), [1, 2], 0, 7, 0); // normals 2 and 3 of step 6's call
 * ```
 */
export function stepNormals(
  out: Float64Array,
  key: readonly number[],
  traj: number,
  step: number,
  stream: number,
  words: Uint32Array = new Uint32Array(4),
): Float64Array {
  const dim = out.length;
  if (dim > 2) return normals(out, key, traj, step, stream, words);
  const g = 4 / dim, gi = step % g;
  philox4x32Words(0, step - gi, traj, stream, key[0], key[1], words);
  normal2(words[0], words[1], pair);
  group4[0] = pair[0];
  group4[1] = pair[1];
  normal2(words[2], words[3], pair);
  group4[2] = pair[0];
  group4[3] = pair[1];
  for (let i = 0; i < dim; i++) out[i] = group4[gi * dim + i];
  return out;
}

/** WGSL loop iterations of one Philox block of 4 normals (10 rounds, two 3-step Newton loops). */
const NOISE_BLOCK_LOOPS = 17;

/**
 * Estimated WGSL loop iterations of one gradient evaluation: `wgsl.loopCost` when the potential
 * states it, 0 for loop-free code, else 2 x the parameter count + 4 dim + 16 (loops that read
 * every parameter about twice, a few loops over the coordinates).
 */
export function gradientLoopCost(p: DynamicsPotential): number {
  const stated = (p.wgsl as { loopCost?: number }).loopCost;
  if (stated !== undefined) return stated;
  if (!/\bfor\s*\(/.test(p.wgsl.code)) return 0;
  return 2 * (p.wgsl.params?.length ?? 0) + 4 * p.dim + 16;
}

/** Estimated WGSL loop iterations of one integrator step for one trajectory. */
export function loopsPerStep(
  p: DynamicsPotential,
  integrator: IntegratorName,
  hasBox: boolean,
): number {
  const d = p.dim;
  const noise = d <= 2 ? NOISE_BLOCK_LOOPS : Math.ceil(d / 4) * (NOISE_BLOCK_LOOPS + 1);
  return gradientLoopCost(p) + (integrator === "baoab" ? 3 : 1) * d + noise + (hasBox ? d : 0) +
    1;
}

/**
 * Most integrator steps per dispatch: `stride` on adapters without a loop limit; on llvmpipe as
 * many as keep one invocation under 90% of {@link LLVMPIPE_LOOP_LIMIT} (at least 1; throws
 * when even one step would exceed it).
 */
export function stepsPerDispatch(
  p: DynamicsPotential,
  integrator: IntegratorName,
  hasBox: boolean,
  stride: number,
  limited: boolean,
): number {
  if (!limited) return stride;
  const budget = 0.9 * LLVMPIPE_LOOP_LIMIT - 4 * p.dim - gradientLoopCost(p);
  const per = loopsPerStep(p, integrator, hasBox);
  if (budget < per) {
    throw new Error(
      `simulate: one ${integrator} step of ${p.name} needs about ${per} loop iterations per GPU ` +
        `invocation, over the software adapter's limit of ${LLVMPIPE_LOOP_LIMIT}; use the CPU backend`,
    );
  }
  return Math.min(stride, Math.floor(budget / per));
}

function plan(p: DynamicsPotential, o: SimulateOptions, haveCallback: boolean): Plan {
  const dim = p.dim;
  const x0s = flatStarts(o.starts, dim);
  const k = x0s.length / dim;
  const posInt = (name: string, v: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!(Number.isInteger(v) && v >= 1 && v <= max)) {
      throw new Error(`simulate: ${name} must be an integer in [1, ${max}], got ${v}`);
    }
  };
  let per = o.trajectoriesPerStart;
  if (per === undefined) {
    per = o.trajectories === undefined ? 1 : o.trajectories / k;
    if (!Number.isInteger(per)) {
      throw new Error(
        `simulate: trajectories (${o.trajectories}) must be a multiple of the ${k} starts`,
      );
    }
  }
  posInt("trajectoriesPerStart", per);
  const total = k * per;
  if (o.trajectories !== undefined && o.trajectories !== total) {
    throw new Error(
      `simulate: trajectories is ${o.trajectories}, expected ${k} starts x ${per} = ${total}`,
    );
  }
  posInt("stride", o.stride);
  posInt("steps", o.steps, 0xffffffff);
  if (o.steps % o.stride !== 0) {
    throw new Error(`simulate: steps (${o.steps}) must be a multiple of stride (${o.stride})`);
  }
  if (!(o.dt > 0 && Number.isFinite(o.dt))) {
    throw new Error(`simulate: dt must be a finite number > 0, got ${o.dt}`);
  }
  if (!(o.beta > 0 && Number.isFinite(o.beta))) {
    throw new Error(`simulate: beta must be a finite number > 0, got ${o.beta}`);
  }
  const integrator = o.integrator ?? "euler-maruyama";
  if (integrator !== "euler-maruyama" && integrator !== "baoab") {
    throw new Error(`simulate: integrator must be "euler-maruyama" or "baoab", got ${integrator}`);
  }
  const gamma = o.gamma ?? 1;
  if (!(gamma > 0 && Number.isFinite(gamma))) {
    throw new Error(`simulate: gamma must be a finite number > 0, got ${gamma}`);
  }
  const box = o.box ?? null;
  if (box) {
    if (box.lo.length !== dim || box.hi.length !== dim) {
      throw new Error(
        `simulate: box has ${box.lo.length}/${box.hi.length} bounds, expected dim ${dim}`,
      );
    }
    for (let i = 0; i < dim; i++) {
      if (!(box.lo[i] < box.hi[i])) {
        throw new Error(`simulate: box.lo[${i}] must be < box.hi[${i}]`);
      }
    }
  }
  const [a, b] = o.trajectoryRange ?? [0, total];
  if (!(Number.isInteger(a) && Number.isInteger(b) && 0 <= a && a < b && b <= total)) {
    throw new Error(
      `simulate: trajectoryRange [${a}, ${b}) must be a non-empty integer range within [0, ${total})`,
    );
  }
  const trajectories = b - a;
  const key = seedToKey(o.seed);
  const startIndex = Int32Array.from(
    { length: trajectories },
    (_, t) => Math.floor((a + t) / per!),
  );
  const x0 = new Float64Array(trajectories * dim);
  for (let t = 0; t < trajectories; t++) {
    x0.set(x0s.subarray(startIndex[t] * dim, startIndex[t] * dim + dim), t * dim);
  }
  if (box) {
    for (let t = 0; t < trajectories; t++) {
      for (let i = 0; i < dim; i++) {
        const v = x0[t * dim + i];
        if (!(v >= box.lo[i] && v <= box.hi[i])) {
          throw new Error(`simulate: start of trajectory ${t} lies outside the box`);
        }
      }
    }
  }
  const v0 = integrator === "baoab" ? initialVelocities(key, trajectories, dim, o.beta, a) : null;
  const numFrames = o.steps / o.stride + 1;
  const r = o.resumeFrom;
  if (r) {
    if (!(Number.isInteger(r.frame) && r.frame >= 1 && r.frame <= numFrames - 1)) {
      throw new Error(
        `simulate: resumeFrom.frame must be an integer in [1, ${numFrames - 1}], got ${r.frame}`,
      );
    }
    if (r.positions.length !== trajectories * dim) {
      throw new Error(
        `simulate: resumeFrom.positions has ${r.positions.length} values, expected ${trajectories} x ${dim}`,
      );
    }
    if (
      (v0 !== null) !== (r.velocities !== null) || (r.velocities?.length ?? 0) !== (v0?.length ?? 0)
    ) {
      throw new Error(
        `simulate: resumeFrom.velocities must be ${
          v0 ? `${trajectories} x ${dim} values` : "null"
        } for ${integrator}`,
      );
    }
    if (o.keepFrames) throw new Error("simulate: keepFrames cannot be combined with resumeFrom");
  }
  return {
    dim,
    trajectories,
    trajOffset: a,
    startIndex,
    x0,
    v0,
    steps: o.steps,
    stride: o.stride,
    numFrames,
    dt: o.dt,
    beta: o.beta,
    integrator,
    gamma,
    box,
    key,
    keep: r ? false : o.keepFrames ?? !haveCallback,
    startFrame: r?.frame ?? 0,
    pos0: r ? Float64Array.from(r.positions) : x0,
    vel0: r ? (r.velocities ? Float64Array.from(r.velocities) : null) : v0,
    checkpoints: o.checkpoints ?? false,
  };
}

/**
 * Simulates Langevin trajectories on the GPU when `gpu` is given, else on the CPU twin.
 *
 * @example
 * ```ts
 * import { doubleWell } from "../models/continuous/mod.ts";
 * const r = await simulate(doubleWell(), {
 *   starts: [[-1], [1]], trajectoriesPerStart: 4, steps: 100, stride: 10, dt: 1e-3, beta: 4, seed: 1,
 * }, null);
 * console.log(r.frames!.length); // 11 frames x 8 trajectories x 1
 * ```
 */
export async function simulate(
  potential: DynamicsPotential,
  opts: SimulateOptions,
  gpu: GpuContext | null,
  onFrames?: FramesCallback,
): Promise<SimulateResult> {
  const pl = plan(potential, opts, onFrames !== undefined);
  const { trajectories: n, dim } = pl;
  const frames = pl.keep ? new Float32Array(pl.numFrames * n * dim) : null;
  if (pl.startFrame === 0) {
    const frame0 = Float32Array.from(pl.x0);
    frames?.set(frame0);
    await onFrames?.(frame0, 0, 1);
  }
  const sink: Sink = async (block, first, count, checkpoint) => {
    frames?.set(block.subarray(0, count * n * dim), first * n * dim);
    await onFrames?.(block, first, count, checkpoint);
  };
  const out = gpu
    ? await simulateGpu(potential, pl, gpu, opts.blockFrames, sink)
    : await simulateCpu(potential, pl, opts.blockFrames, sink);
  return {
    backend: gpu ? "webgpu" : "cpu",
    integrator: pl.integrator,
    trajectories: n,
    dim,
    numFrames: pl.numFrames,
    stride: pl.stride,
    dt: pl.dt,
    startIndex: pl.startIndex,
    frames,
    final: out.final,
    seconds: out.seconds,
  };
}

type Sink = (
  block: Float32Array,
  first: number,
  count: number,
  checkpoint?: SimulateCheckpoint,
) => Promise<void>;

const CPU_BLOCK_FLOATS = 1 << 22;

async function simulateCpu(
  p: DynamicsPotential,
  pl: Plan,
  blockFramesOpt: number | undefined,
  sink: Sink,
): Promise<{ final: Float32Array; seconds: number }> {
  const { dim, trajectories: n, stride, dt, key, box, trajOffset: off } = pl;
  const pos = Float64Array.from(pl.pos0);
  const vel = pl.vel0 ? Float64Array.from(pl.vel0) : null;
  const x = new Float64Array(dim);
  const v = new Float64Array(dim);
  const g = new Float64Array(dim);
  const xi = new Float64Array(dim);
  const words = new Uint32Array(4);
  const saved = pl.numFrames - 1;
  const blockFrames = Math.max(
    1,
    Math.min(saved, Math.floor(CPU_BLOCK_FLOATS / (n * dim)), blockFramesOpt ?? Infinity),
  );
  const block = new Float32Array(blockFrames * n * dim);
  const emNoise = Math.sqrt(2 * dt / pl.beta);
  const c1 = Math.exp(-pl.gamma * dt);
  const ouNoise = Math.sqrt((1 - c1 * c1) / pl.beta);
  const h = 0.5 * dt;
  const reflect = (withV: boolean) => {
    if (!box) return;
    for (let i = 0; i < dim; i++) {
      const lo = box.lo[i], hi = box.hi[i];
      let z = x[i], s = 1;
      if (z < lo) {
        z = 2 * lo - z;
        s = -s;
      }
      if (z > hi) {
        z = 2 * hi - z;
        s = -s;
      }
      x[i] = Math.min(Math.max(z, lo), hi);
      if (withV) v[i] *= s;
    }
  };
  const start = performance.now();
  for (let f0 = pl.startFrame; f0 < saved; f0 += blockFrames) {
    const count = Math.min(blockFrames, saved - f0);
    for (let t = 0; t < n; t++) {
      const base = t * dim;
      for (let i = 0; i < dim; i++) x[i] = pos[base + i];
      if (vel) { for (let i = 0; i < dim; i++) v[i] = vel[base + i]; }
      let step = f0 * stride;
      for (let f = 0; f < count; f++) {
        if (vel) {
          p.gradient(x, g);
          for (let k = 0; k < stride; k++, step++) {
            for (let i = 0; i < dim; i++) {
              v[i] -= h * g[i];
              x[i] += h * v[i];
            }
            stepNormals(xi, key, off + t, step, DYN_STREAM.noise, words);
            for (let i = 0; i < dim; i++) {
              v[i] = c1 * v[i] + ouNoise * xi[i];
              x[i] += h * v[i];
            }
            reflect(true);
            p.gradient(x, g);
            for (let i = 0; i < dim; i++) v[i] -= h * g[i];
          }
        } else {
          for (let k = 0; k < stride; k++, step++) {
            p.gradient(x, g);
            stepNormals(xi, key, off + t, step, DYN_STREAM.noise, words);
            for (let i = 0; i < dim; i++) x[i] += -dt * g[i] + emNoise * xi[i];
            reflect(false);
          }
        }
        const o = (f * n + t) * dim;
        for (let i = 0; i < dim; i++) block[o + i] = x[i];
      }
      for (let i = 0; i < dim; i++) pos[base + i] = x[i];
      if (vel) { for (let i = 0; i < dim; i++) vel[base + i] = v[i]; }
    }
    const checkpoint = pl.checkpoints
      ? {
        frame: f0 + count,
        positions: Float64Array.from(pos),
        velocities: vel ? Float64Array.from(vel) : null,
      }
      : undefined;
    await sink(block, f0 + 1, count, checkpoint);
  }
  return { final: Float32Array.from(pos), seconds: (performance.now() - start) / 1000 };
}

const WG = 64;
const GPU_BLOCK_FLOATS = 1 << 25;

/**
 * The integrator program of a potential, before compilation. Its text does not depend on the
 * dimension (it travels in the uniform block), only on the potential's WGSL, the integrator and
 * whether a box reflects.
 *
 * @example
 * ```ts
 * import { foldingModel } from "../models/continuous/mod.ts";
 * const a = integratorProgram(foldingModel({ dim: 2 }), "baoab", false);
 * const b = integratorProgram(foldingModel({ dim: 1000 }), "baoab", false);
 * console.log(a.code === b.code); // true
 * ```
 */
export function integratorProgram(
  p: DynamicsPotential,
  integrator: IntegratorName,
  hasBox: boolean,
): Program {
  const groups = [
    DYN_BINDINGS,
    ...(p.wgsl.params
      ? [[{ name: "model_params", kind: "read" as const, type: "array<f32>" }]]
      : []),
  ];
  return assembleProgram({
    label: `${p.wgsl.key}/${integrator}`,
    groups,
    constants: {
      WG: { type: "u32", value: WG },
      HAS_BOX: { type: "u32", value: hasBox ? 1 : 0 },
      POT_FIXED_DIM: { type: "u32", value: p.wgsl.fixedDim ?? 0 },
    },
    snippets: [
      DYN_PARAMS.wgsl(),
      rngWgsl(),
      dynHelpersWgsl(),
      p.wgsl.code,
      integrator === "baoab" ? BAOAB_STEPS : EM_STEPS,
    ],
    body: DYN_MAIN,
    workgroupSize: WG,
  });
}

/** Compiles (or fetches from the cache) the integrator program of a potential. */
export function compileIntegrator(
  gpu: GpuContext,
  p: DynamicsPotential,
  integrator: IntegratorName,
  hasBox: boolean,
): Promise<CompiledProgram> {
  return gpu.cache.get(gpu.device, integratorProgram(p, integrator, hasBox));
}

async function simulateGpu(
  p: DynamicsPotential,
  pl: Plan,
  gpu: GpuContext,
  blockFramesOpt: number | undefined,
  sink: Sink,
): Promise<{ final: Float32Array; seconds: number }> {
  const { dim, trajectories: n } = pl;
  const chunk = stepsPerDispatch(p, pl.integrator, pl.box !== null, pl.stride, hasLoopLimit(gpu));
  const perFrame = Math.ceil(pl.stride / chunk);
  const saved = pl.numFrames - 1;
  const cap = Math.max(1, Math.floor(GPU_BLOCK_FLOATS / (n * dim)));
  const blockFrames = Math.max(1, Math.min(saved, blockFramesOpt ?? 256, cap));
  const compiled = await compileIntegrator(gpu, p, pl.integrator, pl.box !== null);
  const c1 = Math.exp(-pl.gamma * pl.dt);
  const boxData = new Float32Array(2 * dim);
  if (pl.box) {
    boxData.set(pl.box.lo);
    boxData.set(pl.box.hi, dim);
  }
  // Position, velocity and gradient of every trajectory, chain-minor [3, dim, n].
  const work = new Float32Array(3 * dim * n);
  transposeInto(pl.pos0, n, dim, work, DYN_SLOTS.position * dim * n);
  if (pl.vel0) transposeInto(pl.vel0, n, dim, work, DYN_SLOTS.velocity * dim * n);
  // Every buffer belongs to the runner, released in the finally whatever fails.
  const runner = new GpuRunner(gpu, "langevin");
  try {
    const buf = {
      dyn_work: runner.storage("dyn_work", work),
      dyn_step: runner.storage("dyn_step", new Uint32Array(n).fill(pl.startFrame * pl.stride)),
      dyn_frames: runner.storage("dyn_frames", blockFrames * n * dim * 4),
      dyn_box: runner.storage("dyn_box", boxData),
      params: runner.uniform("params", DYN_PARAMS),
      ...(p.wgsl.params ? { model_params: runner.storage("model_params", p.wgsl.params) } : {}),
    };
    const groups = runner.bindGroups(compiled, buf);
    const workgroups = Math.ceil(n / WG);
    const values = {
      key_lo: pl.key[0],
      key_hi: pl.key[1],
      trajectories: n,
      traj_offset: pl.trajOffset,
      stride: pl.stride,
      dt: pl.dt,
      noise: pl.integrator === "baoab"
        ? Math.sqrt((1 - c1 * c1) / pl.beta)
        : Math.sqrt(2 * pl.dt / pl.beta),
      c1,
      block_frame0: 0,
      chunk,
      dim,
      noise_group: dim <= 2 ? 4 / dim : 1,
    };
    await synchronize(gpu);
    const start = performance.now();
    // Positions and velocities, row-major f64, from the work buffer (for checkpoints).
    const state = async () => {
      const [w] = await readBuffers(gpu, [{ buffer: buf.dyn_work, byteLength: 2 * n * dim * 4 }]);
      const f = new Float32Array(w);
      const rows = (slot: number) =>
        Float64Array.from(
          transposeInto(f, n, dim, new Float32Array(n * dim), slot * n * dim, true),
        );
      return {
        positions: rows(DYN_SLOTS.position),
        velocities: pl.vel0 ? rows(DYN_SLOTS.velocity) : null,
      };
    };
    for (let f0 = pl.startFrame; f0 < saved; f0 += blockFrames) {
      const count = Math.min(blockFrames, saved - f0);
      runner.writeUniform(buf.params, DYN_PARAMS, { ...values, block_frame0: f0 });
      const batch = new DispatchBatch(gpu, "langevin");
      for (let k = 0; k < count * perFrame; k++) batch.dispatch(compiled, groups, workgroups);
      await batch.submit();
      const [data] = await readBuffers(gpu, [{
        buffer: buf.dyn_frames,
        byteLength: count * n * dim * 4,
      }]);
      const checkpoint = pl.checkpoints ? { frame: f0 + count, ...(await state()) } : undefined;
      await sink(new Float32Array(data), f0 + 1, count, checkpoint);
    }
    const seconds = (performance.now() - start) / 1000;
    const [fin] = await readBuffers(gpu, [{ buffer: buf.dyn_work, byteLength: n * dim * 4 }]);
    const final = transposeInto(new Float32Array(fin), n, dim, new Float32Array(n * dim), 0, true);
    return { final, seconds };
  } finally {
    runner.release();
  }
}
