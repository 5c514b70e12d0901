/**
 * The chains x sites layout at paper scale: PAS and DMALA in DISCS's CO configuration (PAS:
 * adaptive path length, adaptation at every step; DMALA: n = 3 expected jumps, no adaptation)
 * on MIS over ER-[700-800] graphs at densities 0.05 and 0.25, 32 chains, annealed, as DISCS
 * Table 1 runs them. Per density: time to the first step in a fresh process
 * (pipeline compiles, buffer setup, init, one step), steady-state steps/s of the WebGPU path
 * (the engine's sampling loop after a warm-up run), and of the CPU twins: the per-chain layout's
 * (what `--backend auto` ran before, when llvmpipe refused the model) and the sites layout's
 * (which replays the WebGPU run bit for bit). Prints a markdown table and `uptime` before and after.
 *
 * Run: `MESA_SHADER_CACHE_DISABLE=true deno run -A bench/sites_throughput.ts [--gpu-steps 64]
 * [--cpu-steps 8]`
 * @module
 */
import { acquireGpu } from "../src/gpu/mod.ts";
import { parseConfig } from "../src/io/config.ts";
import { erdosRenyi, misProblem } from "../src/models/co/mod.ts";
import { coAdaptMode, coSamplerConfig, withLoopCost } from "../src/co/solve.ts";
import { chainsLimitReason, runSampler } from "../src/samplers/engine.ts";
import { buildSampler, SamplerConfig } from "../src/samplers/registry.ts";

const DENSITIES = [0.05, 0.25];
const CHAINS = 32;

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const SAMPLERS = ["pas", "dmala"];

function setup(density: number, name: string) {
  const model = withLoopCost(
    misProblem(erdosRenyi({ nMin: 700, nMax: 800, p: density, seed: 1 })),
  );
  const sampler = buildSampler(parseConfig(SamplerConfig, coSamplerConfig(name), "bench"));
  return { model, sampler, adapt: coAdaptMode(name) };
}

// Annealed from T = 1 as in the CO runs (inverse temperature grows along the run).
const runOpts = (steps: number, adapt: "always" | "off" | "burn-in") => ({
  chains: CHAINS,
  steps,
  seed: 1,
  adapt,
  betaSchedule: (t: number) => 1 + t / 100,
});

async function uptime(): Promise<string> {
  const out = await new Deno.Command("uptime").output();
  return new TextDecoder().decode(out.stdout).trim();
}

// Child process: build, compile and take one step; print the seconds.
if (Deno.args[0] === "--first") {
  const t0 = performance.now();
  const gpu = await acquireGpu();
  const { model, sampler, adapt } = setup(Number(Deno.args[1]), Deno.args[2]);
  const r = await runSampler(model, sampler, runOpts(1, adapt), gpu);
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, layout: r.layout }));
  Deno.exit(0);
}

const gpuSteps = arg("--gpu-steps", 64), cpuSteps = arg("--cpu-steps", 8);
console.log(`start: ${await uptime()}`);
const gpu = await acquireGpu();
if (!gpu) throw new Error("no WebGPU adapter");
console.log(`adapter: ${gpu.adapter.description}`);
const rows: string[] = [];
for (const name of SAMPLERS) {
  for (const density of DENSITIES) {
    const { model, sampler, adapt } = setup(density, name);
    const opts = (steps: number) => runOpts(steps, adapt);
    const edges = model.config.edges as number;
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "--first", String(density), name],
      stdout: "piped",
    }).output();
    const first = JSON.parse(new TextDecoder().decode(child.stdout).trim().split("\n").at(-1)!);
    const refused = chainsLimitReason(model, sampler, gpu) !== null;
    await runSampler(model, sampler, opts(4), gpu); // warm-up
    const web = await runSampler(model, sampler, opts(gpuSteps), gpu);
    const cpuChains = await runSampler(
      model,
      sampler,
      { ...opts(cpuSteps), layout: "chains" },
      null,
    );
    const cpuSites = await runSampler(model, sampler, { ...opts(cpuSteps), layout: "sites" }, null);
    const rate = (r: { steps: number; seconds: number }) => r.steps / r.seconds;
    rows.push(
      `| ${name} | ${density} | ${model.numSites} | ${edges} | ${
        refused ? "refused" : "accepted"
      } | ` +
        `${web.layout} | ${first.seconds.toFixed(1)} s | ${rate(web).toFixed(1)} | ` +
        `${rate(cpuChains).toFixed(1)} | ${rate(cpuSites).toFixed(1)} | ` +
        `${(rate(web) / rate(cpuChains)).toFixed(1)}x |`,
    );
  }
}
console.log(
  "| sampler | density | nodes | edges | per-chain layout | layout | first step | WebGPU steps/s | CPU twin (chains) steps/s | CPU twin (sites) steps/s | WebGPU / CPU (chains) |",
);
console.log("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
console.log(`end: ${await uptime()}`);
