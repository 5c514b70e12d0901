/**
 * `cli.ts co`: every cell is the `solve` run of its flags (same arrays and objective), a rerun
 * without --resume is refused and changes nothing, a sweep killed mid-way and resumed equals the
 * uninterrupted one, and bad flags are one-line errors that write nothing.
 */
import { assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { cliChild } from "../runs/_resume.ts";
import { assertSameRun } from "../shard/_sample.ts";
import { CO_SWEEP, rowsOf } from "./_sweep.ts";

Deno.test("co: each cell is its solve run; a rerun without --resume is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [...CO_SWEEP, "--out", `${dir}/out`, "--runs-dir", `${dir}/runs`];
    const r = await cli(["co", ...args, "--json"]);
    assertEquals(r.code, 0, r.err);
    const rows = await rowsOf(`${dir}/out/co.csv`);
    assertEquals(rows.map((x) => x.cell), [
      "pas p=0.1 seed=0",
      "pas p=0.1 seed=1",
      "pas p=0.2 seed=0",
      "pas p=0.2 seed=1",
      "rwm p=0.1 seed=0",
      "rwm p=0.1 seed=1",
      "rwm p=0.2 seed=0",
      "rwm p=0.2 seed=1",
    ]);
    // Cell "rwm p=0.2 seed=1" is `solve` with those flags and chain seed 100 + 1.
    const solve = await cli([
      "solve",
      "--problem",
      "mis",
      "--generate",
      "er",
      "--nodes",
      "20-24",
      "--density",
      "0.2",
      "--graph-seed",
      "1",
      "--sampler",
      "rwm",
      "--seed",
      "101",
      "--chains",
      "4",
      "--steps",
      "300",
      "--backend",
      "cpu",
      "--runs-dir",
      `${dir}/solo`,
      "--json",
    ]);
    assertEquals(solve.code, 0, solve.err);
    const s = JSON.parse(solve.out);
    assertEquals(rows[7].bestObjective, s.bestObjective);
    assertEquals(rows[7].nodes, s.nodes);
    await assertSameRun(`${dir}/solo`, s.run, `${dir}/runs`, rows[7].run, "seconds", ["time"]);
    const before = await Deno.readTextFile(`${dir}/out/co.csv`);
    const again = await cli(["co", ...args]);
    assertEquals(again.code, 2);
    assertMatch(again.err, /^error: co: .* already holds run co-[0-9a-f]{12}-0000 of this sweep/);
    assertEquals(await Deno.readTextFile(`${dir}/out/co.csv`), before);
    const other = await cli(["co", ...args, "--steps", "200", "--resume"]);
    assertEquals(other.code, 2);
    assertMatch(other.err, /holds the table of another sweep/);
    assertEquals(await Deno.readTextFile(`${dir}/out/co.csv`), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("co: a sweep killed mid-way and resumed equals the uninterrupted sweep", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const one = await cli(["co", ...CO_SWEEP, "--out", `${dir}/a`, "--runs-dir", `${dir}/ra`]);
    assertEquals(one.code, 0, one.err);
    const args = ["co", ...CO_SWEEP, "--out", `${dir}/b`, "--runs-dir", `${dir}/rb`, "--json"];
    assertEquals(await cliChild(args, "crash:sync:40"), 137);
    const cut = await rowsOf(`${dir}/b/co.csv`);
    assertEquals(cut.length > 0 && cut.length < 8, true, `cut after ${cut.length} cells`);
    const resumed = await cli([...args, "--resume"]);
    assertEquals(resumed.code, 0, resumed.err);
    const a = await rowsOf(`${dir}/a/co.csv`), b = await rowsOf(`${dir}/b/co.csv`);
    assertEquals(b, a);
    for (const row of a) {
      await assertSameRun(`${dir}/ra`, row.run, `${dir}/rb`, row.run, "seconds", ["time"]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("co: bad flags are one-line errors and write nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = ["--out", `${dir}/o`, "--runs-dir", `${dir}/r`];
    const cases: [string[], RegExp][] = [
      [
        ["--generate", "ba", "--nodes", "20", "--densities", "0.1"],
        /--densities does not apply to ba/,
      ],
      [["--generate", "xy", "--nodes", "20"], /--generate expects er or ba, got 'xy'/],
      [["--nodes", "20"], /give either --generate er\|ba or --graphs/],
      [[...CO_SWEEP, "--samplers", "pas,nope"], /sampler/],
      [[...CO_SWEEP, "--graph-seeds", "3-1"], /--graph-seeds expects A-B with A <= B/],
      [[...CO_SWEEP, "--samplers", "pas,pas"], /appears twice/],
      [["--graphs", `${dir}/missing.col`], /missing\.col/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(["co", ...flags, ...out]);
      assertEquals(r.code, 2, `${flags.join(" ")}: ${r.err}`);
      assertMatch(r.err, message);
      assertEquals(r.err.trim().split("\n").length, 1, r.err);
    }
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("co: an instance set of graph files, one row per sampler and file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A 5-cycle (MIS 2) and a star with 4 leaves (MIS 4), as 0-based edge lists.
    await Deno.writeTextFile(`${dir}/c5.txt`, "0 1\n1 2\n2 3\n3 4\n4 0\n");
    await Deno.writeTextFile(`${dir}/star.txt`, "0 1\n0 2\n0 3\n0 4\n");
    const r = await cli([
      "co",
      "--graphs",
      `${dir}/c5.txt,${dir}/star.txt`,
      "--samplers",
      "pas",
      "--chains",
      "4",
      "--steps",
      "200",
      "--backend",
      "cpu",
      "--out",
      `${dir}/o`,
      "--runs-dir",
      `${dir}/r`,
    ]);
    assertEquals(r.code, 0, r.err);
    const rows = await rowsOf(`${dir}/o/co.csv`);
    assertEquals(rows.map((x) => [x.graph, x.nodes, x.edges, x.repairedObjective]), [
      [`${dir}/c5.txt`, 5, 5, 2],
      [`${dir}/star.txt`, 5, 4, 4],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
