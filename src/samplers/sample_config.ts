/**
 * The `sample` configuration: a model, a sampler and the run settings, validated in one place
 * before any work starts.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ModelConfig } from "../models/discrete/registry.ts";
import { SamplerConfig, samplerModelProblem } from "./registry.ts";

const posInt = () => z.number().int().positive();

/**
 * A full `sample` run configuration. `blockSteps` (steps per GPU submit and readback) is absent
 * by default, so the CLI runs the engine's own block plan (`defaultBlockSteps`) and gives the
 * same bits as the library for the same configuration and seed.
 */
export const SampleConfig = z.object({
  model: ModelConfig,
  sampler: SamplerConfig,
  chains: posInt().max(1_000_000).default(100),
  steps: posInt().max(100_000_000).default(1000),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
  burnInFraction: z.number().min(0).lt(1).default(0.5),
  adapt: z.enum(["burn-in", "always", "off"]).default("burn-in"),
  beta: z.number().nonnegative().finite().default(1),
  blockSteps: posInt().max(100_000).optional(),
  /** Global index of the first chain: a shard of a larger run (`cli.ts shard`), default 0. */
  chainOffset: z.number().int().nonnegative().max(2 ** 32 - 1).optional(),
  backend: z.enum(["auto", "webgpu", "cpu"]).default("auto"),
}).strict().superRefine((cfg, ctx) => {
  // Samplers limited to some model families (descriptor `models`) refuse the others here.
  // A wrapping sampler (pt) runs its inner one, which must support the model too.
  const inner = (cfg.sampler as { inner?: { name?: string } }).inner?.name;
  const problem = samplerModelProblem(cfg.sampler.name, cfg.model.name) ??
    (inner ? samplerModelProblem(inner, cfg.model.name) : null);
  if (problem) ctx.addIssue({ code: "custom", path: ["sampler", "name"], message: problem });
});

/** The parsed `sample` configuration. */
export type SampleConfig = z.infer<typeof SampleConfig>;
