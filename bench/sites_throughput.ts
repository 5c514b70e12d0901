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
 * `--set engine2b` measures the second milestone's additions instead: PAS, DMALA and GWG in
 * DISCS's CO configuration on max-cut over a Barabasi-Albert graph of BA-[1024-1100] (m = 4), and
 * GWG (DISCS's defaults, no adaptation) on Ising 100x100, and RWM (CO configuration, 20x the
 * steps) on that max-cut graph and on MIS ER-[700-800] at density 0.25.
 *
 * Run: `MESA_SHADER_CACHE_DISABLE=true deno run -A bench/sites_throughput.ts [--gpu-steps 64]
 * [--cpu-steps 8] [--set mis|engine2b]`
 * @module
 */
import { acquireGpu } from "../src/gpu/mod.ts";
import { parseConfig } from "../src/io/config.ts";
import { barabasiAlbert, erdosRenyi, maxCutProblem, misProblem } from "../src/models/co/mod.ts";
import { isingModel } from "../src/models/discrete/mod.ts";
import type { DiscreteModel } from "../src/models/discrete/model.ts";
import { coAdaptMode, coSamplerConfig, withLoopCost } from "../src/co/solve.ts";
import { chainsLimitReason, runSampler } from "../src/samplers/engine.ts";
import { buildSampler, SamplerConfig } from "../src/samplers/registry.ts";

const CHAINS = 32;

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/** One measured pair: a label, the model and a sampler name in DISCS's CO configuration. */
interface Case {
  label: string;
  model: () => DiscreteModel;
  sampler: string;
  adapt?: "off";
  /** Steps multiplier of the measured runs (cheap samplers need longer runs). */
  scale?: number;
  /** Ask for the sites layout (`auto` does not take RWM's). */
  explicit?: boolean;
}

const mis = (density: number) => () =>
  withLoopCost(misProblem(erdosRenyi({ nMin: 700, nMax: 800, p: density, seed: 1 })));
const maxcut = () =>
  withLoopCost(maxCutProblem(barabasiAlbert({ nMin: 1024, nMax: 1100, m: 4, seed: 1 })));
const SETS: Record<string, Case[]> = {
  mis: ["pas", "dmala"].flatMap((sampler) =>
    [0.05, 0.25].map((d) => ({ label: `MIS ER p=${d}`, model: mis(d), sampler }))
  ),
  engine2b: [
    ...["pas", "dmala", "gwg"].map((sampler) => ({ label: "max-cut BA", model: maxcut, sampler })),
    { label: "max-cut BA", model: maxcut, sampler: "rwm", scale: 20, explicit: true },
    { label: "MIS ER p=0.25", model: mis(0.25), sampler: "rwm", scale: 20, explicit: true },
    {
      label: "Ising 100x100",
      model: () => isingModel({ size: 100, lambda: 0.4, seed: 1 }),
      sampler: "gwg",
      adapt: "off",
    },
  ],
};
const setName = Deno.args.includes("--set") ? Deno.args[Deno.args.indexOf("--set") + 1] : "mis";
const CASES = SETS[setName];
if (!CASES) throw new Error(`--set must be one of ${Object.keys(SETS).join(", ")}`);

function setup(index: number) {
  const c = CASES[index];
  const config = c.adapt ? { name: c.sampler } : coSamplerConfig(c.sampler);
  const sampler = buildSampler(parseConfig(SamplerConfig, config, "bench"));
  const layout = c.explicit ? "sites" as const : undefined;
  return { model: c.model(), sampler, adapt: c.adapt ?? coAdaptMode(c.sampler), layout };
}

// Annealed from T = 1 as in the CO runs (inverse temperature grows along the run).
const runOpts = (
  steps: number,
  adapt: "always" | "off" | "burn-in",
  layout?: "sites",
) => ({
  layout,
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
  const { model, sampler, adapt, layout } = setup(Number(Deno.args[1]));
  const r = await runSampler(model, sampler, runOpts(1, adapt, layout), gpu);
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, layout: r.layout }));
  Deno.exit(0);
}

const gpuSteps = arg("--gpu-steps", 64), cpuSteps = arg("--cpu-steps", 8);
console.log(`start: ${await uptime()}`);
const gpu = await acquireGpu();
if (!gpu) throw new Error("no WebGPU adapter");
console.log(`adapter: ${gpu.adapter.description}`);
const rows: string[] = [];
for (const [index, c] of CASES.entries()) {
  const { model, sampler, adapt, layout } = setup(index);
  const opts = (steps: number) => runOpts(steps * (c.scale ?? 1), adapt, layout);
  const edges = (model.config.edges as number | undefined) ?? "-";
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--first",
      String(index),
      ...(
        Deno.args.includes("--set") ? ["--set", setName] : []
      ),
    ],
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
    `| ${c.sampler} | ${c.label} | ${model.numSites} | ${edges} | ${
      refused ? "refused" : "accepted"
    } | ` +
      `${web.layout}${layout ? " (asked)" : ""} | ${first.seconds.toFixed(1)} s | ${
        rate(web).toFixed(1)
      } | ` +
      `${rate(cpuChains).toFixed(1)} | ${rate(cpuSites).toFixed(1)} | ` +
      `${(rate(web) / rate(cpuChains)).toFixed(1)}x |`,
  );
}
console.log(
  "| sampler | model | sites | edges | per-chain layout | layout | first step | WebGPU steps/s | CPU twin (chains) steps/s | CPU twin (sites) steps/s | WebGPU / CPU (chains) |",
);
console.log("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
console.log(`end: ${await uptime()}`);
