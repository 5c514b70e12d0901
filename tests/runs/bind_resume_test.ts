/**
 * `runs resume` of `bind train` runs: a run killed at chosen points of its write path (planned
 * crashes) or by a real SIGKILL, then resumed, ends with exactly the arrays (loss curves and
 * network parameters) of the uninterrupted run; other code is refused with one line.
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import {
  assertSameArrays,
  checkpointed,
  cliChild,
  crashEachAndResume,
  killWhen,
  onlyRun,
} from "./_resume.ts";

// Six complexes in batches of 4: two steps per epoch, the second one short.
const bind = (epochs: number) => [
  "bind",
  "train",
  "--data",
  "synthetic",
  "--complexes",
  "6",
  "--epochs",
  String(epochs),
  "--seed",
  "1",
  "--json",
];

async function reference(epochs: number): Promise<{ dir: string; id: string }> {
  const dir = await Deno.makeTempDir({ prefix: "bind_ref_" });
  const r = await cli([...bind(epochs), "--runs-dir", dir]);
  assertEquals(r.code, 0, r.err);
  return { dir, id: JSON.parse(r.out).run };
}

Deno.test("runs resume: bind train killed at planned crash points resumes to the uninterrupted bits", async () => {
  const ref = await reference(3);
  // The manifest, the first epoch's rows, checkpoints' parameter and moment arrays and their
  // renames in each epoch, and the final parameters.
  const faults = [
    "crash:rename:1",
    "crash:write:6",
    "crash:sync:20",
    "crash:renamed:30",
    "crash:rename:90",
    "crash:write:150",
    "crash:write:250",
  ];
  try {
    const crashed = await crashEachAndResume([...bind(3)], faults, ref, "bind");
    assertEquals(crashed, faults.length, "every planned crash fired");
  } finally {
    await Deno.remove(ref.dir, { recursive: true });
  }
});

Deno.test("runs resume: a bind run killed by SIGKILL mid-run resumes to the uninterrupted bits", async () => {
  const ref = await reference(25);
  const dir = await Deno.makeTempDir({ prefix: "bind_kill_" });
  try {
    await killWhen([...bind(25), "--runs-dir", dir], () => checkpointed(dir));
    const id = (await onlyRun(dir))!;
    const before = JSON.parse(await Deno.readTextFile(`${dir}/${id}/run.json`));
    assertEquals(before.status, "running", "the kill came before the end of the run");
    const resumed = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
    assertEquals(resumed.code, 0, resumed.err);
    assert(/resumed run .* at epoch [1-9][0-9]* of 25/.test(resumed.err), resumed.err);
    await assertSameArrays(ref.dir, ref.id, dir, id);
    // The resumed network scores like the uninterrupted one (it is the same network).
    assertEquals(JSON.parse(resumed.out).epochLosses.length, 25);
  } finally {
    await Deno.remove(ref.dir, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runs resume: a bind run from other code, or a bench run, is refused with one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bind_bad_" });
  try {
    assertEquals(await cliChild([...bind(3), "--runs-dir", dir], "crash:write:150"), 137);
    const id = (await onlyRun(dir))!;
    const path = `${dir}/${id}/checkpoint.json`;
    const good = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, JSON.stringify({ ...JSON.parse(good), codeVersion: "0.0.1+x" }));
    const runJson = await Deno.readTextFile(`${dir}/${id}/run.json`);
    const other = await cli(["runs", "resume", id, "--runs-dir", dir]);
    assertEquals(other.code, 2);
    assert(other.err.includes("was written by code version 0.0.1+x"), other.err);
    assertEquals(other.err.split("\n").length, 1);
    assertEquals(await Deno.readTextFile(`${dir}/${id}/run.json`), runJson);
    // A run of another `bind` subcommand (no kind recorded, command 'bind') is not resumable.
    const run = JSON.parse(runJson);
    await Deno.writeTextFile(
      `${dir}/${id}/run.json`,
      JSON.stringify({ ...run, kind: undefined, config: { kind: "bind-bench" } }),
    );
    const bench = await cli(["runs", "resume", id, "--runs-dir", dir]);
    assertEquals([bench.code, bench.err], [
      2,
      `error: runs resume: run '${id}' is not a 'bind train' run`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
