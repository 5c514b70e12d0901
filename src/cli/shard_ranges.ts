/**
 * What the range-split shard kinds (`sample` by chains, `simulate` by trajectories) share: even
 * ranges, their unit keys, each shard's run in the plan's store, and the done runs a merge reads.
 * @module
 */
import { type RunReader, RunStore } from "../io/run_store.ts";
import { planPaths, type ShardPlan } from "../shard/plan.ts";
import { UsageError } from "./args.ts";

/** The id of shard i's run in the plan's store. */
export const shardRunId = (i: number): string => `shard-${i}`;

/** Ranges [a, b) of `n` shards over `total` items, as even as possible. */
export function evenRanges(total: number, n: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [
    Math.floor((i * total) / n),
    Math.floor(((i + 1) * total) / n),
  ]);
}

/** The unit key of a range of `what` ("chains", "trajectories"). */
export const rangeUnit = (what: string, [a, b]: [number, number]): string => `${what} ${a}-${b}`;

/** The range of shard `index` of a plan whose units are ranges of `what`. */
export function shardRange(plan: ShardPlan, index: number, what: string): [number, number] {
  const unit = plan.units[plan.shards[index][0]];
  const m = new RegExp(`^${what} (\\d+)-(\\d+)$`).exec(unit);
  if (!m) throw new UsageError(`shard: unit '${unit}' is not a range of ${what}`);
  return [Number(m[1]), Number(m[2])];
}

/** The stored run `id`, or null when there is none. */
export async function openRun(store: RunStore, id: string): Promise<RunReader | null> {
  try {
    return await store.open(id);
  } catch {
    return null;
  }
}

/** Every shard's run with its range; a shard whose run is not done is a one-line error. */
export async function doneShardRuns(
  plan: ShardPlan,
  dir: string,
  what: string,
): Promise<{ run: RunReader; a: number; b: number }[]> {
  const store = new RunStore(planPaths(dir).runs);
  const parts: { run: RunReader; a: number; b: number }[] = [];
  for (let i = 0; i < plan.shards.length; i++) {
    const run = await openRun(store, shardRunId(i));
    if (run?.manifest.status !== "done") {
      throw new UsageError(
        `shard merge: shard ${i}'s run is ${run?.manifest.status ?? "missing"}: expected done`,
      );
    }
    const [a, b] = shardRange(plan, i, what);
    parts.push({ run, a, b });
  }
  return parts;
}
