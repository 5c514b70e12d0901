/**
 * Annealed solving: run a sampler on a CO problem under a temperature schedule (DISCS's
 * `CO_Experiment`), and report the DISCS number (best penalised objective over chains, as a
 * running maximum over steps), the best feasible solution after greedy repair, trajectories
 * over steps and time, and the ratio to a reference (exact for small graphs).
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import type { GpuContext } from "../gpu/mod.ts";
import { type AdaptMode, type EngineCheckpoint, runSampler } from "../samplers/engine.ts";
import type { DiscreteSampler } from "../samplers/sampler.ts";
import { SAMPLERS } from "../samplers/registry.ts";
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { CoProblem } from "../models/co/problem.ts";
import { type Schedule, ScheduleConfig, scheduleFromConfig } from "../models/co/schedule.ts";
import { exactReference, finalReport, ratioToReference } from "../models/co/evaluate.ts";

/** Options of {@link solveAnnealed}. */
export interface SolveOptions {
  chains: number;
  steps: number;
  seed: number;
  /** A schedule config (`ScheduleConfig`), a built {@link Schedule}, or `step -> beta`. */
  schedule: z.input<typeof ScheduleConfig> | Schedule | ((step: number) => number);
  /**
   * Reference objective for the ratio: a number (best known or user-supplied), `"exact"` (the
   * default: the exact optimum when the instance is small enough, else none), or null (none).
   */
  reference?: number | "exact" | null;
  /** Only every `logEvery`-th step counts for the best (DISCS: 100); default 1 (every step). */
  logEvery?: number;
  /** Adaptation mode; default {@link coAdaptMode} of the sampler's name. */
  adapt?: AdaptMode;
  /**
   * Steps per block (WebGPU readback, progress and timestamp granularity); default: the
   * engine's own plan (`defaultBlockSteps`).
   */
  blockSteps?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Receives each finished block (traces, running best, times and a checkpoint) as it is
   * produced; the result's traces are then empty (the run store appends the blocks instead).
   */
  onBlock?: (block: SolveBlock) => void | Promise<void>;
  /** Continue from a block's checkpoint (same options and seed): the same bits as one run. */
  resumeFrom?: SolveCheckpoint;
}

/** What a solve carries from one block to the next. */
export interface SolveCheckpoint {
  /** The engine's checkpoint (states, adaptive parameter, acceptance totals, step). */
  readonly engine: EngineCheckpoint;
  /** Running best penalised objective so far (-Infinity before the first logged step). */
  readonly best: number;
  /** Seconds of sampling so far (the time trace continues from here). */
  readonly seconds: number;
}

/** One finished block of a solve: steps `[start, start + length)`, step-major. */
export interface SolveBlock {
  readonly start: number;
  readonly length: number;
  readonly chains: number;
  /** Penalised objective (`-energy`) of each chain after each step, `[length, chains]`. */
  readonly objective: Float32Array;
  /** Running best after each step, `[length]`. */
  readonly best: Float64Array;
  /** Seconds of sampling when each step had finished, `[length]`. */
  readonly time: Float64Array;
  readonly checkpoint?: SolveCheckpoint;
}

/** What {@link solveAnnealed} returns. Traces are step-major. */
export interface SolveResult {
  backend: "webgpu" | "cpu";
  /** The engine's layout (per chain, or chains x sites where llvmpipe refuses the former). */
  layout: "chains" | "sites";
  chains: number;
  steps: number;
  /** Best penalised objective over chains and (logged) steps: DISCS's number (`-E`). */
  bestObjective: number;
  /** The best final state over chains after greedy repair: always feasible. */
  bestSolution: Uint32Array;
  /** The true objective of `bestSolution`. */
  repairedObjective: number;
  /** Chains whose final state was feasible without repair. */
  feasibleChains: number;
  /**
   * Penalised objective (`-energy`) of each chain after each step, `[steps, chains]`. This and
   * the other traces are empty when the blocks were streamed (`onBlock`, `resumeFrom`).
   */
  objectiveTrace: Float32Array;
  /** Running maximum over chains and (logged) steps of the penalised objective, `[steps]`. */
  bestTrace: Float64Array;
  /** Seconds of the sampling loop when each step had finished, `[steps]` (see note below). */
  timeTrace: Float64Array;
  /** The reference used for the ratio, or null. */
  reference: number | null;
  /** Whether the reference is the exact optimum. */
  referenceExact: boolean;
  /** Ratio of the repaired objective to the reference (DISCS's alpha; inverted for "min"). */
  ratio: number | null;
  /** Ratio of `bestObjective` to the reference for maximisation problems (DISCS's way). */
  penalisedRatio: number | null;
  /** Seconds of the sampling loop. */
  seconds: number;
  /** Adaptation mode used. */
  adapt: AdaptMode;
  /** Inverse temperature of the first and last step. */
  betaRange: [number, number];
  /** Mean acceptance per chain over the second half. */
  meanAcceptance: number;
}

/**
 * DISCS's CO-mode adaptation (each sampler descriptor's `co.adapt`; reference notes 1.5-1.7, 2.8): RWM and PAS adapt their radius all
 * run long ("always", DISCS never freezes adaptation); DMALA and DLMC use `tau = 3 / Z(x)` per
 * step with n fixed at 3 ("off" keeps n at its initial 3); GWG runs non-adaptive with one flip.
 *
 * @example
 * ```ts
 * import { coAdaptMode } from "./solve.ts";
 * console.log(coAdaptMode("pas"), coAdaptMode("dmala")); // always off
 * ```
 */
export function coAdaptMode(samplerName: string): AdaptMode {
  return SAMPLERS.find((d) => d.name === samplerName)?.co.adapt ?? "always";
}

/**
 * The sampler configuration DISCS's CO sweeps use for a sampler name (the descriptor's
 * `co.config`: DMALA adaptive so that n
 * holds 3 and tau = n / Z(x); GWG non-adaptive with one flip); other fields keep their
 * defaults. Pass the result through `parseConfig(SamplerConfig, ...)`.
 *
 * @example
 * ```ts
 * import { coSamplerConfig } from "./solve.ts";
 * console.log(coSamplerConfig("gwg")); // { name: "gwg", adaptive: false, numFlips: 1 }
 * ```
 */
export function coSamplerConfig(name: string): Record<string, unknown> {
  return { name, ...SAMPLERS.find((d) => d.name === name)?.co.config };
}

/**
 * Loop iterations of one energy evaluation and one `model_delta`/`model_grad` call of a CO
 * problem's WGSL, from its CSR arrays: calls loop over a row (the longest row bounds them);
 * partition and max clique also count part or set sizes (a loop over D).
 *
 * @example
 * ```ts
 * import { coLoopCost } from "./solve.ts";
 * import { misProblem } from "../models/co/mis.ts";
 * import { graphFromEdges } from "../models/co/graph.ts";
 * const graph = graphFromEdges({ n: 3, src: [0, 1], dst: [1, 2] });
 * console.log(coLoopCost(misProblem(graph)).call); // max degree + 1 = 3
 * ```
 */
export function coLoopCost(problem: CoProblem): { energy: number; call: number } {
  const rowPtr = problem.wgsl.params.find((p) => p.name === "model_row_ptr")?.data;
  const d = problem.numSites;
  let longest = 0, nnz = 0;
  if (rowPtr) {
    for (let i = 0; i + 1 < rowPtr.length; i++) {
      longest = Math.max(longest, rowPtr[i + 1] - rowPtr[i]);
    }
    nnz = rowPtr[rowPtr.length - 1];
  }
  const sizeLoops = problem.name === "partition" || problem.name === "maxclique" ? 2 * d : 0;
  return { energy: d + nnz + problem.numCategories, call: longest + 1 + sizeLoops };
}

/**
 * The problem with its WGSL loop cost declared (unless it declares one), so that the engine's
 * llvmpipe guard (refusal, steps per dispatch) counts the neighbour loops: without it the engine
 * assumes one iteration per call, packs too many steps into one dispatch, and Mesa's loop limiter
 * silently truncates them (wrong states and cached energies).
 */
export function withLoopCost(problem: CoProblem): DiscreteModel {
  if (problem.wgsl.loopCost) return problem;
  return { ...problem, wgsl: { ...problem.wgsl, loopCost: coLoopCost(problem) } };
}

function betaFunction(schedule: SolveOptions["schedule"], steps: number) {
  if (typeof schedule === "function") return schedule;
  if ("beta" in schedule) return (t: number) => schedule.beta(t);
  const s = scheduleFromConfig(schedule, steps);
  return (t: number) => s.beta(t);
}

/**
 * Solves a CO problem by annealed sampling, on the GPU when `gpu` is given, else the CPU twin.
 * Time note: the engine reports progress once per block, so `timeTrace` is exact at block ends
 * and linearly interpolated within blocks; it ends at `seconds`.
 *
 * @example
 * ```ts
 * import { solveAnnealed } from "./solve.ts";
 * import { misProblem } from "../models/co/mis.ts";
 * import { erdosRenyi } from "../models/co/generators.ts";
 * import { pasSampler } from "../samplers/pas.ts";
 * const p = misProblem(erdosRenyi({ n: 30, p: 0.2, seed: 1 }));
 * const r = await solveAnnealed(p, pasSampler(), {
 *   chains: 8, steps: 300, seed: 1, schedule: { kind: "exp_decay", t0: 1, decay: 0.01 },
 * }, null);
 * console.log(r.repairedObjective, r.ratio); // the optimum size and 1 (or close)
 * ```
 */
export async function solveAnnealed(
  problem: CoProblem,
  sampler: DiscreteSampler,
  opts: SolveOptions,
  gpu: GpuContext | null,
): Promise<SolveResult> {
  const { chains, steps } = opts;
  const logEvery = opts.logEvery ?? 1;
  if (!Number.isInteger(logEvery) || logEvery < 1) {
    throw new Error(`logEvery must be a positive integer, got ${logEvery}`);
  }
  const betaAt = betaFunction(opts.schedule, steps);
  const adapt = opts.adapt ?? coAdaptMode(sampler.name);
  // Traces are kept in memory unless the caller streams the blocks.
  const keep = !opts.onBlock && !opts.resumeFrom;
  const objectiveTrace = new Float32Array(keep ? steps * chains : 0);
  const bestTrace = new Float64Array(keep ? steps : 0);
  const times = new Float64Array(keep ? steps : 0);
  const offset = opts.resumeFrom?.seconds ?? 0;
  let best = opts.resumeFrom?.best ?? -Infinity, prevSeconds = 0;
  const result = await runSampler(withLoopCost(problem), sampler, {
    chains,
    steps,
    seed: opts.seed,
    adapt,
    betaSchedule: betaAt,
    ...(opts.blockSteps !== undefined ? { blockSteps: opts.blockSteps } : {}),
    keepTraces: false,
    checkpoints: opts.onBlock !== undefined,
    resumeFrom: opts.resumeFrom?.engine,
    onProgress: opts.onProgress,
    onBlock: async (b) => {
      const n = b.length;
      const objective = Float32Array.from(b.energies, (e) => -e);
      const bests = new Float64Array(n), time = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        if ((b.start + k + 1) % logEvery === 0) {
          for (let c = 0; c < chains; c++) best = Math.max(best, objective[k * chains + c]);
        }
        bests[k] = best;
        // Exact at block ends, linear within a block (the engine reports once per block).
        time[k] = offset + prevSeconds + ((k + 1) / n) * (b.seconds - prevSeconds);
      }
      prevSeconds = b.seconds;
      if (keep) {
        objectiveTrace.set(objective, b.start * chains);
        bestTrace.set(bests, b.start);
        times.set(time, b.start);
      }
      const checkpoint = b.checkpoint &&
        { engine: b.checkpoint, best, seconds: offset + b.seconds };
      await opts.onBlock?.({
        start: b.start,
        length: n,
        chains,
        objective,
        best: bests,
        time,
        checkpoint,
      });
    },
  }, gpu);
  const rep = finalReport(problem, result.finalStates, chains);
  let reference: number | null = null, referenceExact = false;
  if (typeof opts.reference === "number") reference = opts.reference;
  else if (opts.reference === undefined || opts.reference === "exact") {
    reference = exactReference(problem);
    referenceExact = reference !== null;
  }
  const usable = reference !== null && reference !== 0 && Number.isFinite(reference);
  const ratio = usable ? ratioToReference(rep.bestRepaired, reference!, problem.sense) : null;
  const bestObjective = best;
  const penalisedRatio = usable && problem.sense === "max" ? bestObjective / reference! : null;
  const acc = result.acceptance;
  return {
    backend: result.backend,
    layout: result.layout,
    chains,
    steps,
    bestObjective,
    bestSolution: rep.solution,
    repairedObjective: rep.bestRepaired,
    feasibleChains: rep.feasibleChains,
    objectiveTrace,
    bestTrace,
    timeTrace: times,
    reference,
    referenceExact,
    ratio,
    penalisedRatio,
    seconds: offset + result.seconds,
    adapt,
    betaRange: [Math.fround(betaAt(0)), Math.fround(betaAt(steps - 1))],
    meanAcceptance: acc.reduce((a, b) => a + b, 0) / acc.length,
  };
}
