/**
 * `simulate` runs split by trajectory ranges for `cli.ts shard`: shard i simulates trajectories
 * [a, b) of the whole set (`trajectoryRange`); the integrator's and the embedding's random numbers
 * are keyed by the global trajectory index, so the merge, which lays the shards' trajectories side
 * by side in every frame, gives the single-machine run's arrays and summary (all but timings).
 * Trajectories never interact, so every `simulate` configuration splits.
 * @module
 */
import { parseConfig } from "../io/config.ts";
import { RunStore } from "../io/run_store.ts";
import { readNpyRows } from "../io/npy_file.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import { acquireGpu, resolveBackend } from "../gpu/mod.ts";
import { SimulateConfig } from "../dynamics/config.ts";
import { readCheckpoint } from "../runs/checkpoint.ts";
import { SIMULATE_ARRAYS, simulateToRun, streamSimulate } from "../runs/simulate.ts";
import { startRun } from "../runs/writer.ts";
import { planPaths } from "../shard/plan.ts";
import { parseCommand, UsageError } from "./args.ts";
import { SIMULATE_SPEC, simulateConfigFrom } from "./simulate.ts";
import {
  doneShardRuns,
  evenRanges,
  openRun,
  rangeUnit,
  shardRange,
  shardRunId,
} from "./shard_ranges.ts";
import type { CliIo } from "./io.ts";
import type { Shardable } from "./shardable.ts";

const MERGED_ID = "simulate";

/** All trajectories of a configuration: starts x trajectories per start. */
function totalTrajectories(cfg: SimulateConfig): number {
  const starts = Array.isArray(cfg.starts) ? cfg.starts.length : cfg.starts.random;
  return starts * cfg.trajectories;
}

/** A GPU for a run stored on `backend`, or a one-line refusal (its bits need that backend). */
async function gpuFor(backend: string, id: string) {
  if (backend !== "webgpu") return null;
  const gpu = await acquireGpu();
  if (!gpu) {
    throw new UsageError(
      `shard run: ${id} ran on webgpu and no WebGPU adapter is available: its bits need the same backend`,
    );
  }
  return gpu;
}

/** `simulate`, split by trajectory ranges. */
export const SIMULATE_SHARD: Shardable = {
  reserved: ["runs-dir"],
  async parts(args, shards) {
    const parsed = parseCommand(SIMULATE_SPEC, args);
    if (parsed.values["runs-dir"] !== undefined) {
      throw new UsageError("shard plan: simulate --runs-dir is the plan's business: leave it out");
    }
    const cfg = await simulateConfigFrom(parsed);
    if (cfg.trajectoryRange) {
      throw new UsageError(
        "shard plan: simulate trajectoryRange is the plan's business: leave it out",
      );
    }
    const total = totalTrajectories(cfg);
    if (!Number.isInteger(shards) || shards < 1 || shards > total) {
      throw new UsageError(
        `shard plan: ${shards} shards for ${total} trajectories: expected 1..${total}`,
      );
    }
    return {
      config: cfg as unknown as Record<string, unknown>,
      units: evenRanges(total, shards).map((r) => rangeUnit("trajectories", r)),
    };
  },
  async run(plan, dir, index, _resume, io: CliIo) {
    const cfg = parseConfig(SimulateConfig, plan.config, "shard plan configuration");
    const range = shardRange(plan, index, "trajectories");
    const store = new RunStore(planPaths(dir).runs);
    const id = shardRunId(index);
    const existing = await openRun(store, id);
    if (existing?.manifest.status === "done") return;
    const shardCfg = { ...cfg, trajectoryRange: range };
    if (existing) {
      // An interrupted shard continues from its last block, on the backend that began it.
      const gpu = await gpuFor(existing.manifest.backend, id);
      const from = await readCheckpoint(store.runDir(id), id);
      await streamSimulate(await store.resume(id), shardCfg, gpu, from);
      return;
    }
    const backend = await resolveBackend(cfg.backend, io.notice);
    await simulateToRun(store, shardCfg, backend.gpu, { command: ["shard", "run"], id });
  },
  async merge(plan, dir) {
    const cfg = parseConfig(SimulateConfig, plan.config, "shard plan configuration");
    const parts = await doneShardRuns(plan, dir, "trajectories");
    const backend = parts[0].run.manifest.backend;
    const other = parts.findIndex((p) => p.run.manifest.backend !== backend);
    if (other >= 0) {
      throw new UsageError(
        `shard merge: shard ${other} ran on ${parts[other].run.manifest.backend} and shard 0 on ` +
          `${backend}: expected one backend (their bits differ)`,
      );
    }
    const A = SIMULATE_ARRAYS, T = totalTrajectories(cfg);
    const whole = async (i: number, name: string) => (await parts[i].run.readArray(name)).data;
    const starts = await whole(0, A.starts.name), startLabels = await whole(0, A.startLabels.name);
    const same = (x: ArrayLike<number>, y: ArrayLike<number>) =>
      x.length === y.length && Array.from(x).every((v, k) => Object.is(v, y[k]));
    for (let i = 1; i < parts.length; i++) {
      if (
        !same(await whole(i, A.starts.name), starts) ||
        !same(await whole(i, A.startLabels.name), startLabels)
      ) {
        throw new UsageError(`shard merge: shard ${i} has other start states: expected one run`);
      }
    }
    const s0 = parts[0].run.manifest.summary as Record<string, number>;
    const out = new RunStore(planPaths(dir).merged);
    await Deno.remove(out.runDir(MERGED_ID), { recursive: true }).catch(() => {});
    const run = await startRun(out, "simulate", {
      id: MERGED_ID,
      command: ["shard", "merge", ...plan.args],
      config: plan.config,
      seed: cfg.seed,
      backend,
    });
    const apps: NpyAppender[] = [];
    try {
      const k = starts.length / s0.coreDim;
      await run.writeArray(A.starts.name, {
        dtype: "f64",
        shape: [k, s0.coreDim],
        data: starts as Float64Array,
      });
      await run.writeArray(A.startLabels.name, {
        dtype: "i32",
        shape: [k],
        data: startLabels as Int32Array,
      });
      for (const spec of [A.trajectoryStart, A.labels]) {
        const all = new Int32Array(T);
        for (let i = 0; i < parts.length; i++) {
          all.set(await whole(i, spec.name) as Int32Array, parts[i].a);
        }
        await run.writeArray(spec.name, { dtype: "i32", shape: [T], data: all });
      }
      // Frames [F, T, width]: blocks of frames, each shard's trajectories laid side by side.
      const frameArrays: [string, number][] = [[A.frames.name, s0.ambientDim]];
      if (s0.ambientDim > s0.coreDim) frameArrays.push([A.coreFrames.name, s0.coreDim]);
      const F = s0.frames;
      for (const [name, width] of frameArrays) {
        const app = await run.appender(name, "f32", [T, width]);
        apps.push(app);
        const perChunk = Math.max(1, Math.floor((1 << 22) / (T * width)));
        for (let f = 0; f < F; f += perChunk) {
          const n = Math.min(perChunk, F - f), block = new Float32Array(n * T * width);
          for (const p of parts) {
            const file = `${p.run.dir}/${p.run.manifest.arrays[name].file}`;
            const rows = (await readNpyRows(file, f, n)).data as Float32Array;
            const w = (p.b - p.a) * width;
            for (let r = 0; r < n; r++) {
              block.set(rows.subarray(r * w, (r + 1) * w), r * T * width + p.a * width);
            }
          }
          await app.append(block, n);
        }
        await app.close();
      }
      // The slowest shard's simulation time: the wall time of all shards run at once.
      const seconds = Math.max(
        ...parts.map((p) => p.run.manifest.timings.phases.simulate ?? 0),
        1e-9,
      );
      await run.setSummary({
        trajectories: T,
        frames: F,
        coreDim: s0.coreDim,
        ambientDim: s0.ambientDim,
        trajectoryStepsPerSecond: (T * cfg.frames * cfg.stride) / seconds,
      });
      await run.finish("done");
    } catch (e) {
      for (const app of apps) await app.close().catch(() => {});
      await run.finish("failed", (e as Error).message).catch(() => {});
      throw e;
    }
    return { run: `${out.root}/${MERGED_ID}`, trajectories: T, shards: parts.length };
  },
};
