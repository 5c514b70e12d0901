/**
 * `discs --resume` after real interruptions: a sweep killed at planned crash points of its write
 * path (src/io/faults.ts) or by SIGKILL, then resumed, ends with the uninterrupted sweep's table
 * (all but timings and run ids) and, cell by cell, the same arrays; a cell cut mid-way continues
 * in its own run from its last block.
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli, TINY_SWEEP } from "../_cli.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { type DiscsRow, parseDiscsCsv } from "../../src/discs/mod.ts";
import { cliChild, killWhen } from "./_resume.ts";

const SWEEP = ["discs", ...TINY_SWEEP, "--json"];
const CLOCK: (keyof DiscsRow)[] = ["seconds", "essPerSecond", "run"];

async function table(dir: string) {
  const rows = parseDiscsCsv(await Deno.readTextFile(`${dir}/out/discs.csv`));
  return rows.map((r) => {
    const kept = { ...r } as Record<string, unknown>;
    for (const k of CLOCK) delete kept[k];
    return { key: `${r.suite}/${r.model}/${r.sampler}/${r.x}`, run: r.run, kept };
  });
}

/** Same table (but clock columns) and the same arrays in every cell's run. */
async function assertSameSweep(ref: string, dir: string, what: string): Promise<void> {
  const a = await table(ref), b = await table(dir);
  assertEquals(b.map((r) => r.kept), a.map((r) => r.kept), `${what}: table`);
  const ra = new RunStore(`${ref}/runs`), rb = new RunStore(`${dir}/runs`);
  // An interrupted cell continued in its own run: one run per cell, none abandoned.
  const runs = (await Array.fromAsync(Deno.readDir(`${dir}/runs`))).filter((e) => e.isDirectory);
  assertEquals(runs.length, a.length, `${what}: runs in the store`);
  for (let i = 0; i < a.length; i++) {
    const x = await ra.open(a[i].run), y = await rb.open(b[i].run);
    assertEquals(y.manifest.status, "done", `${what}: ${b[i].key}`);
    for (const name of x.arrayNames) {
      const u = await x.readArray(name), v = await y.readArray(name);
      assertEquals(
        Array.from(v.data as ArrayLike<number>),
        Array.from(u.data as ArrayLike<number>),
        `${what}: ${b[i].key} ${name}`,
      );
    }
  }
}

function args(dir: string): string[] {
  return [...SWEEP, "--out", `${dir}/out`, "--runs-dir", `${dir}/runs`];
}

Deno.test("discs --resume after planned crashes and a SIGKILL gives the uninterrupted sweep", async () => {
  const ref = await Deno.makeTempDir({ prefix: "discs_ref_" });
  try {
    const full = await cli(args(ref));
    assertEquals(full.code, 0, full.err);
    let crashed = 0;
    for (const fault of ["crash:write:20", "crash:rename:9", "crash:sync:30", "crash:renamed:21"]) {
      const dir = await Deno.makeTempDir({ prefix: "discs_crash_" });
      try {
        if ((await cliChild(args(dir), fault)) === 137) crashed++;
        const resumed = await cli([...args(dir), "--resume"]);
        assertEquals(resumed.code, 0, `${fault}: ${resumed.err}`);
        await assertSameSweep(ref, dir, fault);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
    assert(crashed >= 3, `only ${crashed} planned crashes fired`);
    const dir = await Deno.makeTempDir({ prefix: "discs_kill_" });
    try {
      // Killed once the first cell's row is in the table.
      await killWhen(args(dir), async () => {
        const csv = await Deno.readTextFile(`${dir}/out/discs.csv`).catch(() => "");
        return csv.trim().split("\n").length >= 2;
      });
      const resumed = await cli([...args(dir), "--resume"]);
      assertEquals(resumed.code, 0, resumed.err);
      await assertSameSweep(ref, dir, "SIGKILL");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await Deno.remove(ref, { recursive: true });
  }
});
