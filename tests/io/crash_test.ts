/**
 * Crashes at chosen points of the write path (a test hook, not timing): a child process writes a
 * run and exits like `kill -9` before, during or after the n-th write, sync or rename, for every n
 * the run reaches. Afterwards the store must read, every `.npy` file must decode, and what is
 * there must be exactly what the uninterrupted run wrote (a prefix of its units).
 */
import { assert, assertEquals } from "../_assert.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { readNpyFile } from "../../src/io/npy_file.ts";
import { ROWS, traceRow, WIDTH } from "./_crash_child.ts";

const CHILD = new URL("./_crash_child.ts", import.meta.url).pathname;

const CHILD_ARGS = ["run", "--no-check", "--allow-read", "--allow-write", "--allow-env", CHILD];

async function runChild(dir: string, fault: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...CHILD_ARGS, dir],
    env: { LANDSCAPE_FAULT: fault },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0 && out.code !== 137) {
    throw new Error(`child failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.code;
}

/** Checks the store after a crash; returns the run's status, or null if it never got a manifest. */
async function checkStore(dir: string, rowsExpected = ROWS): Promise<string | null> {
  const list = await new RunStore(dir).list();
  const files = [...Deno.readDirSync(`${dir}/crash-run`)].map((e) => e.name);
  // Every published or partial .npy decodes (temporary files are never read).
  for (const f of files.filter((f) => /\.npy(\.partial)?$/.test(f))) {
    await readNpyFile(`${dir}/crash-run/${f}`, { allowTrailing: f.endsWith(".partial") });
  }
  if (list.runs.length === 0) {
    assert(!files.includes("run.json"), "a manifest on disk must be listed");
    return null;
  }
  assertEquals(list.runs.length, 1);
  const run = await new RunStore(dir).open("crash-run");
  for (const name of run.arrayNames) {
    const a = await run.readArray(name);
    if (name === "meta") assertEquals(Array.from(a.data), [1, 2, 3]);
    else {
      assertEquals(name, "trace");
      const rows = a.shape[0];
      assert(rows <= rowsExpected, `at most ${rowsExpected} rows, got ${rows}`);
      for (let r = 0; r < rows; r++) {
        assertEquals(
          Array.from(a.data.subarray(r * WIDTH, (r + 1) * WIDTH)),
          Array.from(traceRow(r)),
        );
      }
      if (run.manifest.status === "done") assertEquals(rows, rowsExpected);
    }
  }
  if (run.manifest.status === "done") assertEquals(run.arrayNames.sort(), ["meta", "trace"]);
  return run.manifest.status;
}

Deno.test("crash at every write, sync and rename: the store reads and holds a prefix of the run", async () => {
  const crashes: Record<string, number> = {};
  for (const point of ["write", "sync", "rename", "renamed"]) {
    crashes[point] = 0;
    for (let n = 1; n <= 200; n++) {
      const dir = await Deno.makeTempDir();
      try {
        const code = await runChild(dir, `crash:${point}:${n}`);
        const status = await checkStore(dir);
        if (code === 0) {
          assertEquals(status, "done", `${point} ${n}: an uninterrupted run is done`);
          break;
        }
        crashes[point]++;
        assert(
          status !== "done" || point === "renamed",
          `${point} ${n}: crashed runs are not done`,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
  }
  // The run goes through each point several times (one unit = a write, a sync and a header write).
  for (const [point, n] of Object.entries(crashes)) assert(n >= 3, `${point}: ${n} crash points`);
  console.log(`crash points tried: ${JSON.stringify(crashes)}`);
});

Deno.test("a real kill -9 while a run writes: the store reads and keeps every flushed unit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [...CHILD_ARGS, dir],
      env: { CRASH_CHILD_ROWS: "400", CRASH_CHILD_DELAY_MS: "20" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Wait until at least 3 units are on disk, then kill without warning.
    let flushed = 0;
    for (let i = 0; i < 600 && flushed < 3; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      try {
        const run = await new RunStore(dir).open("crash-run");
        if (run.arrayNames.includes("trace")) flushed = (await run.readArray("trace")).shape[0];
      } catch { /* not created yet */ }
    }
    child.kill("SIGKILL");
    const status = await child.status;
    assertEquals(status.signal, "SIGKILL");
    assertEquals(await checkStore(dir, 400), "running");
    const rows = (await (await new RunStore(dir).open("crash-run")).readArray("trace")).shape[0];
    assert(rows >= flushed, `rows seen before the kill (${flushed}) are still there (${rows})`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
