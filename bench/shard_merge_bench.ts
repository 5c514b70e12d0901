/**
 * The merge's cost per GB: a `sample` plan split into 4 chain ranges (run in this process, CPU
 * twin), then `shard merge`, which interleaves the shards' trace columns block by block into one
 * run. Prints the stored trace bytes, the merge time and its rate in seconds per GB (recorded in
 * docs/SCALE_OUT.md):
 *
 *   deno run -A bench/shard_merge_bench.ts [--steps 100000] [--chains 128]
 */
import { runCli } from "../src/cli/main.ts";

const flag = (name: string, fallback: string) =>
  Deno.args.includes(name) ? Deno.args[Deno.args.indexOf(name) + 1] : fallback;
const steps = Number(flag("--steps", "100000")), chains = Number(flag("--chains", "128"));
const SAMPLE = [
  "--model",
  "bernoulli",
  "--set",
  "model.numSites=8",
  "--sampler",
  "rwm",
  "--adapt",
  "off",
  "--chains",
  String(chains),
  "--steps",
  String(steps),
  "--backend",
  "cpu",
];
const quiet = { out: () => {}, notice: () => {} };
const dir = await Deno.makeTempDir();
const plan = `${dir}/plan`;
await runCli(["shard", "plan", "sample", ...SAMPLE, "--shards", "4", "--out", plan], quiet);
for (let i = 0; i < 4; i++) {
  await runCli(["shard", "run", "--plan", plan, "--index", String(i)], quiet);
}
const t0 = performance.now();
const code = await runCli(["shard", "merge", "--plan", plan], quiet);
const seconds = (performance.now() - t0) / 1000;
if (code !== 0) throw new Error(`merge failed (${code})`);
// The merged traces: energy and hamming, f32 [steps, chains] each.
const bytes = 2 * steps * chains * 4;
const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
console.log(`| traces (MB) | merge (s) | s per GB | load |`);
console.log(`|---|---|---|---|`);
console.log(
  `| ${(bytes / 1e6).toFixed(0)} | ${seconds.toFixed(2)} | ${
    (seconds / (bytes / 1e9)).toFixed(1)
  } | ${load} |`,
);
await Deno.remove(dir, { recursive: true });
