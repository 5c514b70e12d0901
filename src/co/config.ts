/**
 * The `solve` configuration: problem, graph (file or generator), sampler, chains, steps, seed,
 * temperature schedule and reference.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { SamplerConfig, samplerModelProblem } from "../samplers/registry.ts";
import { BarabasiAlbertConfig, ErdosRenyiConfig } from "../models/co/generators.ts";
import { GraphFileConfig } from "../models/co/loaders.ts";
import { ScheduleConfig } from "../models/co/schedule.ts";
import { CoProblemConfig } from "./problems.ts";

/** Zod schema of a `solve` configuration (flags override a config file's fields). */
export const SolveConfig = z.object({
  problem: CoProblemConfig,
  graph: z.discriminatedUnion("kind", [GraphFileConfig, ErdosRenyiConfig, BarabasiAlbertConfig]),
  sampler: SamplerConfig,
  chains: z.number().int().positive().max(1_000_000).default(32),
  steps: z.number().int().positive().max(100_000_000).default(5000),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
  schedule: ScheduleConfig.default({ kind: "exp_decay", t0: 1, decay: 0.01, tMin: 1e-5 }),
  /** Best known objective (user-supplied); default: the exact optimum of small instances. */
  reference: z.number().finite().refine((v) => v !== 0, "must be non-zero").optional(),
  logEvery: z.number().int().positive().default(1),
  /** Steps per block (readback, progress, checkpoint); default: the engine's own plan. */
  blockSteps: z.number().int().positive().max(100_000).optional(),
  backend: z.enum(["auto", "webgpu", "cpu"]).default("auto"),
}).strict().superRefine((cfg, ctx) => {
  // Samplers limited to some model families (descriptor `models`, e.g. sw) refuse CO problems.
  // A wrapping sampler (pt) runs its inner one, which must support the model too.
  const inner = (cfg.sampler as { inner?: { name?: string } }).inner?.name;
  const problem = samplerModelProblem(cfg.sampler.name, cfg.problem.name) ??
    (inner ? samplerModelProblem(inner, cfg.problem.name) : null);
  if (problem) ctx.addIssue({ code: "custom", path: ["sampler", "name"], message: problem });
});

/** The parsed `solve` configuration. */
export type SolveConfig = z.infer<typeof SolveConfig>;
