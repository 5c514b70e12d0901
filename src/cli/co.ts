/**
 * `cli.ts co`: annealed solves over an instance set, the shape of DISCS's combinatorial
 * optimisation tables: samplers x graphs (generated Erdos-Renyi densities or Barabasi-Albert
 * `m` values x graph seeds, or graph files). Each cell is one `solve` run with a deterministic id
 * (a hash of the sweep's settings and the cell's index), so a rerun with `--resume` keeps the
 * finished cells, continues an interrupted one from its last block, and `cli.ts shard` can spread
 * the cells over a job array whose merge equals the single-machine table.
 * @module
 */
import { hashText } from "../io/code_version.ts";
import { parseConfig } from "../io/config.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { type CoRow, writeCoOutputs } from "./co_table.ts";
import { type RunReader, RunStore } from "../io/run_store.ts";
import { SAMPLER_NAMES } from "../samplers/registry.ts";
import { CO_PROBLEM_NAMES } from "../co/problems.ts";
import { solveToRun, streamSolve } from "../runs/solve.ts";
import { readCheckpoint } from "../runs/checkpoint.ts";
import { type CommandSpec, numberFlag, parseCommand, type Parsed, UsageError } from "./args.ts";
import {
  backendFor,
  SOLVE_SPEC,
  SolveConfig,
  solveConfigFrom,
  solveOptions,
  solveParts,
} from "./solve.ts";
import { progressBar } from "./progress.ts";
import type { CliIo } from "./io.ts";

/** The `co` command's flags. */
export const CO_SPEC: CommandSpec = {
  name: "co",
  summary: "Annealed solves over an instance set (samplers x graphs), resumable and shardable.",
  usage: "cli.ts co --problem mis --generate er --nodes 700-800 --densities 0.05,0.1 " +
    "--graph-seeds 0-15 --samplers pas,dmala --steps 2000 --out DIR [--resume]",
  flags: {
    problem: { type: "string", value: "P", help: CO_PROBLEM_NAMES.join(" | "), default: "mis" },
    generate: { type: "string", value: "G", help: "er | ba: generated graphs" },
    graphs: {
      type: "string",
      value: "LIST",
      help: "graph files, comma-separated (not --generate)",
    },
    nodes: { type: "string", value: "N|MIN-MAX", help: "nodes of generated graphs" },
    densities: { type: "string", value: "LIST", help: "er: edge probabilities" },
    m: { type: "string", value: "LIST", help: "ba: edges per new node" },
    "graph-seeds": {
      type: "string",
      value: "A-B|LIST",
      help: "seeds of the generated graphs (instances)",
      default: "0-2",
    },
    samplers: { type: "string", value: "LIST", help: SAMPLER_NAMES.join(" | "), default: "pas" },
    parts: { type: "string", value: "K", help: "parts of a balanced partition" },
    penalty: { type: "string", value: "X", help: "constraint penalty (default per problem)" },
    chains: { type: "string", value: "N", help: "parallel chains", default: "32" },
    steps: { type: "string", value: "N", help: "steps per chain", default: "2000" },
    seed: {
      type: "string",
      value: "N",
      help: "chain seed base: a cell's chain seed is this plus its graph seed",
      default: "100",
    },
    schedule: { type: "string", value: "S", help: "exp_decay | linear | constant" },
    t0: { type: "string", value: "T", help: "initial temperature" },
    decay: { type: "string", value: "R", help: "exp_decay: T(L) = T0 R" },
    "t-min": { type: "string", value: "T", help: "exp_decay: temperature floor" },
    t1: { type: "string", value: "T", help: "linear: final temperature" },
    "log-every": { type: "string", value: "N", help: "steps between counted bests" },
    backend: { type: "string", value: "B", help: "auto | webgpu | cpu", default: "auto" },
    out: { type: "string", value: "DIR", help: "co.csv, co.md and the settings", default: "co" },
    resume: {
      type: "boolean",
      help: "keep the finished cells of an earlier run of the same sweep, continue the others",
    },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
  },
};

/** One cell: a sampler on one graph. */
export interface CoCell {
  readonly key: string;
  readonly sampler: string;
  /** The graph's label: `p=0.05 seed=3`, `m=4 seed=0` or the file. */
  readonly graph: string;
  /** The `solve` flags of the cell. */
  readonly argv: readonly string[];
}

/** A `co` sweep: its cells, their solve configurations and where things go. */
export interface CoSettings {
  readonly problem: string;
  readonly cells: readonly CoCell[];
  /** Each cell's validated `solve` configuration, in cell order. */
  readonly configs: readonly SolveConfig[];
  /** Hash of the configurations: the prefix of every cell's run id. */
  readonly hash: string;
  readonly out: string;
  readonly runsDir: string;
}

/** A flag's value, or its documented default (the parser leaves defaults to the command). */
function flagValue(parsed: Parsed, flag: string): string | undefined {
  const v = parsed.values[flag] ?? CO_SPEC.flags[flag].default;
  return v === undefined ? undefined : String(v);
}

function list(parsed: Parsed, flag: string): string[] {
  const text = flagValue(parsed, flag) ?? "";
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`co: --${flag} expects a comma-separated list`);
  return items;
}

/** `A-B` (inclusive) or a comma list of non-negative integers. */
function seedList(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text.trim());
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a || b - a >= 100_000) {
      throw new UsageError(`co: --graph-seeds expects A-B with A <= B, got '${text}'`);
    }
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const seeds = text.split(",").map((s) => s.trim());
  if (!seeds.every((s) => /^\d+$/.test(s))) {
    throw new UsageError(`co: --graph-seeds expects A-B or a list of integers, got '${text}'`);
  }
  return seeds.map(Number);
}

/** The sweep of `co` flags; every cell's configuration is validated before anything runs. */
export async function coSettings(parsed: Parsed): Promise<CoSettings> {
  const v = parsed.values;
  if (parsed.positionals.length > 0) {
    throw new UsageError(`co: unexpected argument '${parsed.positionals[0]}'`);
  }
  if ((v.generate === undefined) === (v.graphs === undefined)) {
    throw new UsageError("co: give either --generate er|ba or --graphs FILE,FILE,...");
  }
  const seed = v.seed === undefined ? 100 : numberFlag(parsed, "seed", "co")!;
  const shared: string[] = [];
  for (
    const f of [
      "problem",
      "parts",
      "penalty",
      "chains",
      "steps",
      "schedule",
      "t0",
      "decay",
      "t-min",
      "t1",
      "log-every",
      "backend",
    ]
  ) {
    const x = flagValue(parsed, f);
    if (x !== undefined) shared.push(`--${f}`, x);
  }
  const graphs: { label: string; argv: string[]; graphSeed: number }[] = [];
  if (v.graphs !== undefined) {
    for (const f of ["nodes", "densities", "m"]) {
      if (v[f] !== undefined) throw new UsageError(`co: --${f} applies only to --generate`);
    }
    for (const file of list(parsed, "graphs")) {
      // Every file is read up front, so a bad one stops the sweep before anything is written.
      try {
        await Deno.readFile(file);
      } catch (e) {
        throw new UsageError(`co: graph file ${file}: cannot read it (${(e as Error).name})`);
      }
      graphs.push({ label: file, argv: ["--graph", file], graphSeed: 0 });
    }
  } else {
    const gen = String(v.generate);
    if (gen !== "er" && gen !== "ba") {
      throw new UsageError(`co: --generate expects er or ba, got '${gen}'`);
    }
    if (v.nodes === undefined) throw new UsageError("co: --generate needs --nodes N|MIN-MAX");
    const [flag, other, name] = gen === "er"
      ? ["densities", "m", "density"]
      : ["m", "densities", "m"];
    if (v[other] !== undefined) throw new UsageError(`co: --${other} does not apply to ${gen}`);
    if (v[flag] === undefined) throw new UsageError(`co: --generate ${gen} needs --${flag} LIST`);
    const label = gen === "er" ? "p" : "m";
    for (const x of list(parsed, flag)) {
      for (const s of seedList(flagValue(parsed, "graph-seeds")!)) {
        graphs.push({
          label: `${label}=${x} seed=${s}`,
          argv: [
            "--generate",
            gen,
            "--nodes",
            String(v.nodes),
            `--${name}`,
            x,
            "--graph-seed",
            `${s}`,
          ],
          graphSeed: s,
        });
      }
    }
  }
  const cells: CoCell[] = [], configs: SolveConfig[] = [];
  for (const sampler of list(parsed, "samplers")) {
    for (const g of graphs) {
      const argv = [
        ...shared,
        ...g.argv,
        "--sampler",
        sampler,
        "--seed",
        String(seed + g.graphSeed),
      ];
      const cellParsed = parseCommand(SOLVE_SPEC, argv);
      const { raw, source } = await solveConfigFrom(cellParsed);
      configs.push(parseConfig(SolveConfig, raw, `co cell ${sampler} ${g.label} (${source})`));
      cells.push({ key: `${sampler} ${g.label}`, sampler, graph: g.label, argv });
    }
  }
  const seen = new Set<string>();
  for (const c of cells) {
    if (seen.has(c.key)) {
      throw new UsageError(`co: cell '${c.key}' appears twice: expected distinct list items`);
    }
    seen.add(c.key);
  }
  const hash = (await hashText(JSON.stringify(configs))).slice(0, 12);
  return {
    problem: flagValue(parsed, "problem")!,
    cells,
    configs,
    hash,
    out: flagValue(parsed, "out")!,
    runsDir: flagValue(parsed, "runs-dir")!,
  };
}

/** The run id of cell `k` of a sweep. */
export function coRunId(s: CoSettings, k: number): string {
  return `co-${s.hash}-${String(k).padStart(4, "0")}`;
}

async function openRun(store: RunStore, id: string): Promise<RunReader | null> {
  try {
    return await store.open(id);
  } catch {
    return null;
  }
}

/** The row of a finished cell, from its run's summary. */
function rowOf(cell: CoCell, run: RunReader): CoRow {
  const s = run.manifest.summary as Record<string, number | string>;
  return {
    cell: cell.key,
    sampler: cell.sampler,
    graph: cell.graph,
    nodes: Number(s.nodes),
    edges: Number(s.edges),
    bestObjective: Number(s.bestObjective),
    repairedObjective: Number(s.repairedObjective),
    feasibleChains: Number(s.feasibleChains),
    chains: Number(s.chains),
    steps: Number(s.steps),
    backend: String(s.backend),
    seconds: Number(s.seconds),
    run: run.id,
  };
}

/**
 * Runs the cells of a sweep (all, or `only` those keys) into the store, in cell order: a cell
 * whose run is done is kept, an interrupted one continues from its checkpoint (with `resume`),
 * the others start. Writes `co.csv` / `co.md` after every cell. Without `resume`, existing runs
 * of the sweep are refused with one line (nothing is touched).
 */
export async function runCoSweep(
  s: CoSettings,
  argv: string[],
  io: CliIo,
  options: { resume?: boolean; json?: boolean; only?: ReadonlySet<string> } = {},
): Promise<CoRow[]> {
  const store = new RunStore(s.runsDir);
  const picked = s.cells.map((c, k) => ({ c, k })).filter(({ c }) =>
    !options.only || options.only.has(c.key)
  );
  if (!options.resume) {
    for (const { k } of picked) {
      if (await openRun(store, coRunId(s, k))) {
        throw new UsageError(
          `co: ${s.runsDir} already holds run ${coRunId(s, k)} of this sweep: ` +
            `expected --resume to continue it, or another --runs-dir`,
        );
      }
    }
  }
  // The table folder belongs to one sweep: another sweep's table is never overwritten.
  const settingsFile = `${s.out}/co_settings.json`;
  const other = await Deno.readTextFile(settingsFile).then((t) => JSON.parse(t).hash, () => null);
  if (other !== null && other !== s.hash) {
    throw new UsageError(
      `co: ${s.out} holds the table of another sweep (settings ${other}, these ${s.hash}): ` +
        `expected the same flags, or another --out`,
    );
  }
  await Deno.mkdir(s.out, { recursive: true });
  await writeFileAtomic(
    settingsFile,
    JSON.stringify({ hash: s.hash, cells: s.cells.map((c) => c.argv) }, null, 1),
  );
  const rows: CoRow[] = [];
  for (const [i, { c, k }] of picked.entries()) {
    const id = coRunId(s, k), cfg = s.configs[k];
    const existing = await openRun(store, id);
    if (existing?.manifest.status !== "done") {
      const { problem, sampler } = await solveParts(cfg, ".");
      const gpu = await backendFor(cfg, problem, sampler, io);
      const label = `[${i + 1}/${picked.length}] ${c.key}`;
      const onProgress = options.json ? undefined : progressBar(label);
      const input = {
        command: ["co", ...argv],
        config: { ...cfg, reference: cfg.reference ?? null, coCell: c.key },
        problem,
        sampler,
        options: { ...solveOptions(cfg), onProgress },
        id,
      };
      if (existing) {
        const from = await readCheckpoint(store.runDir(id), id);
        await streamSolve(await store.resume(id), input, gpu, from);
      } else await solveToRun(store, input, gpu);
      if (!options.json) {
        const r = rowOf(c, await store.open(id));
        io.out(
          `${label}: ${r.nodes} nodes / ${r.edges} edges, best ${r.bestObjective}, ` +
            `repaired ${r.repairedObjective}, ${r.seconds.toFixed(1)} s, run ${id}`,
        );
      }
    }
    rows.push(rowOf(c, await store.open(id)));
    await writeCoOutputs(s.out, s.problem, rows);
  }
  await writeCoOutputs(s.out, s.problem, rows);
  return rows;
}

/** Runs `co`. Returns the process exit code. */
export async function coCommand(parsed: Parsed, argv: string[], io: CliIo): Promise<number> {
  const s = await coSettings(parsed);
  const rows = await runCoSweep(s, argv, io, {
    resume: Boolean(parsed.values.resume),
    json: Boolean(parsed.values.json),
  });
  if (parsed.values.json) {
    io.out(JSON.stringify({ out: s.out, cells: rows.length, rows }));
  } else io.out(`${rows.length} cells: ${s.out}/co.csv, ${s.out}/co.md`);
  return 0;
}
