/**
 * Demo section: Swendsen-Wang against two local samplers on the zero-field Ising model at the
 * critical point, by ESS per second of the magnetisation (the longer study: bench/sw_bench.ts).
 * @module
 */
import type { GpuContext } from "../gpu/mod.ts";
import { isingModel } from "../models/discrete/ising.ts";
import { discsEss } from "../diagnostics/summary.ts";
import { runSampler } from "./engine.ts";
import { buildSampler, SamplerConfig } from "./registry.ts";

/** Samplers of the demo: SW and the fastest local samplers of the DISCS set here. */
const DEMO_SAMPLERS = ["sw", "block_gibbs", "gwg"] as const;

/**
 * Prints a short table (under 10 s): 16x16 zero-field Ising at lambda = beta_c, 32 chains, each
 * sampler run for a few seconds of engine time (step count from a timed probe run), ESS of M per
 * chain and per second.
 */
export async function swDemoSection(
  print: (line: string) => void,
  gpu: GpuContext | null = null,
): Promise<void> {
  const betaC = Math.log(1 + Math.SQRT2) / 2;
  const model = isingModel({ size: 16, lambda: betaC, mu: 0, sigma: 0 });
  const d = model.numSites, chains = 32;
  print(
    `Swendsen-Wang at the critical point: Ising 16x16, no field, lambda = beta_c = ${
      betaC.toFixed(4)
    }`,
  );
  print(
    `   ${"sampler".padEnd(12)} ${"steps".padStart(7)} ${"steps/s".padStart(9)} ${
      "ESS(M)/chain".padStart(12)
    } ${"ESS(M)/s".padStart(9)}`,
  );
  const rows: { name: string; perSecond: number }[] = [];
  for (const name of DEMO_SAMPLERS) {
    const sampler = buildSampler(SamplerConfig.parse({ name }));
    const base = { chains, seed: 3, adapt: "always" as const, reference: new Uint32Array(d) };
    const probe = await runSampler(
      model,
      sampler,
      { ...base, steps: name === "sw" ? 20 : 400 },
      gpu,
    );
    const steps = Math.max(64, 2 * Math.round((3 * probe.steps) / probe.seconds / 2));
    const r = await runSampler(model, sampler, { ...base, steps }, gpu);
    // Hamming distance to the all-zero state = up spins = (M + D) / 2.
    const m = Array.from(
      { length: chains },
      (_, c) =>
        Float64Array.from({ length: steps }, (_, t) => (2 * r.hamming[t * chains + c] - d) / d),
    );
    const ess = discsEss(m, 0.5).mean;
    const perSecond = ess / (r.seconds / 2);
    rows.push({ name, perSecond });
    print(
      `   ${name.padEnd(12)} ${String(steps).padStart(7)} ${
        (steps / r.seconds).toFixed(0).padStart(9)
      } ${ess.toFixed(1).padStart(12)} ${perSecond.toFixed(1).padStart(9)}`,
    );
  }
  const best = Math.max(...rows.slice(1).map((r) => r.perSecond));
  print(
    `   sw / best local sampler: ${(rows[0].perSecond / best).toFixed(1)}x ESS of M per second`,
  );
  print("   (a lower bound: the local samplers run shorter than their autocorrelation time here)");
}
