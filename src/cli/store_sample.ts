/**
 * Stores a sampling run: manifest with the full config, and the traces as `.npy` arrays.
 * @module
 */
import type { RunStore } from "../io/run_store.ts";
import type { ResolvedBackend } from "../gpu/mod.ts";
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { DiscreteSampler } from "../samplers/sampler.ts";
import type { RunResult } from "../samplers/engine.ts";

/** Writes `result` as a new run and returns its id. */
export async function storeSampleRun(
  store: RunStore,
  argv: string[],
  config: Record<string, unknown>,
  model: DiscreteModel,
  sampler: DiscreteSampler,
  backend: ResolvedBackend,
  result: RunResult,
): Promise<string> {
  const run = await store.create({
    command: ["sample", ...argv],
    config: { ...config, resolvedModel: model.config, resolvedSampler: sampler.config },
    seed: Number(config.seed ?? 0),
    backend: result.backend,
    adapter: backend.gpu?.adapter,
  });
  try {
    const { chains, steps, numSites } = result;
    await run.writeArray("energy", { dtype: "f32", shape: [steps, chains], data: result.energies });
    await run.writeArray("hamming", { dtype: "f32", shape: [steps, chains], data: result.hamming });
    await run.writeArray("param", { dtype: "f32", shape: [steps], data: result.params });
    await run.writeArray("acceptance", {
      dtype: "f64",
      shape: [chains],
      data: result.acceptance,
    });
    await run.writeArray("final_states", {
      dtype: "u32",
      shape: [chains, numSites],
      data: result.finalStates,
    });
    await run.writeArray("reference", { dtype: "u32", shape: [numSites], data: result.reference });
    await run.recordPhase("sampling", result.seconds);
    await run.setSummary({
      model: model.name,
      sampler: sampler.name,
      chains,
      steps,
      numSites,
      stepsPerSecond: steps / result.seconds,
      meanAcceptance: result.acceptance.reduce((a, b) => a + b, 0) / chains,
      energyEvals: result.energyEvals,
    });
    await run.finish("done");
  } catch (e) {
    await run.finish("failed", (e as Error).message).catch(() => {});
    throw e;
  }
  return run.id;
}
