/**
 * The CO problem registry: one descriptor per problem (name, zod schema, builder on a graph);
 * the names, the config union and {@link problemOf} derive from it.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Graph } from "../models/co/graph.ts";
import type { CoProblem } from "../models/co/problem.ts";
import { MisConfig, misProblem } from "../models/co/mis.ts";
import { MaxCliqueConfig, maxCliqueProblem } from "../models/co/maxclique.ts";
import { MaxCutConfig, maxCutProblem } from "../models/co/maxcut.ts";
import { PartitionConfig, partitionProblem } from "../models/co/partition.ts";
import { ConfigError } from "../io/config.ts";

/** A CO problem as the registry knows it. */
export interface CoProblemDescriptor<S extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  /** Zod schema of the problem's configuration (`{ name, ...options }`). */
  readonly schema: S;
  /** Poses the problem on a graph. */
  readonly build: (graph: Graph, cfg: z.infer<S>) => CoProblem;
}

function descriptor<S extends z.ZodObject>(d: CoProblemDescriptor<S>): CoProblemDescriptor<S> {
  return d;
}

/** The problems `solve` poses, in help order. */
export const CO_PROBLEMS = [
  descriptor({ name: "mis", schema: MisConfig, build: (g, c) => misProblem(g, c) }),
  descriptor({
    name: "maxclique",
    schema: MaxCliqueConfig,
    build: (g, c) => maxCliqueProblem(g, c),
  }),
  descriptor({ name: "maxcut", schema: MaxCutConfig, build: (g) => maxCutProblem(g) }),
  descriptor({
    name: "partition",
    schema: PartitionConfig,
    build: (g, c) => partitionProblem(g, c),
  }),
] as const;

/** Names of the registered problems. */
export const CO_PROBLEM_NAMES: readonly string[] = CO_PROBLEMS.map((p) => p.name);

/** A problem configuration, by name. */
export const CoProblemConfig = z.discriminatedUnion("name", [
  CO_PROBLEMS[0].schema,
  CO_PROBLEMS[1].schema,
  CO_PROBLEMS[2].schema,
  CO_PROBLEMS[3].schema,
]);

/** A parsed problem configuration. */
export type CoProblemConfig = z.infer<typeof CoProblemConfig>;

/**
 * The configured problem on a graph; a builder's refusal (e.g. a bad penalty) becomes a one-line
 * {@link ConfigError} naming the problem.
 *
 * @example
 * ```ts
 * import { problemOf } from "./problems.ts";
 * import { erdosRenyi } from "../models/co/generators.ts";
 * const p = problemOf({ name: "maxcut" }, erdosRenyi({ n: 10, p: 0.3, seed: 1 }));
 * console.log(p.name, p.numSites); // maxcut 10
 * ```
 */
export function problemOf(cfg: CoProblemConfig, graph: Graph): CoProblem {
  const d = CO_PROBLEMS.find((p) => p.name === cfg.name);
  if (!d) {
    throw new ConfigError(
      `problem: unknown '${cfg.name}', expected ${CO_PROBLEM_NAMES.join(", ")}`,
    );
  }
  try {
    return (d.build as (g: Graph, c: CoProblemConfig) => CoProblem)(graph, cfg);
  } catch (e) {
    throw new ConfigError(`${cfg.name}: ${(e as Error).message}`);
  }
}
