/**
 * Helpers of the `runs resume` tests: run `cli.ts` in a child process (with a planned crash
 * or a real SIGKILL), and compare every array of two runs bit for bit.
 * @module
 */
import { assertEquals } from "../_assert.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { cli } from "../_cli.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/** Runs `cli.ts <args>` as a child; returns its exit code (137 for a planned crash). */
export async function cliChild(args: string[], fault?: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", CLI, ...args],
    env: fault ? { LANDSCAPE_FAULT: fault } : {},
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0 && out.code !== 137) {
    throw new Error(
      `cli.ts ${args[0]} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return out.code;
}

/**
 * Starts `cli.ts <args>`, waits until `ready()` holds, runs `whileAlive` (if given) with the
 * child still running, then kills the child with SIGKILL.
 */
export async function killWhen(
  args: string[],
  ready: () => Promise<boolean>,
  whileAlive?: () => Promise<void>,
): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", CLI, ...args],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (let i = 0; i < 1200 && !(await ready()); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await whileAlive?.();
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

/** The only run in the store at `dir`. */
export async function onlyRun(dir: string): Promise<string | null> {
  const { runs } = await new RunStore(dir).list();
  return runs.length ? runs[0].id : null;
}

/** Both runs are done and hold the same arrays with the same bits; no checkpoint is left. */
export async function assertSameArrays(
  dirA: string,
  a: string,
  dirB: string,
  b: string,
  what = "",
  skip: readonly string[] = [],
) {
  const ra = await new RunStore(dirA).open(a), rb = await new RunStore(dirB).open(b);
  assertEquals(rb.manifest.status, "done", `run ${b}: ${rb.manifest.error ?? ""}`);
  assertEquals([...rb.arrayNames].sort(), [...ra.arrayNames].sort());
  for (const name of ra.arrayNames) {
    if (skip.includes(name)) continue;
    const x = await ra.readArray(name), y = await rb.readArray(name);
    assertEquals(y.shape, x.shape, `${what}: ${name}`);
    assertEquals(
      Array.from(y.data as ArrayLike<number>),
      Array.from(x.data as ArrayLike<number>),
      name,
    );
  }
  const left = [...Deno.readDirSync(`${dirB}/${b}`)].filter((e) => e.name.startsWith("checkpoint"));
  assertEquals(left.map((e) => e.name), [], `${what}: checkpoint files left in a done run`);
}

/** Whether the only run in `dir` has stored its first checkpoint (a SIGKILL test's moment). */
export async function checkpointed(dir: string): Promise<boolean> {
  const id = await onlyRun(dir);
  return id !== null &&
    (await Deno.stat(`${dir}/${id}/checkpoint.json`).then(() => true, () => false));
}

/**
 * Runs `cli.ts <args>` crashed at each planned fault, resumes every unfinished run with `runs
 * resume`, and checks it against the reference run (`skip`: wall-clock arrays). Returns how many
 * planned crashes fired.
 */
export async function crashEachAndResume(
  args: string[],
  faults: readonly string[],
  ref: { dir: string; id: string },
  what: string,
  skip: readonly string[] = [],
): Promise<number> {
  let crashed = 0;
  for (const fault of faults) {
    const dir = await Deno.makeTempDir({ prefix: "resume_crash_" });
    try {
      if ((await cliChild([...args, "--runs-dir", dir], fault)) === 137) crashed++;
      const id = await onlyRun(dir);
      if (id === null) continue; // crashed before its manifest existed: nothing to resume
      const manifest = JSON.parse(await Deno.readTextFile(`${dir}/${id}/run.json`));
      if (manifest.status !== "done") {
        const r = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
        assertEquals(r.code, 0, `${what} ${fault}: ${r.err}`);
      }
      await assertSameArrays(ref.dir, ref.id, dir, id, `${what} ${fault}`, skip);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  return crashed;
}
