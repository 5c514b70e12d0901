/**
 * The software adapter's loop budget, in one place: Mesa's llvmpipe stops all loops of one
 * shader invocation after 65,535 iterations in total, silently (gallivm's loop limiter), so GPU
 * runners split work per dispatch under it and refuse work whose single step cannot fit. Real
 * GPUs have no such limit.
 * @module
 */
import type { GpuContext } from "./device.ts";

/** Loop iterations per invocation after which llvmpipe stops every loop, silently. */
export const LLVMPIPE_LOOP_LIMIT = 65_535;

/** True on Mesa's software adapter, whose loop limiter bounds each invocation's work. */
export function hasLoopLimit(gpu: GpuContext): boolean {
  return /llvmpipe/i.test(gpu.adapter.description);
}

/**
 * How many repetitions of `perRepeat` loop iterations fit in one invocation after `fixed`
 * iterations, under 90% of the limit: `Infinity` on adapters without a limit, 0 when not even
 * one fits (callers then refuse with a reason or fall back to the CPU twin).
 *
 * @example
 * ```ts
 * import { acquireGpu } from "./device.ts";
 * const gpu = await acquireGpu();
 * if (gpu) console.log(loopBudget(gpu, 1000, 0)); // 58 on llvmpipe, Infinity elsewhere
 * ```
 */
export function loopBudget(gpu: GpuContext, perRepeat: number, fixed = 0): number {
  if (!hasLoopLimit(gpu)) return Infinity;
  return Math.max(0, Math.floor((0.9 * LLVMPIPE_LOOP_LIMIT - fixed) / Math.max(perRepeat, 1)));
}
