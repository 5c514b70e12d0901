import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { isingModel } from "../../src/models/discrete/ising.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import { swSampler } from "../../src/samplers/sw.ts";

const base = ["sample", "--chains", "6", "--steps", "40", "--seed", "4", "--backend", "cpu"];

Deno.test("sample --sampler sw: stores a finished run with the library's bits", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await cli([
      ...base,
      "--model",
      "ising",
      "--sampler",
      "sw",
      "--set",
      "model.size=5",
      "--set",
      "sampler.labelBudget=5",
      "--runs-dir",
      dir,
      "--json",
    ]);
    assertEquals(r.code, 0, r.err);
    const store = new RunStore(dir);
    const run = await store.open((await store.list()).runs[0].id);
    assertEquals(run.manifest.status, "done");
    const lib = await runSampler(
      isingModel({ size: 5 }),
      swSampler({ labelBudget: 5 }),
      { chains: 6, steps: 40, seed: 4 },
      null,
    );
    assertEquals(
      Array.from((await run.readArray("final_states")).data),
      Array.from(lib.finalStates),
    );
    assertEquals(Array.from((await run.readArray("acceptance")).data), Array.from(lib.acceptance));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sample --sampler sw: other families and lambda < 0 exit 2 before storing a run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: [string[], RegExp][] = [
      [
        ["--model", "bernoulli"],
        /sampler\.name: sampler sw supports models ising, potts: got 'bernoulli'/,
      ],
      [["--model", "potts", "--set", "model.lambda=-1"], /expected potts lambda >= 0, got -1$/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli([...base, "--sampler", "sw", ...args, "--runs-dir", dir]);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertMatch(r.err, pattern);
      assert(!r.err.includes("\n"), `one line: ${r.err}`);
    }
    assertEquals((await new RunStore(dir).list()).runs.length, 0, "no run stored");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
