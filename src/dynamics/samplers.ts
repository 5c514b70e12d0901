/**
 * ULA, MALA and HMC on exp(-beta V): one entry, {@link sampleContinuous}, with one options and
 * one result type and a backend choice like the discrete engine's. Every chain adapts its own
 * step size by dual averaging (Hoffman & Gelman 2014) from its own acceptance probability at
 * each burn-in step, as Stan does per chain: the GPU then needs no reduction across chains, and
 * each invocation runs many steps per dispatch. After burn-in each chain uses its averaged step
 * size exp(log-eps-bar).
 *
 * Backends: WebGPU (`samplers_gpu.ts`, size-generic WGSL in `samplers_wgsl.ts`) and its f32 CPU
 * twin (`samplers_cpu.ts`). Randomness (both twins): proposal normals / momenta from Philox
 * counter (block, step, chain, 0) as in `normals`; the acceptance uniform from word 0 of (0,
 * step, chain, 1). The sampler arithmetic and the adaptation use the deterministic f32 math
 * (`math_*` / `f32math.ts`) in the same order on both sides; the CPU twin rounds the
 * potential's f64 gradient to f32, so the twins give the same bits whenever the potential's own
 * f32 arithmetic does (else they agree to round-off until an accept/reject decision lands
 * within that round-off of its threshold).
 * @module
 */
import { acquireGpu, type GpuContext } from "../gpu/mod.ts";
import type { DynamicsPotential } from "./langevin.ts";
import { cpuRun } from "./samplers_cpu.ts";
import { gpuRun, samplerGpuRefusal } from "./samplers_gpu.ts";
import {
  type ContinuousSampleOptions,
  type ContinuousSampleResult,
  setup,
} from "./samplers_setup.ts";

export type {
  ContinuousSampleOptions,
  ContinuousSampleResult,
  ContinuousSamplerName,
} from "./samplers_setup.ts";
export { samplerLoopsPerStep, samplerProgram } from "./samplers_gpu.ts";

/**
 * Runs many chains of ULA, MALA or HMC on exp(-beta V). The backend follows `o.backend`
 * (default "auto"); `gpu` supplies the context (default: the shared adapter, looked up when
 * needed; `null`: none, so "auto" runs the CPU twin and "webgpu" fails).
 *
 * @example
 * ```ts
 * import { doubleWell } from "../models/continuous/mod.ts";
 * const r = await sampleContinuous(doubleWell(), {
 *   sampler: "hmc", chains: 64, steps: 500, seed: 1, start: [1], leapfrogSteps: 5, backend: "cpu",
 * });
 * console.log(r.samples.length, r.stepSizes[0]); // 32000, chain 0's adapted epsilon
 * ```
 */
export async function sampleContinuous(
  p: DynamicsPotential,
  o: ContinuousSampleOptions,
  gpu?: GpuContext | null,
): Promise<ContinuousSampleResult> {
  const s = setup(p, o);
  const blockSteps = o.blockSteps ?? 256;
  if (!(Number.isInteger(blockSteps) && blockSteps >= 1)) {
    throw new Error(`sampleContinuous: blockSteps must be an integer >= 1, got ${blockSteps}`);
  }
  const choice = o.backend ?? "auto";
  if (choice !== "auto" && choice !== "webgpu" && choice !== "cpu") {
    throw new Error(`sampleContinuous: backend must be "auto", "webgpu" or "cpu", got ${choice}`);
  }
  if (choice === "cpu") return cpuRun(p, s);
  const ctx = gpu === undefined ? await acquireGpu() : gpu;
  if (!ctx) {
    if (choice === "webgpu") {
      throw new Error("sampleContinuous: backend webgpu needs a WebGPU adapter; none is available");
    }
    return cpuRun(p, s);
  }
  const refusal = samplerGpuRefusal(ctx, p, s.kind, s.L);
  if (refusal) {
    if (choice === "webgpu") throw new Error(refusal);
    return cpuRun(p, s);
  }
  return await gpuRun(p, s, ctx, blockSteps);
}
