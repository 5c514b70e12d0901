/**
 * The contract of a command that `cli.ts shard` can split (one entry each in `shard_kinds.ts`).
 * @module
 */
import type { ShardPlan } from "../shard/plan.ts";
import type { CliIo } from "./io.ts";

/** One shardable command. */
export interface Shardable {
  /** The flags the plan owns (outputs, resume): refused in the command's flags. */
  readonly reserved: readonly string[];
  /**
   * The resolved configuration (without outputs and backend) and the unit keys, in order, for a
   * plan of `shards` shards.
   */
  parts(
    args: string[],
    shards: number,
  ): Promise<{ config: Record<string, unknown>; units: string[] }>;
  /** Runs the units of shard `index` into its folder; `resume` keeps what it finished before. */
  run(plan: ShardPlan, dir: string, index: number, resume: boolean, io: CliIo): Promise<void>;
  /** Merges every shard's output into the plan's `merged` folder; returns what to report. */
  merge(plan: ShardPlan, dir: string): Promise<Record<string, unknown>>;
}
