/**
 * The synthetic benchmark with a known answer: generate complexes (src/binding/synthetic.ts),
 * train NERE and the learned baselines on the training poses only (no affinity labels), and
 * correlate -E at the held-out native poses with the true affinity -dG. Also reports the
 * ceiling (-U at the native pose against -dG: denoising score matching only sees pose
 * gradients, so it cannot do better than the energy at the pose) and the contact count.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Tf } from "../nn/tf.ts";
import {
  generateSynthetic,
  pearson,
  spearman,
  type SyntheticComplex,
  SyntheticConfig,
} from "./synthetic.ts";
import { contactScore, energies, TrainConfig, trainEnergy } from "./train.ts";

/** Benchmark settings: the synthetic set, the split, the seeds and the training settings. */
export const BenchConfig = z.object({
  synthetic: SyntheticConfig.default(SyntheticConfig.parse({})),
  /** Complexes held out for evaluation (the rest train). */
  test: z.number().int().positive().default(60),
  seeds: z.array(z.number().int().nonnegative()).min(1).default([0, 1, 2]),
  /** Methods to train; "nere-haar" is NERE with the authors' Haar-term rotation target. */
  methods: z.array(z.enum(["nere", "nere-haar", "gaussian", "decoy"])).min(1).default([
    "nere",
    "gaussian",
    "decoy",
  ]),
  train: TrainConfig.omit({ method: true, seed: true }).partial().default({}),
}).strict();
/** The parsed benchmark configuration. */
export type BenchConfig = z.infer<typeof BenchConfig>;

/** Correlations of one scorer with the true affinity on the held-out set. */
export interface Correlation {
  pearson: number;
  spearman: number;
}

/** One trained run of one method. */
export interface MethodRun extends Correlation {
  method: string;
  seed: number;
  seconds: number;
  finalLoss: number;
  epochLosses: number[];
}

/** Everything the benchmark measured. */
export interface BenchResult {
  nTrain: number;
  /** Training poses (complexes times poses per complex). */
  nTrainPoses: number;
  nTest: number;
  dataSeconds: number;
  dGRange: [number, number];
  dGErrorMedian: number;
  ceiling: Correlation;
  contact: Correlation;
  runs: MethodRun[];
}

function corr(score: number[], truth: number[]): Correlation {
  return { pearson: pearson(score, truth), spearman: spearman(score, truth) };
}

/**
 * Runs the benchmark; `log` receives one line per finished stage. Methods train on every pose
 * of the training complexes (`synthetic.poses` per complex) and are scored at the crystal pose
 * of the held-out ones.
 *
 * @example
 * ```ts
 * import { loadTf } from "../nn/mod.ts";
 * import { BenchConfig, runBenchmark } from "./mod.ts";
 * const tf = await loadTf();
 * const cfg = BenchConfig.parse({
 *   synthetic: { complexes: 6, mcSamples: 200, langevinSteps: 50 },
 *   test: 3,
 *   seeds: [0],
 *   methods: ["nere"],
 *   train: { epochs: 1 },
 * });
 * const r = await runBenchmark(tf, cfg);
 * console.log(r.ceiling.pearson, r.runs[0].pearson);
 * ```
 */
export async function runBenchmark(
  tf: Tf,
  cfg: BenchConfig,
  log: (line: string) => void = () => {},
  onRun?: (run: MethodRun) => void | Promise<void>,
): Promise<BenchResult> {
  const t0 = performance.now();
  const set = generateSynthetic(cfg.synthetic);
  if (cfg.test >= set.length) {
    throw new Error(
      `benchmark: --test ${cfg.test} leaves no training complex out of ${set.length}`,
    );
  }
  const dataSeconds = (performance.now() - t0) / 1000;
  const train = set.slice(0, set.length - cfg.test), test = set.slice(set.length - cfg.test);
  const truth = test.map((s: SyntheticComplex) => -s.dG);
  // Every sampled pose of a training complex is an unlabelled training example.
  const trainSet = train.flatMap((s) => [
    s.example,
    ...s.extraPoses.map((x, k) => ({
      ...s.example,
      name: `${s.example.name}_pose${k + 1}`,
      ligand: x,
    })),
  ]);
  const dGs = set.map((s) => s.dG), errs = set.map((s) => s.dGError).sort((a, b) => a - b);
  const result: BenchResult = {
    nTrain: train.length,
    nTrainPoses: trainSet.length,
    nTest: test.length,
    dataSeconds,
    dGRange: [Math.min(...dGs), Math.max(...dGs)],
    dGErrorMedian: errs[Math.floor(errs.length / 2)],
    ceiling: corr(test.map((s) => -s.nativeU), truth),
    contact: corr(test.map((s) => contactScore(s.example)), truth),
    runs: [],
  };
  log(
    `data: ${set.length} complexes in ${dataSeconds.toFixed(1)} s; ceiling pearson ${
      result.ceiling.pearson.toFixed(3)
    }, contact pearson ${result.contact.pearson.toFixed(3)}`,
  );
  for (const seed of cfg.seeds) {
    for (const method of cfg.methods) {
      const tc = TrainConfig.parse({
        ...cfg.train,
        method: method === "nere-haar" ? "nere" : method,
        ...(method === "nere-haar" ? { haar: true } : {}),
        seed,
      });
      const r = await trainEnergy(tf, trainSet, tc);
      const e = await energies(tf, r.net, test.map((s) => s.example));
      r.net.dispose();
      const run: MethodRun = {
        method,
        seed,
        seconds: r.seconds,
        finalLoss: r.epochLosses[r.epochLosses.length - 1],
        epochLosses: r.epochLosses,
        ...corr(e.map((v) => -v), truth),
      };
      result.runs.push(run);
      await onRun?.(run);
      log(
        `${method} seed ${seed}: pearson ${run.pearson.toFixed(3)} spearman ${
          run.spearman.toFixed(3)
        } (${r.seconds.toFixed(1)} s)`,
      );
    }
  }
  return result;
}

function meanSd(v: number[]): string {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return v.length > 1 ? `${m.toFixed(3)} +- ${sd.toFixed(3)}` : m.toFixed(3);
}

/** The result as a markdown table (mean +- sd over seeds). */
export function benchTable(r: BenchResult): string {
  const rows = [
    "| scorer | Pearson | Spearman | seeds | train s/seed |",
    "| --- | --- | --- | --- | --- |",
    `| ceiling: -U at the native pose | ${r.ceiling.pearson.toFixed(3)} | ${
      r.ceiling.spearman.toFixed(3)
    } | - | - |`,
    `| contact count (4.5 A) | ${r.contact.pearson.toFixed(3)} | ${
      r.contact.spearman.toFixed(3)
    } | - | - |`,
  ];
  const methods = [...new Set(r.runs.map((x) => x.method))];
  for (const m of methods) {
    const runs = r.runs.filter((x) => x.method === m);
    const secs = runs.reduce((a, x) => a + x.seconds, 0) / runs.length;
    rows.push(
      `| ${m} | ${meanSd(runs.map((x) => x.pearson))} | ${
        meanSd(runs.map((x) => x.spearman))
      } | ${runs.length} | ${secs.toFixed(0)} |`,
    );
  }
  return rows.join("\n");
}
