/**
 * A short showcase of the continuous samplers for `cli.ts demo`: MALA on a Gaussian mixture
 * (k = 3, unit widths) in D = 2 and D = 1000 through the one entry `sampleContinuous`. The
 * WGSL is size-generic, so D = 1000 compiles no new program after D = 2. At D = 2 the chains
 * hop between the wells (equal weights: a third of the draws each); at D = 1000 they stay in
 * the well they start in and must spread to its unit variance per coordinate.
 * @module
 */
import { acquireGpu, type GpuContext } from "../gpu/mod.ts";
import { gaussianMixture } from "../models/continuous/gaussian_mixture.ts";
import { sampleContinuous } from "./samplers.ts";

/** Prints the comparison (a few seconds on 2 cores; `gpu` null runs the CPU twin). */
export async function demoSection(
  io: { out(text: string): void },
  gpu?: GpuContext | null,
): Promise<void> {
  const ctx = gpu === undefined ? await acquireGpu() : gpu;
  const backend = ctx ? "webgpu" : "cpu";
  io.out(
    "Continuous samplers: MALA on a Gaussian mixture (k = 3, unit widths), one program per size",
  );
  for (const dim of [2, 1000]) {
    const p = gaussianMixture({ dim, k: 3, seed: 1 });
    const chains = ctx ? (dim === 2 ? 256 : 32) : 4;
    const steps = dim === 2 ? 2000 : 100, burnIn = dim === 2 ? 500 : 100;
    const compiles = ctx?.cache.compiles ?? 0;
    const t0 = performance.now();
    const r = await sampleContinuous(p, {
      sampler: "mala",
      chains,
      steps,
      burnIn,
      seed: 1,
      start: Array.from(p.minima[0]),
      stepSize: 0.1,
      backend,
    }, ctx);
    const wall = (performance.now() - t0) / 1000;
    // D = 2: share of draws nearest each centre (exact 1/3 each); D = 1000: per-coordinate
    // second moment about the start well's centre (exact 1).
    const near = [0, 0, 0];
    let m2 = 0;
    for (let k = 0; k < r.samples.length; k += dim) {
      const d2 = p.centers.map((c) => c.reduce((a, v, i) => a + (r.samples[k + i] - v) ** 2, 0));
      near[d2.indexOf(Math.min(...d2))]++;
      m2 += d2[0] / dim;
    }
    const draws = r.samples.length / dim;
    const stat = dim === 2
      ? `share per well ${near.map((c) => (c / draws).toFixed(2)).join(" / ")} (exact 1/3 each)`
      : `E[(x - mu)^2] per coordinate ${(m2 / draws).toFixed(2)} (exact 1)`;
    const acc = r.acceptance.reduce((a, b) => a + b, 0) / chains;
    const eps = r.stepSizes.reduce((a, b) => a + b, 0) / chains;
    const rate = (chains * (steps + burnIn)) / r.seconds;
    io.out(
      `  D = ${dim}: ${r.backend}, ${(ctx?.cache.compiles ?? 0) - compiles} new programs, ` +
        `${wall.toFixed(1)} s in all, ${(rate / 1e3).toFixed(1)} k chain-steps/s; acceptance ` +
        `${acc.toFixed(2)}, mean step size ${eps.toPrecision(2)}, ${stat}`,
    );
  }
}
