/**
 * `runs resume` of `rbm train` runs: a run killed at chosen points of its write path (planned
 * crashes) or by a real SIGKILL, then resumed, ends with exactly the arrays (trained weights,
 * per-epoch figures) of the uninterrupted run; other code is refused with one line.
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

// Adam with two Gibbs sweeps per update: the checkpoint must carry moments, chains and order.
const RBM = [
  "rbm",
  "train",
  "--samples",
  "120",
  "--hidden",
  "4",
  "--batch",
  "40",
  "--monitor",
  "10",
  "--optimizer",
  "adam",
  "--lr",
  "0.01",
  "--cd-steps",
  "2",
  "--seed",
  "5",
  "--json",
];

const withEpochs = (n: number) => [...RBM, "--epochs", String(n)];

async function reference(epochs: number): Promise<{ dir: string; id: string }> {
  const dir = await Deno.makeTempDir({ prefix: "rbm_ref_" });
  const r = await cli([...withEpochs(epochs), "--runs-dir", dir]);
  assertEquals(r.code, 0, r.err);
  return { dir, id: JSON.parse(r.out).run };
}

Deno.test("runs resume: rbm train killed at planned crash points resumes to the uninterrupted bits", async () => {
  const ref = await reference(4);
  // Spread over the run: the manifest, the first epoch's rows, a checkpoint's arrays and its
  // rename, later epochs, and the final arrays.
  const faults = [
    "crash:rename:1",
    "crash:write:5",
    "crash:sync:12",
    "crash:renamed:9",
    "crash:write:30",
    "crash:rename:40",
    "crash:write:80",
  ];
  try {
    const crashed = await crashEachAndResume([...withEpochs(4)], faults, ref, "rbm");
    assertEquals(crashed, faults.length, "every planned crash fired");
  } finally {
    await Deno.remove(ref.dir, { recursive: true });
  }
});

Deno.test("runs resume: an rbm run killed by SIGKILL mid-run resumes to the uninterrupted bits", async () => {
  const ref = await reference(40);
  const dir = await Deno.makeTempDir({ prefix: "rbm_kill_" });
  try {
    await killWhen([...withEpochs(40), "--runs-dir", dir], () => checkpointed(dir));
    const id = (await onlyRun(dir))!;
    const before = JSON.parse(await Deno.readTextFile(`${dir}/${id}/run.json`));
    assertEquals(before.status, "running", "the kill came before the end of the run");
    const resumed = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
    assertEquals(resumed.code, 0, resumed.err);
    assert(/resumed run .* at epoch [1-9][0-9]* of 40/.test(resumed.err), resumed.err);
    await assertSameArrays(ref.dir, ref.id, dir, id);
  } finally {
    await Deno.remove(ref.dir, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runs resume: an rbm run from other code is refused with one line, untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rbm_bad_" });
  try {
    assertEquals(await cliChild([...withEpochs(4), "--runs-dir", dir], "crash:write:80"), 137);
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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
