/**
 * Time to the first step, pipeline compilation included, for every discrete sampler on every
 * model family at DISCS's default and paper sizes: each case runs in a fresh process with Mesa's
 * shader cache disabled, so nothing is reused from an earlier compile. Prints a markdown table
 * (docs/PERFORMANCE.md). Target: under 30 s per case on the 2-core llvmpipe machine.
 *
 * `MESA_SHADER_CACHE_DISABLE=true deno run -A bench/compile_bench.ts [--samplers rwm,dmala]
 *   [--models ising50,ising100]`
 * @module
 */
import { parseArgs } from "node:util";
import { acquireGpu } from "../src/gpu/mod.ts";
import {
  categoricalModel,
  fhmmModel,
  isingModel,
  pottsModel,
  rbmModel,
} from "../src/models/discrete/mod.ts";
import type { DiscreteModel } from "../src/models/discrete/model.ts";
import { buildSampler, SAMPLER_NAMES, samplerSupports } from "../src/samplers/registry.ts";
import { gpuLimitReason, runSampler } from "../src/samplers/engine.ts";
import { parseConfig } from "../src/io/config.ts";
import { SamplerConfig } from "../src/samplers/registry.ts";

/** DISCS default and paper-scale configurations (sizes as in DISCS's configs). */
const MODELS: Record<string, () => DiscreteModel> = {
  ising50: () => isingModel({ size: 50 }),
  ising100: () => isingModel({ size: 100 }),
  potts50: () => pottsModel({ size: 50, numCategories: 4 }),
  categorical: () => categoricalModel({ numSites: 2000, numCategories: 4 }),
  fhmm: () => fhmmModel({ numSteps: 200, numChains: 50 }),
  rbm: () => rbmModel({ numVisible: 784, numHidden: 25 }) as DiscreteModel,
};

const { values } = parseArgs({
  options: {
    samplers: { type: "string", default: SAMPLER_NAMES.join(",") },
    models: { type: "string", default: Object.keys(MODELS).join(",") },
    child: { type: "string" },
  },
});

if (values.child) {
  // One case: build, compile and take one step of 100 chains; print the seconds.
  const [modelName, samplerName] = values.child.split(":");
  const gpu = await acquireGpu();
  if (!gpu) throw new Error("no WebGPU adapter");
  const model = MODELS[modelName]();
  const sampler = buildSampler(parseConfig(SamplerConfig, { name: samplerName }, "--samplers"));
  if (!samplerSupports(samplerName, model.name)) {
    console.log(JSON.stringify({ unsupported: true }));
  } else if (gpuLimitReason(model, sampler, gpu)) {
    console.log(JSON.stringify({ refused: true }));
  } else {
    const t = performance.now();
    await runSampler(model, sampler, { chains: 100, steps: 1, seed: 0 }, gpu);
    console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000 }));
  }
} else {
  const samplers = values.samplers.split(",");
  const models = values.models.split(",");
  console.log(`| sampler | ${models.join(" | ")} |`);
  console.log(`| --- |${models.map(() => " ---: |").join("")}`);
  for (const s of samplers) {
    const cells: string[] = [];
    for (const m of models) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL(import.meta.url).pathname, `--child=${m}:${s}`],
        env: { MESA_SHADER_CACHE_DISABLE: "true" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
      let cell = "error";
      try {
        const r = JSON.parse(text);
        cell = r.unsupported
          ? "n/a"
          : r.refused
          ? "refused (loop limit)"
          : `${r.seconds.toFixed(1)} s`;
      } catch {
        cell = `error: ${new TextDecoder().decode(out.stderr).trim().split("\n").pop()}`;
      }
      cells.push(cell);
    }
    console.log(`| ${s} | ${cells.join(" | ")} |`);
  }
}
