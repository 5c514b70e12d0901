/**
 * `cli.ts basins`: metastable basin detection by classifier two-sample tests.
 *
 * - `basins --system NAME --dim D --noise ou|white ...`: simulate a benchmark system (see
 *   `BENCH_SYSTEMS`) from candidates around its minima, embed into D dimensions, detect basins,
 *   optionally run the baselines, and write a run (dashboard "basins" page).
 * - `basins --trajectories data.npy [--labels-true labels.npy]`: the same on user trajectories
 *   of shape [candidates, trajectories, frames, dim].
 * - `basins bench`: the sweep over systems x D x noise; prints a table (and `--out FILE` JSON).
 *
 * The run layout is the `basins` run kind (`src/runs/basins.ts`); the pipelines live in
 * `src/basins` (`runBenchCell`, `detectOnEnsemble`, `runBenchSweep`).
 * @module
 */
import { readNpyFile } from "../io/npy_file.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import type { NdArray } from "../io/npy.ts";
import { RunStore } from "../io/run_store.ts";
import { type BaselineName, BASELINES } from "../basins/baselines.ts";
import type { TfBackend } from "../basins/classifier.ts";
import type { RiskDesign } from "../basins/detect.ts";
import { runBenchCell, runBenchSweep, type SweepGrid, type SweepRow } from "../basins/evaluate.ts";
import {
  checkFeaturizer,
  featurize,
  formatFeaturizer,
  parseFeaturizer,
  resolveFeaturizer,
} from "../basins/features.ts";
import { defaultReduction, formatReduction, parseReduction } from "../basins/reduce.ts";
import { streamNpyEnsemble } from "../basins/stream.ts";
import { type MergeRule, parseMergeRule } from "../basins/merge.ts";
import { BENCH_SYSTEMS } from "../basins/systems.ts";
import { detectOnEnsemble, ensembleFromCandidateArray } from "../basins/user_data.ts";
import {
  basinsIntoRun,
  type BasinsOutcome,
  basinsToRun,
  checkpointCore,
  coreFromCheckpoint,
} from "../runs/basins.ts";
import { type Checkpoint, readCheckpoint } from "../runs/checkpoint.ts";
import type { StartRunOptions } from "../runs/writer.ts";
import type { RunWriter } from "../io/run_store.ts";
import type { RunManifest } from "../io/manifest.ts";
import { type CommandSpec, numberFlag, type Parsed, UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";

/** The `basins` command's flags. */
export const BASINS_SPEC: CommandSpec = {
  name: "basins",
  summary: "Detect metastable basins by classifier two-sample tests (and run the baselines).",
  usage: "cli.ts basins --system NAME --dim D --noise ou|white [...] | " +
    "cli.ts basins --trajectories data.npy [...] | cli.ts basins bench [...]",
  allowPositionals: true,
  flags: {
    system: {
      type: "string",
      value: "NAME",
      help: `one of ${Object.keys(BENCH_SYSTEMS).join(", ")}`,
    },
    trajectories: {
      type: "string",
      value: "FILE",
      help: ".npy [candidates, trajectories, frames, dim]",
    },
    stream: {
      type: "boolean",
      help: "read --trajectories one candidate at a time (automatic above 1 GiB)",
    },
    "labels-true": {
      type: "string",
      value: "FILE",
      help: "ground-truth candidate labels (.npy, i32)",
    },
    dim: { type: "string", value: "D", help: "ambient dimension", default: "100" },
    noise: { type: "string", value: "KIND", help: "white | ou", default: "ou" },
    "noise-sigma": { type: "string", value: "X", help: "noise standard deviation", default: "1" },
    "noise-tau": {
      type: "string",
      value: "F",
      help: "OU correlation time in frames",
      default: "20",
    },
    candidates: {
      type: "string",
      value: "K",
      help: "candidates (simulated systems)",
      default: "20",
    },
    "per-candidate": {
      type: "string",
      value: "N",
      help: "trajectories per candidate",
      default: "256",
    },
    featurizer: {
      type: "string",
      value: "SPEC",
      help:
        "auto (last 3 frames pooled; later half below 128 per candidate) | snapshot[:F] | window:FROM[:TO[:EVERY]] | segment:F:LEN[:LAG]",
      default: "auto",
    },
    design: {
      type: "string",
      value: "NAME",
      help: "multiclass | multiclass-rounds | pairwise",
      default: "multiclass",
    },
    threshold: {
      type: "string",
      value: "R",
      help:
        "merge rule: R (risk > R) | calibrated[:DELTA:Z[:FLOOR]] (risk > max(FLOOR, 1/2 - DELTA - Z se))",
      default: "calibrated",
    },
    reduce: {
      type: "string",
      value: "R",
      help: "none | pca:K | means | means+pca:K (default means+pca:16 above 256 dims)",
    },
    hidden: {
      type: "string",
      value: "LIST",
      help: "hidden widths, comma-separated",
      default: "64,64",
    },
    backend: {
      type: "string",
      value: "NAME",
      help: "tfjs backend: wasm | cpu | webgpu",
      default: "wasm",
    },
    baselines: {
      type: "string",
      value: "LIST",
      help: `comma-separated, 'all' or 'none'`,
      default: "all",
    },
    "baseline-reduce": {
      type: "string",
      value: "R",
      help:
        "none | pca:K | means | means+pca:K before the baselines (default means+pca:4 above 64 dims)",
    },
    "baseline-trajectories": {
      type: "string",
      value: "N",
      help: "per candidate, for baselines",
      default: "16",
    },
    seed: { type: "string", value: "N", help: "random seed", default: "1" },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
    // bench
    systems: { type: "string", value: "LIST", help: "bench: systems", default: "all" },
    dims: {
      type: "string",
      value: "LIST",
      help: "bench: ambient dimensions",
      default: "2,10,100,1000",
    },
    noises: { type: "string", value: "LIST", help: "bench: noise kinds", default: "white,ou" },
    out: { type: "string", value: "FILE", help: "bench: write the results as JSON" },
    resume: {
      type: "boolean",
      help: "bench: keep the rows already in --out FILE and run the other cells",
    },
  },
};

function str(p: Parsed, name: string): string {
  const v = p.values[name] ?? BASINS_SPEC.flags[name].default;
  return String(v);
}

function num(p: Parsed, name: string, min: number, integer = true): number {
  const v = numberFlag(p, name, "basins") ?? Number(BASINS_SPEC.flags[name].default);
  if (!(v >= min) || (integer && !Number.isInteger(v))) {
    throw new UsageError(
      `basins: --${name} expects ${integer ? "an integer" : "a number"} >= ${min}, got '${
        p.values[name]
      }'`,
    );
  }
  return v;
}

function oneOf<T extends string>(p: Parsed, name: string, allowed: readonly T[]): T {
  const v = str(p, name);
  if (!allowed.includes(v as T)) {
    throw new UsageError(`basins: --${name} must be one of ${allowed.join(", ")}, got '${v}'`);
  }
  return v as T;
}

function baselineList(p: Parsed): BaselineName[] {
  const v = str(p, "baselines");
  if (v === "all") return [...BASELINES];
  if (v === "none") return [];
  const list = v.split(",").map((s) => s.trim());
  for (const b of list) {
    if (!(BASELINES as readonly string[]).includes(b)) {
      throw new UsageError(`basins: unknown baseline '${b}', expected ${BASELINES.join(", ")}`);
    }
  }
  return list as BaselineName[];
}

function mergeRuleFlag(p: Parsed): MergeRule {
  try {
    return parseMergeRule(str(p, "threshold"));
  } catch (e) {
    throw new UsageError(`basins: --${(e as Error).message}`);
  }
}

function common(p: Parsed) {
  const hidden = str(p, "hidden").split(",").map(Number);
  if (hidden.some((h) => !(Number.isInteger(h) && h >= 1))) {
    throw new UsageError(`basins: --hidden expects positive integers, got '${str(p, "hidden")}'`);
  }
  let featurizer;
  try {
    featurizer = parseFeaturizer(str(p, "featurizer"));
  } catch (e) {
    throw new UsageError(`basins: ${(e as Error).message}`);
  }
  const reductionFlag = (name: string) => {
    if (p.values[name] === undefined) return undefined;
    try {
      return parseReduction(str(p, name));
    } catch (e) {
      throw new UsageError(`basins: --${name}: ${(e as Error).message}`);
    }
  };
  const reduce = reductionFlag("reduce");
  const baselineReduce = reductionFlag("baseline-reduce");
  return {
    reduce,
    baselineReduce,
    design: oneOf<RiskDesign>(p, "design", ["multiclass", "multiclass-rounds", "pairwise"]),
    backend: oneOf<TfBackend>(p, "backend", ["wasm", "cpu", "webgpu"]),
    threshold: mergeRuleFlag(p),
    hidden,
    featurizer,
    seed: num(p, "seed", 0),
    baselines: baselineList(p),
  };
}

/** The options every bench cell shares: noise, sizes and the detection settings. */
function cellOptions(p: Parsed, c: ReturnType<typeof common>) {
  return {
    noiseSigma: num(p, "noise-sigma", 0, false),
    noiseTau: num(p, "noise-tau", 0, false),
    candidates: num(p, "candidates", 2),
    trajectories: num(p, "per-candidate", 4),
    baselineTrajectories: num(p, "baseline-trajectories", 1),
    featurizer: c.featurizer,
    design: c.design,
    threshold: c.threshold,
    hidden: c.hidden,
    backend: c.backend,
    seed: c.seed,
    baselines: c.baselines,
    reduce: c.reduce,
    baselineReduce: c.baselineReduce,
  };
}

function backendOf(tf: TfBackend): "webgpu" | "cpu" {
  return tf === "webgpu" ? "webgpu" : "cpu";
}

/** A run reopened by `runs resume`, with its checkpoint. */
interface Resumed {
  readonly run: RunWriter;
  readonly from: Checkpoint | null;
}

/**
 * Runs `work` into a new basins run, or into the resumed one: the same writer contract either way.
 */
function intoRun<T extends BasinsOutcome>(
  p: Parsed,
  start: StartRunOptions,
  resumed: Resumed | undefined,
  work: (run: RunWriter) => Promise<T>,
): Promise<{ runId: string; value: T }> {
  if (!resumed) return basinsToRun(new RunStore(str(p, "runs-dir")), start, work);
  return basinsIntoRun(resumed.run, work).then((value) => ({ runId: resumed.run.id, value }));
}

async function simulateCommand(
  p: Parsed,
  argv: string[],
  io: CliIo,
  resumed?: Resumed,
): Promise<number> {
  const c = common(p);
  const system = str(p, "system");
  if (!BENCH_SYSTEMS[system]) {
    throw new UsageError(
      `basins: unknown --system '${system}', expected one of ${
        Object.keys(BENCH_SYSTEMS).join(", ")
      }`,
    );
  }
  const noise = oneOf<"white" | "ou">(p, "noise", ["white", "ou"]);
  try {
    // Frame 0 holds the candidates; the system saves `frames` more.
    checkFeaturizer(c.featurizer, BENCH_SYSTEMS[system].frames + 1);
  } catch (e) {
    throw new UsageError(`basins: ${(e as Error).message}`);
  }
  const options = { system, ambientDim: num(p, "dim", 1), noise, ...cellOptions(p, c) };
  const start = {
    command: ["basins", ...argv],
    config: { ...Object.fromEntries(Object.entries(p.values)), system, design: c.design },
    seed: c.seed,
    backend: backendOf(c.backend),
  };
  const { runId: id, value: cell } = await intoRun(p, start, resumed, async (run) => {
    // Unit 1: the simulated core, checkpointed before detection (unit 2) starts.
    const cell = await runBenchCell({
      ...options,
      core: coreFromCheckpoint(resumed?.from ?? null),
      onCore: (core) => checkpointCore(run, core),
    });
    const cls = cell.methods[0];
    const summary: Record<string, number | string> = {
      system,
      ambientDim: cell.ambientDim,
      noise,
      candidates: cell.candidates,
      basins: cls.estimatedCount,
      trueBasins: cls.trueCount,
      ari: cls.ari,
      nmi: cls.nmi,
      simulateSeconds: cell.simulateSeconds,
      detectSeconds: cell.detection.seconds,
      trainings: cell.detection.trainings,
      exitFraction: cell.exitFraction,
      reduction: cell.detection.reduction,
      mergeRule: cell.detection.mergeRule,
      featurizer: cell.featurizer,
    };
    for (const m of cell.methods.slice(1)) summary[`ari_${m.method}`] = m.ari;
    return {
      ...cell,
      frames: cell.baselineFrames,
      labelsTrue: cell.ensemble.labelsTrue,
      candidates: { data: cell.ensemble.candidates, dim: cell.ensemble.coreDim },
      summary,
    };
  });
  cell.detection.assigner?.dispose();
  if (p.values.json) io.out(JSON.stringify({ runId: id, methods: cell.methods }));
  else {
    io.out(`run ${id}: ${system} D=${cell.ambientDim} ${noise}`);
    io.out(formatMethods(cell.methods));
  }
  return 0;
}

/** Reads a `.npy` input; an unreadable or malformed file is an input error (exit 2). */
async function readInputNpy(path: string, what: string): Promise<NdArray> {
  try {
    return await readNpyFile(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : (e as Error).message.replace(/\s*\n\s*/g, " ");
    throw new UsageError(`basins: ${what} ${path}: ${reason} (expected a NumPy .npy file)`);
  }
}

/** Files above this are streamed (`--stream` forces it). */
const STREAM_MIN_BYTES = 1 << 30;

/** The ensemble of a `--trajectories` file: whole, or streamed and projected. */
async function loadTrajectories(p: Parsed, c: ReturnType<typeof common>, path: string) {
  let size = 0;
  try {
    size = (await Deno.stat(path)).size;
  } catch {
    // readInputNpy below names the problem.
  }
  if (!p.values.stream && size < STREAM_MIN_BYTES) {
    const arr = await readInputNpy(path, "--trajectories");
    try {
      const ens = ensembleFromCandidateArray(arr, path);
      // A featuriser that does not fit the frames is refused before any run is created.
      return { ens, samples: featurize(ens, c.featurizer), streamed: null };
    } catch (e) {
      throw new UsageError(`basins: ${(e as Error).message}`);
    }
  }
  try {
    const st = await streamNpyEnsemble(path, {
      featurizer: c.featurizer,
      seed: c.seed,
      reduce: c.reduce,
      keepTrajectories: num(p, "baseline-trajectories", 1),
    });
    return { ens: st.preview, samples: st.samples, streamed: st };
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : (e as Error).message.replace(/\s*\n\s*/g, " ");
    throw new UsageError(`basins: --trajectories ${path}: ${reason} (expected a NumPy .npy file)`);
  }
}

async function npyCommand(
  p: Parsed,
  argv: string[],
  io: CliIo,
  resumed?: Resumed,
): Promise<number> {
  const c = common(p);
  const path = str(p, "trajectories");
  const { ens, samples, streamed } = await loadTrajectories(p, c, path);
  const k = ens.numCandidates;
  let labelsTrue: Int32Array | null = null;
  if (p.values["labels-true"]) {
    const l = await readInputNpy(String(p.values["labels-true"]), "--labels-true");
    if (l.shape.length !== 1 || l.shape[0] !== k) {
      throw new UsageError(`basins: labels have shape [${l.shape}], expected [${k}]`);
    }
    const v = Array.from(l.data as ArrayLike<number>);
    const bad = v.findIndex((x) => !(Number.isInteger(x) && x >= 0));
    if (bad >= 0) {
      throw new UsageError(
        `basins: --labels-true label ${bad} is ${
          v[bad]
        }, expected integers >= 0 (one per candidate)`,
      );
    }
    labelsTrue = Int32Array.from(v);
  }
  const start = {
    command: ["basins", ...argv],
    config: Object.fromEntries(Object.entries(p.values)),
    seed: c.seed,
    backend: backendOf(c.backend),
  };
  // One unit: the detection on the stored input (a resumed run redoes it).
  const { runId: id, value } = await intoRun(p, start, resumed, async () => {
    const r = await detectOnEnsemble(ens, labelsTrue, {
      featurizer: c.featurizer,
      samples,
      baselines: c.baselines,
      baselineReduce: c.baselineReduce,
      seed: c.seed,
      backend: c.backend,
      design: c.design,
      threshold: c.threshold,
      hidden: c.hidden,
      // Streamed rows are already projected.
      reduce: streamed ? { kind: "none" } : c.reduce,
    });
    const det = r.detection;
    const summary: Record<string, number | string> = {
      system: path,
      featurizer: formatFeaturizer(
        resolveFeaturizer(c.featurizer, ens.numFrames, streamed?.shape[1] ?? ens.trajectories / k),
      ),
      candidates: k,
      basins: det.basins,
      reduction: streamed
        ? formatReduction(c.reduce ?? defaultReduction(streamed.shape[3]))
        : det.reduction,
      mergeRule: det.mergeRule,
      detectSeconds: det.seconds,
      trainings: det.trainings,
    };
    if (streamed) {
      summary.streamed = 1;
      summary.peakRssBytes = streamed.peakRss;
    }
    if (r.methods.length) {
      summary.ari = r.methods[0].ari;
      summary.trueBasins = r.methods[0].trueCount;
      for (const m of r.methods.slice(1)) summary[`ari_${m.method}`] = m.ari;
    }
    return { ...r, frames: ens, labelsTrue, candidates: null, summary };
  });
  const det = value.detection, methods = value.methods;
  det.assigner?.dispose();
  if (p.values.json) {
    io.out(
      JSON.stringify({ runId: id, labels: Array.from(det.labels), basins: det.basins, methods }),
    );
  } else {
    io.out(
      `run ${id}: ${det.basins} basins from ${k} candidates: ${Array.from(det.labels).join(" ")}`,
    );
    if (methods.length) io.out(formatMethods(methods));
  }
  return 0;
}

function formatMethods(
  ms: readonly {
    method: string;
    ari: number;
    nmi: number;
    estimatedCount: number;
    trueCount: number;
    seconds: number;
  }[],
): string {
  const head = "method               ARI     NMI     K^/K   seconds";
  return [
    head,
    ...ms.map((m) =>
      `${m.method.padEnd(20)} ${m.ari.toFixed(3).padStart(6)}  ${m.nmi.toFixed(3).padStart(6)}  ${
        `${m.estimatedCount}/${m.trueCount}`.padStart(5)
      }  ${m.seconds.toFixed(1).padStart(7)}`
    ),
  ].join("\n");
}

/** What `basins bench` runs: the grid, the shared cell options and the output file. */
export interface BenchSettings {
  readonly grid: SweepGrid;
  readonly cell: ReturnType<typeof cellOptions>;
  readonly out: string | null;
}

/** The settings of `basins bench` flags (bad values are one-line usage errors). */
export function benchSettings(p: Parsed): BenchSettings {
  const c = common(p);
  const systems = str(p, "systems") === "all"
    ? Object.keys(BENCH_SYSTEMS)
    : str(p, "systems").split(",");
  for (const s of systems) {
    if (!BENCH_SYSTEMS[s]) throw new UsageError(`basins bench: unknown system '${s}'`);
  }
  const dims = str(p, "dims").split(",").map(Number);
  if (dims.some((d) => !(Number.isInteger(d) && d >= 1))) {
    throw new UsageError(`basins bench: bad --dims '${str(p, "dims")}'`);
  }
  const noises = str(p, "noises").split(",");
  if (noises.some((n) => n !== "white" && n !== "ou")) {
    throw new UsageError(`basins bench: bad --noises '${str(p, "noises")}'`);
  }
  return {
    grid: { systems, dims, noises: noises as ("white" | "ou")[] },
    cell: cellOptions(p, c),
    out: p.values.out ? String(p.values.out) : null,
  };
}

/** Rows of an earlier (interrupted) bench output, for `--resume`; none if there is no file. */
export async function benchRowsOf(path: string): Promise<SweepRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw new UsageError(`basins bench: cannot read ${path} (${(e as Error).name})`);
  }
  try {
    const rows = JSON.parse(text);
    if (!Array.isArray(rows)) throw new Error("not an array");
    for (const r of rows) {
      if (typeof r?.system !== "string" || typeof r?.D !== "number" || !Array.isArray(r?.methods)) {
        throw new Error("rows need system, D, noise and methods");
      }
    }
    return rows as SweepRow[];
  } catch (e) {
    throw new UsageError(
      `basins bench: ${path} is not a bench output (${
        (e as Error).message
      }): expected the JSON rows of --out`,
    );
  }
}

/**
 * Runs the bench sweep (only the `only` cells, if given), keeping `keep` rows, writing the rows to
 * `s.out` after every cell.
 */
export async function runBench(
  s: BenchSettings,
  io: CliIo,
  o: { only?: ReadonlySet<string>; keep?: readonly SweepRow[] } = {},
): Promise<SweepRow[]> {
  return await runBenchSweep(s.grid, s.cell, {
    ...o,
    onSkip: (system, D, noise, reason) => io.notice(`skip ${system} D=${D} ${noise}: ${reason}`),
    onRow: async (row, rows) => {
      io.out(
        `${row.system} D=${row.D} ${row.noise} (exit ${row.exitFraction.toFixed(3)}, simulate ${
          row.simulateSeconds.toFixed(1)
        } s)`,
      );
      io.out(formatMethods(row.methods));
      // Rewritten after every cell, atomically: a killed sweep leaves every finished row.
      if (s.out) await writeFileAtomic(s.out, JSON.stringify(rows, null, 1));
    },
  });
}

async function benchCommand(p: Parsed, io: CliIo): Promise<number> {
  const s = benchSettings(p);
  if (p.values.resume && !s.out) throw new UsageError("basins bench: --resume needs --out FILE");
  if (s.out) {
    // The folder must exist: every row is written beside it as it finishes.
    const dir = s.out.includes("/") ? s.out.slice(0, s.out.lastIndexOf("/")) || "/" : ".";
    const info = await Deno.stat(dir).catch(() => null);
    if (!info?.isDirectory) {
      throw new UsageError(
        `basins bench: --out ${s.out}: no folder ${dir}, expected an existing folder`,
      );
    }
  }
  let keep: SweepRow[] = [];
  if (s.out) {
    // The settings beside the rows, so that --resume never mixes rows of other settings.
    const path = `${s.out}.settings.json`, mine = JSON.stringify({ grid: s.grid, cell: s.cell });
    if (p.values.resume) {
      const theirs = await Deno.readTextFile(path).catch(() => null);
      if (theirs !== null && theirs !== mine) {
        throw new UsageError(
          `basins bench --resume: ${s.out} was written with other settings (${path}): ` +
            `expected the same flags`,
        );
      }
      keep = await benchRowsOf(s.out);
    }
    await writeFileAtomic(path, mine);
  }
  await runBench(s, io, { keep });
  return 0;
}

/**
 * Continues a stored `basins` run (`runs resume`): its flags come from the manifest; a simulated
 * system's checkpointed core skips the simulation, and the detection runs again with the same
 * seed, so the arrays equal the uninterrupted run's.
 */
export async function resumeBasins(
  store: RunStore,
  manifest: RunManifest,
  parsed: Parsed,
  io: CliIo,
): Promise<number> {
  const values = { ...manifest.config } as Parsed["values"];
  values["runs-dir"] = store.root;
  values.json = parsed.values.json;
  const p: Parsed = { values, positionals: [] };
  const from = await readCheckpoint(store.runDir(manifest.id), manifest.id);
  const run = await store.resume(manifest.id);
  const argv = manifest.command.slice(1);
  const units = values.system !== undefined ? "2 (simulation, detection)" : "1 (detection)";
  io.notice(`resumed run ${manifest.id} at unit ${from ? 1 : 0} of ${units}`);
  return values.system !== undefined
    ? await simulateCommand(p, argv, io, { run, from })
    : await npyCommand(p, argv, io, { run, from });
}

/**
 * Runs `cli.ts basins ...`.
 */
export async function basinsCommand(parsed: Parsed, argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = parsed.positionals;
  if (sub === "bench") {
    if (rest.length) throw new UsageError(`basins bench: unexpected argument '${rest[0]}'`);
    return await benchCommand(parsed, io);
  }
  if (sub !== undefined) {
    throw new UsageError(`basins: unknown subcommand '${sub}', expected 'bench' or none`);
  }
  const hasSys = parsed.values.system !== undefined,
    hasNpy = parsed.values.trajectories !== undefined;
  if (hasSys === hasNpy) {
    throw new UsageError(
      "basins: give exactly one of --system NAME or --trajectories FILE (or the 'bench' subcommand)",
    );
  }
  return hasSys ? await simulateCommand(parsed, argv, io) : await npyCommand(parsed, argv, io);
}
