/**
 * The demo's scale-out section: a CO instance set and a `simulate` run, each run once as one
 * process and once as a shard plan (the steps a Slurm array or an Indexed Job would run, here in
 * turn), merged and compared with the single-machine result.
 * @module
 */
import { RunStore } from "../io/run_store.ts";
import { parseCommand } from "./args.ts";
import { CO_SPEC, coCommand } from "./co.ts";
import { parseCoCsv } from "./co_table.ts";
import { SHARD_SPEC, shardCommand } from "./shard.ts";
import { SIMULATE_SPEC, simulateCommand } from "./simulate.ts";
import type { CliIo } from "./io.ts";

const quiet: CliIo = { out: () => {}, notice: () => {} };

async function shard(args: string[]): Promise<void> {
  const code = await shardCommand(parseCommand(SHARD_SPEC, args), args, quiet);
  if (code !== 0) throw new Error(`shard ${args.join(" ")} exited ${code}`);
}

/** Runs a plan's shards in turn, then merges them. */
async function planRunMerge(command: string[], shards: number, plan: string): Promise<void> {
  await shard(["plan", ...command, "--shards", String(shards), "--out", plan]);
  for (let i = shards - 1; i >= 0; i--) await shard(["run", "--plan", plan, "--index", `${i}`]);
  await shard(["merge", "--plan", plan]);
}

/** Prints the section (about 5 s on two cores). */
export async function shardDemoSection(print: (line: string) => void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "landscape_shard_demo_" });
  try {
    // CO: MIS on 2 densities x 3 ER graphs x 2 samplers, as one process and as 3 shards.
    const sweep = [
      "--generate",
      "er",
      "--nodes",
      "30-40",
      "--densities",
      "0.1,0.2",
      "--graph-seeds",
      "0-2",
      "--samplers",
      "pas,dmala",
      "--chains",
      "8",
      "--steps",
      "300",
      "--backend",
      "cpu",
    ];
    const one = [...sweep, "--out", `${dir}/one`, "--runs-dir", `${dir}/runs`];
    await coCommand(parseCommand(CO_SPEC, one), one, quiet);
    await planRunMerge(["co", ...sweep], 3, `${dir}/co`);
    const table = async (path: string) =>
      parseCoCsv(await Deno.readTextFile(path), path).map(({ seconds: _s, ...r }) => r);
    const a = await table(`${dir}/one/co.csv`), b = await table(`${dir}/co/merged/co.csv`);
    const same = JSON.stringify(a) === JSON.stringify(b);
    const best = (s: string) =>
      a.filter((r) => r.sampler === s).reduce((t, r) => t + r.repairedObjective, 0) / 6;
    print(
      `co: ${a.length} cells (MIS, ER-[30-40] p = 0.1 / 0.2, 3 graphs each, PAS and DMALA) in 3 ` +
        `shards; merged table ${same ? "equals" : "DIFFERS FROM"} one process ` +
        `(mean best set: PAS ${best("pas").toFixed(2)}, DMALA ${best("dmala").toFixed(2)})`,
    );
    // simulate: Muller-Brown trajectories embedded in D = 50 with OU noise, in 4 ranges.
    const sim = [
      "--system",
      "muller-brown",
      "--dim",
      "50",
      "--noise",
      "ou",
      "--starts",
      "3",
      "--trajectories",
      "10",
      "--frames",
      "20",
      "--stride",
      "20",
      "--backend",
      "cpu",
    ];
    const simOne = [...sim, "--runs-dir", `${dir}/sim`, "--json"];
    let id = "";
    await simulateCommand(parseCommand(SIMULATE_SPEC, simOne), simOne, {
      out: (t) => id = JSON.parse(t).run,
      notice: () => {},
    });
    await planRunMerge(["simulate", ...sim], 4, `${dir}/simplan`);
    const x = await (await new RunStore(`${dir}/sim`).open(id)).readArray("frames");
    const y = await (await new RunStore(`${dir}/simplan/merged`).open("simulate"))
      .readArray("frames");
    const u = new Uint8Array((x.data as Float32Array).buffer);
    const v = new Uint8Array((y.data as Float32Array).buffer);
    const identical = u.length === v.length && u.every((b, i) => b === v[i]);
    print(
      `simulate: 30 trajectories x 21 frames x D = 50 in 4 trajectory ranges; merged frames ` +
        `${identical ? "identical bit for bit to" : "DIFFER FROM"} one process (${u.length} bytes)`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
