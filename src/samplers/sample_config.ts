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
  backend: z.enum(["auto", "webgpu", "cpu"]).default("auto"),
}).strict().superRefine((cfg, ctx) => {
  // Samplers limited to some model families (descriptor `models`) refuse the others here.
  const problem = samplerModelProblem(cfg.sampler.name, cfg.model.name);
  if (problem) ctx.addIssue({ code: "custom", path: ["sampler", "name"], message: problem });
});

/** The parsed `sample` configuration. */
export type SampleConfig = z.infer<typeof SampleConfig>;
