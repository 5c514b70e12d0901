/**
 * `shard` over a `sample` run split by chain ranges: the merged run holds the single-machine
 * run's arrays bit for bit and its summary (all but the timing), also when a shard is interrupted
 * and run again (it continues from its last block); on a real Slurm cluster when one answers.
 * Runs with shared adaptation or exchanges are refused with one line.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { cliChild } from "../runs/_resume.ts";
import { assertSameRun, SAMPLE } from "./_sample.ts";

Deno.test("shard: a sample run split into 3 chain ranges merges to the single-machine run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const one = await cli(["sample", ...SAMPLE, "--runs-dir", `${dir}/one`, "--json"]);
    assertEquals(one.code, 0, one.err);
    const plan = `${dir}/plan`;
    const p = await cli(["shard", "plan", "sample", ...SAMPLE, "--shards", "3", "--out", plan]);
    assertEquals(p.code, 0, p.err);
    const saved = JSON.parse(await Deno.readTextFile(`${plan}/plan.json`));
    assertEquals(saved.units, ["chains 0-3", "chains 3-6", "chains 6-10"]);
    for (const i of ["2", "0"]) {
      assertEquals((await cli(["shard", "run", "--plan", plan, "--index", i])).code, 0);
    }
    const early = await cli(["shard", "merge", "--plan", plan]);
    assertEquals(early.code, 2);
    assertMatch(early.err, /shard 1 is missing/);
    // Shard 1 crashes (like kill -9) in its third block: rerun, it continues from its checkpoint.
    const store = new RunStore(`${plan}/runs`);
    const code = await cliChild(["shard", "run", "--plan", plan, "--index", "1"], "crash:sync:16");
    assertEquals(code, 137);
    const cut = await store.open("shard-1");
    assertEquals(cut.manifest.status, "running");
    const status = JSON.parse((await cli(["shard", "status", "--plan", plan, "--json"])).out);
    assertEquals(status.shards.map((s: { status: string }) => s.status), [
      "done",
      "running",
      "done",
    ]);
    assertEquals((await cli(["shard", "run", "--plan", plan, "--index", "1"])).code, 0);
    const m = await cli(["shard", "merge", "--plan", plan, "--json"]);
    assertEquals(m.code, 0, m.err);
    await assertSameRun(`${dir}/one`, JSON.parse(one.out).run, `${plan}/merged`, "sample");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shard: sample runs whose chains interact are refused with one line, nothing written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const shared = await cli([
      "shard",
      "plan",
      "sample",
      ...SAMPLE.map((a) => a === "off" ? "burn-in" : a),
      "--shards",
      "2",
      "--out",
      `${dir}/a`,
    ]);
    assertEquals(shared.code, 2);
    assertMatch(
      shared.err,
      /^error: shard plan: gwg with --adapt burn-in adapts one parameter over all chains/,
    );
    const pt = await cli([
      "shard",
      "plan",
      "sample",
      ...SAMPLE.map((a) => a === "gwg" ? "pt" : a),
      "--shards",
      "2",
      "--out",
      `${dir}/b`,
    ]);
    assertEquals(pt.code, 2);
    assertMatch(pt.err, /exchanges states between chains/);
    const many = await cli([
      "shard",
      "plan",
      "sample",
      ...SAMPLE,
      "--shards",
      "11",
      "--out",
      `${dir}/c`,
    ]);
    assertEquals(many.code, 2);
    assert((await Array.fromAsync(Deno.readDir(dir))).length === 0, "nothing written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
