/**
 * `sample` runs split by chain ranges for `cli.ts shard`: shard i runs chains [a, b) of the run
 * with `chainOffset: a` (chains draw their random numbers by global index) and the block plan of
 * the whole run, frozen in the plan; the merge interleaves the shards' columns into one run whose
 * arrays and summary equal the single-machine run's (all but timings). Only runs whose chains do
 * not interact split: DISCS's shared adaptation averages acceptance over all chains, and
 * tempering exchanges states between chains, so the plan refuses them with one line.
 * @module
 */
import { dirname, resolve } from "node:path";
import { parseConfig } from "../io/config.ts";
import { RunStore } from "../io/run_store.ts";
import { readNpyRows } from "../io/npy_file.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import { resolveBackend } from "../gpu/mod.ts";
import { loadDiscreteModel } from "../models/discrete/registry.ts";
import { buildSampler } from "../samplers/registry.ts";
import { SampleConfig } from "../samplers/sample_config.ts";
import { defaultBlockSteps, gpuLimitReason } from "../samplers/engine.ts";
import { readCheckpoint } from "../runs/checkpoint.ts";
import { SAMPLE_ARRAYS } from "../runs/sample.ts";
import { startRun } from "../runs/writer.ts";
import { planPaths, type ShardPlan } from "../shard/plan.ts";
import { parseCommand, UsageError } from "./args.ts";
import { SAMPLE_SPEC, sampleConfigFrom } from "./sample.ts";
import { sampleToStore, streamSample } from "./store_sample.ts";
import type { CliIo } from "./io.ts";
import type { Shardable } from "./shardable.ts";
import {
  doneShardRuns,
  evenRanges,
  openRun,
  rangeUnit,
  shardRange,
  shardRunId,
} from "./shard_ranges.ts";

const MERGED_ID = "sample";

/** The model, sampler and configuration a plan records. */
async function planParts(plan: ShardPlan) {
  const { resolvedBaseDir, ...raw } = plan.config;
  const cfg = parseConfig(SampleConfig, raw, "shard plan configuration");
  const model = await loadDiscreteModel(cfg.model, String(resolvedBaseDir ?? "."));
  return { cfg, model, sampler: buildSampler(cfg.sampler), baseDir: String(resolvedBaseDir) };
}

/** `sample`, split by chain ranges. */
export const SAMPLE_SHARD: Shardable = {
  reserved: ["runs-dir"],
  async parts(args, shards) {
    const parsed = parseCommand(SAMPLE_SPEC, args);
    if (parsed.values["runs-dir"] !== undefined) {
      throw new UsageError("shard plan: sample --runs-dir is the plan's business: leave it out");
    }
    const { raw, source } = await sampleConfigFrom(parsed);
    const cfg = parseConfig(SampleConfig, raw, source);
    if (cfg.chainOffset) {
      throw new UsageError("shard plan: sample chainOffset is the plan's business: leave it out");
    }
    const baseDir = resolve(parsed.values.config ? dirname(String(parsed.values.config)) : ".");
    const model = await loadDiscreteModel(cfg.model, baseDir);
    const sampler = buildSampler(cfg.sampler);
    if (sampler.exchange) {
      throw new UsageError(
        `shard plan: ${sampler.name} exchanges states between chains, so its run does not split by chains`,
      );
    }
    if (sampler.adaptation && cfg.adapt !== "off") {
      throw new UsageError(
        `shard plan: ${sampler.name} with --adapt ${cfg.adapt} adapts one parameter over all ` +
          `chains, so its run does not split by chains: expected --adapt off`,
      );
    }
    if (!Number.isInteger(shards) || shards < 1 || shards > cfg.chains) {
      throw new UsageError(
        `shard plan: ${shards} shards for ${cfg.chains} chains: expected 1..${cfg.chains}`,
      );
    }
    // The block plan of the whole run (its default depends on the chain count).
    const blockSteps = cfg.blockSteps ?? defaultBlockSteps(model, sampler, cfg.chains);
    return {
      config: { ...cfg, blockSteps, resolvedBaseDir: baseDir },
      units: evenRanges(cfg.chains, shards).map((r) => rangeUnit("chains", r)),
    };
  },
  async run(plan, dir, index, _resume, io: CliIo) {
    const { cfg, model, sampler, baseDir } = await planParts(plan);
    const [a, b] = shardRange(plan, index, "chains");
    let backend = await resolveBackend(cfg.backend, io.notice);
    if (backend.gpu && gpuLimitReason(model, sampler, backend.gpu)) {
      backend = { kind: "cpu", gpu: null };
    }
    const store = new RunStore(planPaths(dir).runs);
    const id = shardRunId(index);
    const opts = { ...cfg, chains: b - a, chainOffset: a };
    const existing = await openRun(store, id);
    if (existing?.manifest.status === "done") return;
    if (existing) {
      // An interrupted shard continues from its last block.
      const from = await readCheckpoint(store.runDir(id), id);
      await streamSample(await store.resume(id), model, sampler, backend, opts, from);
      return;
    }
    const config = { ...opts, resolvedBaseDir: baseDir };
    await sampleToStore(store, ["shard", "run"], config, model, sampler, backend, opts, id);
  },
  async merge(plan, dir) {
    const { cfg, model, sampler } = await planParts(plan);
    const parts = await doneShardRuns(plan, dir, "chains");
    const A = SAMPLE_ARRAYS, C = cfg.chains, steps = cfg.steps, d = model.numSites;
    const whole = async (i: number, name: string) => (await parts[i].run.readArray(name)).data;
    const param = await whole(0, A.param.name), reference = await whole(0, A.reference.name);
    for (let i = 1; i < parts.length; i++) {
      const same = (x: ArrayLike<number>, y: ArrayLike<number>) =>
        x.length === y.length && Array.from(x).every((v, k) => Object.is(v, y[k]));
      if (
        !same(await whole(i, A.param.name), param) ||
        !same(await whole(i, A.reference.name), reference)
      ) {
        throw new UsageError(
          `shard merge: shard ${i} has another parameter trace or reference: expected one run`,
        );
      }
    }
    const out = new RunStore(planPaths(dir).merged);
    await Deno.remove(out.runDir(MERGED_ID), { recursive: true }).catch(() => {});
    const run = await startRun(out, "sample", {
      id: MERGED_ID,
      command: ["shard", "merge", ...plan.args],
      config: { ...plan.config, resolvedModel: model.config, resolvedSampler: sampler.config },
      seed: cfg.seed,
      backend: parts[0].run.manifest.backend,
    });
    const apps: NpyAppender[] = [];
    try {
      // Traces: blocks of steps, each shard's columns interleaved into [rows, C].
      for (const name of [A.energy.name, A.hamming.name]) {
        const app = await run.appender(name, "f32", [C]);
        apps.push(app);
        const rowsPerChunk = Math.max(1, Math.floor((1 << 20) / C));
        for (let s = 0; s < steps; s += rowsPerChunk) {
          const n = Math.min(rowsPerChunk, steps - s), out = new Float32Array(n * C);
          for (const p of parts) {
            const file = `${p.run.dir}/${p.run.manifest.arrays[name].file}`;
            const rows = (await readNpyRows(file, s, n)).data as Float32Array, w = p.b - p.a;
            for (let r = 0; r < n; r++) out.set(rows.subarray(r * w, (r + 1) * w), r * C + p.a);
          }
          await app.append(out, n);
        }
        await app.close();
      }
      await run.writeArray(A.param.name, {
        dtype: "f32",
        shape: [steps],
        data: param as Float32Array,
      });
      const acceptance = new Float64Array(C), finalStates = new Uint32Array(C * d);
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        acceptance.set(await whole(i, A.acceptance.name) as Float64Array, p.a);
        finalStates.set(await whole(i, A.finalStates.name) as Uint32Array, p.a * d);
      }
      await run.writeArray(A.acceptance.name, { dtype: "f64", shape: [C], data: acceptance });
      await run.writeArray(A.finalStates.name, { dtype: "u32", shape: [C, d], data: finalStates });
      await run.writeArray(A.reference.name, {
        dtype: "u32",
        shape: [d],
        data: reference as Uint32Array,
      });
      const seconds = Math.max(...parts.map((p) => p.run.manifest.timings.phases.sampling ?? 0));
      const s0 = parts[0].run.manifest.summary;
      // Layouts sum in different orders: shards of one run must share theirs.
      const layouts = new Set(parts.map((p) => p.run.manifest.summary.layout));
      if (layouts.size > 1) {
        throw new UsageError(
          `shard merge: shards ran in different engine layouts (${[...layouts].join(", ")}): ` +
            `expected one (run every shard on the same backend)`,
        );
      }
      await run.setSummary({
        model: s0.model,
        sampler: s0.sampler,
        chains: C,
        steps,
        numSites: d,
        // The slowest shard's sampling time: the wall time of a run of all shards at once.
        stepsPerSecond: steps / seconds,
        ...(s0.layout !== undefined ? { layout: s0.layout } : {}),
        meanAcceptance: acceptance.reduce((x, y) => x + y, 0) / C,
        energyEvals: s0.energyEvals,
      });
      await run.finish("done");
    } catch (e) {
      for (const app of apps) await app.close().catch(() => {});
      await run.finish("failed", (e as Error).message).catch(() => {});
      throw e;
    }
    return { run: `${out.root}/${MERGED_ID}`, chains: C, shards: parts.length };
  },
};
