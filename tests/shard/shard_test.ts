/**
 * `shard plan|run|status|merge`: a DISCS sweep split into shards, run as a Kubernetes Indexed Job
 * would run it (each index in its own process with JOB_COMPLETION_INDEX) and as a Slurm job array
 * on a real single-node Slurm cluster (started by .ci/run; skipped with the reason without one),
 * merges to the single-machine sweep exactly (every column but timings and run ids, and every
 * cell's stored arrays).
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { assertSameRun, SAMPLE } from "./_sample.ts";
import { cli, TINY_SWEEP } from "../_cli.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { parseDiscsCsv } from "../../src/discs/mod.ts";
import type { DiscsRow } from "../../src/discs/mod.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];
const SWEEP = [...TINY_SWEEP];
const TIMING: (keyof DiscsRow)[] = ["essPerSecond", "seconds", "run"];

/** A child `cli.ts` process with extra environment. */
async function child(args: string[], env: Record<string, string> = {}) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, CLI, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, err: new TextDecoder().decode(r.stderr) };
}

/** The single-machine sweep's rows and each cell's Hamming trace, once per sweep. */
const references = new Map<string, Promise<{ rows: DiscsRow[]; hamming: Map<string, number[]> }>>();
function singleMachine(sweep: string[]) {
  const key = sweep.join(" ");
  if (!references.has(key)) {
    references.set(
      key,
      (async () => {
        const dir = await Deno.makeTempDir();
        const out = ["--out", `${dir}/out`, "--runs-dir", `${dir}/runs`, "--json"];
        const r = await cli(["discs", ...sweep, ...out]);
        assertEquals(r.code, 0, r.err);
        return await rowsAndTraces(`${dir}/out/discs.csv`, `${dir}/runs`);
      })(),
    );
  }
  return references.get(key)!;
}

async function rowsAndTraces(csv: string, runs: string) {
  const rows = parseDiscsCsv(await Deno.readTextFile(csv));
  const hamming = new Map<string, number[]>();
  for (const r of rows) {
    const run = await new RunStore(runs).open(r.run);
    hamming.set(`${r.sampler}@${r.x}`, Array.from((await run.readArray("hamming")).data));
  }
  return { rows, hamming };
}

async function assertSameAsSingleMachine(plan: string, sweep = SWEEP) {
  const merged = await rowsAndTraces(`${plan}/merged/discs.csv`, `${plan}/runs`);
  const single = await singleMachine(sweep);
  const strip = (r: DiscsRow) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !TIMING.includes(k as keyof DiscsRow)));
  assertEquals(merged.rows.map(strip), single.rows.map(strip));
  assertEquals(merged.hamming, single.hamming);
}

Deno.test("shard: a 3-shard plan run as a Kubernetes Indexed Job merges to the single-machine sweep", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plan = `${dir}/plan`;
    const p = await cli([
      "shard",
      "plan",
      "discs",
      ...SWEEP,
      "--shards",
      "3",
      "--out",
      plan,
      "--image",
      "registry.example/landscape:1",
      "--json",
    ]);
    assertEquals(p.code, 0, p.err);
    const job = await Deno.readTextFile(`${plan}/job.yaml`);
    assertMatch(job, /"completionMode": "Indexed"/);
    assertMatch(job, /"completions": 3/);
    assertMatch(await Deno.readTextFile(`${plan}/slurm.sbatch`), /#SBATCH --array=0-2\n/);
    const early = await cli(["shard", "merge", "--plan", plan]);
    assertEquals(early.code, 2);
    assertMatch(early.err, /shard 0 is missing: expected every shard done/);
    for (const i of [2, 0, 1]) {
      const r = await child(["shard", "run", "--plan", plan], { JOB_COMPLETION_INDEX: String(i) });
      assertEquals(r.code, 0, r.err);
    }
    // A rerun of a finished shard does nothing.
    const again = await cli(["shard", "run", "--plan", plan, "--index", "1", "--json"]);
    assertEquals(JSON.parse(again.out).skipped, true);
    const status = await cli(["shard", "status", "--plan", plan, "--json"]);
    assertEquals(JSON.parse(status.out).shards.map((s: { status: string }) => s.status), [
      "done",
      "done",
      "done",
    ]);
    assertEquals((await cli(["shard", "merge", "--plan", plan])).code, 0);
    await assertSameAsSingleMachine(plan);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shard: bad plans, indices and folders are one-line errors with exit 2 that change nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plan = `${dir}/plan`;
    assertEquals(
      (await cli(["shard", "plan", "discs", ...SWEEP, "--shards", "2", "--out", plan])).code,
      0,
    );
    const planText = await Deno.readTextFile(`${plan}/plan.json`);
    const cases: [string[], RegExp][] = [
      [["shard", "run", "--plan", plan, "--index", "2"], /index '2' out of range: expected 0\.\.1/],
      [["shard", "run", "--plan", plan], /no shard index: give --index I/],
      [["shard", "run", "--plan", `${dir}/nope`, "--index", "0"], /cannot read .*plan\.json/],
      [
        ["shard", "plan", "solve", "--shards", "2", "--out", `${dir}/x`],
        /'solve' cannot be sharded yet: expected 'discs', 'basins bench' or 'co'/,
      ],
      [
        ["shard", "plan", "discs", ...SWEEP, "--shards", "9", "--out", `${dir}/y`],
        /9 shards for 4 units/,
      ],
      [
        ["shard", "plan", "discs", ...SWEEP, "--shards", "2", "--out", plan],
        /already holds a plan/,
      ],
      [
        ["shard", "plan", "discs", "--resume", "--shards", "2", "--out", `${dir}/z`],
        /--resume is the plan's business/,
      ],
      [["shard", "frob"], /expected 'plan', 'run', 'status' or 'merge'/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(args);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertMatch(r.err, pattern);
      assert(!r.err.includes("\n"), r.err);
    }
    // A shard folder that belongs to another plan.
    await Deno.mkdir(`${plan}/shards/0`, { recursive: true });
    const foreign = {
      index: 0,
      configHash: "f".repeat(64),
      codeVersion: "x",
      status: "running",
      startedAt: "t",
      host: "h",
    };
    await Deno.writeTextFile(`${plan}/shards/0/shard.json`, JSON.stringify(foreign));
    const r0 = await cli(["shard", "run", "--plan", plan, "--index", "0"]);
    assertEquals(r0.code, 2);
    assertMatch(r0.err, /belongs to another plan/);
    assertEquals(JSON.parse(await Deno.readTextFile(`${plan}/shards/0/shard.json`)), foreign);
    // A plan from another code version, and an edited plan.
    const other = JSON.parse(planText);
    await Deno.writeTextFile(
      `${plan}/plan.json`,
      JSON.stringify({ ...other, codeVersion: "0.0.1+0000" }),
    );
    const r1 = await cli(["shard", "run", "--plan", plan, "--index", "1"]);
    assertEquals(r1.code, 2);
    assertMatch(r1.err, /made by code version 0\.0\.1\+0000, this is .*: expected the same code/);
    await Deno.writeTextFile(
      `${plan}/plan.json`,
      JSON.stringify({ ...other, units: other.units.slice(1) }),
    );
    const r2 = await cli(["shard", "merge", "--plan", plan]);
    assertEquals(r2.code, 2);
    assertMatch(r2.err, /configHash does not match its contents/);
    assertEquals([...Deno.readDirSync(`${plan}/shards`)].map((e) => e.name), ["0"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Whether a Slurm controller answers here. */
async function slurmUp(): Promise<boolean> {
  try {
    const r = await new Deno.Command("sinfo", {
      args: ["-h", "-o", "%T"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return r.success && /idle|mix|alloc/.test(new TextDecoder().decode(r.stdout));
  } catch {
    return false;
  }
}
const SLURM = await slurmUp();
if (!SLURM) {
  console.log("skipping the Slurm tests: no Slurm controller answers (.ci/slurm.sh starts one)");
}

async function sh(cmd: string, args: string[]): Promise<string> {
  const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const err = new TextDecoder().decode(r.stderr);
  if (!r.success) throw new Error(`${cmd} ${args.join(" ")}: ${err}`);
  return new TextDecoder().decode(r.stdout).trim();
}

async function waitForJob(job: string, seconds = 300): Promise<void> {
  for (let t = 0; t < seconds * 2; t++) {
    if ((await sh("squeue", ["-h", "-j", job])).length === 0) return;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error(`Slurm job ${job} still queued after ${seconds} s`);
}

/** A sweep whose cells take about a second each, so a task can be cancelled between them. */
const SLOW = SWEEP.map((a) => a === "30" ? "1500" : a);

Deno.test({
  name: "shard on Slurm: sbatch the array, scancel a task mid-run, resubmit it, merge identically",
  ignore: !SLURM,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const plan = `${dir}/plan`;
      const planned = await cli([
        "shard",
        "plan",
        "discs",
        ...SLOW,
        "--shards",
        "2",
        "--out",
        plan,
      ]);
      assertEquals(planned.code, 0, planned.err);
      const env = { ...Deno.env.toObject(), LANDSCAPE_DENO: Deno.execPath() };
      const submit = async (extra: string[]) => {
        const args = ["--parsable", ...extra, `${plan}/slurm.sbatch`];
        const r = await new Deno.Command("sbatch", { args, env, stdout: "piped", stderr: "piped" })
          .output();
        assert(r.success, new TextDecoder().decode(r.stderr));
        return new TextDecoder().decode(r.stdout).trim().split(";")[0];
      };
      const job = await submit([]);
      // Cancel task 1 once its first cell is stored and before its second is.
      let cancelled = false;
      for (let t = 0; t < 1200 && !cancelled; t++) {
        const csv = await Deno.readTextFile(`${plan}/shards/1/discs.csv`).catch(() => "");
        const rows = csv.trim() ? csv.trim().split("\n").length - 1 : 0;
        if (rows >= 2) break; // too late: the task finished first
        if (rows === 1) {
          await sh("scancel", [`${job}_1`]);
          cancelled = true;
        }
        await new Promise((ok) => setTimeout(ok, 100));
      }
      await waitForJob(job);
      if (cancelled) {
        const status = await cli(["shard", "status", "--plan", plan, "--json"]);
        assertEquals(JSON.parse(status.out).shards[1].status, "running", "killed mid-run");
        const partial = await cli(["shard", "merge", "--plan", plan]);
        assertEquals(partial.code, 2);
        assertMatch(partial.err, /shard 1 is running/);
        const csv = `${plan}/shards/1/discs.csv`;
        const kept = parseDiscsCsv(await Deno.readTextFile(csv))[0].run;
        await waitForJob(await submit(["--array=1"]));
        // The resubmitted task resumed: its first cell's run is the one stored before the kill.
        assertEquals(parseDiscsCsv(await Deno.readTextFile(csv))[0].run, kept);
      } else console.log("Slurm test: task 1 finished before it could be cancelled");
      assertEquals((await cli(["shard", "merge", "--plan", plan])).code, 0);
      await assertSameAsSingleMachine(plan, SLOW);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "shard on Slurm: a sample run in 4 chain ranges, submitted with sbatch, merges identically",
  ignore: !SLURM,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const one = await cli(["sample", ...SAMPLE, "--runs-dir", `${dir}/one`, "--json"]);
      assertEquals(one.code, 0, one.err);
      const plan = `${dir}/plan`;
      const p = await cli(["shard", "plan", "sample", ...SAMPLE, "--shards", "4", "--out", plan]);
      assertEquals(p.code, 0, p.err);
      const env = { ...Deno.env.toObject(), LANDSCAPE_DENO: Deno.execPath() };
      const r = await new Deno.Command("sbatch", {
        args: ["--parsable", `${plan}/slurm.sbatch`],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert(r.success, new TextDecoder().decode(r.stderr));
      await waitForJob(new TextDecoder().decode(r.stdout).trim().split(";")[0]);
      const status = JSON.parse((await cli(["shard", "status", "--plan", plan, "--json"])).out);
      assertEquals(status.shards.map((s: { status: string }) => s.status), [
        "done",
        "done",
        "done",
        "done",
      ]);
      assertEquals((await cli(["shard", "merge", "--plan", plan])).code, 0);
      await assertSameRun(`${dir}/one`, JSON.parse(one.out).run, `${plan}/merged`, "sample");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
