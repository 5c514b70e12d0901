/**
 * `cli.ts demo` (`deno task demo`): the showcase. Each capability adds a section.
 * @module
 */
import { shardDemoSection } from "./shard_demo.ts";
import { resolveBackend } from "../gpu/mod.ts";
import { bernoulliModel } from "../models/discrete/bernoulli.ts";
import { rwmSampler } from "../samplers/rwm.ts";
import { isingModel } from "../models/discrete/ising.ts";
import { buildSampler, INNER_SAMPLER_NAMES } from "../samplers/registry.ts";
import { ptDemoSection } from "../samplers/pt_demo.ts";
import { swDemoSection } from "../samplers/sw_demo.ts";
import { sitesDemoSection } from "../samplers/sites_demo.ts";
import { demoSection as dynamicsDemo } from "../dynamics/demo.ts";
import { parseConfig } from "../io/config.ts";
import { SamplerConfig } from "../samplers/registry.ts";
import { demoMis } from "../co/demo.ts";
import { demoSection as nnDemo } from "../nn/demo.ts";
import { demoSection as basinsDemo } from "../basins/demo.ts";
import { demoSection as lmDemo } from "../lm/demo.ts";
import { demoSection as bindingDemo } from "../binding/demo.ts";
import { demoSection as retroDemo } from "../retro/demo.ts";
import { mullerBrown } from "../models/continuous/muller_brown.ts";
import { labelByDescentBatch } from "../models/continuous/basins_truth.ts";
import { simulate } from "../dynamics/langevin.ts";
import { runSampler } from "../samplers/engine.ts";
import { discsMetrics, statisticByChain } from "../discs/protocol.ts";
import { rhat } from "../diagnostics/rhat.ts";
import { type CommandSpec, type Parsed, style, UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";

/** The `demo` command's flags. */
export const DEMO_SPEC: CommandSpec = {
  name: "demo",
  summary: "Show what Landscape does, on the default backend, in under a minute.",
  usage: "cli.ts demo [--backend auto|webgpu|cpu] [--json]",
  flags: {
    backend: { type: "string", value: "B", help: "auto | webgpu | cpu", default: "auto" },
  },
};

/** Per-site marginals estimated from final chain states, against sigmoid(theta). */
function marginalError(states: Uint32Array, chains: number, exact: Float64Array) {
  const d = exact.length;
  let maxErr = 0, maxZ = 0;
  for (let i = 0; i < d; i++) {
    let ones = 0;
    for (let c = 0; c < chains; c++) ones += states[c * d + i];
    const p = exact[i];
    const err = Math.abs(ones / chains - p);
    maxErr = Math.max(maxErr, err);
    maxZ = Math.max(maxZ, err / Math.sqrt(p * (1 - p) / chains));
  }
  return { maxErr, maxZ };
}

/** Runs the demo. */
export async function demoCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const choice = String(parsed.values.backend ?? "auto");
  if (!["auto", "webgpu", "cpu"].includes(choice)) {
    throw new UsageError(`demo: --backend expects auto, webgpu or cpu, got '${choice}'`);
  }
  const backend = await resolveBackend(choice as "auto", io.notice);
  const report: Record<string, unknown> = {
    backend: backend.kind,
    adapter: backend.gpu?.adapter.description ?? null,
  };
  const lines: string[] = [style("bold", "Landscape demo"), ""];
  lines.push(
    `backend: ${backend.kind}${backend.gpu ? ` (${backend.gpu.adapter.description})` : ""}`,
  );

  // 1. Bernoulli x RWM: per-site marginals against the closed form sigmoid(theta).
  const model = bernoulliModel({ numSites: 64, sigma: 1, seed: 3 });
  const chains = 4096, steps = 400;
  const result = await runSampler(model, rwmSampler(), { chains, steps, seed: 11 }, backend.gpu);
  const { maxErr, maxZ } = marginalError(result.finalStates, chains, model.marginals());
  const acc = result.acceptance.reduce((a, b) => a + b, 0) / chains;
  report.bernoulliRwm = {
    chains,
    steps,
    sites: model.numSites,
    stepsPerSecond: steps / result.seconds,
    chainStepsPerSecond: (steps * chains) / result.seconds,
    meanAcceptance: acc,
    finalRadius: result.params[steps - 1],
    maxMarginalError: maxErr,
    maxMarginalZ: maxZ,
  };
  lines.push(
    "",
    style("bold", "1. Bernoulli model (D = 64, theta ~ N(0, 1)) sampled by random-walk Metropolis"),
    `   ${chains} chains x ${steps} steps in ${result.seconds.toFixed(2)} s: ${
      (steps / result.seconds).toFixed(0)
    } steps/s (${((steps * chains) / result.seconds / 1e6).toFixed(2)} M chain-steps/s)`,
    `   mean acceptance ${acc.toFixed(3)}, adapted radius ${result.params[steps - 1].toFixed(2)}`,
    `   per-site marginals vs sigmoid(theta): max |error| ${maxErr.toFixed(4)} ` +
      `(${maxZ.toFixed(2)} standard errors; ${
        maxZ < 4.5 ? "within" : "OUTSIDE"
      } Monte Carlo error)`,
  );

  // 2. A few samplers on the DISCS Ising model: acceptance and throughput.
  const ising = isingModel({ size: 20 });
  lines.push(
    "",
    style(
      "bold",
      "2. DISCS Ising 20x20 (lambda 0.5, circle field), 100 chains x 800 steps, DISCS adaptation",
    ),
    "   ESS: DISCS protocol (Hamming distance to a random reference, 2nd half, per-chain TFP ESS);",
    "   R-hat: rank-normalised split R-hat of that statistic across chains (1.00 = mixed)",
    `   ${"sampler".padEnd(13)} ${"acceptance".padStart(10)} ${"param".padStart(7)} ${
      "steps/s".padStart(8)
    } ${"ESS/chain".padStart(9)} ${"ESS/eval".padStart(9)} ${"R-hat".padStart(6)} ${
      "mean E".padStart(7)
    }`,
  );
  const samplers: Record<string, unknown>[] = [];
  for (
    const name of INNER_SAMPLER_NAMES
  ) {
    const sampler = buildSampler(parseConfig(SamplerConfig, { name }, "demo"));
    const r = await runSampler(ising, sampler, {
      chains: 100,
      steps: 800,
      seed: 5,
      adapt: "always",
    }, backend.gpu);
    const accept = r.acceptance.reduce((a, b) => a + b, 0) / r.chains;
    const tail = r.energies.subarray((r.steps / 2) * r.chains);
    const meanE = tail.reduce((a, b) => a + b, 0) / tail.length;
    const m = discsMetrics(r, 0.5);
    const kept = statisticByChain(r.hamming, r.steps, r.chains).map((c) => c.subarray(r.steps / 2));
    const rHat = rhat(kept);
    samplers.push({
      name,
      accept,
      param: r.params[r.steps - 1],
      stepsPerSecond: r.steps / r.seconds,
      essMean: m.essMean,
      essPerEval: m.essPerEval,
      rhat: rHat,
      meanE,
    });
    lines.push(
      `   ${name.padEnd(13)} ${accept.toFixed(3).padStart(10)} ${
        r.params[r.steps - 1].toFixed(2).padStart(7)
      } ${(r.steps / r.seconds).toFixed(0).padStart(8)} ${m.essMean.toFixed(1).padStart(9)} ${
        m.essPerEval.toExponential(1).padStart(9)
      } ${rHat.toFixed(2).padStart(6)} ${meanE.toFixed(1).padStart(7)}`,
    );
  }
  report.ising = samplers;

  // 3. Annealed maximum independent set on an Erdos-Renyi graph, against the exact optimum.
  const mis = await demoMis(backend.gpu);
  report.mis = mis;
  lines.push(
    "",
    style("bold", `3. Maximum independent set, Erdos-Renyi n = ${mis.nodes}, ${mis.edges} edges`),
    `   annealed ${mis.sampler}, ${mis.chains} chains x ${mis.steps} steps on ${mis.backend}: ` +
      `best set size ${mis.size} (exact optimum ${mis.exact ?? "n/a"}, greedy ${mis.greedy}) ` +
      `in ${mis.seconds.toFixed(2)} s`,
  );

  // 4. Overdamped Langevin dynamics on the Muller-Brown potential: throughput and basin occupancy.
  const mb = mullerBrown({ scale: 0.1 });
  const trajectories = 4096, stride = 50, frameCount = 20;
  const sim = await simulate(mb, {
    starts: [Float64Array.from(mb.minima[0])],
    trajectoriesPerStart: trajectories,
    steps: stride * frameCount,
    stride,
    dt: 1e-3,
    beta: 1,
    seed: 2,
    keepFrames: false,
  }, backend.gpu);
  const finals = sim.final;
  const labels = labelByDescentBatch(mb, Float64Array.from(finals));
  const counts = new Array(mb.minima.length).fill(0);
  for (const l of labels) if (l >= 0) counts[l]++;
  const trajSteps = trajectories * stride * frameCount;
  report.mullerBrown = { trajectories, steps: stride * frameCount, seconds: sim.seconds, counts };
  lines.push(
    "",
    style("bold", "4. Overdamped Langevin on Muller-Brown (scaled 0.1), from the deepest minimum"),
    `   ${trajectories} trajectories x ${stride * frameCount} steps on ${sim.backend} in ${
      sim.seconds.toFixed(2)
    } s (${(trajSteps / sim.seconds / 1e6).toFixed(1)} M trajectory-steps/s); ` +
      `basin of the final states: ${counts.join(" / ")}`,
  );
  // 5-9. The neural layer and the domains built on it; each section prints its own lines.
  const sections: [string, (print: (line: string) => void) => Promise<void>][] = [
    ["5. The tfjs layer: second derivatives and matrix products", nnDemo],
    ["6. Metastable basins from trajectories", (print) => basinsDemo({ out: print })],
    ["7. Causal energy minimisation: Transformer layers as gradient steps", lmDemo],
    ["8. Binding energies by SE(3) denoising score matching (NERE)", bindingDemo],
    ["9. Retrosynthesis: templates re-ranked by a dual energy", retroDemo],
    ["10. Beyond DISCS: parallel tempering", (print) => ptDemoSection(print, backend.gpu)],
    [
      "11. Beyond DISCS: Swendsen-Wang cluster updates",
      (print) => swDemoSection(print, backend.gpu),
    ],
    [
      "12. Continuous samplers: one program at every dimension",
      (print) => dynamicsDemo({ out: print }, backend.gpu),
    ],
    ["13. Scale-out: shard plans merged to the single-machine result", shardDemoSection],
    [
      "14. Engine II: chains x sites, a paper-scale MIS on WebGPU",
      (print) => sitesDemoSection(print, backend.gpu),
    ],
  ];
  const texts: Record<string, string[]> = {};
  for (const [title, run] of sections) {
    const out: string[] = [];
    await run((line) => out.push(...line.split("\n")));
    texts[title] = out;
    lines.push("", style("bold", title), ...out.map((l) => `   ${l}`));
  }
  report.sections = texts;
  io.out(parsed.values.json ? JSON.stringify(report) : lines.join("\n"));
  return 0;
}
