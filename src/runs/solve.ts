/**
 * The `solve` run kind: an annealed CO solve stored as a run. Arrays: `objective` [steps,
 * chains] f32 (penalised objective of every chain after every step), `best_objective` [steps]
 * f32 (running best), `time` [steps] f64 (seconds of the loop), `best_solution` [sites] u8 or u32
 * (the best repaired state). The dashboard's optimisation page reads the same names.
 * @module
 */
import type { GpuContext } from "../gpu/mod.ts";
import type { RunStore, RunWriter } from "../io/run_store.ts";
import { numEdges } from "../models/co/graph.ts";
import type { CoProblem } from "../models/co/problem.ts";
import { coAdaptMode, solveAnnealed, type SolveOptions, type SolveResult } from "../co/solve.ts";
import type { DiscreteSampler } from "../samplers/sampler.ts";
import { type ArraySpec, recordRun, writeSpecArray } from "./writer.ts";

/** The `solve` kind's name, as recorded in `run.json`. */
export const SOLVE_KIND = "solve";

/** Arrays of a `solve` run. */
export const SOLVE_ARRAYS = {
  objective: { name: "objective", dtype: "f32", shape: ["steps", "chains"] },
  bestObjective: { name: "best_objective", dtype: "f32", shape: ["steps"] },
  time: { name: "time", dtype: "f64", shape: ["steps"] },
  bestSolution: { name: "best_solution", dtype: ["u8", "u32"], shape: ["sites"] },
} as const satisfies Record<string, ArraySpec>;

/** What {@link solveToRun} needs. */
export interface SolveRunInput {
  /** argv of the command (recorded). */
  readonly command: string[];
  /** The validated configuration (recorded in full). */
  readonly config: Record<string, unknown>;
  readonly problem: CoProblem;
  readonly sampler: DiscreteSampler;
  readonly options: SolveOptions;
}

/** Writes a finished solve's arrays, phase time and summary into `run`. */
export async function writeSolveResult(
  run: RunWriter,
  problem: CoProblem,
  sampler: DiscreteSampler,
  r: SolveResult,
): Promise<void> {
  const a = SOLVE_ARRAYS;
  await writeSpecArray(run, a.objective, [r.steps, r.chains], r.objectiveTrace);
  await writeSpecArray(run, a.bestObjective, [r.steps], Float32Array.from(r.bestTrace));
  await writeSpecArray(run, a.time, [r.steps], r.timeTrace);
  await writeSpecArray(
    run,
    a.bestSolution,
    [problem.numSites],
    problem.numCategories <= 256 ? Uint8Array.from(r.bestSolution) : r.bestSolution,
  );
  await run.recordPhase("sampling", r.seconds);
  const summary: Record<string, number | string> = {
    problem: problem.name,
    nodes: problem.graph.n,
    edges: numEdges(problem.graph),
    sampler: sampler.name,
    chains: r.chains,
    steps: r.steps,
    bestObjective: r.bestObjective,
    repairedObjective: r.repairedObjective,
    feasibleChains: r.feasibleChains,
    seconds: r.seconds,
    backend: r.backend,
    adapt: r.adapt,
  };
  if (r.reference !== null) {
    summary.reference = r.reference;
    summary.referenceKind = r.referenceExact ? "exact" : "user";
  }
  if (r.ratio !== null) summary.ratio = r.ratio;
  await run.setSummary(summary);
}

/**
 * Solves by annealed sampling into a new `solve` run: the run is created first (`running`), the
 * result written when the solve finishes (`done`); a solve that throws leaves the run `failed`
 * with the reason.
 *
 * @example
 * ```ts
 * import { solveToRun } from "./solve.ts";
 * import { RunStore } from "../io/run_store.ts";
 * import { erdosRenyi } from "../models/co/generators.ts";
 * import { misProblem } from "../models/co/mis.ts";
 * import { pasSampler } from "../samplers/pas.ts";
 * const { runId, result } = await solveToRun(new RunStore(await Deno.makeTempDir()), {
 *   command: ["solve"], config: {}, problem: misProblem(erdosRenyi({ n: 12, p: 0.3, seed: 1 })),
 *   sampler: pasSampler(), options: { chains: 4, steps: 50, seed: 1, schedule: () => 1 },
 * }, null);
 * console.log(runId, result.repairedObjective);
 * ```
 */
export async function solveToRun(
  store: RunStore,
  input: SolveRunInput,
  gpu: GpuContext | null,
): Promise<{ runId: string; result: SolveResult }> {
  const { problem, sampler, options } = input;
  const { runId, value } = await recordRun(store, "solve", {
    command: input.command,
    config: {
      ...input.config,
      resolvedProblem: problem.config,
      resolvedSampler: sampler.config,
      adapt: options.adapt ?? coAdaptMode(sampler.name),
    },
    seed: options.seed,
    backend: gpu ? "webgpu" : "cpu",
    adapter: gpu?.adapter,
  }, async (run) => {
    const r = await solveAnnealed(problem, sampler, options, gpu);
    await writeSolveResult(run, problem, sampler, r);
    return r;
  });
  return { runId, result: value };
}
