/**
 * `cli.ts discs`: the DISCS benchmark protocol. Runs the suites (classical models x all
 * samplers, the zero-field Ising temperature sweep with sqrt(t) and t/(t+1), the Ising size
 * sweep), stores one run per cell, and writes `discs.csv`, `discs.md` and `findings.md` to `--out`
 * (rewritten after every cell, so a long run leaves usable partial tables). `--resume` continues an
 * interrupted sweep in the same `--out`: cells whose run is stored `done` are kept, the rest run
 * (the plan, `discs_plan.json`, must match). `--from-csv` runs nothing: it merges earlier
 * `discs.csv` files and writes the same three files from them.
 * @module
 */
import { resolveBackend } from "../gpu/mod.ts";
import { RunStore } from "../io/run_store.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { SAMPLER_NAMES } from "../samplers/registry.ts";
import {
  DiscsCsvError,
  type DiscsRow,
  findingsMarkdown,
  parseDiscsCsv,
  PRESET_NAMES,
  type PresetName,
  PRESETS,
  rowsToCsv,
  rowsToMarkdown,
  SUITE_NAMES,
  suiteCells,
  type SuiteName,
  type SuiteOverrides,
} from "../discs/mod.ts";
import { discsCellToRun, resumeDiscsCell } from "../runs/discs.ts";
import type { RunReader } from "../io/run_store.ts";
import { discsRow } from "../discs/run.ts";
import { type CommandSpec, numberFlag, type Parsed, UsageError } from "./args.ts";
import { progressBar } from "./progress.ts";
import type { CliIo } from "./io.ts";

/** The `discs` command's flags. */
export const DISCS_SPEC: CommandSpec = {
  name: "discs",
  summary: "Run the DISCS ESS benchmark suites and write CSV + markdown tables.",
  usage:
    "cli.ts discs [--quick | --preset quick|medium|large|paper] [--suite S] [--steps N] [--out DIR]\n" +
    "       cli.ts discs --from-csv A.csv[,B.csv...] [--out DIR]",
  flags: {
    suite: {
      type: "string",
      value: "S",
      help: "classical | temperature | size | all",
      default: "all",
    },
    quick: { type: "boolean", help: "same as --preset quick (all suites in minutes on 2 cores)" },
    preset: {
      type: "string",
      value: "P",
      help: "quick | medium | large | paper (large: ~75 min on 2 cores; paper: DISCS sizes)",
      default: "medium",
    },
    steps: {
      type: "string",
      value: "N",
      help: "steps per chain for every suite (overrides preset)",
    },
    chains: { type: "string", value: "N", help: "chains per cell", default: "100" },
    seed: { type: "string", value: "N", help: "chain random seed", default: "0" },
    "burn-in": { type: "string", value: "F", help: "burn-in fraction", default: "0.5" },
    samplers: { type: "string", value: "LIST", help: "comma list of samplers to keep" },
    models: { type: "string", value: "LIST", help: "comma list of classical models to keep" },
    betas: { type: "string", value: "LIST", help: "comma list of betas (temperature suite)" },
    sizes: { type: "string", value: "LIST", help: "comma list of Ising sides (size suite)" },
    "temperature-side": {
      type: "string",
      value: "N",
      help: "Ising side of the temperature sweep (overrides the preset's)",
    },
    backend: { type: "string", value: "B", help: "auto | webgpu | cpu", default: "auto" },
    "from-csv": {
      type: "string",
      value: "LIST",
      help: "run nothing: merge these discs.csv files into --out (tables and findings.md)",
    },
    out: {
      type: "string",
      value: "DIR",
      help: "folder for discs.csv, discs.md and findings.md",
      default: ".",
    },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
    resume: {
      type: "boolean",
      help: "continue the interrupted sweep in --out: keep cells stored done, run the rest",
    },
  },
};

function listFlag(parsed: Parsed, name: string): string[] | undefined {
  const v = parsed.values[name];
  if (v === undefined) return undefined;
  const items = String(v).split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (!items.length) throw new UsageError(`discs: --${name} expects a comma list, got '${v}'`);
  return items;
}

function numberList(parsed: Parsed, name: string, check: (n: number) => boolean, what: string) {
  return listFlag(parsed, name)?.map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n) || !check(n)) {
      throw new UsageError(`discs: --${name} expects ${what}, got '${s}'`);
    }
    return n;
  });
}

/** The validated settings of a `discs` invocation. */
export interface DiscsSettings {
  preset: PresetName;
  suites: SuiteName[];
  chains: number;
  seed: number;
  burnInFraction: number;
  backend: "auto" | "webgpu" | "cpu";
  out: string;
  runsDir: string;
  overrides: SuiteOverrides;
}

/** Reads and checks the flags; bad values are a {@link UsageError} (exit code 2). */
export function discsSettings(parsed: Parsed): DiscsSettings {
  const v = parsed.values;
  const num = (flag: string) => numberFlag(parsed, flag, "discs");
  const posInt = (flag: string, fallback: number, min = 1) => {
    const n = num(flag) ?? fallback;
    if (!Number.isInteger(n) || n < min) {
      throw new UsageError(`discs: --${flag} expects an integer >= ${min}, got '${v[flag]}'`);
    }
    return n;
  };
  const preset = v.quick ? "quick" : String(v.preset ?? "medium");
  if (!PRESET_NAMES.includes(preset as PresetName)) {
    throw new UsageError(`discs: --preset expects ${PRESET_NAMES.join(" | ")}, got '${preset}'`);
  }
  if (v.quick && v.preset !== undefined && v.preset !== "quick") {
    throw new UsageError(`discs: --quick conflicts with --preset ${v.preset}`);
  }
  const suite = String(v.suite ?? "all");
  if (suite !== "all" && !SUITE_NAMES.includes(suite as SuiteName)) {
    throw new UsageError(`discs: --suite expects ${SUITE_NAMES.join(" | ")} | all, got '${suite}'`);
  }
  const backend = String(v.backend ?? "auto");
  if (!["auto", "webgpu", "cpu"].includes(backend)) {
    throw new UsageError(`discs: --backend expects auto | webgpu | cpu, got '${backend}'`);
  }
  const burnInFraction = num("burn-in") ?? 0.5;
  if (!(burnInFraction >= 0 && burnInFraction < 1)) {
    throw new UsageError(`discs: --burn-in expects a fraction in [0, 1), got '${v["burn-in"]}'`);
  }
  const samplers = listFlag(parsed, "samplers");
  for (const s of samplers ?? []) {
    if (!SAMPLER_NAMES.includes(s)) {
      throw new UsageError(`discs: --samplers: unknown sampler '${s}', expected ${SAMPLER_NAMES}`);
    }
  }
  const models = listFlag(parsed, "models");
  const known = Object.keys(PRESETS.quick.classical);
  for (const m of models ?? []) {
    if (!known.includes(m)) {
      throw new UsageError(`discs: --models: unknown model '${m}', expected ${known.join(",")}`);
    }
  }
  const steps = v.steps === undefined ? undefined : posInt("steps", 0, 2);
  return {
    preset: preset as PresetName,
    suites: suite === "all" ? [...SUITE_NAMES] : [suite as SuiteName],
    chains: posInt("chains", 100),
    seed: posInt("seed", 0, 0),
    burnInFraction,
    backend: backend as DiscsSettings["backend"],
    out: String(v.out ?? "."),
    runsDir: String(v["runs-dir"] ?? "runs"),
    overrides: {
      steps,
      samplers,
      models,
      betas: numberList(parsed, "betas", (n) => n >= 0, "betas >= 0"),
      sizes: numberList(parsed, "sizes", (n) => Number.isInteger(n) && n >= 2, "integers >= 2"),
      temperatureSide: v["temperature-side"] === undefined
        ? undefined
        : posInt("temperature-side", 0, 2),
    },
  };
}

/** The markdown report's header: the command and the protocol settings. */
function reportHeader(s: DiscsSettings, adapter: string, argv: string[]): string {
  return `# DISCS protocol results\n\n` +
    `Command: \`cli.ts discs ${argv.join(" ")}\`\n\n` +
    `Preset ${s.preset}; ${s.chains} chains per cell; seed ${s.seed}; burn-in ${s.burnInFraction}; ` +
    `adaptation never frozen (adapt: always); statistic: Hamming distance to one fixed random ` +
    `reference state; per-chain TFP ESS, mean ± std over chains; ESS/eval by DISCS counting; ` +
    `ESS/s over the post-burn-in share of synchronised wall time. Backend: ${adapter}.\n\n`;
}

/** The three output files of `discs` in `dir`. */
export function outputPaths(dir: string) {
  return { csv: `${dir}/discs.csv`, markdown: `${dir}/discs.md`, findings: `${dir}/findings.md` };
}

/** What a sweep is: its settings (not the backend, which gives the same bits) and its cells. */
export function sweepPlan(
  s: DiscsSettings,
  cells: readonly { suite: string; model: string; sampler: string; x: number | null }[],
) {
  return {
    preset: s.preset,
    suites: s.suites,
    chains: s.chains,
    seed: s.seed,
    burnInFraction: s.burnInFraction,
    overrides: s.overrides,
    cells: cells.map((c) => `${c.suite}/${c.model}/${c.sampler}/${c.x ?? ""}`),
  };
}

/**
 * The prefix of the sweep's run ids (`<prefix>-<cell index>`), kept in `out/discs_runs.json` so
 * that `--resume` finds the run of an interrupted cell; a new sweep draws a fresh one.
 */
async function runPrefix(out: string, resume: boolean): Promise<string> {
  const file = `${out}/discs_runs.json`;
  if (resume) {
    const kept = await Deno.readTextFile(file).then((t) => JSON.parse(t).prefix, () => null);
    if (typeof kept === "string" && /^discs-[\w-]+$/.test(kept)) return kept;
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const prefix = `discs-${stamp}-${crypto.randomUUID().slice(0, 6)}`;
  await writeFileAtomic(file, JSON.stringify({ prefix }) + "\n");
  return prefix;
}

/** The table row of a cell whose run finished but whose row was not yet written. */
function storedRow(run: RunReader): DiscsRow {
  const s = run.manifest.summary as Record<string, number | string>;
  const c = run.manifest.config as Record<string, unknown>;
  const num = (k: string) => (s[k] === undefined ? NaN : Number(s[k]));
  return {
    suite: s.suite as DiscsRow["suite"],
    model: String(s.model),
    sampler: String(s.sampler),
    x: s.x === undefined ? null : Number(s.x),
    numSites: num("numSites"),
    chains: Number(c.chains),
    steps: Number(c.steps),
    backend: run.manifest.backend,
    run: run.id,
    essMean: num("essMean"),
    essStd: num("essStd"),
    keptDraws: num("keptDraws"),
    essPerStep: num("essPerStep"),
    essPerEval: num("essPerEval"),
    essPerSecond: num("essPerSecond"),
    energyEvals: num("energyEvals"),
    seconds: num("seconds"),
    meanAcceptance: num("meanAcceptance"),
    finalParam: num("finalParam"),
  };
}

/** The key of a cell or row. */
const cellKey = (c: { suite: string; model: string; sampler: string; x: number | null }) =>
  `${c.suite}/${c.model}/${c.sampler}/${c.x ?? ""}`;

/**
 * The rows of an interrupted sweep in `out` that can be kept: the plan on disk must equal this
 * one, and a row is kept when its run is stored `done`.
 */
async function resumedRows(
  out: string,
  plan: ReturnType<typeof sweepPlan>,
  store: RunStore,
): Promise<Map<string, DiscsRow>> {
  const planPath = `${out}/discs_plan.json`;
  let onDisk: unknown;
  try {
    onDisk = JSON.parse(await Deno.readTextFile(planPath));
  } catch (e) {
    throw new UsageError(
      `discs --resume: cannot read ${planPath} (${(e as Error).name}): expected the plan of an ` +
        `interrupted sweep in --out`,
    );
  }
  const mine = plan as Record<string, unknown>, theirs = onDisk as Record<string, unknown>;
  const differs = Object.keys(mine).find((k) =>
    JSON.stringify(mine[k]) !== JSON.stringify(theirs?.[k])
  );
  if (differs) {
    throw new UsageError(
      `discs --resume: ${planPath} has another ${differs}: expected the same flags as the ` +
        `interrupted sweep`,
    );
  }
  const kept = new Map<string, DiscsRow>();
  let rows: DiscsRow[] = [];
  try {
    rows = parseDiscsCsv(await Deno.readTextFile(`${out}/discs.csv`), `${out}/discs.csv`);
  } catch (e) {
    if (e instanceof DiscsCsvError) throw new UsageError(`discs --resume: ${e.message}`);
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const row of rows) {
    const run = await store.open(row.run).catch(() => null);
    if (run?.manifest.status === "done") kept.set(cellKey(row), row);
  }
  return kept;
}

/** Writes the rows' CSV, the markdown tables (after `header`) and the findings, atomically. */
export async function writeOutputs(
  paths: ReturnType<typeof outputPaths>,
  rows: readonly DiscsRow[],
  header: string,
): Promise<void> {
  await writeFileAtomic(paths.csv, rowsToCsv(rows));
  await writeFileAtomic(paths.markdown, header + rowsToMarkdown(rows));
  await writeFileAtomic(paths.findings, findingsMarkdown(rows));
}

/** Reads and parses one `--from-csv` file; unreadable or malformed files are UsageErrors. */
async function readDiscsCsv(path: string): Promise<DiscsRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(`discs: --from-csv ${path}: cannot read it (${(e as Error).name})`);
  }
  try {
    return parseDiscsCsv(text, path);
  } catch (e) {
    if (e instanceof DiscsCsvError) throw new UsageError(`discs: --from-csv ${e.message}`);
    throw e;
  }
}

/** `discs --from-csv`: merges result files into the tables and findings, sampling nothing. */
async function mergeCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const clash = Object.keys(DISCS_SPEC.flags).find((f) =>
    f !== "from-csv" && f !== "out" && parsed.values[f] !== undefined
  );
  if (clash) {
    throw new UsageError(
      `discs: --from-csv runs nothing and takes only --out and --json, got --${clash}`,
    );
  }
  const files = listFlag(parsed, "from-csv")!;
  const parts = [];
  for (const f of files) parts.push({ file: f, rows: await readDiscsCsv(f) });
  const rows = parts.flatMap((p) => p.rows);
  const out = String(parsed.values.out ?? ".");
  await Deno.mkdir(out, { recursive: true });
  const paths = outputPaths(out);
  const sources = parts.map((p) => `\`${p.file}\` (${p.rows.length} rows)`).join(", ");
  await writeOutputs(
    paths,
    rows,
    `# DISCS protocol results\n\nMerged from ${parts.length} file(s), in this order: ${sources}. ` +
      `Run settings are in each source's own discs.md and in the run store.\n\n`,
  );
  if (parsed.values.json) {
    io.out(JSON.stringify({ from: files, ...paths, rows: rows.length }));
  } else {io.out(
      `wrote ${paths.csv}, ${paths.markdown} and ${paths.findings} (${rows.length} rows)`,
    );}
  return 0;
}

/** The cells of a sweep's settings, in the protocol's order. */
export function sweepCells(s: DiscsSettings) {
  const cells = s.suites.flatMap((suite) => suiteCells(suite, PRESETS[s.preset], s.overrides));
  if (!cells.length) throw new UsageError("discs: the filters leave no cells to run");
  return cells;
}

/** Key of a sweep cell: `suite/model/sampler/x`. */
export { cellKey as discsCellKey };

/** What {@link runDiscsSweep} did. */
export interface SweepResult {
  readonly rows: DiscsRow[];
  readonly paths: ReturnType<typeof outputPaths>;
  readonly adapter: string;
}

/**
 * Runs the cells of a sweep (all, or `only` by key) into `s.out` and `s.runsDir`: one run per
 * cell, the three tables rewritten after every cell. With `resume`, cells already stored `done`
 * in `s.out` are kept (see {@link resumedRows}).
 */
export async function runDiscsSweep(
  s: DiscsSettings,
  argv: string[],
  io: CliIo,
  options: { resume?: boolean; json?: boolean; only?: ReadonlySet<string> } = {},
): Promise<SweepResult> {
  const cells = sweepCells(s).filter((c) => !options.only || options.only.has(cellKey(c)));
  const backend = await resolveBackend(s.backend, io.notice);
  const adapter = backend.gpu ? `webgpu (${backend.gpu.adapter.description})` : "cpu";
  const store = new RunStore(s.runsDir);
  const plan = sweepPlan(s, cells);
  const kept = options.resume ? await resumedRows(s.out, plan, store) : new Map();
  await Deno.mkdir(s.out, { recursive: true });
  await writeFileAtomic(`${s.out}/discs_plan.json`, JSON.stringify(plan, null, 2));
  const prefix = await runPrefix(s.out, Boolean(options.resume));
  const paths = outputPaths(s.out);
  const rows: DiscsRow[] = [];
  for (const [k, cell] of cells.entries()) {
    const done = kept.get(cellKey(cell));
    if (done) {
      rows.push(done);
      continue;
    }
    const label = `[${k + 1}/${cells.length}] ${cell.suite} ${cell.model} ${cell.sampler}` +
      (cell.x !== null && cell.suite === "temperature" ? ` beta=${cell.x}` : "");
    const cellOpts = {
      chains: s.chains,
      seed: s.seed,
      burnInFraction: s.burnInFraction,
      gpu: backend.gpu,
      notice: io.notice,
      onProgress: options.json ? undefined : progressBar(label),
    };
    // A cell interrupted by an earlier attempt continues from its last finished block.
    const cellId = `${prefix}-${String(k).padStart(4, "0")}`;
    const earlier = options.resume ? await store.open(cellId).catch(() => null) : null;
    if (earlier?.manifest.status === "done") {
      rows.push(storedRow(earlier));
      await writeOutputs(paths, rows, reportHeader(s, adapter, argv));
      continue;
    }
    const { runId: id, value: r } = earlier
      ? await resumeDiscsCell(store, cellId, cell, cellOpts)
      : await discsCellToRun(store, argv, cell, cellOpts, backend.gpu?.adapter, cellId);
    rows.push(discsRow(r, id));
    await writeOutputs(paths, rows, reportHeader(s, adapter, argv));
    if (!options.json) {
      const m = r.metrics;
      io.out(
        `${label}: ESS ${m.essMean.toFixed(1)} ± ${m.essStd.toFixed(1)}, ` +
          `per eval ${m.essPerEval.toExponential(2)}, per s ${m.essPerSecond.toFixed(1)}, ` +
          `acc ${m.meanAcceptance.toFixed(3)}, ${r.result.backend} ${
            r.result.seconds.toFixed(1)
          } s, run ${id}`,
      );
    }
  }
  await writeOutputs(paths, rows, reportHeader(s, adapter, argv));
  return { rows, paths, adapter };
}

/** Runs `discs`. Returns the process exit code. */
export async function discsCommand(parsed: Parsed, argv: string[], io: CliIo): Promise<number> {
  if (parsed.values["from-csv"] !== undefined) return await mergeCommand(parsed, io);
  const s = discsSettings(parsed);
  const json = Boolean(parsed.values.json);
  const { rows, paths, adapter } = await runDiscsSweep(s, argv, io, {
    resume: Boolean(parsed.values.resume),
    json,
  });
  if (json) {
    io.out(JSON.stringify({
      preset: s.preset,
      suites: s.suites,
      chains: s.chains,
      seed: s.seed,
      burnInFraction: s.burnInFraction,
      adapt: "always",
      backend: adapter,
      ...paths,
      rows,
    }));
  } else {io.out(
      `wrote ${paths.csv}, ${paths.markdown} and ${paths.findings} (${rows.length} cells)`,
    );}
  return 0;
}
