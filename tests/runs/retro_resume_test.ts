/**
 * `runs resume` of `retro train` runs: a run killed at chosen points of its write path (planned
 * crashes) or by a real SIGKILL, then resumed, ends with the uninterrupted run's backward losses
 * and the same model files (backward, forward and prior weights, dual weights) byte for byte; a
 * checkpoint from other code is refused with one line. Slow-ish (RDKit in each child): two
 * planned crashes and one SIGKILL.
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { assertSameArrays, cliChild, killWhen, onlyRun } from "./_resume.ts";

const VALID = new URL("../../../shared/data/uspto50k/raw_valid.csv", import.meta.url).pathname;
const MODEL_FILES = ["backward.bin", "forward.bin", "prior.bin", "dual.json"];

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

const train = (dir: string, runs: string) => [
  "retro",
  "train",
  "--dir",
  dir,
  "--epochs",
  "3",
  "--hidden",
  "16",
  "--rerank-products",
  "10",
  "--dual-products",
  "4",
  "--runs-dir",
  runs,
  "--json",
];

/** Both prepared folders hold the same trained model files, byte for byte. */
async function assertSameModel(a: string, b: string, what: string): Promise<void> {
  for (const f of MODEL_FILES) {
    const x = await Deno.readFile(`${a}/model/${f}`), y = await Deno.readFile(`${b}/model/${f}`);
    assert(x.length === y.length && x.every((v, k) => v === y[k]), `${what}: ${f} differs`);
  }
}

Deno.test("runs resume: retro train killed (planned crashes, SIGKILL) resumes to the uninterrupted bits; other code refused", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "retro_resume_" });
  try {
    await Deno.writeTextFile(
      `${tmp}/train.csv`,
      (await Deno.readTextFile(VALID)).split("\n").slice(0, 61).join("\n") + "\n",
    );
    const prep = await cli([
      "retro",
      "prepare",
      "--train",
      `${tmp}/train.csv`,
      "--dir",
      `${tmp}/p`,
    ]);
    assertEquals(prep.code, 0, prep.err);
    await copyDir(`${tmp}/p`, `${tmp}/ref`);
    const ref = await cli(train(`${tmp}/ref`, `${tmp}/ref_runs`));
    assertEquals(ref.code, 0, ref.err);
    const refId = JSON.parse(ref.out).runId;
    // After the second epoch's checkpoint (the third continues from its Adam state), and after
    // every model file but before the run is marked done.
    for (const fault of ["crash:write:10", "crash:rename:11"]) {
      const dir = `${tmp}/${fault.replaceAll(":", "_")}`, runs = `${dir}_runs`;
      await copyDir(`${tmp}/p`, dir);
      assertEquals(await cliChild(train(dir, runs), fault), 137, fault);
      const id = (await onlyRun(runs))!;
      const r = await cli(["runs", "resume", id, "--runs-dir", runs, "--json"]);
      assertEquals(r.code, 0, `${fault}: ${r.err}`);
      await assertSameArrays(`${tmp}/ref_runs`, refId, runs, id, fault);
      await assertSameModel(`${tmp}/ref`, dir, fault);
    }
    // A real SIGKILL once the first backward checkpoint is on disk.
    const dir = `${tmp}/killed`, runs = `${dir}_runs`;
    await copyDir(`${tmp}/p`, dir);
    await killWhen(
      train(dir, runs),
      () => Deno.stat(`${dir}/model/backward_train.bin`).then(() => true, () => false),
    );
    const id = (await onlyRun(runs))!;
    const before = JSON.parse(await Deno.readTextFile(`${runs}/${id}/run.json`));
    assertEquals(before.status, "running", "the kill came before the end of the run");
    // A checkpoint from other code is refused with one line, before anything is touched.
    const path = `${dir}/model/backward_train.bin`;
    const good = await Deno.readFile(path);
    const text = new TextDecoder("latin1").decode(good);
    const at = text.indexOf('"codeVersion":"');
    assert(at > 0, "the checkpoint records its code version");
    const edited = good.slice();
    edited.set(new TextEncoder().encode("0000000000000000"), text.indexOf("+", at) + 1);
    await Deno.writeFile(path, edited);
    const other = await cli(["runs", "resume", id, "--runs-dir", runs]);
    assertEquals(other.code, 2, other.err);
    assert(/was written by code version 0\.1\.0\+0{16}, this is /.test(other.err), other.err);
    assertEquals(other.err.split("\n").length, 1);
    assertEquals(JSON.parse(await Deno.readTextFile(`${runs}/${id}/run.json`)), before);
    await Deno.writeFile(path, good);
    const resumed = await cli(["runs", "resume", id, "--runs-dir", runs, "--json"]);
    assertEquals(resumed.code, 0, resumed.err);
    await assertSameArrays(`${tmp}/ref_runs`, refId, runs, id, "SIGKILL");
    await assertSameModel(`${tmp}/ref`, dir, "SIGKILL");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
