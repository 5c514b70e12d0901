/**
 * `runs resume`: a sampling run killed at chosen points of its write path (planned crashes, the
 * test hook of src/io/faults.ts) or by a real SIGKILL, then resumed, ends with exactly the
 * arrays of the uninterrupted run; a run from other code, a done run and unknown ids are refused
 * with one line and exit code 2.
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { setFaultPlan } from "../../src/io/faults.ts";
import { RunStore } from "../../src/io/run_store.ts";
import {
  assertSameArrays,
  checkpointed,
  cliChild,
  crashEachAndResume,
  killWhen,
  onlyRun,
} from "./_resume.ts";

const SAMPLE = [
  "sample",
  "--model",
  "ising",
  "--set",
  "model.size=4",
  "--sampler",
  "dmala",
  "--chains",
  "4",
  "--steps",
  "64",
  "--set",
  "blockSteps=8",
  "--seed",
  "3",
  "--backend",
  "cpu",
  "--json",
];

const CONFIG = await Deno.makeTempFile({ prefix: "resume_solve_", suffix: ".json" });
await Deno.writeTextFile(CONFIG, JSON.stringify({ blockSteps: 8 }));

const SOLVE = [
  "solve",
  "--problem=mis",
  "--generate=er",
  "--nodes=16",
  "--density=0.25",
  "--graph-seed=4",
  "--sampler=dmala",
  "--chains=4",
  "--steps=64",
  "--decay=0.05",
  "--backend=cpu",
  `--config=${CONFIG}`,
  "--json",
];

const BASINS = [
  "basins",
  "--system=quadruple-well",
  "--dim=10",
  "--candidates=4",
  "--per-candidate=16",
  "--featurizer=window:5",
  "--baselines=none",
  "--backend=cpu",
  "--hidden=8",
  "--seed=3",
  "--json",
];

// BAOAB (velocities in the checkpoint) with an OU embedding (its state too), 10 blocks of 4 frames.
const SIMULATE = [
  "simulate",
  "--system=quadruple-well",
  "--dim=6",
  "--noise=ou",
  "--starts=2",
  "--trajectories=3",
  "--frames=40",
  "--stride=5",
  "--integrator=baoab",
  "--set",
  "blockFrames=4",
  "--seed=3",
  "--backend=cpu",
  "--json",
];

// Writes, syncs and renames spread over a run: before the first block, inside blocks, between a
// block's rows and its checkpoint, and in the final arrays.
const FAULTS = [
  "crash:rename:2",
  "crash:write:9",
  "crash:sync:14",
  "crash:renamed:7",
  "crash:write:40",
  "crash:sync:60",
  "crash:rename:12",
  "crash:write:95",
];

/**
 * Each command, its arrays that hold wall-clock time (never bit-identical), how its long form
 * (for the SIGKILL test) changes a flag, and its planned crash points.
 */
const COMMANDS = [
  {
    name: "sample",
    args: SAMPLE,
    clock: [] as string[],
    faults: undefined as string[] | undefined,
    long: (a: string) => a === "64" ? "2048" : a,
  },
  {
    name: "solve",
    args: SOLVE,
    clock: ["time"],
    long: (a: string) => a === "--steps=64" ? "--steps=2048" : a,
  },
  {
    name: "basins",
    args: BASINS,
    clock: [],
    long: (a: string) => a,
    // The simulation's checkpoint, its final arrays, and the manifest between them.
    faults: [
      "crash:rename:2",
      "crash:write:6",
      "crash:renamed:5",
      "crash:write:14",
      "crash:sync:20",
    ],
  },
  {
    name: "simulate",
    args: SIMULATE,
    clock: [],
    long: (a: string) => a === "--frames=40" ? "--frames=2000" : a,
  },
];

/** The run id a command printed with --json (`run` or `runId`). */
function runIdOf(out: string): string {
  const j = JSON.parse(out);
  return j.run ?? j.runId;
}

async function reference(args: string[]): Promise<{ dir: string; id: string }> {
  const dir = await Deno.makeTempDir({ prefix: "resume_ref_" });
  const r = await cli([...args, "--runs-dir", dir]);
  assertEquals(r.code, 0, r.err);
  return { dir, id: runIdOf(r.out) };
}

for (const c of COMMANDS) {
  Deno.test(`runs resume: ${c.name} killed at planned crash points resumes to the uninterrupted bits`, async () => {
    const ref = await reference(c.args);
    try {
      const faults = c.faults ?? FAULTS;
      const crashed = await crashEachAndResume(c.args, faults, ref, c.name, c.clock);
      assert(crashed >= faults.length - 2, `only ${crashed} planned crashes fired`);
    } finally {
      await Deno.remove(ref.dir, { recursive: true });
    }
  });

  Deno.test(`runs resume: ${c.name} killed by SIGKILL mid-run resumes to the uninterrupted bits`, async () => {
    const long = c.args.map(c.long);
    const refDir = await Deno.makeTempDir({ prefix: "resume_ref_" });
    const dir = await Deno.makeTempDir({ prefix: "resume_kill_" });
    try {
      const r = await cli([...long, "--runs-dir", refDir]);
      assertEquals(r.code, 0, r.err);
      const refId = runIdOf(r.out);
      await killWhen([...long, "--runs-dir", dir], () => checkpointed(dir), async () => {
        // While its writer lives, the run is not resumed (two writers would interleave).
        const live = await cli(["runs", "resume", (await onlyRun(dir))!, "--runs-dir", dir]);
        if (live.code === 0) return; // the run had already finished: nothing to check
        assertEquals(live.code, 2, live.err);
        assert(/is still being written by another process \(pid \d+/.test(live.err), live.err);
        const list = JSON.parse((await cli(["runs", "list", "--runs-dir", dir, "--json"])).out);
        assertEquals(list.stopped, [], "a live writer's run is not stopped");
      });
      const after = JSON.parse((await cli(["runs", "list", "--runs-dir", dir, "--json"])).out);
      assertEquals(after.stopped, [await onlyRun(dir)], "a killed writer's run is stopped");
      const id = (await onlyRun(dir))!;
      const before = JSON.parse(await Deno.readTextFile(`${dir}/${id}/run.json`));
      assertEquals(before.status, "running", "the kill came before the end of the run");
      const resumed = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
      assertEquals(resumed.code, 0, resumed.err);
      assert(/resumed run \S+ at (step|unit) [1-9]/.test(resumed.err), resumed.err);
      await assertSameArrays(refDir, refId, dir, id, `${c.name} SIGKILL`, c.clock);
    } finally {
      await Deno.remove(refDir, { recursive: true });
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("runs resume: other code, done runs, unknown ids and kinds are refused with one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "resume_bad_" });
  try {
    assertEquals(await cliChild([...SAMPLE, "--runs-dir", dir], "crash:write:40"), 137);
    const id = (await onlyRun(dir))!;
    const path = `${dir}/${id}/checkpoint.json`;
    const good = await Deno.readTextFile(path);
    const meta = JSON.parse(good);
    await Deno.writeTextFile(path, JSON.stringify({ ...meta, codeVersion: "0.0.1+feedc0de" }));
    const runJson = await Deno.readTextFile(`${dir}/${id}/run.json`);
    const other = await cli(["runs", "resume", id, "--runs-dir", dir]);
    assertEquals(other.code, 2);
    assert(other.err.includes("was written by code version 0.0.1+feedc0de"), other.err);
    assertEquals(other.err.split("\n").length, 1);
    // Refused before anything changed.
    assertEquals(await Deno.readTextFile(`${dir}/${id}/run.json`), runJson);
    await Deno.writeTextFile(path, good);
    assertEquals((await cli(["runs", "resume", id, "--runs-dir", dir])).code, 0);
    const done = await cli(["runs", "resume", id, "--runs-dir", dir]);
    assertEquals([done.code, done.err], [
      2,
      `error: runs resume: run '${id}' is done: nothing to resume`,
    ]);
    const missing = await cli(["runs", "resume", "nope", "--runs-dir", dir]);
    assertEquals(missing.code, 2);
    assert(missing.err.includes("not found"), missing.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const c of COMMANDS) {
  Deno.test(`runs resume: ${c.name} on a full disk fails with one line, then resumes to the uninterrupted bits`, async () => {
    const ref = await reference(c.args);
    let failed = 0;
    try {
      for (const bytes of [4000, 9000]) {
        const dir = await Deno.makeTempDir({ prefix: "resume_enospc_" });
        const what = `${c.name} ENOSPC at byte ${bytes}`;
        try {
          setFaultPlan({ mode: "enospc", point: "write", n: bytes });
          let r;
          try {
            r = await cli([...c.args, "--runs-dir", dir]);
          } finally {
            setFaultPlan(null);
          }
          if (r.code === 0) continue; // the whole run fitted in the budget
          failed++;
          assertEquals([r.code, r.err], [1, "error: No space left on device (os error 28)"], what);
          const id = await onlyRun(dir);
          assert(id !== null, `${what}: the budget falls after the run's creation`);
          const run = await new RunStore(dir).open(id);
          assertEquals(run.manifest.status, "failed", what);
          for (const name of run.arrayNames) await run.readArray(name); // every array decodes
          const resumed = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
          assertEquals(resumed.code, 0, `${what}: ${resumed.err}`);
          await assertSameArrays(ref.dir, ref.id, dir, id, what, c.clock);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }
      assert(failed >= 1, `${c.name}: no budget fell inside the run`);
    } finally {
      await Deno.remove(ref.dir, { recursive: true });
    }
  });
}
