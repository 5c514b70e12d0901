/**
 * `cli.ts shard plan|run|merge|status`: split a sweep over a cluster scheduler and merge it back.
 *
 * ```sh
 * cli.ts shard plan discs --preset large --shards 16 --out /shared/big   # + slurm.sbatch, job.yaml
 * sbatch /shared/big/slurm.sbatch                                        # or kubectl apply -f job.yaml
 * cli.ts shard status --plan /shared/big
 * cli.ts shard merge --plan /shared/big                                  # -> /shared/big/merged
 * ```
 * @module
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hostname } from "node:os";
import {
  buildPlan,
  planPaths,
  readPlan,
  readShardState,
  type ShardPlan,
  shardStates,
  writePlan,
  writeShardState,
} from "../shard/plan.ts";
import {
  kubernetesJob,
  kubernetesYaml,
  slurmScript,
  validateKubernetesJob,
} from "../shard/schedulers.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { failureReason } from "../runs/writer.ts";
import { type CommandSpec, numberFlag, type Parsed, UsageError } from "./args.ts";
import { planCommandOf, SHARDABLE } from "./shard_kinds.ts";
import type { CliIo } from "./io.ts";

/** The `shard` command's flags. */
export const SHARD_SPEC: CommandSpec = {
  name: "shard",
  summary: "Split a sweep over Slurm or Kubernetes (plan, run, status, merge).",
  usage:
    "cli.ts shard plan discs|basins bench <flags> --shards N --out DIR [--image IMG] [--claim PVC]\n" +
    "       cli.ts shard run --plan DIR [--index I]   (or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX)\n" +
    "       cli.ts shard status --plan DIR\n" +
    "       cli.ts shard merge --plan DIR",
  passThrough: true,
  flags: {
    shards: { type: "string", value: "N", help: "plan: number of shards" },
    out: { type: "string", value: "DIR", help: "plan: the plan folder (shared by every node)" },
    image: {
      type: "string",
      value: "IMG",
      help: "plan: container image for the Kubernetes Job",
      default: "landscape:latest",
    },
    claim: {
      type: "string",
      value: "PVC",
      help: "plan: PersistentVolumeClaim that holds the plan folder in Kubernetes",
      default: "landscape-work",
    },
    "pod-plan": {
      type: "string",
      value: "DIR",
      help: "plan: the plan folder's path inside the pods",
      default: "/work/plan",
    },
    plan: { type: "string", value: "DIR", help: "run/status/merge: the plan folder" },
    index: { type: "string", value: "I", help: "run: shard index (default from the scheduler)" },
  },
};

/** The repository folder (holding cli.ts), for the Slurm script. */
function repoDir(): string {
  return resolve(fileURLToPath(new URL("../../", import.meta.url)));
}

async function planCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const { command, args } = planCommandOf(parsed.positionals.slice(1));
  const n = numberFlag(parsed, "shards", "shard plan");
  if (n === undefined) throw new UsageError("shard plan: --shards N is required");
  const out = parsed.values.out;
  if (typeof out !== "string") throw new UsageError("shard plan: --out DIR is required");
  const dir = resolve(out);
  const { config, units } = await SHARDABLE[command].parts(args, n);
  const plan = await buildPlan(command, args, config, units, n, String(parsed.values.image));
  const exists = await Deno.stat(planPaths(dir).plan).then(() => true, () => false);
  if (exists) {
    throw new UsageError(`shard plan: ${dir} already holds a plan: expected a new folder`);
  }
  const job = kubernetesJob(plan, {
    claim: String(parsed.values.claim),
    planDir: String(parsed.values["pod-plan"]),
  });
  await validateKubernetesJob(job);
  await writePlan(dir, plan);
  const p = planPaths(dir);
  await Deno.mkdir(p.logs, { recursive: true });
  await writeFileAtomic(p.slurm, slurmScript(plan, { repo: repoDir(), planDir: dir }));
  await writeFileAtomic(p.kubernetes, kubernetesYaml(plan, job));
  const summary = {
    plan: p.plan,
    shards: n,
    units: units.length,
    slurm: p.slurm,
    kubernetes: p.kubernetes,
  };
  io.out(
    parsed.values.json
      ? JSON.stringify(summary)
      : `planned ${units.length} ${
        { sample: "chain ranges", simulate: "trajectory ranges" }[command as string] ?? "cells"
      } in ${n} shards: ` +
        `${p.plan}\n  Slurm:      sbatch ${p.slurm}\n  Kubernetes: kubectl apply -f ${p.kubernetes}`,
  );
  return 0;
}

/** The shard index from --index or the scheduler's variable. */
function shardIndex(parsed: Parsed, plan: ShardPlan): number {
  const raw = parsed.values.index ?? Deno.env.get("SLURM_ARRAY_TASK_ID") ??
    Deno.env.get("JOB_COMPLETION_INDEX");
  if (raw === undefined) {
    throw new UsageError(
      "shard run: no shard index: give --index I or run under Slurm (SLURM_ARRAY_TASK_ID) or a " +
        "Kubernetes Indexed Job (JOB_COMPLETION_INDEX)",
    );
  }
  const i = Number(raw);
  if (!Number.isInteger(i) || i < 0 || i >= plan.shards.length) {
    throw new UsageError(
      `shard run: index '${raw}' out of range: expected 0..${plan.shards.length - 1}`,
    );
  }
  return i;
}

async function runShard(parsed: Parsed, io: CliIo): Promise<number> {
  const dir = planDir(parsed, "run");
  const plan = await readPlan(dir, "shard run");
  const index = shardIndex(parsed, plan);
  const state = await readShardState(dir, index);
  if (state && state.configHash !== plan.configHash) {
    throw new UsageError(
      `shard run: ${planPaths(dir).shard(index)} belongs to another plan (${
        state.configHash.slice(0, 16)
      }): ` +
        `expected ${plan.configHash.slice(0, 16)}`,
    );
  }
  if (state?.status === "done") {
    io.out(
      parsed.values.json
        ? JSON.stringify({ index, status: "done", skipped: true })
        : `shard ${index}: already done`,
    );
    return 0;
  }
  const started = {
    index,
    configHash: plan.configHash,
    codeVersion: plan.codeVersion,
    startedAt: new Date().toISOString(),
    host: hostname(),
  };
  await writeShardState(dir, { ...started, status: "running" });
  try {
    // An interrupted shard resumes: its finished cells are kept.
    await SHARDABLE[plan.command].run(plan, dir, index, state !== null, io);
  } catch (e) {
    await writeShardState(dir, { ...started, status: "failed", error: failureReason(e) });
    throw e;
  }
  await writeShardState(dir, { ...started, status: "done", finishedAt: new Date().toISOString() });
  io.out(parsed.values.json ? JSON.stringify({ index, status: "done" }) : `shard ${index}: done`);
  return 0;
}

function planDir(parsed: Parsed, sub: string): string {
  const p = parsed.values.plan;
  if (typeof p !== "string") throw new UsageError(`shard ${sub}: --plan DIR is required`);
  return resolve(p);
}

async function statusCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const dir = planDir(parsed, "status");
  const plan = await readPlan(dir, "shard status");
  const states = await shardStates(dir, plan);
  if (parsed.values.json) io.out(JSON.stringify({ plan: dir, shards: states }));
  else {
    const count = (s: string) => states.filter((x) => x.status === s).length;
    io.out(
      `${dir}: ${states.length} shards: ${count("done")} done, ${count("running")} running, ` +
        `${count("failed")} failed, ${count("missing")} missing`,
    );
    for (const s of states) {
      io.out(
        `  ${String(s.index).padStart(4)}  ${s.status.padEnd(8)} ${s.cells} cells${
          s.error ? `  ${s.error}` : ""
        }`,
      );
    }
  }
  return 0;
}

async function mergeCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const dir = planDir(parsed, "merge");
  const plan = await readPlan(dir, "shard merge");
  const states = await shardStates(dir, plan);
  const bad = states.find((s) => s.status !== "done");
  if (bad) {
    throw new UsageError(
      `shard merge: shard ${bad.index} is ${bad.status}${bad.error ? ` (${bad.error})` : ""}: ` +
        `expected every shard done (see 'shard status')`,
    );
  }
  const merged = await SHARDABLE[plan.command].merge(plan, dir);
  io.out(
    parsed.values.json
      ? JSON.stringify(merged)
      : `merged ${plan.shards.length} shards into ${planPaths(dir).merged}: ${
        Object.entries(merged).map(([k, v]) => `${k} ${Array.isArray(v) ? v.length : v}`).join(", ")
      }`,
  );
  return 0;
}

/** Runs `shard`. Returns the exit code. */
export async function shardCommand(parsed: Parsed, _argv: string[], io: CliIo): Promise<number> {
  const sub = parsed.positionals[0];
  if (sub === "plan") return await planCommand(parsed, io);
  if (parsed.positionals.length > 1) {
    throw new UsageError(`shard ${sub}: unexpected '${parsed.positionals.slice(1).join(" ")}'`);
  }
  if (sub === "run") return await runShard(parsed, io);
  if (sub === "status") return await statusCommand(parsed, io);
  if (sub === "merge") return await mergeCommand(parsed, io);
  throw new UsageError(`shard: expected 'plan', 'run', 'status' or 'merge', got '${sub ?? ""}'`);
}
