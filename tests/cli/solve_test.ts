import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { isInputError } from "../../src/cli/main.ts";
import { SOLVE_SPEC, solveCommand } from "../../src/cli/solve.ts";
import { helpText, parseCommand } from "../../src/cli/args.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { generateGraph, misExact, misProblem } from "../../src/models/co/mod.ts";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [], stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
}

/** Runs `cli.ts solve ...` the way main.ts dispatches a command (exit 2 for input errors). */
async function solve(args: string[]) {
  const io = capture();
  let code: number;
  try {
    const parsed = parseCommand(SOLVE_SPEC, args);
    if (parsed.values.help) {
      io.out(helpText(SOLVE_SPEC));
      code = 0;
    } else code = await solveCommand(parsed, args, io);
  } catch (e) {
    io.notice(`error: ${(e as Error).message.split("\n")[0]}`);
    code = isInputError(e) ? 2 : 1;
  }
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const GRAPHS = new URL("../testdata/graphs/", import.meta.url).pathname;

Deno.test("solve writes an optimisation run: objective, best_objective, time, best_solution", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [
      "--problem=mis",
      "--generate=er",
      "--nodes=30",
      "--density=0.2",
      "--graph-seed=4",
      "--sampler=pas",
      "--chains=8",
      "--steps=300",
      "--decay=0.02",
      "--backend=cpu",
      `--runs-dir=${dir}`,
      "--json",
    ];
    const r = await solve(args);
    assertEquals(r.code, 0, r.err);
    const s = JSON.parse(r.out);
    const graph = generateGraph({ kind: "erdos_renyi", nMin: 30, nMax: 30, p: 0.2, seed: 4 });
    const optimum = misExact(graph).value;
    assertEquals([s.problem, s.nodes, s.sampler, s.backend, s.adapt], [
      "mis",
      30,
      "pas",
      "cpu",
      "always",
    ]);
    assertEquals([s.reference, s.referenceExact, s.repairedObjective, s.ratio], [
      optimum,
      true,
      optimum,
      1,
    ]);
    const run = await new RunStore(dir).open(s.run);
    assertEquals(run.manifest.command, ["solve", ...args]);
    assertEquals(run.manifest.status, "done");
    const obj = await run.readArray("objective");
    const best = await run.readArray("best_objective");
    const time = await run.readArray("time");
    const sol = await run.readArray("best_solution");
    assertEquals([obj.dtype, obj.shape], ["f32", [300, 8]]);
    assertEquals([best.dtype, best.shape], ["f32", [300]]);
    assertEquals([time.dtype, time.shape], ["f64", [300]]);
    assertEquals([sol.dtype, sol.shape], ["u8", [30]]);
    // best_objective is the running max over chains of the objective trace.
    let m = -Infinity;
    for (let t = 0; t < 300; t++) {
      for (let c = 0; c < 8; c++) m = Math.max(m, obj.data[t * 8 + c] as number);
      assertEquals(best.data[t], Math.fround(m));
      if (t > 0) assert((time.data[t] as number) >= (time.data[t - 1] as number));
    }
    assertEquals(best.data[299], Math.fround(s.bestObjective));
    const x = Uint32Array.from(sol.data as Uint8Array);
    const problem = misProblem(graph);
    assert(problem.isFeasible(x));
    assertEquals(problem.objective(x), optimum);
    const summary = run.manifest.summary;
    assertEquals([summary.problem, summary.nodes, summary.edges, summary.sampler], [
      "mis",
      30,
      graph.colIdx.length / 2,
      "pas",
    ]);
    assertEquals([summary.bestObjective, summary.ratio], [s.bestObjective, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("solve reads graph files and config files; max-cut of Petersen is 12", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await solve([
      "--problem=maxcut",
      `--graph=${GRAPHS}petersen.col`,
      "--sampler=rwm",
      "--chains=8",
      "--steps=400",
      "--schedule=linear",
      "--t1=0.1",
      "--backend=cpu",
      `--runs-dir=${dir}`,
    ]);
    assertEquals(r.code, 0, r.err);
    assertMatch(r.out, /maxcut on 10 nodes \/ 15 edges x rwm on cpu/);
    assertMatch(r.out, /exact optimum 12, ratio 1\.0000/);
    // A config file (graph path relative to it); flags override its fields.
    await Deno.copyFile(`${GRAPHS}petersen.col`, `${dir}/p.col`);
    await Deno.writeTextFile(
      `${dir}/solve.json`,
      JSON.stringify({
        problem: { name: "mis" },
        graph: { kind: "file", path: "p.col" },
        sampler: { name: "dmala" },
        chains: 4,
        steps: 200,
        reference: 5,
      }),
    );
    const c = await solve([
      `--config=${dir}/solve.json`,
      "--steps=300",
      "--backend=cpu",
      `--runs-dir=${dir}/runs`,
      "--json",
    ]);
    assertEquals(c.code, 0, c.err);
    const s = JSON.parse(c.out);
    assertEquals([s.problem, s.sampler, s.steps, s.chains, s.adapt], [
      "mis",
      "dmala",
      300,
      4,
      "off",
    ]);
    assertEquals([s.reference, s.referenceExact, s.repairedObjective, s.ratio], [5, false, 4, 0.8]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("solve: malformed graphs and bad flags give a one-line error and exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, "{ nope");
    await Deno.writeTextFile(
      `${dir}/extra.json`,
      JSON.stringify({ problem: { name: "mis" }, graph: { kind: "erdos_renyi" }, colour: 1 }),
    );
    const g = ["--generate=er", "--nodes=20"];
    const cases: [string[], RegExp][] = [
      [[`--graph=${GRAPHS}bad_count.col`], /bad_count\.col:\d+: /],
      [[`--graph=${GRAPHS}bad_node.col`], /bad_node\.col:5: /],
      [[`--graph=${GRAPHS}bad_token.edges`], /bad_token\.edges:\d+: /],
      [[`--graph=${dir}/missing.col`], /missing\.col: cannot read it \(NotFound\)/],
      [["--bogus"], /Unknown option '--bogus'/],
      [[], /no graph: give --graph FILE or --generate/],
      [["--problem=tsp", ...g], /--problem expects mis, maxclique, maxcut, partition, got 'tsp'/],
      [["--generate=ws"], /--generate expects er or ba, got 'ws'/],
      [[`--graph=${GRAPHS}petersen.col`, ...g], /either --graph FILE or --generate/],
      [["--generate=er", "--nodes=0"], /--nodes expects N or MIN-MAX/],
      [["--generate=er", "--nodes=80-70"], /--nodes expects N or MIN-MAX/],
      [["--generate=ba", "--density=0.1"], /--density applies only to --generate er/],
      [["--generate=ba", "--nodes=5", "--m=5"], /cannot generate the graph: .*m < n/],
      [[...g, "--parts=3"], /--parts applies only to --problem partition/],
      [[...g, "--steps=abc"], /--steps expects a number, got 'abc'/],
      [[...g, "--steps=0"], /^error: flags: steps: /],
      [[...g, "--density=1.5"], /graph\.p: /],
      [[...g, "--schedule=cubic"], /schedule\.kind: /],
      [[...g, "--schedule=linear", "--decay=0.1"], /--decay applies only to --schedule exp_decay/],
      [[...g, "--sampler=annealer"], /sampler\.name: /],
      [[...g, "--reference=0"], /reference: must be non-zero/],
      [[...g, "--backend=tpu"], /backend: /],
      [["--problem=maxcut", ...g, "--penalty=2"], /--penalty does not apply to maxcut/],
      [[`--config=${dir}/bad.json`], /bad\.json: not valid JSON/],
      [[`--config=${dir}/extra.json`], /extra\.json: \(root\): unrecognized key/i],
      [["stray", ...g], /nexpected argument 'stray'/],
    ];
    for (const [args, pattern] of cases) {
      const r = await solve(["--backend=cpu", "--steps=5", `--runs-dir=${dir}/runs`, ...args]);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertMatch(r.err, pattern, args.join(" "));
      assert(!r.err.includes("\n"), `one line: ${r.err}`);
    }
    // Nothing was stored by the failed calls.
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["bad.json", "extra.json"]);
    const help = await solve(["--help"]);
    assertEquals(help.code, 0);
    assertMatch(help.out, /Usage: cli\.ts solve --problem mis/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
