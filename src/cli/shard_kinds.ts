/**
 * What `shard` can split, one entry per command: how a command's flags become the plan's
 * configuration and unit keys, how one shard runs (resuming what an earlier attempt finished),
 * and how the shards' outputs merge into the single-machine result. Units are sweep cells, whose
 * counter-based random numbers do not depend on where or with what else they run.
 * @module
 */
import { ConfigError } from "../io/config.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { parseDiscsCsv } from "../discs/mod.ts";
import type { DiscsRow } from "../discs/mod.ts";
import { benchCellKey, benchCells, type SweepRow } from "../basins/evaluate.ts";
import { planPaths, type ShardPlan } from "../shard/plan.ts";
import { parseCommand, UsageError } from "./args.ts";
import {
  DISCS_SPEC,
  discsCellKey,
  discsSettings,
  outputPaths,
  runDiscsSweep,
  sweepCells,
  writeOutputs,
} from "./discs.ts";
import { BASINS_SPEC, benchRowsOf, benchSettings, runBench } from "./basins.ts";
import { SAMPLE_SHARD } from "./shard_sample.ts";
import { CO_SPEC, coSettings, runCoSweep } from "./co.ts";
import { type CoRow, parseCoCsv, writeCoOutputs } from "./co_table.ts";
import { SIMULATE_SHARD } from "./shard_simulate.ts";
import type { Shardable } from "./shardable.ts";

function refuseReserved(command: string, reserved: readonly string[], values: object): void {
  for (const f of reserved) {
    if ((values as Record<string, unknown>)[f] !== undefined) {
      throw new UsageError(`shard plan: ${command} --${f} is the plan's business: leave it out`);
    }
  }
}

/** The plan's units of shard `index`. */
function shardUnits(plan: ShardPlan, index: number): Set<string> {
  return new Set(plan.shards[index].map((k) => plan.units[k]));
}

/** Rows in the plan's unit order; a missing unit is a one-line error. */
function inPlanOrder<R>(plan: ShardPlan, byKey: Map<string, R>, what: string): R[] {
  return plan.units.map((k) => {
    const r = byKey.get(k);
    if (!r) {
      throw new UsageError(`shard merge: no ${what} for cell ${k}: expected every shard's cells`);
    }
    return r;
  });
}

const DISCS_RESERVED = ["from-csv", "resume", "out", "runs-dir"];

function discsParts(args: string[]) {
  const parsed = parseCommand(DISCS_SPEC, args);
  refuseReserved("discs", DISCS_RESERVED, parsed.values);
  const settings = discsSettings(parsed);
  const { out: _o, runsDir: _r, backend: _b, ...config } = settings;
  return {
    settings,
    config: config as Record<string, unknown>,
    units: sweepCells(settings).map(discsCellKey),
  };
}

/** DISCS sweeps, split by cells: each shard writes its own tables; runs share the plan's store. */
const DISCS_SHARD: Shardable = {
  reserved: DISCS_RESERVED,
  parts: (args) => Promise.resolve(discsParts(args)),
  async run(plan, dir, index, resume, io) {
    const { settings } = discsParts(plan.args);
    const s = { ...settings, out: planPaths(dir).shard(index), runsDir: planPaths(dir).runs };
    await runDiscsSweep(s, ["shard", "run", ...plan.args], io, {
      resume,
      json: true,
      only: shardUnits(plan, index),
    });
  },
  async merge(plan, dir) {
    const byKey = new Map<string, DiscsRow>();
    for (let i = 0; i < plan.shards.length; i++) {
      const csv = `${planPaths(dir).shard(i)}/discs.csv`;
      let rows: DiscsRow[];
      try {
        rows = parseDiscsCsv(await Deno.readTextFile(csv), csv);
      } catch (e) {
        throw new ConfigError(`shard merge: shard ${i}: ${(e as Error).message.split("\n")[0]}`);
      }
      for (const r of rows) byKey.set(discsCellKey(r), r);
    }
    const rows = inPlanOrder(plan, byKey, "row");
    const paths = outputPaths(planPaths(dir).merged);
    await Deno.mkdir(planPaths(dir).merged, { recursive: true });
    await writeOutputs(
      paths,
      rows,
      `# DISCS protocol results\n\nMerged from ${plan.shards.length} shards of plan ` +
        `${plan.configHash.slice(0, 16)} (\`cli.ts discs ${plan.args.join(" ")}\`, code ` +
        `${plan.codeVersion}). Run settings are in the plan and in the run store.\n\n`,
    );
    return { ...paths, rows: rows.length };
  },
};

const CO_RESERVED = ["out", "resume", "runs-dir"];

async function coParts(args: string[]) {
  const parsed = parseCommand(CO_SPEC, args);
  refuseReserved("co", CO_RESERVED, parsed.values);
  const settings = await coSettings(parsed);
  const config = {
    problem: settings.problem,
    hash: settings.hash,
    cells: settings.cells.map((c) => c.argv),
  };
  return { settings, config, units: settings.cells.map((c) => c.key) };
}

/** CO instance sets (`co`), split by cells (sampler x graph); runs share the plan's store. */
const CO_SHARD: Shardable = {
  reserved: CO_RESERVED,
  parts: (args) => coParts(args),
  async run(plan, dir, index, resume, io) {
    const { settings } = await coParts(plan.args);
    const s = { ...settings, out: planPaths(dir).shard(index), runsDir: planPaths(dir).runs };
    await runCoSweep(s, ["shard", "run", ...plan.args], io, {
      resume,
      json: true,
      only: shardUnits(plan, index),
    });
  },
  async merge(plan, dir) {
    const byKey = new Map<string, CoRow>();
    for (let i = 0; i < plan.shards.length; i++) {
      const csv = `${planPaths(dir).shard(i)}/co.csv`;
      let text: string;
      try {
        text = await Deno.readTextFile(csv);
      } catch (e) {
        throw new ConfigError(`shard merge: shard ${i}: cannot read ${csv} (${(e as Error).name})`);
      }
      for (const r of parseCoCsv(text, csv)) byKey.set(r.cell, r);
    }
    const rows = inPlanOrder(plan, byKey, "row");
    await writeCoOutputs(planPaths(dir).merged, String(plan.config.problem), rows);
    return { out: `${planPaths(dir).merged}/co.csv`, rows: rows.length };
  },
};

const BENCH_RESERVED = ["out", "resume", "runs-dir"];
const BENCH_FILE = "basins_bench.json";

function benchParts(args: string[]) {
  const parsed = parseCommand(BASINS_SPEC, ["bench", ...args]);
  refuseReserved("basins bench", BENCH_RESERVED, parsed.values);
  const settings = benchSettings(parsed);
  const { backend: _b, ...cell } = settings.cell;
  return { settings, config: { grid: settings.grid, cell }, units: benchCells(settings.grid) };
}

/** `basins bench` sweeps, split by cells (system x D x noise). */
const BASINS_BENCH_SHARD: Shardable = {
  reserved: BENCH_RESERVED,
  parts: (args) => Promise.resolve(benchParts(args)),
  async run(plan, dir, index, resume, io) {
    const { settings } = benchParts(plan.args);
    const out = `${planPaths(dir).shard(index)}/${BENCH_FILE}`;
    const keep = resume ? await benchRowsOf(out) : [];
    await runBench({ ...settings, out }, io, { only: shardUnits(plan, index), keep });
  },
  async merge(plan, dir) {
    const byKey = new Map<string, SweepRow>();
    for (let i = 0; i < plan.shards.length; i++) {
      const rows = await benchRowsOf(`${planPaths(dir).shard(i)}/${BENCH_FILE}`);
      for (const r of rows) byKey.set(benchCellKey(r.system, r.D, r.noise), r);
    }
    // A cell the sweep skipped (it could not run) is absent in every shard and in one process.
    const rows = plan.units.filter((k) => byKey.has(k)).map((k) => byKey.get(k)!);
    const missing = plan.units.filter((k) => !byKey.has(k));
    await Deno.mkdir(planPaths(dir).merged, { recursive: true });
    const out = `${planPaths(dir).merged}/${BENCH_FILE}`;
    await writeFileAtomic(out, JSON.stringify(rows, null, 1));
    return { out, rows: rows.length, skipped: missing };
  },
};

/** The shardable commands, by plan command name. */
export const SHARDABLE: Readonly<Record<ShardPlan["command"], Shardable>> = {
  discs: DISCS_SHARD,
  "basins-bench": BASINS_BENCH_SHARD,
  sample: SAMPLE_SHARD,
  simulate: SIMULATE_SHARD,
  co: CO_SHARD,
};

/** The plan command of `shard plan <positionals>`: `discs`, `basins bench`, `co`, `sample` or `simulate`. */
export function planCommandOf(
  positionals: string[],
): { command: ShardPlan["command"]; args: string[] } {
  const [command, ...rest] = positionals;
  if (command === "discs" || command === "sample" || command === "simulate" || command === "co") {
    return { command, args: rest };
  }
  if (command === "basins" && rest[0] === "bench") {
    return { command: "basins-bench", args: rest.slice(1) };
  }
  throw new UsageError(
    `shard plan: '${[command, rest[0]].filter(Boolean).join(" ")}' cannot be sharded yet: ` +
      `expected 'discs', 'basins bench' or 'co' (cells of a sweep), 'sample' (chain ranges) or ` +
      `'simulate' (trajectory ranges)`,
  );
}
