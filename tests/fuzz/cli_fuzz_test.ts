/**
 * End-to-end fuzzing of the command line, in process: random flag sets, each with one value that
 * cannot be valid, must end with exit code 2 and one line on stderr, before any work starts: no
 * new file appears and the run already in the store is byte for byte unchanged.
 */
import fc from "npm:fast-check@4.11.0";
import { assert, assertEquals } from "../_assert.ts";
import { runCli } from "../../src/cli/main.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { SAMPLE_SPEC } from "../../src/cli/sample.ts";
import { SIMULATE_SPEC } from "../../src/cli/simulate.ts";
import { SOLVE_SPEC } from "../../src/cli/solve.ts";
import { DISCS_SPEC } from "../../src/cli/discs.ts";
import { BASINS_SPEC } from "../../src/cli/basins.ts";
import { RBM_SPEC } from "../../src/cli/rbm.ts";
import type { CommandSpec } from "../../src/cli/args.ts";

/** Cases in all; the count is reported in docs/RELIABILITY.md. */
const CASES = Number(Deno.env.get("LANDSCAPE_FUZZ_RUNS") ?? 300);

/** Every file under `dir` with its bytes, for a before/after comparison. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else out.set(p, Array.from(await Deno.readFile(p)).join(","));
    }
  };
  await walk(dir);
  return out;
}

Deno.test("fuzz: bad command lines exit 2 with one line and leave the store untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runs = `${dir}/runs`;
    const run = await new RunStore(runs).create({
      command: ["sample"],
      config: { fuzz: true },
      seed: 1,
      backend: "cpu",
    });
    await run.writeArray("x", { dtype: "f32", shape: [3], data: new Float32Array([1, 2, 3]) });
    await run.finish("done");
    await Deno.writeTextFile(`${dir}/garbage.json`, '{"model": [1, 2');
    const before = await snapshot(dir);

    // One sure-bad flag per command (a number flag given a non-number), placed among random flags.
    const commands: [CommandSpec, string[], [string, string]][] = [
      [SAMPLE_SPEC, ["sample"], ["--chains", "NaN"]],
      [SIMULATE_SPEC, ["simulate"], ["--dim", "many"]],
      [SOLVE_SPEC, ["solve"], ["--steps", "1e999x"]],
      [DISCS_SPEC, ["discs"], ["--chains", "two"]],
      [BASINS_SPEC, ["basins"], ["--dim", "NaN"]],
      [RBM_SPEC, ["rbm", "train"], ["--epochs", "x"]],
    ];
    const values = [
      "abc",
      "NaN",
      "-3",
      "0",
      "1e400",
      "2.5",
      "",
      "ising",
      "none",
      "er",
      "100-5",
      `${dir}/missing.json`,
      `${dir}/garbage.json`,
      `${dir}/runs`,
    ];
    const caseArb = fc.tuple(
      fc.integer({ min: 0, max: commands.length - 1 }),
      fc.array(fc.tuple(fc.nat(1000), fc.constantFrom(...values)), { maxLength: 5 }),
      fc.nat(5),
    );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ([ci, picks, at]) => {
        const [spec, head, bad] = commands[ci];
        const names = Object.entries(spec.flags).filter(([n, f]) =>
          f.type === "string" && n !== "runs-dir" && n !== "out" && `--${n}` !== bad[0]
        ).map(([n]) => `--${n}`);
        const pairs = picks.map(([k, v]) => [names[k % names.length], v]);
        pairs.splice(Math.min(at, pairs.length), 0, bad);
        const where = spec.flags["runs-dir"] ? ["--runs-dir", runs] : ["--out", `${dir}/out`];
        const argv = [...head, ...pairs.flat(), ...where];
        const err: string[] = [];
        const code = await runCli(argv, { out: () => {}, notice: (t) => err.push(t) });
        tried++;
        assertEquals(code, 2, `${argv.join(" ")}: ${err.join(" | ")}`);
        assertEquals(err.length, 1, `one notice for ${argv.join(" ")}`);
        assert(!err[0].includes("\n") && err[0].startsWith("error: "), err[0]);
      }),
      { numRuns: CASES, seed: 20261203 },
    );
    assertEquals(tried, CASES);
    const after = await snapshot(dir);
    assertEquals([...after.keys()].sort(), [...before.keys()].sort(), "no file added or removed");
    for (const [p, bytes] of before) assert(after.get(p) === bytes, `${p} unchanged`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
