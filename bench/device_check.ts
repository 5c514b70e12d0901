/**
 * Device check for a real GPU (or any adapter): every sampler replays the CPU twin bit for bit,
 * then steps/s per sampler on the DISCS Ising 50x50 (100 and 10,000 chains) and Bernoulli 10k.
 * `deno run -A bench/device_check.ts`; on a machine without the npm cache, bundle it first with
 * `deno bundle --platform=deno -o check.js bench/device_check.ts`.
 * @module
 */
import { acquireGpu } from "../src/gpu/mod.ts";
import { bernoulliModel, isingModel } from "../src/models/discrete/mod.ts";
import { buildSampler, SAMPLER_NAMES, samplerSupports } from "../src/samplers/registry.ts";
import { runSampler } from "../src/samplers/engine.ts";
import { parseConfig } from "../src/io/config.ts";
import { SamplerConfig } from "../src/samplers/registry.ts";
const gpu = await acquireGpu();
if (!gpu) throw new Error("no adapter");
console.log("adapter:", JSON.stringify(gpu.adapter));
const small = isingModel({ size: 4 });
for (const name of SAMPLER_NAMES) {
  const s = buildSampler(parseConfig(SamplerConfig, { name }, "x"));
  const o = { chains: 64, steps: 100, seed: 3, blockSteps: 40 };
  const [a, b] = await Promise.all([runSampler(small, s, o, gpu), runSampler(small, s, o, null)]);
  let de = 0;
  for (let i = 0; i < a.energies.length; i++) if (a.energies[i] !== b.energies[i]) de++;
  let ds = 0;
  for (let i = 0; i < a.finalStates.length; i++) if (a.finalStates[i] !== b.finalStates[i]) ds++;
  console.log(
    `identity ${
      name.padEnd(13)
    } energy mismatches ${de}/${a.energies.length}, state mismatches ${ds}`,
  );
}
const rows: string[] = [];
for (
  const [label, model, chains] of [
    ["ising 50x50", isingModel({ size: 50 }), 100],
    ["ising 50x50", isingModel({ size: 50 }), 10000],
    ["bernoulli 10k", bernoulliModel({ numSites: 10000 }), 100],
  ] as const
) {
  for (const name of SAMPLER_NAMES) {
    if (!samplerSupports(name, model.name)) continue; // e.g. sw: Ising and Potts only
    const s = buildSampler(parseConfig(SamplerConfig, { name }, "x"));
    const steps = chains > 1000 ? 50 : 300;
    try {
      await runSampler(model, s, { chains, steps: 4, seed: 1, adapt: "always" }, gpu);
    } catch (e) {
      console.log(
        `| ${label} | ${chains} | ${name} | refused: ${(e as Error).message.slice(0, 60)} |`,
      );
      continue;
    }
    const r = await runSampler(model, s, {
      chains,
      steps,
      seed: 1,
      adapt: "always",
      blockSteps: 300,
    }, gpu);
    const acc = r.acceptance.reduce((x, y) => x + y, 0) / chains;
    rows.push(
      `| ${label} | ${chains} | ${name} | ${(steps / r.seconds).toFixed(0)} | ${
        (steps * chains / r.seconds / 1e6).toFixed(2)
      } | ${acc.toFixed(3)} |`,
    );
    console.log(rows[rows.length - 1]);
  }
}
