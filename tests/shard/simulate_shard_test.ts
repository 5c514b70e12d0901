/**
 * `shard` over a `simulate` run split by trajectory ranges (ranges that cut through a start's
 * trajectories included): the merged run holds the single-machine run's arrays bit for bit and its
 * summary (all but the timing), also when a shard crashes and is run again; on the CPU twin and,
 * where an adapter exists, on WebGPU.
 */
import { assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { acquireGpu } from "../../src/gpu/mod.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { cliChild } from "../runs/_resume.ts";
import { assertSameRun } from "./_sample.ts";

/** 3 starts x 4 trajectories of Muller-Brown, BAOAB, embedded in D = 12 with OU noise. */
const simulateArgs = (backend: string) => [
  "--system",
  "muller-brown",
  "--dim",
  "12",
  "--noise",
  "ou",
  "--starts",
  "3",
  "--trajectories",
  "4",
  "--frames",
  "12",
  "--stride",
  "5",
  "--integrator",
  "baoab",
  "--seed",
  "7",
  "--set",
  "blockFrames=3",
  "--backend",
  backend,
];

async function splitAndMerge(backend: string, crash: boolean) {
  const dir = await Deno.makeTempDir();
  try {
    const args = simulateArgs(backend);
    const one = await cli(["simulate", ...args, "--runs-dir", `${dir}/one`, "--json"]);
    assertEquals(one.code, 0, one.err);
    const plan = `${dir}/plan`;
    const p = await cli(["shard", "plan", "simulate", ...args, "--shards", "5", "--out", plan]);
    assertEquals(p.code, 0, p.err);
    assertMatch(p.out, /planned 5 trajectory ranges in 5 shards/);
    const saved = JSON.parse(await Deno.readTextFile(`${plan}/plan.json`));
    assertEquals(saved.units, [
      "trajectories 0-2",
      "trajectories 2-4",
      "trajectories 4-7",
      "trajectories 7-9",
      "trajectories 9-12",
    ]);
    for (const i of ["4", "0", "1", "3"]) {
      const r = await cli(["shard", "run", "--plan", plan, "--index", i]);
      assertEquals(r.code, 0, r.err);
    }
    const early = await cli(["shard", "merge", "--plan", plan]);
    assertEquals(early.code, 2);
    assertMatch(early.err, /shard 2 is missing/);
    if (crash) {
      // Shard 2 dies (like kill -9) after its second block: rerun, it continues from there.
      const code = await cliChild(["shard", "run", "--plan", plan, "--index", "2"], "crash:sync:9");
      assertEquals(code, 137);
      assertEquals((await new RunStore(`${plan}/runs`).open("shard-2")).manifest.status, "running");
    }
    assertEquals((await cli(["shard", "run", "--plan", plan, "--index", "2"])).code, 0);
    const m = await cli(["shard", "merge", "--plan", plan, "--json"]);
    assertEquals(m.code, 0, m.err);
    await assertSameRun(
      `${dir}/one`,
      JSON.parse(one.out).run,
      `${plan}/merged`,
      "simulate",
      "trajectoryStepsPerSecond",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("shard: a simulate run split into 5 trajectory ranges merges to the single-machine run (cpu)", async () => {
  await splitAndMerge("cpu", true);
});

const gpu = await acquireGpu();
Deno.test({
  name:
    "shard: a simulate run split into 5 trajectory ranges merges to the single-machine run (webgpu)",
  ignore: gpu === null,
  fn: () => splitAndMerge("webgpu", false),
});

Deno.test("shard: simulate plans with more shards than trajectories are refused, nothing written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await cli([
      "shard",
      "plan",
      "simulate",
      ...simulateArgs("cpu"),
      "--shards",
      "13",
      "--out",
      `${dir}/p`,
    ]);
    assertEquals(r.code, 2);
    assertMatch(r.err, /^error: shard plan: 13 shards for 12 trajectories: expected 1\.\.12$/);
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
