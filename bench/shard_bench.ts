/**
 * Scale-out cost on one machine: a DISCS sweep as one process, and as a 4-shard Slurm job array
 * on the local single-node cluster (`bash .ci/slurm.sh` starts one), then the merge. Run on a
 * quiet machine:
 *
 *   deno run -A bench/shard_bench.ts [--steps 2000]
 *
 * Prints one markdown table (recorded in docs/SCALE_OUT.md).
 */
import { runCli } from "../src/cli/main.ts";

const steps = Deno.args.includes("--steps") ? Deno.args[Deno.args.indexOf("--steps") + 1] : "2000";
const SWEEP = [
  "--quick",
  "--suite",
  "temperature",
  "--samplers",
  "dlmc,gwg",
  "--steps",
  steps,
  "--chains",
  "32",
  "--backend",
  "cpu",
];
const quiet = { out: () => {}, notice: () => {} };
const dir = await Deno.makeTempDir();

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

const single = await timed(() =>
  runCli(["discs", ...SWEEP, "--out", `${dir}/one`, "--runs-dir", `${dir}/runs1`, "--json"], quiet)
);
const plan = `${dir}/plan`;
await runCli(["shard", "plan", "discs", ...SWEEP, "--shards", "4", "--out", plan], quiet);
const sharded = await timed(async () => {
  const env = { ...Deno.env.toObject(), LANDSCAPE_DENO: Deno.execPath() };
  const r = await new Deno.Command("sbatch", {
    args: ["--parsable", "--wait", `${plan}/slurm.sbatch`],
    env,
    stdout: "piped",
  }).output();
  if (!r.success) throw new Error("sbatch failed (is Slurm up? bash .ci/slurm.sh)");
});
const merge = await timed(() => runCli(["shard", "merge", "--plan", plan], quiet));
const cells = (await Deno.readTextFile(`${plan}/merged/discs.csv`)).trim().split("\n").length - 1;
const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
console.log(`| sweep | cells | one process (s) | 4 Slurm shards (s) | ratio | merge (s) | load |`);
console.log(`|---|---|---|---|---|---|---|`);
console.log(
  `| temperature quick, dlmc+gwg, ${steps} steps, 32 chains, cpu | ${cells} | ${
    single.toFixed(1)
  } | ` +
    `${sharded.toFixed(1)} | ${(sharded / single).toFixed(2)} | ${merge.toFixed(2)} | ${load} |`,
);
await Deno.remove(dir, { recursive: true });
