/**
 * Shard plans: a sweep split into independent units (the cells of a DISCS or basins sweep) assigned to
 * N shards, with the code version and a hash of the resolved configuration, so that any scheduler
 * (a Slurm job array, a Kubernetes Indexed Job, a loop in a shell) can run shard i anywhere and the
 * merge can prove the pieces belong together. Counter-based random numbers make a cell's result
 * independent of where and with what else it runs, so the merged tables equal the single-machine
 * sweep's except timings.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { writeFileAtomic } from "../io/atomic.ts";
import { ConfigError } from "../io/config.ts";
import { codeVersion, hashText } from "../io/code_version.ts";

/** The plan file's schema. */
export const ShardPlanSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /**
   * The command whose work is split: sweep cells (`discs`, `basins bench`, `co`) or ranges of one
   * run's chains (`sample`) or trajectories (`simulate`).
   */
  command: z.enum(["discs", "basins-bench", "sample", "simulate", "co"]),
  /** The command's own flags, as given (outputs are the plan's). */
  args: z.array(z.string()),
  codeVersion: z.string(),
  /** SHA-256 of the resolved configuration, the cells and their assignment. */
  configHash: z.string(),
  /** The resolved configuration (the command's settings without outputs). */
  config: z.record(z.string(), z.unknown()),
  /** Unit keys in the single-machine order. */
  units: z.array(z.string()).min(1),
  /** Unit indices of each shard. */
  shards: z.array(z.array(z.number().int().nonnegative())).min(1),
  /** Container image for the Kubernetes Job. */
  image: z.string(),
  createdAt: z.string(),
});

/** A parsed shard plan. */
export type ShardPlan = z.infer<typeof ShardPlanSchema>;

/** The plan's file and folders inside the plan folder. */
export function planPaths(dir: string) {
  return {
    plan: `${dir}/plan.json`,
    runs: `${dir}/runs`,
    shard: (i: number) => `${dir}/shards/${i}`,
    merged: `${dir}/merged`,
    logs: `${dir}/logs`,
    slurm: `${dir}/slurm.sbatch`,
    kubernetes: `${dir}/job.yaml`,
  };
}

/**
 * Assigns `units` round-robin to `n` shards (cells of a sweep differ in cost; round-robin spreads
 * each suite's costly cells) and builds the plan.
 */
export async function buildPlan(
  command: ShardPlan["command"],
  args: string[],
  config: Record<string, unknown>,
  units: string[],
  n: number,
  image: string,
): Promise<ShardPlan> {
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError(`shard plan: --shards must be >= 1, got ${n}`);
  }
  if (n > units.length) {
    throw new ConfigError(
      `shard plan: ${n} shards for ${units.length} units: expected at most one shard per unit`,
    );
  }
  const shards = Array.from(
    { length: n },
    (_, i) => units.map((_, k) => k).filter((k) => k % n === i),
  );
  const configHash = await hashText(JSON.stringify({ command, config, units, shards }));
  return {
    schemaVersion: 1,
    command,
    args,
    codeVersion: await codeVersion(),
    configHash,
    config,
    units,
    shards,
    image,
    createdAt: new Date().toISOString(),
  };
}

/** Writes `plan` as `<dir>/plan.json`. */
export async function writePlan(dir: string, plan: ShardPlan): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(planPaths(dir).plan, JSON.stringify(plan, null, 2));
}

/**
 * Reads and checks `<dir>/plan.json`: a missing or malformed plan, or one written by another code
 * version, is a one-line {@link ConfigError}.
 */
export async function readPlan(
  dir: string,
  what = "shard",
  options: { anyCode?: boolean } = {},
): Promise<ShardPlan> {
  const path = planPaths(dir).plan;
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new ConfigError(
      `${what}: cannot read ${path} (${(e as Error).name}): expected a shard plan folder`,
    );
  }
  const parsed = ShardPlanSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${what}: ${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const plan = parsed.data;
  const expected = await hashText(
    JSON.stringify({
      command: plan.command,
      config: plan.config,
      units: plan.units,
      shards: plan.shards,
    }),
  );
  if (expected !== plan.configHash) {
    throw new ConfigError(
      `${what}: ${path}: configHash does not match its contents: expected an unedited plan`,
    );
  }
  const mine = await codeVersion();
  if (plan.codeVersion !== mine && !options.anyCode) {
    throw new ConfigError(
      `${what}: ${path} was made by code version ${plan.codeVersion}, this is ${mine}: ` +
        `expected the same code for every shard (plan again)`,
    );
  }
  return plan;
}

/** A shard's own record, `<shard folder>/shard.json`. */
export const ShardStateSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  configHash: z.string(),
  codeVersion: z.string(),
  status: z.enum(["running", "done", "failed"]),
  error: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  host: z.string(),
});

/** A shard's state. */
export type ShardState = z.infer<typeof ShardStateSchema>;

/** Reads a shard's state, or null if the shard never started. */
export async function readShardState(dir: string, index: number): Promise<ShardState | null> {
  const path = `${planPaths(dir).shard(index)}/shard.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const parsed = ShardStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ConfigError(`shard: ${path}: malformed shard state`);
  return parsed.data;
}

/** Writes a shard's state atomically. */
export async function writeShardState(dir: string, state: ShardState): Promise<void> {
  const folder = planPaths(dir).shard(state.index);
  await Deno.mkdir(folder, { recursive: true });
  await writeFileAtomic(`${folder}/shard.json`, JSON.stringify(state, null, 2));
}

/** One shard's state as `shard status` and the dashboard show it. */
export interface ShardStatus {
  readonly index: number;
  /** Units (cells) of the shard. */
  readonly cells: number;
  /** done, running, failed, missing (never started) or foreign (another plan's folder). */
  readonly status: "done" | "running" | "failed" | "missing" | "foreign";
  readonly error?: string;
  readonly host?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

/** Every shard's state, in index order. */
export async function shardStates(dir: string, plan: ShardPlan): Promise<ShardStatus[]> {
  const out: ShardStatus[] = [];
  for (let i = 0; i < plan.shards.length; i++) {
    const s = await readShardState(dir, i);
    const foreign = s !== null && s.configHash !== plan.configHash;
    out.push({
      index: i,
      cells: plan.shards[i].length,
      status: foreign ? "foreign" : s?.status ?? "missing",
      ...(s?.error ? { error: s.error } : {}),
      ...(s ? { host: s.host, startedAt: s.startedAt } : {}),
      ...(s?.finishedAt ? { finishedAt: s.finishedAt } : {}),
    });
  }
  return out;
}
