/**
 * The demo's MIS section: PAS anneals MIS on one Erdos-Renyi graph and is compared with the
 * exact optimum and the greedy baseline.
 * @module
 */
import type { GpuContext } from "../gpu/mod.ts";
import { parseConfig } from "../io/config.ts";
import { SamplerConfig } from "../samplers/registry.ts";
import { buildSampler } from "../samplers/registry.ts";
import { gpuLimitReason } from "../samplers/engine.ts";
import { erdosRenyi } from "../models/co/generators.ts";
import { numEdges } from "../models/co/graph.ts";
import { misExact } from "../models/co/exact.ts";
import { greedyMis } from "../models/co/baselines.ts";
import { misProblem } from "../models/co/mis.ts";
import { coSamplerConfig, solveAnnealed, withLoopCost } from "./solve.ts";

/** What {@link demoMis} reports. */
export interface DemoMisResult {
  nodes: number;
  edges: number;
  /** Best independent set found (repaired, feasible). */
  size: number;
  /** Best penalised objective (DISCS's number). */
  penalised: number;
  /** The exact maximum independent set size (branch and bound). */
  exact: number | null;
  /** Greedy minimum-degree baseline. */
  greedy: number;
  sampler: string;
  chains: number;
  steps: number;
  /** Seconds of the annealing loop. */
  seconds: number;
  backend: "webgpu" | "cpu";
}

/**
 * The demo's MIS section: PAS anneals MIS on one Erdos-Renyi graph (120 nodes, p = 0.05) and
 * is compared with the exact optimum and the greedy baseline. Falls back to the CPU twin when
 * llvmpipe's loop limit refuses the model.
 *
 * @example
 * ```ts
 * const r = await demoMis(null);
 * console.log(r.size, r.exact, r.seconds);
 * ```
 */
export async function demoMis(gpu: GpuContext | null): Promise<DemoMisResult> {
  const graph = erdosRenyi({ n: 120, p: 0.05, seed: 7 });
  const problem = misProblem(graph);
  const sampler = buildSampler(parseConfig(SamplerConfig, coSamplerConfig("pas"), "demo"));
  const usable = gpu && !gpuLimitReason(withLoopCost(problem), sampler, gpu) ? gpu : null;
  const chains = 32, steps = 1000;
  const r = await solveAnnealed(problem, sampler, {
    chains,
    steps,
    seed: 3,
    schedule: { kind: "exp_decay", t0: 1, decay: 0.01, tMin: 1e-5 },
    reference: null,
  }, usable);
  const exact = graph.n <= 150 ? misExact(graph).value : null;
  return {
    nodes: graph.n,
    edges: numEdges(graph),
    size: r.repairedObjective,
    penalised: r.bestObjective,
    exact,
    greedy: greedyMis(graph).reduce((a, b) => a + b, 0),
    sampler: sampler.name,
    chains,
    steps,
    seconds: r.seconds,
    backend: r.backend,
  };
}
