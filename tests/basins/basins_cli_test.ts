import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { isInputError } from "../../src/cli/main.ts";
import { BASINS_SPEC, basinsCommand } from "../../src/cli/basins.ts";
import { helpText, parseCommand } from "../../src/cli/args.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { writeNpyFile } from "../../src/io/npy_file.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { readNpyFile } from "../../src/io/npy_file.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

/** Runs `cli.ts basins ...` the way main.ts dispatches a command. */
async function basins(args: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
  let code: number;
  try {
    const parsed = parseCommand(BASINS_SPEC, args);
    if (parsed.values.help) {
      io.out(helpText(BASINS_SPEC));
      code = 0;
    } else code = await basinsCommand(parsed, args, io);
  } catch (e) {
    io.notice(`error: ${(e as Error).message.split("\n")[0]}`);
    code = isInputError(e) ? 2 : 1;
  }
  return { code, out: stdout.join("\n"), err: stderr.join("\n") };
}

const FAST = ["--backend", "cpu", "--hidden", "16", "--seed", "3"];

Deno.test("basins: usage errors exit 2 with one line", async () => {
  assertEquals((await basins(["--help"])).code, 0);
  const none = await basins([]);
  assertEquals(none.code, 2);
  assertMatch(none.err, /exactly one of --system/);
  assertEquals((await basins(["--system", "nope"])).code, 2);
  assertEquals((await basins(["--system", "quadruple-well", "--noise", "pink"])).code, 2);
  assertEquals((await basins(["--system", "quadruple-well", "--featurizer", "bogus"])).code, 2);
  const late = await basins(["--system", "quadruple-well", "--featurizer", "snapshot:99"]);
  assertEquals(late.code, 2, late.err);
  assertMatch(late.err, /^error: basins: featurize: frame 99 outside \[0, 11\)$/);
  for (const t of ["0.9", "calibrated:x:1", "NaN"]) {
    const r = await basins(["--system", "quadruple-well", "--threshold", t]);
    assertEquals(r.code, 2, t);
    assertMatch(r.err, /^error: basins: --threshold/);
  }
  // A --trajectories file that is not .npy (or missing) is an input error, and stores nothing.
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/traj.csv`, "1,2,3\n");
    // A truncated .npy: a valid header promising more data than the file holds.
    await writeNpyFile(`${dir}/cut.npy`, {
      dtype: "f32",
      shape: [2, 4, 3, 2],
      data: new Float32Array(48),
    });
    const whole = await Deno.readFile(`${dir}/cut.npy`);
    await Deno.writeFile(`${dir}/cut.npy`, whole.subarray(0, whole.length - 20));
    for (const file of [`${dir}/traj.csv`, `${dir}/missing.npy`, `${dir}/cut.npy`]) {
      const r = await basins(["--trajectories", file, "--runs-dir", `${dir}/runs`]);
      assertEquals(r.code, 2, r.err);
      assertMatch(r.err, /^error: basins: --trajectories .*expected a NumPy \.npy file\)$/);
    }
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["cut.npy", "traj.csv"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("basins: every unreadable or malformed input file exits 2 with one line and stores nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = Float32Array.from({ length: 2 * 4 * 3 * 2 }, (_, i) => Math.sin(i));
    const put = (name: string, arr: Parameters<typeof writeNpyFile>[1]) =>
      writeNpyFile(`${dir}/${name}`, arr);
    await put("ok.npy", { dtype: "f32", shape: [2, 4, 3, 2], data });
    const nan = data.slice();
    nan[40] = NaN;
    await put("nan.npy", { dtype: "f32", shape: [2, 4, 3, 2], data: nan });
    await put("inf.npy", {
      dtype: "f64",
      shape: [2, 4, 3, 2],
      data: Float64Array.from(nan, (v) => (Number.isNaN(v) ? -Infinity : v)),
    });
    await put("rank.npy", { dtype: "f32", shape: [8, 6], data });
    await put("one.npy", { dtype: "f32", shape: [1, 8, 3, 2], data });
    await put("neg.npy", { dtype: "i32", shape: [2], data: Int32Array.of(0, -1) });
    await put("frac.npy", { dtype: "f32", shape: [2], data: Float32Array.of(0, 0.5) });
    await put("three.npy", { dtype: "i32", shape: [3], data: Int32Array.of(0, 1, 1) });
    const whole = await Deno.readFile(`${dir}/ok.npy`);
    await Deno.writeFile(`${dir}/cut.npy`, whole.subarray(0, whole.length - 20));
    await Deno.writeFile(`${dir}/head.npy`, whole.subarray(0, 30));
    await Deno.writeFile(`${dir}/empty.npy`, new Uint8Array(0));
    await Deno.writeTextFile(`${dir}/text.npy`, "not a .npy file at all");
    await Deno.writeTextFile(`${dir}/bad.json`, "[1,");
    await Deno.mkdir(`${dir}/folder.npy`);
    const before = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    const cases: [string[], RegExp][] = [];
    for (
      const f of ["nan", "inf", "rank", "one", "cut", "head", "empty", "text", "folder", "nope"]
    ) {
      const why = {
        nan: /hold NaN/,
        inf: /hold -Infinity/,
        rank: /expected \[candidates, trajectories, frames, dim\]/,
        one: /need >= 2 candidates/,
        cut: /truncated \.npy file/,
        head: /truncated \.npy file/,
        empty: /not a \.npy file/,
        text: /not a \.npy file/,
        folder: /[Ii]s a directory/,
        nope: /no such file/,
      }[f]!;
      // Read whole, and streamed one candidate at a time.
      cases.push([["--trajectories", `${dir}/${f}.npy`], why]);
      cases.push([["--trajectories", `${dir}/${f}.npy`, "--stream"], why]);
    }
    for (
      const [f, why] of [
        ["neg", /-1, expected integers >= 0/],
        ["frac", /0\.5, expected integers/],
        ["three", /shape \[3\], expected \[2\]/],
        ["text", /not a \.npy file/],
        ["nope", /no such file/],
      ] as const
    ) {
      cases.push([["--trajectories", `${dir}/ok.npy`, "--labels-true", `${dir}/${f}.npy`], why]);
    }
    const bench = ["bench", "--systems", "quadruple-well", "--dims", "2"];
    cases.push([[...bench, "--out", `${dir}/bad.json`, "--resume"], /is not a bench output/]);
    cases.push([[...bench, "--out", `${dir}/folder.npy`, "--resume"], /cannot read/]);
    cases.push([[...bench, "--out", `${dir}/no/rows.json`], /no folder/]);
    for (const [args, why] of cases) {
      const r = await basins([...args, "--runs-dir", `${dir}/runs`, ...FAST]);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertMatch(r.err, /^error: basins[^\n]*$/, args.join(" "));
      assertMatch(r.err, why, args.join(" "));
    }
    // Nothing stored: no run folder, no bench rows.
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("basins --trajectories: detects two basins of user data and writes a basin run", async () => {
  // 4 candidates x 40 trajectories x 3 frames x 5 dims: candidates 0, 1 around -2, 2, 3 around +2.
  const k = 4, n = 40, nf = 3, d = 5, rng = new SplitMix32(9);
  const data = new Float32Array(k * n * nf * d);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n * nf * d; i++) {
      data[c * n * nf * d + i] = rng.normal() * 0.5 + ((i % d) === 0 ? (c < 2 ? -2 : 2) : 0);
    }
  }
  const dir = await Deno.makeTempDir();
  try {
    await writeNpyFile(`${dir}/traj.npy`, { dtype: "f32", shape: [k, n, nf, d], data });
    await writeNpyFile(`${dir}/truth.npy`, {
      dtype: "i32",
      shape: [k],
      data: Int32Array.of(0, 0, 1, 1),
    });
    const r = await basins([
      "--trajectories",
      `${dir}/traj.npy`,
      "--labels-true",
      `${dir}/truth.npy`,
      "--runs-dir",
      `${dir}/runs`,
      "--baselines",
      "kmeans",
      "--json",
      ...FAST,
    ]);
    assertEquals(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assertEquals(out.labels, [0, 0, 1, 1]);
    assertEquals(out.methods.map((m: { method: string }) => m.method), ["classifier", "kmeans"]);
    const run = await new RunStore(`${dir}/runs`).open(out.runId);
    assertEquals(run.manifest.status, "done");
    assertEquals((await readNpyFile(`${dir}/runs/${out.runId}/frames.npy`)).shape, [nf, k * n, d]);
    assertEquals((await readNpyFile(`${dir}/runs/${out.runId}/merges.npy`)).shape, [k - 1, 4]);
    assertEquals((await readNpyFile(`${dir}/runs/${out.runId}/risk.npy`)).shape, [k, k]);
    const bad = await basins(["--trajectories", `${dir}/truth.npy`, "--runs-dir", `${dir}/runs`]);
    assertEquals(bad.code, 2);
    // Streamed (one candidate at a time, reduced first): the same basins; the run says so.
    const sr = await basins([
      "--trajectories",
      `${dir}/traj.npy`,
      "--stream",
      "--reduce",
      "means",
      "--runs-dir",
      `${dir}/runs`,
      "--baselines",
      "none",
      "--json",
      ...FAST,
    ]);
    assertEquals(sr.code, 0, sr.err);
    const so = JSON.parse(sr.out);
    assertEquals(so.labels, [0, 0, 1, 1]);
    const srun = await new RunStore(`${dir}/runs`).open(so.runId);
    assertEquals(srun.manifest.summary?.streamed, 1);
    assertEquals(srun.manifest.summary?.reduction, "means");
    const sbad = await basins([
      "--trajectories",
      `${dir}/truth.npy`,
      "--stream",
      "--runs-dir",
      `${dir}/runs`,
    ]);
    assertEquals(sbad.code, 2);
    assertMatch(sbad.err, /^error: basins: --trajectories .*expected a NumPy \.npy file\)$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("basins --system: a small quadruple-well run in 20 dimensions recovers 4 basins", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await basins([
      "--system",
      "quadruple-well",
      "--dim",
      "20",
      "--candidates",
      "8",
      "--per-candidate",
      "48",
      "--featurizer",
      "window:5",
      "--baselines",
      "none",
      "--runs-dir",
      dir,
      "--json",
      ...FAST,
    ]);
    assertEquals(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assertEquals(out.methods[0].estimatedCount, 4);
    assert(out.methods[0].ari === 1, `ARI ${out.methods[0].ari}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
