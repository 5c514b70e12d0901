/**
 * GPU test helper: tests that need an adapter get it here and skip with a printed reason only
 * where none exists (CI has Mesa's llvmpipe software adapter, so they run there).
 * @module
 */
import { acquireGpu, type GpuContext } from "../src/gpu/mod.ts";

/** Returns the shared GPU context, or null after printing why GPU checks are skipped. */
export async function gpuOrSkip(what: string): Promise<GpuContext | null> {
  const gpu = await acquireGpu();
  if (!gpu) console.log(`skipped (${what}): no WebGPU adapter on this machine`);
  return gpu;
}
