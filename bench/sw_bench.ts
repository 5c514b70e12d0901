/**
 * Swendsen-Wang against the DISCS samplers at the critical point: zero-field Ising (mu = sigma =
 * 0, DISCS's open boundary) with lambda = beta_c = ln(1 + sqrt 2) / 2 at engine beta 1 (the
 * DISCS temperature sweep's convention, lambda = beta), 100 chains from uniform random states,
 * adaptation at every step and 50% burn-in as in DISCS. Each cell samples for about `--seconds`
 * of engine time (steps from a short timed run), then reports per-chain TFP ESS (the DISCS
 * protocol's estimator, `discsEss`) of the magnetisation M and of the energy, per second of
 * post-burn-in sampling. M comes from the Hamming trace against the all-zero reference
 * (h = number of up spins = (M + D) / 2). Traces are thinned to at most `--keep` rows per chain.
 *
 * `deno run -A bench/sw_bench.ts [--sizes 20,50] [--samplers sw,block_gibbs,gwg,pas,dmala,dlmc]
 *   [--backends webgpu,cpu] [--seconds 20] [--chains 100]`
 * @module
 */
import { parseArgs } from "node:util";
import { acquireGpu, type GpuContext } from "../src/gpu/mod.ts";
import { isingModel } from "../src/models/discrete/mod.ts";
import { type BlockTrace, runSampler } from "../src/samplers/engine.ts";
import { parseConfig } from "../src/io/config.ts";
import { buildSampler, SamplerConfig } from "../src/samplers/registry.ts";
import { discsEss } from "../src/diagnostics/summary.ts";
import { CRITICAL_BETA } from "../src/discs/suites.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "20,50" },
    samplers: { type: "string", default: "sw,block_gibbs,gwg,pas,dmala,dlmc" },
    backends: { type: "string", default: "webgpu,cpu" },
    seconds: { type: "string", default: "20" },
    chains: { type: "string", default: "100" },
    keep: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
  },
});
const seconds = Number(values.seconds), chains = Number(values.chains), keep = Number(values.keep);
const gpu = values.backends.includes("webgpu") ? await acquireGpu() : null;

interface Cell {
  backend: string;
  size: number;
  sampler: string;
  steps: number;
  stepsPerSecond: number;
  essM: number;
  essE: number;
  essMPerSecond: number;
  essEPerSecond: number;
  meanAbsM: number;
  acceptance: number;
}

async function cell(size: number, name: string, device: GpuContext | null): Promise<Cell> {
  const model = isingModel({ size, lambda: CRITICAL_BETA, mu: 0, sigma: 0 });
  const d = model.numSites;
  const sampler = buildSampler(parseConfig(SamplerConfig, { name }, "--samplers"));
  const base = { chains, seed: Number(values.seed), adapt: "always" as const };
  const reference = new Uint32Array(d);
  // Warm-up (compiles), then a timed calibration run sets the step count.
  await runSampler(model, sampler, { ...base, steps: 2 }, device);
  let probe = 16;
  let rate = 0;
  for (;;) {
    const r = await runSampler(model, sampler, { ...base, steps: probe }, device);
    rate = probe / r.seconds;
    if (r.seconds > 0.5 || probe >= 1 << 20) break;
    probe *= 4;
  }
  const steps = Math.max(64, 2 * Math.round((rate * seconds) / 2));
  const thin = Math.max(1, Math.ceil(steps / keep));
  const rows = Math.floor(steps / thin);
  const h = new Float64Array(rows * chains), e = new Float64Array(rows * chains);
  const take = (b: BlockTrace) => {
    for (let k = 0; k < b.length; k++) {
      const t = b.start + k;
      const row = (t + 1) / thin - 1;
      if (!Number.isInteger(row) || row >= rows) continue;
      for (let c = 0; c < chains; c++) {
        h[row * chains + c] = b.hamming[k * chains + c];
        e[row * chains + c] = b.energies[k * chains + c];
      }
    }
  };
  const r = await runSampler(model, sampler, { ...base, steps, reference, onBlock: take }, device);
  const byChain = (x: Float64Array) =>
    Array.from(
      { length: chains },
      (_, c) => Float64Array.from({ length: rows }, (_, t) => x[t * chains + c]),
    );
  const m = byChain(h).map((ch) => ch.map((v) => (2 * v - d) / d));
  const essM = discsEss(m, 0.5).mean, essE = discsEss(byChain(e), 0.5).mean;
  const kept = m.flatMap((ch) => Array.from(ch.subarray(rows >> 1)));
  const postSeconds = r.seconds * (steps - Math.floor(steps / 2)) / steps;
  return {
    backend: r.backend,
    size,
    sampler: name,
    steps,
    stepsPerSecond: steps / r.seconds,
    essM,
    essE,
    essMPerSecond: essM / postSeconds,
    essEPerSecond: essE / postSeconds,
    meanAbsM: kept.reduce((s, v) => s + Math.abs(v), 0) / kept.length,
    acceptance: r.acceptance.reduce((s, v) => s + v, 0) / chains,
  };
}

const load = new TextDecoder().decode((await new Deno.Command("uptime").output()).stdout).trim();
console.log(`# load at start: ${load}`);
console.log(
  `# adapter: ${gpu?.adapter.description ?? "none"}; ${chains} chains, ~${seconds} s per cell`,
);
console.log(
  "| backend | lattice | sampler | steps | steps/s | ESS(M)/chain | ESS(M)/s | ESS(E)/chain | ESS(E)/s | mean abs M | acceptance |",
);
console.log("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const cells: Cell[] = [];
for (const backend of values.backends.split(",")) {
  const device = backend === "webgpu" ? gpu : null;
  if (backend === "webgpu" && !gpu) {
    console.log("# no WebGPU adapter: webgpu cells skipped");
    continue;
  }
  for (const size of values.sizes.split(",").map(Number)) {
    for (const name of values.samplers.split(",")) {
      const c = await cell(size, name, device);
      cells.push(c);
      const g = (v: number) => v.toPrecision(3);
      console.log(
        `| ${c.backend} | ${size}x${size} | ${name} | ${c.steps} | ${g(c.stepsPerSecond)} | ${
          g(c.essM)
        } | ${g(c.essMPerSecond)} | ${g(c.essE)} | ${g(c.essEPerSecond)} | ${
          c.meanAbsM.toFixed(3)
        } | ${c.acceptance.toFixed(3)} |`,
      );
    }
  }
}
console.log(
  `# load at end: ${
    new TextDecoder().decode((await new Deno.Command("uptime").output()).stdout).trim()
  }`,
);
console.log(JSON.stringify(cells));
