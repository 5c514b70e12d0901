/**
 * `shard` over a CO instance set (`co`), split by cells: the merged table equals the
 * single-machine one (all but timings) and every cell's run holds the same arrays.
 */
import { assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { CO_SWEEP, rowsOf } from "../co/_sweep.ts";
import { assertSameRun } from "./_sample.ts";

Deno.test("shard: a co sweep split into 3 shards merges to the single-machine table", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const one = await cli(["co", ...CO_SWEEP, "--out", `${dir}/one`, "--runs-dir", `${dir}/runs`]);
    assertEquals(one.code, 0, one.err);
    const plan = `${dir}/plan`;
    const p = await cli(["shard", "plan", "co", ...CO_SWEEP, "--shards", "3", "--out", plan]);
    assertEquals(p.code, 0, p.err);
    assertMatch(p.out, /planned 8 cells in 3 shards/);
    for (const i of ["2", "0"]) {
      assertEquals((await cli(["shard", "run", "--plan", plan, "--index", i])).code, 0);
    }
    const early = await cli(["shard", "merge", "--plan", plan]);
    assertEquals(early.code, 2);
    assertMatch(early.err, /shard 1 is missing/);
    assertEquals((await cli(["shard", "run", "--plan", plan, "--index", "1"])).code, 0);
    const m = await cli(["shard", "merge", "--plan", plan]);
    assertEquals(m.code, 0, m.err);
    const single = await rowsOf(`${dir}/one/co.csv`);
    assertEquals(await rowsOf(`${plan}/merged/co.csv`), single);
    for (const row of single) {
      await assertSameRun(`${dir}/runs`, row.run, `${plan}/runs`, row.run, "seconds", ["time"]);
    }
    const reserved = await cli([
      "shard",
      "plan",
      "co",
      ...CO_SWEEP,
      "--resume",
      "--shards",
      "2",
      "--out",
      `${dir}/x`,
    ]);
    assertEquals(reserved.code, 2);
    assertMatch(reserved.err, /co --resume is the plan's business/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
