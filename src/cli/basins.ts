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
 * Run arrays: `frames` [frames, trajectories, D] f32 (the baseline subset of trajectories),
 * `start_index` [trajectories] i32, `labels_pred`/`labels_true` [candidates] i32, `risk` and
 * `risk_se` [candidates, candidates] f64, `merges` [candidates - 1, 4] f64 (SciPy linkage),
 * `candidates` [candidates, d] f64 when simulated.
 * @module
 */
import { readNpyFile } from "../io/npy_file.ts";
import { RunStore } from "../io/run_store.ts";
import { type BaselineName, BASELINES, runBaselines } from "../basins/baselines.ts";
import type { TfBackend } from "../basins/classifier.ts";
import { detectBasins, type DetectResult, type RiskDesign } from "../basins/detect.ts";
import { runBenchCell } from "../basins/evaluate.ts";
import { featurize, type FrameEnsemble, parseFeaturizer } from "../basins/features.ts";
import { parseReduction } from "../basins/reduce.ts";
import { scorePartition } from "../basins/metrics.ts";
import { BENCH_SYSTEMS } from "../basins/systems.ts";
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
      help: "snapshot[:F] | window:FROM[:TO[:EVERY]] | segment:F:LEN[:LAG]",
      default: "snapshot",
    },
    design: {
      type: "string",
      value: "NAME",
      help: "multiclass | multiclass-rounds | pairwise",
      default: "multiclass",
    },
    threshold: { type: "string", value: "R", help: "merge while risk > R", default: "0.25" },
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
  let reduce;
  if (p.values.reduce !== undefined) {
    try {
      reduce = parseReduction(str(p, "reduce"));
    } catch (e) {
      throw new UsageError(`basins: ${(e as Error).message}`);
    }
  }
  return {
    reduce,
    design: oneOf<RiskDesign>(p, "design", ["multiclass", "multiclass-rounds", "pairwise"]),
    backend: oneOf<TfBackend>(p, "backend", ["wasm", "cpu", "webgpu"]),
    threshold: num(p, "threshold", 0, false),
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
  };
}

async function writeRun(
  store: RunStore,
  argv: string[],
  config: Record<string, unknown>,
  seed: number,
  backend: string,
  det: DetectResult,
  frames: FrameEnsemble,
  labelsTrue: Int32Array | null,
  summary: Record<string, number | string>,
  candidates: { data: Float64Array; dim: number } | null,
): Promise<string> {
  const run = await store.create({
    command: ["basins", ...argv],
    config,
    seed,
    backend: backend === "webgpu" ? "webgpu" : "cpu",
  });
  const k = det.labels.length;
  await run.writeArray("frames", {
    dtype: "f32",
    shape: [frames.numFrames, frames.trajectories, frames.dim],
    data: frames.frames,
  });
  await run.writeArray("start_index", {
    dtype: "i32",
    shape: [frames.trajectories],
    data: frames.startIndex,
  });
  await run.writeArray("labels_pred", { dtype: "i32", shape: [k], data: det.labels });
  if (labelsTrue) {
    await run.writeArray("labels_true", { dtype: "i32", shape: [k], data: labelsTrue });
  }
  await run.writeArray("risk", { dtype: "f64", shape: [k, k], data: det.risk });
  await run.writeArray("risk_se", { dtype: "f64", shape: [k, k], data: det.riskSe });
  if (k > 1) await run.writeArray("merges", { dtype: "f64", shape: [k - 1, 4], data: det.linkage });
  if (candidates) {
    await run.writeArray("candidates", {
      dtype: "f64",
      shape: [candidates.data.length / candidates.dim, candidates.dim],
      data: candidates.data,
    });
  }
  await run.recordPhase("detect", det.seconds);
  await run.setSummary(summary);
  await run.finish("done");
  return run.id;
}

async function simulateCommand(p: Parsed, argv: string[], io: CliIo): Promise<number> {
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
  const cell = await runBenchCell({
    system,
    ambientDim: num(p, "dim", 1),
    noise,
    ...cellOptions(p, c),
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
  };
  for (const m of cell.methods.slice(1)) summary[`ari_${m.method}`] = m.ari;
  const id = await writeRun(
    new RunStore(str(p, "runs-dir")),
    argv,
    { ...Object.fromEntries(Object.entries(p.values)), system, design: c.design },
    c.seed,
    c.backend,
    cell.detection,
    cell.baselineFrames,
    cell.ensemble.labelsTrue,
    summary,
    { data: cell.ensemble.candidates, dim: cell.ensemble.coreDim },
  );
  cell.detection.assigner?.dispose();
  if (p.values.json) io.out(JSON.stringify({ runId: id, methods: cell.methods }));
  else {
    io.out(`run ${id}: ${system} D=${cell.ambientDim} ${noise}`);
    io.out(formatMethods(cell.methods));
  }
  return 0;
}

async function npyCommand(p: Parsed, argv: string[], io: CliIo): Promise<number> {
  const c = common(p);
  const path = str(p, "trajectories");
  const arr = await readNpyFile(path);
  if (arr.shape.length !== 4) {
    throw new UsageError(
      `basins: ${path} has shape [${arr.shape}], expected [candidates, trajectories, frames, dim]`,
    );
  }
  const [k, n, nf, dim] = arr.shape;
  if (k < 2 || n < 4) {
    throw new UsageError(
      `basins: need >= 2 candidates and >= 4 trajectories each, got ${k} x ${n}`,
    );
  }
  const src = arr.data as ArrayLike<number>;
  const frames = new Float32Array(nf * k * n * dim);
  for (let c2 = 0; c2 < k; c2++) {
    for (let t = 0; t < n; t++) {
      for (let f = 0; f < nf; f++) {
        const s = ((c2 * n + t) * nf + f) * dim, d = (f * k * n + c2 * n + t) * dim;
        for (let i = 0; i < dim; i++) frames[d + i] = src[s + i];
      }
    }
  }
  const ens: FrameEnsemble = {
    frames,
    numFrames: nf,
    trajectories: k * n,
    dim,
    startIndex: Int32Array.from({ length: k * n }, (_, t) => Math.floor(t / n)),
    numCandidates: k,
  };
  let labelsTrue: Int32Array | null = null;
  if (p.values["labels-true"]) {
    const l = await readNpyFile(String(p.values["labels-true"]));
    if (l.shape.length !== 1 || l.shape[0] !== k) {
      throw new UsageError(`basins: labels have shape [${l.shape}], expected [${k}]`);
    }
    labelsTrue = Int32Array.from(l.data as ArrayLike<number>);
  }
  let samples;
  try {
    samples = featurize(ens, c.featurizer);
  } catch (e) {
    throw new UsageError(`basins: ${(e as Error).message}`);
  }
  const det = await detectBasins(samples, {
    seed: c.seed,
    backend: c.backend,
    design: c.design,
    threshold: c.threshold,
    hidden: c.hidden,
    reduce: c.reduce,
  });
  const summary: Record<string, number | string> = {
    system: path,
    candidates: k,
    basins: det.basins,
    reduction: det.reduction,
    detectSeconds: det.seconds,
    trainings: det.trainings,
  };
  const methods = [];
  if (labelsTrue) {
    const s = scorePartition(det.labels, labelsTrue);
    summary.ari = s.ari;
    summary.trueBasins = s.trueCount;
    methods.push({ method: "classifier", seconds: det.seconds, ...s });
    if (c.baselines.length) {
      for (
        const b of runBaselines(ens, { numSets: s.trueCount, seed: c.seed, only: c.baselines })
      ) {
        const sb = scorePartition(b.labels, labelsTrue);
        summary[`ari_${b.name}`] = sb.ari;
        methods.push({ method: b.name, seconds: b.seconds, ...sb });
      }
    }
  }
  const id = await writeRun(
    new RunStore(str(p, "runs-dir")),
    argv,
    Object.fromEntries(Object.entries(p.values)),
    c.seed,
    c.backend,
    det,
    ens,
    labelsTrue,
    summary,
    null,
  );
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

async function benchCommand(p: Parsed, io: CliIo): Promise<number> {
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
  const rows: Record<string, unknown>[] = [];
  for (const system of systems) {
    for (const D of dims) {
      for (const noise of noises as ("white" | "ou")[]) {
        let cell;
        try {
          cell = await runBenchCell({
            system,
            ambientDim: D,
            noise,
            ...cellOptions(p, c),
          });
        } catch (e) {
          io.notice(`skip ${system} D=${D} ${noise}: ${(e as Error).message}`);
          continue;
        }
        cell.detection.assigner?.dispose();
        const row = {
          system,
          D,
          noise,
          exitFraction: cell.exitFraction,
          simulateSeconds: cell.simulateSeconds,
          methods: cell.methods,
        };
        rows.push(row);
        io.out(
          `${system} D=${D} ${noise} (exit ${cell.exitFraction.toFixed(3)}, simulate ${
            cell.simulateSeconds.toFixed(1)
          } s)`,
        );
        io.out(formatMethods(cell.methods));
        if (p.values.out) {
          await Deno.writeTextFile(String(p.values.out), JSON.stringify(rows, null, 1));
        }
      }
    }
  }
  return 0;
}

/**
 * Runs `cli.ts basins ...`.
 *
 * @example
 * ```ts
 * import { consoleIo } from "./io.ts";
 * import { parseCommand } from "./args.ts";
 * const argv = ["--system", "quadruple-well", "--dim", "10"];
 * await basinsCommand(parseCommand(BASINS_SPEC, argv), argv, consoleIo);
 * ```
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
