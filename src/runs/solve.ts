/**
 * The `solve` run kind: an annealed CO solve stored as a run. Arrays: `objective` [steps,
 * chains] f32 (penalised objective of every chain after every step), `best_objective` [steps]
 * f32 (running best), `time` [steps] f64 (seconds of the loop), `best_solution` [sites] u8 or u32
 * (the best repaired state). The dashboard's optimisation page reads the same names.
 *
 * The traces are appended block by block as the engine produces them, each block followed by
 * its checkpoint (src/runs/checkpoint.ts), so a killed solve keeps every finished block and
 * `runs resume` continues it with the uninterrupted run's bits (all but `time`, wall-clock).
 * @module
 */
import type { GpuContext } from "../gpu/mod.ts";
import type { RunStore, RunWriter } from "../io/run_store.ts";
import { numEdges } from "../models/co/graph.ts";
import type { CoProblem } from "../models/co/problem.ts";
import {
  coAdaptMode,
  solveAnnealed,
  type SolveCheckpoint,
  type SolveOptions,
  type SolveResult,
} from "../co/solve.ts";
import type { DiscreteSampler } from "../samplers/sampler.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import { type ArraySpec, failureReason, startRun, writeSpecArray } from "./writer.ts";
import {
  type Checkpoint,
  clearCheckpoint,
  engineCheckpointOf,
  writeEngineCheckpoint,
} from "./checkpoint.ts";

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
  /** The run's id (default: a fresh time-based one). */
  readonly id?: string;
}

/** Writes a finished solve's best solution, phase time and summary into `run`. */
async function writeSolveResult(
  run: RunWriter,
  problem: CoProblem,
  sampler: DiscreteSampler,
  r: SolveResult,
): Promise<void> {
  await writeSpecArray(
    run,
    SOLVE_ARRAYS.bestSolution,
    [problem.numSites],
    problem.numCategories <= 256 ? Uint8Array.from(r.bestSolution) : r.bestSolution,
    { replace: true },
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
    layout: r.layout,
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
 * Solves by annealed sampling into a new `solve` run: the run is created first (`running`),
 * every finished block appended with its checkpoint, the best solution and summary written when
 * the solve finishes (`done`); a solve that throws leaves the run `failed` with the reason.
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
  const run = await startRun(store, "solve", {
    ...(input.id ? { id: input.id } : {}),
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
  });
  return { runId: run.id, result: await streamSolve(run, input, gpu, null) };
}

/** The solve checkpoint a stored checkpoint holds (null: start over from step 0). */
function solveCheckpointOf(c: Checkpoint | null): SolveCheckpoint | undefined {
  const engine = engineCheckpointOf(c);
  if (!c || !engine) return undefined;
  const st = c.meta.state;
  return {
    engine,
    best: st.best === null ? -Infinity : Number(st.best),
    seconds: Number(st.seconds),
  };
}

/**
 * Runs the solve into `run` (new, or reopened by `RunStore.resume` with its checkpoint): the
 * traces keep exactly the checkpoint's rows, then grow block by block.
 */
export async function streamSolve(
  run: RunWriter,
  input: SolveRunInput,
  gpu: GpuContext | null,
  from: Checkpoint | null,
): Promise<SolveResult> {
  const { problem, sampler, options } = input;
  const { chains } = options;
  const a = SOLVE_ARRAYS, keepRows = from?.meta.step ?? 0;
  const appenders: NpyAppender[] = [];
  try {
    const objective = await run.appender(a.objective.name, "f32", [chains], { keepRows });
    appenders.push(objective);
    const best = await run.appender(a.bestObjective.name, "f32", [], { keepRows });
    appenders.push(best);
    const time = await run.appender(a.time.name, "f64", [], { keepRows });
    appenders.push(time);
    const r = await solveAnnealed(problem, sampler, {
      ...options,
      resumeFrom: solveCheckpointOf(from),
      onBlock: async (b) => {
        await objective.append(b.objective, b.length);
        await best.append(Float32Array.from(b.best), b.length);
        await time.append(b.time, b.length);
        for (const app of appenders) await app.flush();
        const c = b.checkpoint!;
        await writeEngineCheckpoint(run.dir, c.engine, {
          best: Number.isFinite(c.best) ? c.best : null,
          seconds: c.seconds,
        });
      },
    }, gpu);
    for (const app of appenders.splice(0)) await app.close();
    await writeSolveResult(run, problem, sampler, r);
    await clearCheckpoint(run.dir);
    await run.finish("done");
    return r;
  } catch (e) {
    for (const app of appenders) await app.close().catch(() => {});
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  }
}
