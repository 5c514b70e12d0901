/**
 * The `simulate` run kind. `simulateToRun` simulates a configured system and writes a run with the frames (embedded into
 * D dimensions at saved frames only), the start states and their ground-truth basin labels.
 *
 * The embedding y = Q [x; z] with Haar Q and isotropic noise z (white, or OU across frames) is
 * computed as y = Q1 x + (I - Q1 Q1^T) w with Q1 the first d columns of Q and w an isotropic
 * D-dimensional white/OU process. This has exactly the law of Q [x; z] (Q2 z and (I - Q1 Q1^T) w
 * are both Gaussian with covariance sigma^2 Q2 Q2^T and the same time correlation) at O(D d)
 * per frame instead of O(D^2). With a GPU the embedding runs there (`embed_gpu.ts`), with the same
 * Philox noise as the CPU twin.
 * @module
 */
import type { GpuContext } from "../gpu/mod.ts";
import type { RunStore, RunWriter } from "../io/run_store.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import { parseConfig } from "../io/config.ts";
import { continuousSystems } from "../models/continuous/registry.ts";
import { labelByDescentBatch } from "../models/continuous/basins_truth.ts";
import { uniformArray } from "../random/params.ts";
import { SimulateConfig } from "../dynamics/config.ts";
import { type Checkpoint, clearCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import { simulate } from "../dynamics/langevin.ts";
import {
  cpuFrameEmbedder,
  createGpuFrameEmbedder,
  type GpuFrameEmbedder,
  haarFrameEmbedding,
} from "../dynamics/embed_gpu.ts";
import { type ArraySpec, failureReason, startRun, writeSpecArray } from "./writer.ts";

/** The `simulate` kind's name, as recorded in `run.json`. */
export const SIMULATE_KIND = "simulate";

/** Arrays of a `simulate` run. */
export const SIMULATE_ARRAYS = {
  /** Start states. */
  starts: { name: "starts", dtype: "f64", shape: ["starts", "coreDim"] },
  /** Ground-truth basin label of each start (steepest descent). */
  startLabels: { name: "start_labels", dtype: "i32", shape: ["starts"] },
  /** Start index of each trajectory. */
  trajectoryStart: { name: "trajectory_start", dtype: "i32", shape: ["trajectories"] },
  /** Label of each trajectory's start. */
  labels: { name: "labels", dtype: "i32", shape: ["trajectories"] },
  /** Saved frames in the ambient dimension (appended in blocks). */
  frames: { name: "frames", dtype: "f32", shape: ["frames", "trajectories", "dim"] },
  /** Saved frames in the system's own dimension, when embedded (dim > coreDim). */
  coreFrames: {
    name: "core_frames",
    dtype: "f32",
    shape: ["frames", "trajectories", "coreDim"],
    optional: true,
  },
} as const satisfies Record<string, ArraySpec>;

/** Options of {@link simulateToRun}. */
export interface SimulateRunOptions {
  /** argv recorded in the manifest (default `["simulate"]`). */
  readonly command?: string[];
  /** The run's id (default: a fresh time-based one). */
  readonly id?: string;
  /** Called after each stored block with the frames stored so far. */
  readonly onFrames?: (stored: number) => void | Promise<void>;
}

/** What {@link simulateToRun} reports. */
export interface SimulateRunResult {
  readonly runId: string;
  readonly trajectories: number;
  readonly frames: number;
  readonly coreDim: number;
  readonly ambientDim: number;
  readonly seconds: number;
}

const START_STREAM = 0x5354;

/**
 * Runs a `simulate` configuration and stores it (created `running` before the first step, `done`
 * at the end, `failed` with the reason when the simulation throws). Arrays: `starts` [K, d] f64, `start_labels`
 * [K] i32, `trajectory_start` [T] i32, `labels` [T] i32 (label of each trajectory's start),
 * `frames` [F, T, D] f32 (appended in blocks), and `core_frames` [F, T, d] f32 when D > d.
 *
 * @example
 * ```ts
 * import { simulateToRun } from "./simulate.ts";
 * import { RunStore } from "../io/run_store.ts";
 * const r = await simulateToRun(new RunStore(await Deno.makeTempDir()), {
 *   system: "double-well", starts: [[-1], [1]], trajectories: 8, frames: 10, stride: 10,
 *   dim: 20, backend: "cpu",
 * }, null);
 * ```
 */
export async function simulateToRun(
  store: RunStore,
  config: unknown,
  gpu: GpuContext | null,
  options: SimulateRunOptions = {},
): Promise<SimulateRunResult> {
  const cfg = parseConfig(SimulateConfig, config, "simulate config");
  const p = systemOf(cfg);
  const useGpu = cfg.backend !== "cpu" && gpu !== null;
  if (cfg.backend === "webgpu" && !gpu) {
    throw new Error("simulate: backend webgpu requested but no GPU context was given");
  }
  // Input errors before the run exists: nothing is stored for a configuration that cannot run.
  if ((cfg.dim ?? p.dim) < p.dim) {
    throw new Error(`simulate: dim (${cfg.dim}) must be >= the system's dimension ${p.dim}`);
  }
  if (Array.isArray(cfg.starts)) {
    cfg.starts.forEach((s, k) => {
      if (s.length !== p.dim) {
        throw new Error(`simulate: starts[${k}] has length ${s.length}, expected ${p.dim}`);
      }
    });
  } else if (!p.box) {
    throw new Error(`simulate: ${cfg.system} has no box; give explicit starts`);
  }
  const total = (Array.isArray(cfg.starts) ? cfg.starts.length : cfg.starts.random) *
    cfg.trajectories;
  const [t0, t1] = cfg.trajectoryRange ?? [0, total];
  if (!(t0 < t1 && t1 <= total)) {
    throw new Error(
      `simulate: trajectoryRange [${t0}, ${t1}) must be a non-empty range within [0, ${total})`,
    );
  }
  const run = await startRun(store, "simulate", {
    ...(options.id ? { id: options.id } : {}),
    command: options.command ?? ["simulate"],
    config: cfg as unknown as Record<string, unknown>,
    seed: cfg.seed,
    backend: useGpu ? "webgpu" : "cpu",
    ...(useGpu ? { adapter: gpu!.adapter } : {}),
  });
  return await streamSimulate(run, cfg, useGpu ? gpu : null, null, options);
}

function systemOf(cfg: SimulateConfig) {
  const factory = continuousSystems[cfg.system];
  if (!factory) {
    throw new Error(
      `simulate: unknown system '${cfg.system}', expected one of ${
        Object.keys(continuousSystems).join(", ")
      }`,
    );
  }
  return factory(cfg.systemOptions);
}

/** The integrator's and the embedder's state a stored checkpoint holds. */
function resumeOf(c: Checkpoint | null) {
  if (!c) return null;
  const rows = c.meta.step;
  return {
    rows,
    integrator: {
      frame: rows - 1,
      positions: c.arrays.positions.data as Float64Array,
      velocities: (c.arrays.velocities?.data as Float64Array | undefined) ?? null,
    },
    ouState: (c.arrays.ou_state?.data as Float64Array | undefined) ?? null,
    seconds: Number(c.meta.state.seconds ?? 0),
  };
}

/**
 * Runs a `simulate` configuration into `run` (new, or reopened by `RunStore.resume` with its
 * checkpoint, on the backend that wrote it): the frames keep exactly the checkpoint's rows, then
 * grow block by block, each block followed by its checkpoint (the integrator's positions and
 * velocities and the OU embedding state after the block's last frame), so a resumed run ends
 * with the uninterrupted run's bits. Ends `done`, or `failed` with the reason when it throws.
 */
export async function streamSimulate(
  run: RunWriter,
  cfg: SimulateConfig,
  gpu: GpuContext | null,
  from: Checkpoint | null,
  options: SimulateRunOptions = {},
): Promise<SimulateRunResult> {
  let gpuEmbed: GpuFrameEmbedder | null = null;
  const appenders: NpyAppender[] = [];
  try {
    const p = systemOf(cfg);
    const d = p.dim, D = cfg.dim ?? d;
    if (D < d) throw new Error(`simulate: dim (${D}) must be >= the system's dimension ${d}`);
    let starts: Float64Array;
    if (Array.isArray(cfg.starts)) {
      starts = new Float64Array(cfg.starts.length * d);
      cfg.starts.forEach((s, k) => {
        if (s.length !== d) {
          throw new Error(`simulate: starts[${k}] has length ${s.length}, expected ${d}`);
        }
        starts.set(s, k * d);
      });
    } else {
      if (!p.box) throw new Error(`simulate: ${cfg.system} has no box; give explicit starts`);
      const u = uniformArray(cfg.seed, START_STREAM, cfg.starts.random * d);
      starts = u.map((v, i) => p.box!.lo[i % d] + v * (p.box!.hi[i % d] - p.box!.lo[i % d]));
    }
    const k = starts.length / d;
    const startLabels = labelByDescentBatch(p, starts);
    const resume = resumeOf(from);
    // This run's trajectories: all of them, or the range [a, b) of a split run.
    const [t0, t1] = cfg.trajectoryRange ?? [0, k * cfg.trajectories];
    if (!(t0 < t1 && t1 <= k * cfg.trajectories)) {
      throw new Error(
        `simulate: trajectoryRange [${t0}, ${t1}) must be a non-empty range within [0, ${
          k * cfg.trajectories
        })`,
      );
    }
    const T = t1 - t0;
    const trajStart = Int32Array.from(
      { length: T },
      (_, t) => Math.floor((t0 + t) / cfg.trajectories),
    );
    const a = SIMULATE_ARRAYS;
    // Deterministic from the configuration: a resumed run writes the same bytes again.
    const replace = { replace: true };
    await writeSpecArray(run, a.starts, [k, d], starts, replace);
    await writeSpecArray(run, a.startLabels, [k], startLabels, replace);
    await writeSpecArray(run, a.trajectoryStart, [T], trajStart, replace);
    await writeSpecArray(run, a.labels, [T], trajStart.map((s) => startLabels[s]), replace);
    const keepRows = resume?.rows ?? 0;
    const framesOut = await run.appender(a.frames.name, a.frames.dtype, [T, D], { keepRows });
    appenders.push(framesOut);
    const coreOut = D > d
      ? await run.appender(a.coreFrames.name, a.coreFrames.dtype, [T, d], { keepRows })
      : null;
    if (coreOut) appenders.push(coreOut);
    const spec = D > d
      ? haarFrameEmbedding({
        coreDim: d,
        ambientDim: D,
        trajectories: T,
        trajectoryOffset: t0,
        noise: cfg.noise,
        sigma: cfg.noiseSigma,
        tau: cfg.noiseTau,
        seed: cfg.seed,
      })
      : null;
    const ouState = spec?.noise === "ou" ? resume?.ouState ?? undefined : undefined;
    gpuEmbed = spec && gpu
      ? await createGpuFrameEmbedder(gpu, spec, { ouState, nextFrame: keepRows })
      : null;
    const embed = spec && !gpuEmbed ? cpuFrameEmbedder(spec, ouState) : null;
    const row = embed ? new Float32Array(T * D) : null;
    const appendFrames = (y: Float32Array, n: number) => framesOut.append(y, n);
    const before = resume?.seconds ?? 0;
    const result = await run.timePhase("simulate", () =>
      simulate(
        p,
        {
          starts,
          trajectoriesPerStart: cfg.trajectories,
          trajectoryRange: [t0, t1],
          steps: cfg.frames * cfg.stride,
          stride: cfg.stride,
          dt: cfg.dt,
          beta: cfg.beta,
          integrator: cfg.integrator,
          gamma: cfg.gamma,
          box: cfg.reflect ? (p.box ?? null) : null,
          seed: cfg.seed,
          keepFrames: false,
          checkpoints: true,
          ...(cfg.blockFrames ? { blockFrames: cfg.blockFrames } : {}),
          ...(resume ? { resumeFrom: resume.integrator } : {}),
        },
        gpu,
        async (block, first, count, checkpoint) => {
          if (!spec) await framesOut.append(block.slice(0, count * T * d), count);
          else {
            await coreOut!.append(block.slice(0, count * T * d), count);
            if (gpuEmbed) await gpuEmbed.embed(block, first, count, appendFrames);
            else {
              for (let f = 0; f < count; f++) {
                embed!(block.subarray(f * T * d, (f + 1) * T * d), first + f, row!);
                await framesOut.append(row!, 1);
              }
            }
          }
          // A block of frames is the unit of durability: on disk, then its checkpoint, before
          // the next one starts.
          await coreOut?.flush();
          await framesOut.flush();
          if (checkpoint) {
            const w = gpuEmbed ? await gpuEmbed.readOuState() : embed?.ouState ?? null;
            await writeCheckpoint(run.dir, first + count, { seconds: before }, {
              positions: { dtype: "f64", shape: [T, d], data: checkpoint.positions },
              ...(checkpoint.velocities
                ? { velocities: { dtype: "f64", shape: [T, d], data: checkpoint.velocities } }
                : {}),
              ...(w
                ? { ou_state: { dtype: "f64", shape: [T, D], data: Float64Array.from(w) } }
                : {}),
            });
          }
          await options.onFrames?.(first + count);
        },
      ));
    for (const app of appenders.splice(0)) await app.close();
    const seconds = before + result.seconds;
    await run.setSummary({
      trajectories: T,
      frames: cfg.frames + 1,
      coreDim: d,
      ambientDim: D,
      trajectoryStepsPerSecond: (T * cfg.frames * cfg.stride) / Math.max(seconds, 1e-9),
    });
    await clearCheckpoint(run.dir);
    await run.finish("done");
    return {
      runId: run.id,
      trajectories: T,
      frames: cfg.frames + 1,
      coreDim: d,
      ambientDim: D,
      seconds,
    };
  } catch (e) {
    for (const app of appenders) await app.close().catch(() => {});
    // The simulation's error is the one to report; a failure to record it must not hide it.
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  } finally {
    gpuEmbed?.destroy();
  }
}
