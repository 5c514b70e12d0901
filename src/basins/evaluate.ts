/**
 * One benchmark cell: simulate a system embedded in D dimensions, run the classifier method and
 * the baselines on the same trajectories, and score each against the ground truth.
 * @module
 */
import { type BaselineName, runBaselines } from "./baselines.ts";
import type { TfBackend } from "./classifier.ts";
import { detectBasins, type DetectResult, type RiskDesign } from "./detect.ts";
import {
  featurize,
  type Featurizer,
  formatFeaturizer,
  type FrameEnsemble,
  resolveFeaturizer,
} from "./features.ts";
import { type PartitionScores, scorePartition } from "./metrics.ts";
import type { Reduction } from "./reduce.ts";
import type { MergeRule } from "./merge.ts";
import {
  BENCH_SYSTEMS,
  ensembleFromCore,
  simulateCore,
  type SimulatedCore,
  type SystemEnsemble,
} from "./systems.ts";

/** Options of {@link runBenchCell}. */
export interface CellOptions {
  /** A key of {@link BENCH_SYSTEMS}. */
  readonly system: string;
  readonly ambientDim: number;
  readonly noise: "white" | "ou";
  readonly noiseSigma?: number;
  readonly noiseTau?: number;
  readonly candidates?: number;
  /** Trajectories per candidate for the classifier (default 256). */
  readonly trajectories?: number;
  /** Trajectories per candidate given (with all frames) to the baselines (default 16). */
  readonly baselineTrajectories?: number;
  /** Reduction before the baselines (default: `DEFAULT_BASELINE_REDUCTION` above 64 dims). */
  readonly baselineReduce?: Reduction;
  readonly featurizer?: Featurizer;
  readonly design?: RiskDesign;
  readonly threshold?: MergeRule;
  readonly hidden?: readonly number[];
  /** Reduction before the classifier (default: `defaultReduction` of the feature width). */
  readonly reduce?: Reduction;
  readonly backend?: TfBackend;
  readonly seed: number;
  /** Baselines to run (default all; [] for none). */
  readonly baselines?: readonly BaselineName[];
  /** The simulated core of an earlier attempt (`runs resume`): the simulation is skipped. */
  readonly core?: SimulatedCore;
  /** Receives the simulated core before detection starts (a run checkpoints it). */
  readonly onCore?: (core: SimulatedCore) => void | Promise<void>;
}

/** Scores and time of one method in a cell. */
export interface MethodScore extends PartitionScores {
  readonly method: string;
  readonly seconds: number;
}

/** Result of a cell. */
export interface CellResult {
  readonly system: string;
  readonly ambientDim: number;
  readonly noise: "white" | "ou";
  readonly candidates: number;
  readonly trajectories: number;
  /** The featuriser used (text form; `auto` resolved for these frames). */
  readonly featurizer: string;
  readonly exitFraction: number;
  readonly simulateSeconds: number;
  readonly embedSeconds: number;
  readonly methods: MethodScore[];
  readonly ensemble: SystemEnsemble;
  readonly detection: DetectResult;
  /** The baseline frames [frames, baselineTrajectories total, D] and their start candidates. */
  readonly baselineFrames: FrameEnsemble;
}

/** Embeds the frames a featuriser needs for every trajectory. */
export function embedForFeaturizer(e: SystemEnsemble, given: Featurizer): FrameEnsemble {
  const nf = e.numFrames;
  const f = resolveFeaturizer(given, nf, e.trajectories / e.numCandidates);
  const at = (i: number) => (i < 0 ? nf + i : i);
  let used: number[];
  if (f.kind === "snapshot") used = [at(f.frame ?? -1)];
  else if (f.kind === "window") {
    used = [];
    for (let t = at(f.from); t <= at(f.to ?? -1); t += f.every ?? 1) used.push(t);
  } else used = Array.from({ length: f.length }, (_, k) => at(f.frame) + k * (f.lag ?? 1));
  const all = Int32Array.from({ length: e.trajectories }, (_, i) => i);
  const frames = e.embed(used, all);
  // Re-index the featuriser onto the compact frame list.
  return {
    frames,
    numFrames: used.length,
    trajectories: e.trajectories,
    dim: e.ambientDim,
    startIndex: e.startIndex,
    numCandidates: e.numCandidates,
  };
}

/** The featuriser re-expressed on the compact frames produced by {@link embedForFeaturizer}. */
export function compactFeaturizer(
  given: Featurizer,
  numFrames: number,
  perCandidate = Infinity,
): Featurizer {
  const f = resolveFeaturizer(given, numFrames, perCandidate);
  if (f.kind === "snapshot") return { kind: "snapshot", frame: 0 };
  if (f.kind === "window") return { kind: "window", from: 0, to: -1, every: 1 };
  return { kind: "segment", frame: 0, length: f.length, lag: 1 };
}

/**
 * Runs one cell.
 *
 * @example
 * ```ts
 * import { runBenchCell } from "./evaluate.ts";
 * const r = await runBenchCell({
 *   system: "quadruple-well", ambientDim: 10, noise: "ou", seed: 1,
 *   candidates: 4, trajectories: 16, hidden: [8], backend: "cpu", baselines: [],
 * });
 * console.log(r.methods.find((m) => m.method === "classifier")!.ari);
 * r.detection.assigner?.dispose();
 * ```
 */
export async function runBenchCell(o: CellOptions): Promise<CellResult> {
  const setup = BENCH_SYSTEMS[o.system];
  if (!setup) {
    throw new Error(
      `unknown bench system '${o.system}', expected one of ${
        Object.keys(BENCH_SYSTEMS).join(", ")
      }`,
    );
  }
  const ensembleOptions = {
    setup,
    candidates: o.candidates ?? 20,
    trajectories: o.trajectories ?? 256,
    ambientDim: o.ambientDim,
    noise: o.noise,
    noiseSigma: o.noiseSigma,
    noiseTau: o.noiseTau,
    seed: o.seed,
  };
  const core = o.core ?? await simulateCore(ensembleOptions);
  await o.onCore?.(core);
  const e = ensembleFromCore(ensembleOptions, core);
  const feat = resolveFeaturizer(
    o.featurizer ?? { kind: "auto" },
    e.numFrames,
    e.trajectories / e.numCandidates,
  );
  const t0 = performance.now();
  const ens = embedForFeaturizer(e, feat);
  const samples = featurize(ens, compactFeaturizer(feat, e.numFrames));
  const embedSeconds = (performance.now() - t0) / 1000;
  const det = await detectBasins(samples, {
    seed: o.seed,
    backend: o.backend ?? "wasm",
    design: o.design,
    threshold: o.threshold,
    hidden: o.hidden ?? [64, 64],
    reduce: o.reduce,
  });
  const methods: MethodScore[] = [{
    method: "classifier",
    seconds: det.seconds + embedSeconds,
    ...scorePartition(det.labels, e.labelsTrue),
  }];
  // Baselines: the first few trajectories of every candidate, all frames.
  const per = o.trajectories ?? 256, nb = Math.min(o.baselineTrajectories ?? 16, per);
  const trajs = new Int32Array(e.numCandidates * nb);
  for (let c = 0; c < e.numCandidates; c++) {
    for (let j = 0; j < nb; j++) trajs[c * nb + j] = c * per + j;
  }
  const allFrames = Array.from({ length: e.numFrames }, (_, i) => i);
  const bFrames: FrameEnsemble = {
    frames: e.embed(allFrames, trajs),
    numFrames: e.numFrames,
    trajectories: trajs.length,
    dim: e.ambientDim,
    startIndex: Int32Array.from(trajs, (t) => e.startIndex[t]),
    numCandidates: e.numCandidates,
  };
  if ((o.baselines ?? ["all"]).length > 0) {
    const numSets = new Set(Array.from(e.labelsTrue)).size;
    const bOpts = { numSets, seed: o.seed, only: o.baselines, reduce: o.baselineReduce };
    for (const b of runBaselines(bFrames, bOpts)) {
      methods.push({
        method: b.name,
        seconds: b.seconds,
        ...scorePartition(b.labels, e.labelsTrue),
      });
    }
  }
  return {
    system: o.system,
    ambientDim: o.ambientDim,
    noise: o.noise,
    candidates: e.numCandidates,
    trajectories: per,
    featurizer: formatFeaturizer(feat),
    exitFraction: e.exitFraction,
    simulateSeconds: e.simulateSeconds,
    embedSeconds,
    methods,
    ensemble: e,
    detection: det,
    baselineFrames: bFrames,
  };
}

/** The grid of {@link runBenchSweep}: systems x ambient dimensions x noise kinds. */
export interface SweepGrid {
  readonly systems: readonly string[];
  readonly dims: readonly number[];
  readonly noises: readonly ("white" | "ou")[];
}

/** The key of a sweep cell: `system/D/noise` (shard plans and resumed sweeps use it). */
export function benchCellKey(system: string, D: number, noise: string): string {
  return `${system}/${D}/${noise}`;
}

/** The cell keys of a grid, in sweep order. */
export function benchCells(grid: SweepGrid): string[] {
  return grid.systems.flatMap((s) =>
    grid.dims.flatMap((D) => grid.noises.map((n) => benchCellKey(s, D, n)))
  );
}

/** One finished cell of a sweep. */
export interface SweepRow {
  readonly system: string;
  readonly D: number;
  readonly noise: "white" | "ou";
  readonly featurizer: string;
  readonly exitFraction: number;
  readonly simulateSeconds: number;
  readonly methods: MethodScore[];
}

/**
 * Runs the benchmark sweep: one {@link runBenchCell} per grid point with the shared options,
 * reporting each finished row (`onRow`) and each cell that could not run (`onSkip`, e.g. a
 * system refused at that dimension) without stopping the sweep.
 *
 * @example
 * ```ts
 * import { runBenchSweep } from "./evaluate.ts";
 * const rows = await runBenchSweep(
 *   { systems: ["quadruple-well"], dims: [2], noises: ["white"] },
 *   { seed: 1, candidates: 4, trajectories: 16, hidden: [8], backend: "cpu", baselines: [] },
 * );
 * console.log(rows[0].methods[0].ari);
 * ```
 */
export async function runBenchSweep(
  grid: SweepGrid,
  cell: Omit<CellOptions, "system" | "ambientDim" | "noise">,
  on: {
    onRow?: (row: SweepRow, all: readonly SweepRow[]) => void | Promise<void>;
    onSkip?: (system: string, D: number, noise: string, reason: string) => void;
    /** Run only these cells ({@link benchCellKey}); default all. */
    only?: ReadonlySet<string>;
    /** Rows finished earlier (a resumed sweep): kept in place, not run again. */
    keep?: readonly SweepRow[];
  } = {},
): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  const kept = new Map((on.keep ?? []).map((r) => [benchCellKey(r.system, r.D, r.noise), r]));
  for (const system of grid.systems) {
    for (const D of grid.dims) {
      for (const noise of grid.noises) {
        const key = benchCellKey(system, D, noise);
        if (on.only && !on.only.has(key)) continue;
        const done = kept.get(key);
        if (done) {
          rows.push(done);
          continue;
        }
        let r;
        try {
          r = await runBenchCell({ system, ambientDim: D, noise, ...cell });
        } catch (e) {
          on.onSkip?.(system, D, noise, (e as Error).message);
          continue;
        }
        r.detection.assigner?.dispose();
        const row: SweepRow = {
          system,
          D,
          noise,
          featurizer: r.featurizer,
          exitFraction: r.exitFraction,
          simulateSeconds: r.simulateSeconds,
          methods: r.methods,
        };
        rows.push(row);
        await on.onRow?.(row, rows);
      }
    }
  }
  return rows;
}
