/**
 * `discs --resume`: an interrupted sweep continues in the same --out; cells stored `done` are kept
 * (same run ids), the others run again and give the same arrays as the uninterrupted sweep.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cli, TINY_SWEEP } from "../_cli.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { parseDiscsCsv, rowsToCsv } from "../../src/discs/mod.ts";

const SWEEP = ["discs", ...TINY_SWEEP, "--json"];

Deno.test("discs --resume keeps finished cells and their runs, and recomputes a failed one in its run bit for bit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [...SWEEP, "--out", `${dir}/out`, "--runs-dir", `${dir}/runs`];
    const full = await cli(args);
    assertEquals(full.code, 0, full.err);
    const rows = parseDiscsCsv(await Deno.readTextFile(`${dir}/out/discs.csv`));
    assertEquals(rows.length, 4);
    // Interrupted after the fourth cell's run: the table lost two rows, the third cell's run failed.
    const store = new RunStore(`${dir}/runs`);
    const hamming2 = await (await store.open(rows[2].run)).readArray("hamming");
    await Deno.writeTextFile(`${dir}/out/discs.csv`, rowsToCsv(rows.slice(0, 2)));
    const failed = JSON.parse(await Deno.readTextFile(`${dir}/runs/${rows[2].run}/run.json`));
    failed.status = "failed";
    await Deno.writeTextFile(`${dir}/runs/${rows[2].run}/run.json`, JSON.stringify(failed));

    const resumed = await cli([...args, "--resume"]);
    assertEquals(resumed.code, 0, resumed.err);
    const again = parseDiscsCsv(await Deno.readTextFile(`${dir}/out/discs.csv`));
    assertEquals(again.length, 4);
    // Every cell keeps its run: the failed one is redone in it, the finished one is read back.
    assertEquals(again.map((r) => r.run), rows.map((r) => r.run));
    const redone = await store.open(again[2].run);
    assertEquals(redone.manifest.status, "done");
    assertEquals(Array.from((await redone.readArray("hamming")).data), Array.from(hamming2.data));
    for (const k of [2, 3]) {
      const { seconds: _a, essPerSecond: _b, ...x } = again[k],
        { seconds: _c, essPerSecond: _d, ...y } = rows[k];
      assertEquals(x, y);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discs --resume refuses another plan or a missing one, exit 2, nothing changed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = ["--out", `${dir}/out`, "--runs-dir", `${dir}/runs`];
    const none = await cli([...SWEEP, ...out, "--resume"]);
    assertEquals(none.code, 2);
    assertMatch(none.err, /discs --resume: cannot read .*discs_plan\.json/);
    assertEquals((await cli([...SWEEP, ...out])).code, 0);
    const before = await Deno.readTextFile(`${dir}/out/discs.csv`);
    const other = await cli([...SWEEP.map((a) => a === "30" ? "40" : a), ...out, "--resume"]);
    assertEquals(other.code, 2);
    assertMatch(other.err, /discs_plan\.json has another overrides: expected the same flags/);
    assert(!other.err.includes("\n"));
    assertEquals(await Deno.readTextFile(`${dir}/out/discs.csv`), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
