/**
 * `shard` over a `basins bench` sweep: a 2-shard plan of 4 cells, one shard interrupted after its
 * first cell and run again (it keeps that cell), merges to the rows of one process, all but
 * timings; the same sweep resumed in one process (`basins bench --out F --resume`) too.
 */
import { assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import type { SweepRow } from "../../src/basins/evaluate.ts";

const BENCH = [
  "--systems=quadruple-well",
  "--dims=6,8",
  "--noises=white,ou",
  "--candidates=4",
  "--per-candidate=16",
  "--featurizer=window:5",
  "--baselines=kmeans",
  "--backend=cpu",
  "--hidden=8",
  "--seed=2",
];

/** Rows without the wall-clock fields. */
function timeless(rows: SweepRow[]) {
  return rows.map(({ simulateSeconds: _s, methods, ...r }) => ({
    ...r,
    methods: methods.map(({ seconds: _t, ...m }) => m),
  }));
}

async function rowsOf(path: string): Promise<SweepRow[]> {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("shard: a basins bench sweep split by cells merges to the single-process rows", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const single = await cli(["basins", "bench", ...BENCH, "--out", `${dir}/one.json`]);
    assertEquals(single.code, 0, single.err);
    const one = await rowsOf(`${dir}/one.json`);
    assertEquals(one.length, 4);
    const plan = `${dir}/plan`;
    const p = await cli([
      "shard",
      "plan",
      "basins",
      "bench",
      ...BENCH,
      "--shards",
      "2",
      "--out",
      plan,
    ]);
    assertEquals(p.code, 0, p.err);
    assertMatch(await Deno.readTextFile(`${plan}/slurm.sbatch`), /#SBATCH --array=0-1\n/);
    for (const i of ["0", "1"]) {
      assertEquals((await cli(["shard", "run", "--plan", plan, "--index", i])).code, 0);
    }
    // Shard 1 interrupted after its first cell: its state says running, its file holds one row.
    const state = JSON.parse(await Deno.readTextFile(`${plan}/shards/1/shard.json`));
    await Deno.writeTextFile(
      `${plan}/shards/1/shard.json`,
      JSON.stringify({ ...state, status: "running" }),
    );
    const kept = (await rowsOf(`${plan}/shards/1/basins_bench.json`)).slice(0, 1);
    await Deno.writeTextFile(`${plan}/shards/1/basins_bench.json`, JSON.stringify(kept));
    assertEquals((await cli(["shard", "merge", "--plan", plan])).code, 2);
    assertEquals((await cli(["shard", "run", "--plan", plan, "--index", "1"])).code, 0);
    const again = await rowsOf(`${plan}/shards/1/basins_bench.json`);
    assertEquals(again[0], kept[0], "the finished cell was kept, not run again");
    const m = await cli(["shard", "merge", "--plan", plan, "--json"]);
    assertEquals(m.code, 0, m.err);
    assertEquals(timeless(await rowsOf(`${plan}/merged/basins_bench.json`)), timeless(one));
    // The same sweep resumed in one process after losing its last two rows.
    await Deno.writeTextFile(`${dir}/cut.json`, JSON.stringify(one.slice(0, 2)));
    await Deno.copyFile(`${dir}/one.json.settings.json`, `${dir}/cut.json.settings.json`);
    const resumed = await cli([
      "basins",
      "bench",
      ...BENCH,
      "--out",
      `${dir}/cut.json`,
      "--resume",
    ]);
    assertEquals(resumed.code, 0, resumed.err);
    const cut = await rowsOf(`${dir}/cut.json`);
    assertEquals(cut.slice(0, 2), one.slice(0, 2));
    assertEquals(timeless(cut), timeless(one));
    // Other settings are refused before anything runs.
    const other = await cli([
      "basins",
      "bench",
      ...BENCH.map((a) => a === "--seed=2" ? "--seed=3" : a),
      "--out",
      `${dir}/cut.json`,
      "--resume",
    ]);
    assertEquals(other.code, 2);
    assertMatch(other.err, /was written with other settings/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
