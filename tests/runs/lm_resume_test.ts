/**
 * `runs resume` of `lm train` runs: a run killed at chosen points of its write path (planned
 * crashes) or by a real SIGKILL, then resumed, ends with the uninterrupted run's curves,
 * checkpoint (weights and AdamW moments) and generated sample, byte for byte; a checkpoint from
 * other code is refused with one line.
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { cliChild, killWhen, onlyRun } from "./_resume.ts";

const TEXT = "To be, or not to be, that is the question. ".repeat(8);

function lmArgs(text: string, steps: number, runs: string, checkpointEvery = 2): string[] {
  const sets = {
    dModel: 8,
    nHeads: 2,
    nLayers: 1,
    context: 8,
    batch: 2,
    steps,
    checkpointEvery,
    evalEvery: 3,
    sampleLength: 5,
    evalWindows: 2,
  };
  const flags = Object.entries(sets).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
  return ["lm", "train", "--arch", "llama", "--text", text, ...flags, "--runs-dir", runs, "--json"];
}

/** Both runs are done with the same arrays, checkpoint bytes and sample. */
async function assertSameLmRun(dirA: string, a: string, dirB: string, b: string, what = "") {
  const ra = await new RunStore(dirA).open(a), rb = await new RunStore(dirB).open(b);
  assertEquals(rb.manifest.status, "done", `${what}: ${rb.manifest.error ?? ""}`);
  assertEquals([...rb.arrayNames].sort(), [...ra.arrayNames].sort(), what);
  for (const name of ra.arrayNames) {
    const x = await ra.readArray(name), y = await rb.readArray(name);
    assertEquals(y.shape, x.shape, `${what}: ${name}`);
    assertEquals(Array.from(y.data), Array.from(x.data), `${what}: ${name}`);
  }
  for (const file of ["checkpoint.bin", "samples.txt"]) {
    const x = await Deno.readFile(`${ra.dir}/${file}`),
      y = await Deno.readFile(`${rb.dir}/${file}`);
    assert(x.length === y.length && x.every((v, k) => v === y[k]), `${what}: ${file} differs`);
  }
}

Deno.test("runs resume: lm train killed at planned crash points resumes to the uninterrupted bits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lm_resume_" });
  try {
    const text = `${dir}/t.txt`;
    await Deno.writeTextFile(text, TEXT);
    const ref = await cli(lmArgs(text, 8, `${dir}/ref`));
    assertEquals(ref.code, 0, ref.err);
    const refId = JSON.parse(ref.out).runId;
    // The manifest, the first curves, a checkpoint's write and rename, later checkpoints, and
    // the end (sample and summary).
    const faults = [
      "crash:rename:1",
      "crash:write:4",
      "crash:sync:7",
      "crash:renamed:8",
      "crash:write:14",
      "crash:rename:17",
      "crash:write:30",
      "crash:renamed:22",
    ];
    let crashed = 0;
    for (const [k, fault] of faults.entries()) {
      const runs = `${dir}/crash${k}`;
      const code = await cliChild(lmArgs(text, 8, runs), fault);
      if (code === 137) crashed++;
      const id = await onlyRun(runs);
      if (id === null) continue; // crashed before its manifest existed: nothing to resume
      const status = (await new RunStore(runs).open(id)).manifest.status;
      if (status !== "done") {
        const r = await cli(["runs", "resume", id, "--runs-dir", runs, "--json"]);
        assertEquals(r.code, 0, `${fault}: ${r.err}`);
      }
      await assertSameLmRun(`${dir}/ref`, refId, runs, id, fault);
    }
    assertEquals(crashed, faults.length, "every planned crash fired");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runs resume: an lm run killed by SIGKILL mid-run resumes to the uninterrupted bits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lm_kill_" });
  try {
    const text = `${dir}/t.txt`;
    await Deno.writeTextFile(text, TEXT);
    const ref = await cli(lmArgs(text, 150, `${dir}/ref`, 5));
    assertEquals(ref.code, 0, ref.err);
    const runs = `${dir}/killed`;
    await killWhen(lmArgs(text, 150, runs, 5), async () => {
      const id = await onlyRun(runs);
      return id !== null &&
        (await Deno.stat(`${runs}/${id}/checkpoint.bin`).then(() => true, () => false));
    });
    const id = (await onlyRun(runs))!;
    const before = (await new RunStore(runs).open(id)).manifest;
    assertEquals(before.status, "running", "the kill came before the end of the run");
    const resumed = await cli(["runs", "resume", id, "--runs-dir", runs, "--json"]);
    assertEquals(resumed.code, 0, resumed.err);
    assertEquals(JSON.parse(resumed.out).steps, 150);
    await assertSameLmRun(`${dir}/ref`, JSON.parse(ref.out).runId, runs, id);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runs resume: an lm checkpoint from other code is refused with one line, untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lm_other_" });
  try {
    const text = `${dir}/t.txt`;
    await Deno.writeTextFile(text, TEXT);
    const runs = `${dir}/runs`;
    // Killed right after its first checkpoint is renamed into place (the 11th rename: the
    // manifest, three curves created whole and recorded, three flushes recorded, the checkpoint).
    assertEquals(await cliChild(lmArgs(text, 8, runs), "crash:renamed:11"), 137);
    const id = (await onlyRun(runs))!;
    const path = `${runs}/${id}/checkpoint.bin`;
    const bytes = await Deno.readFile(path);
    // Same length, other version: the header's code version is `0.1.0+<16 hex>`.
    const text1 = new TextDecoder("latin1").decode(bytes);
    const at = text1.indexOf('"codeVersion":"') + 15;
    assert(at > 15, "the checkpoint records its code version");
    const edited = bytes.slice();
    edited.set(new TextEncoder().encode("0000000000000000"), text1.indexOf("+", at) + 1);
    await Deno.writeFile(path, edited);
    const runJson = await Deno.readTextFile(`${runs}/${id}/run.json`);
    for (const args of [["runs", "resume", id], ["lm", "train", "--resume", id]]) {
      const r = await cli([...args, "--runs-dir", runs]);
      assertEquals(r.code, 2, r.err);
      assert(/was written by code version 0\.1\.0\+0{16}, this is /.test(r.err), r.err);
      assertEquals(r.err.split("\n").length, 1);
    }
    assertEquals(await Deno.readTextFile(`${runs}/${id}/run.json`), runJson);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
