/**
 * Parallel tempering against its inner sampler alone on a bimodal target: the zero-field
 * ferromagnetic Ising on a p x p torus with strong coupling (lambda = 1), where the two
 * magnetisation signs are separated by a barrier of 4 p (two domain walls of p bonds). All
 * chains start all up; the run is cut into segments of `--segment` steps (each continues from
 * the last states with the next seed, no adaptation, the geometric ladder) and the target
 * chains' magnetisation m is read after each. Reported per sampler: sign changes of m per 1000
 * steps per target chain, the fraction of segments with m > 0 (exact: 1/2), and the ESS of m
 * against the exact answer: E[m] = 0 by symmetry and Var(m) by enumeration, so a chain's ESS is
 * Var(m) / mean over chains of (time-average of m)^2 (a chain stuck in one sign scores about 1),
 * per 1000 steps per target chain and, summed over target chains, per second of sampling
 * (`RunResult.seconds`, whole run). The first quarter of the segments is discarded as burn-in.
 * Enumeration limits the lattice to p <= 4.
 *
 * `deno run -A bench/pt_bimodal.ts [--size 4] [--groups 64] [--replicas 4] [--beta-min 0.2]
 *   [--segments 100] [--segment 20] [--inners block_gibbs,gwg] [--backend cpu|webgpu]`
 * @module
 */
import { parseArgs } from "node:util";
import { acquireGpu, type GpuContext } from "../src/gpu/mod.ts";
import { isingModel } from "../src/models/discrete/mod.ts";
import { runSampler } from "../src/samplers/engine.ts";
import { buildSampler, SamplerConfig } from "../src/samplers/registry.ts";
import type { DiscreteSampler } from "../src/samplers/sampler.ts";
import { enumerateLogProbs } from "../src/models/discrete/model.ts";

const { values: v } = parseArgs({
  options: {
    size: { type: "string", default: "4" },
    groups: { type: "string", default: "64" },
    replicas: { type: "string", default: "4" },
    "beta-min": { type: "string", default: "0.2" },
    segments: { type: "string", default: "100" },
    segment: { type: "string", default: "20" },
    inners: { type: "string", default: "block_gibbs,gwg" },
    backend: { type: "string", default: "cpu" },
  },
});
const size = Number(v.size), groups = Number(v.groups), R = Number(v.replicas);
const segments = Number(v.segments), segment = Number(v.segment);
const gpu: GpuContext | null = v.backend === "webgpu" ? await acquireGpu() : null;
if (v.backend === "webgpu" && !gpu) throw new Error("--backend webgpu: no adapter");
const model = isingModel({ size, lambda: 1, mu: 0, sigma: 0, periodic: true });
const d = model.numSites;
if (d > 16) throw new Error("--size: at most 4 (Var(m) is enumerated)");
// Exact Var(m) = E[m^2] (E[m] = 0 by the spin-flip symmetry).
let varM = 0;
enumerateLogProbs(model).forEach((lp, s) => {
  let m = 0;
  for (let i = 0; i < d; i++) m += (s >> i) & 1 ? 1 : -1;
  varM += Math.exp(lp) * m * m;
});

async function measure(sampler: DiscreteSampler, stride: number) {
  const chains = groups * stride;
  let x: Uint32Array = new Uint32Array(chains * d).fill(1);
  const m = Array.from({ length: groups }, () => new Float64Array(segments));
  let seconds = 0;
  const wall = performance.now();
  for (let k = 0; k < segments; k++) {
    const r = await runSampler(model, sampler, {
      chains,
      steps: segment,
      seed: 1000 + k,
      initialState: x,
      burnInFraction: 0,
      adapt: "off",
    }, gpu);
    seconds += r.seconds;
    x = r.finalStates;
    for (let g = 0; g < groups; g++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += x[g * stride * d + i] ? 1 : -1;
      m[g][k] = s;
    }
  }
  // The first quarter of the segments is burn-in (every chain starts all up).
  const k0 = Math.floor(segments / 4), kept = segments - k0;
  let flips = 0, up = 0, mse = 0;
  for (const series of m) {
    mse += (series.subarray(k0).reduce((a, b) => a + b, 0) / kept) ** 2 / groups;
    for (let k = k0; k < segments; k++) {
      if (series[k] > 0) up++;
      if (k > k0 && Math.sign(series[k]) * Math.sign(series[k - 1]) < 0) flips++;
    }
  }
  const steps = kept * segment;
  const ess = varM / mse; // per target chain
  return {
    flipsPer1000: (1000 * flips) / (groups * steps),
    upFraction: up / (groups * kept),
    essPer1000: (1000 * ess) / steps,
    essPerSecond: (ess * groups) / seconds,
    seconds,
    wall: (performance.now() - wall) / 1000,
  };
}

const uptime = await Deno.readTextFile("/proc/loadavg").catch(() => "?");
console.log(
  `Var(m) = ${
    varM.toFixed(3)
  }; Ising ${size}x${size} torus, lambda 1, no field; ${groups} target chains, ` +
    `${segments} x ${segment} steps, ${gpu ? gpu.adapter.description : "CPU twin"}; ` +
    `load ${uptime.split(" ").slice(0, 3).join(" ")}`,
);
console.log(
  "| sampler | chains | sign flips / 1000 steps | m > 0 fraction | ESS(m) / 1000 steps / chain | ESS(m) / s | sampling s |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const inner of v.inners.split(",")) {
  const alone = buildSampler(SamplerConfig.parse({ name: inner }));
  const pt = buildSampler(SamplerConfig.parse({
    name: "pt",
    replicas: R,
    betaMin: Number(v["beta-min"]),
    adaptLadder: false,
    inner: { name: inner },
  }));
  for (const [label, s, stride] of [[inner, alone, 1], [`pt(${inner}, ${R})`, pt, R]] as const) {
    const r = await measure(s, stride);
    console.log(
      `| ${label} | ${groups * stride} | ${r.flipsPer1000.toFixed(2)} | ${
        r.upFraction.toFixed(3)
      } | ${r.essPer1000.toFixed(2)} | ${r.essPerSecond.toFixed(1)} | ${r.seconds.toFixed(2)} |`,
    );
  }
}
