/**
 * Runs one DISCS cell: validates its configurations, builds model and sampler, picks the
 * backend (the GPU unless the software adapter's loop limit refuses the pair, then the CPU
 * twin), samples with adaptation never frozen (DISCS) and computes the DISCS figures.
 * @module
 */
import { ModelConfig } from "../models/discrete/registry.ts";
import { parseConfig } from "../io/config.ts";
import { SamplerConfig } from "../samplers/registry.ts";
import { buildDiscreteModel } from "../models/discrete/registry.ts";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { buildSampler } from "../samplers/registry.ts";
import type { DiscreteSampler } from "../samplers/sampler.ts";
import { gpuLimitReason, type RunResult, runSampler } from "../samplers/engine.ts";
import type { GpuContext } from "../gpu/mod.ts";
import type { DiscsCell } from "./suites.ts";
import { type DiscsMetrics, discsMetrics } from "./protocol.ts";

/** Protocol settings shared by all cells of a run. */
export interface DiscsRunOptions {
  /** Chains per cell (DISCS: 100). */
  chains: number;
  seed: number;
  /** DISCS: 0.5. */
  burnInFraction: number;
  /** GPU context, or null for the CPU twin. */
  gpu: GpuContext | null;
  /** Told when a cell falls back to the CPU. */
  notice?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
}

/** A finished cell. */
export interface DiscsCellResult {
  cell: DiscsCell;
  model: DiscreteModel;
  sampler: DiscreteSampler;
  result: RunResult;
  metrics: DiscsMetrics;
}

/**
 * Builds the model and sampler of a cell from its raw configurations (one-line
 * ConfigError on bad values).
 *
 * @example
 * ```ts
 * const { model, sampler } = buildCell(suiteCells("size", PRESETS.quick)[0]);
 * ```
 */
export function buildCell(cell: DiscsCell): { model: DiscreteModel; sampler: DiscreteSampler } {
  const where = `discs ${cell.suite} ${cell.model} x ${cell.sampler}`;
  const model = buildDiscreteModel(parseConfig(ModelConfig, cell.modelConfig, where));
  const sampler = buildSampler(parseConfig(SamplerConfig, cell.samplerConfig, where));
  return { model, sampler };
}

/**
 * Runs one cell with `adapt: "always"` (DISCS never freezes adaptation).
 *
 * @example
 * ```ts
 * const r = await runDiscsCell(cell, { chains: 100, seed: 0, burnInFraction: 0.5, gpu: null });
 * console.log(r.metrics.essMean, r.result.backend);
 * ```
 */
export async function runDiscsCell(
  cell: DiscsCell,
  opts: DiscsRunOptions,
): Promise<DiscsCellResult> {
  return await runPreparedCell(cell, prepareDiscsCell(cell, opts), opts);
}

/** A cell's model and sampler, and the GPU it will run on (null: the CPU twin). */
export interface PreparedDiscsCell {
  model: DiscreteModel;
  sampler: DiscreteSampler;
  gpu: GpuContext | null;
}

/**
 * Builds a cell and picks its backend: the GPU unless the software adapter's loop limit refuses
 * the pair (then the CPU twin, with a notice).
 */
export function prepareDiscsCell(cell: DiscsCell, opts: DiscsRunOptions): PreparedDiscsCell {
  const { model, sampler } = buildCell(cell);
  let gpu = opts.gpu;
  const reason = gpu ? gpuLimitReason(model, sampler, gpu) : null;
  if (reason) {
    opts.notice?.(`notice: ${cell.model} x ${cell.sampler} runs on the CPU twin: ${reason}`);
    gpu = null;
  }
  return { model, sampler, gpu };
}

/** Runs a prepared cell (see {@link runDiscsCell}). */
export async function runPreparedCell(
  cell: DiscsCell,
  prepared: PreparedDiscsCell,
  opts: DiscsRunOptions,
): Promise<DiscsCellResult> {
  const { model, sampler, gpu } = prepared;
  const result = await runSampler(model, sampler, {
    chains: opts.chains,
    steps: cell.steps,
    seed: opts.seed,
    burnInFraction: opts.burnInFraction,
    adapt: "always",
    onProgress: opts.onProgress,
  }, gpu);
  return { cell, model, sampler, result, metrics: discsMetrics(result, opts.burnInFraction) };
}
