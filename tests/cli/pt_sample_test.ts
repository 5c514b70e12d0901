/**
 * `sample --sampler pt`: the CLI gives the library's bits, stores the per-rung parameters, the
 * final ladder and the swap rates, refuses bad PT options with exit code 2, and a run killed at
 * a planned crash point resumes to the uninterrupted run's arrays.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { assertSameArrays, cliChild, onlyRun } from "../runs/_resume.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { isingModel } from "../../src/models/discrete/mod.ts";
import { buildSampler, SamplerConfig } from "../../src/samplers/registry.ts";
import { runSampler } from "../../src/samplers/engine.ts";
import type { PtSummary } from "../../src/samplers/pt.ts";

const ARGS = [
  "sample",
  "--model",
  "ising",
  "--set",
  "model.size=3",
  "--sampler",
  "pt",
  "--set",
  "sampler.inner.name=dmala",
  "--set",
  "sampler.replicas=3",
  "--chains",
  "7",
  "--steps",
  "64",
  "--set",
  "blockSteps=8",
  "--seed",
  "5",
  "--backend",
  "cpu",
  "--json",
];

Deno.test("sample --sampler pt: library bits, per-rung parameters, ladder and swap rates stored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pt_sample_" });
  try {
    const r = await cli([...ARGS, "--runs-dir", dir]);
    assertEquals(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    const run = await new RunStore(dir).open(out.run);
    const sampler = buildSampler(
      SamplerConfig.parse({ name: "pt", replicas: 3, inner: { name: "dmala" } }),
    );
    const lib = await runSampler(isingModel({ size: 3 }), sampler, {
      chains: 7,
      steps: 64,
      seed: 5,
      blockSteps: 8,
    }, null);
    const param = await run.readArray("param");
    assertEquals(param.shape, [64, 3]);
    assertEquals(Array.from(param.data), Array.from(lib.params));
    assertEquals(Array.from((await run.readArray("energy")).data), Array.from(lib.energies));
    const ex = lib.exchange as PtSummary;
    assertEquals(Array.from((await run.readArray("ladder")).data), ex.ladder);
    assertEquals(Array.from((await run.readArray("swap_rates")).data), ex.swapRates);
    assertEquals(Array.from((await run.readArray("swap_attempts")).data), ex.swapAttempts);
    assertEquals(out.exchange.replicas, 3);
    // 2 full groups and one of 1 chain; 32 post-burn-in rounds, pair r on rounds of its parity.
    assertEquals(ex.swapAttempts, [32, 32]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sample --sampler pt: bad PT options are one-line errors with exit code 2", async () => {
  for (
    const [set, what] of [
      ["sampler.inner.name=pt", /sampler\.inner\.name/],
      ["sampler.replicas=1", /sampler\.replicas/],
      ["sampler.betaMin=1.5", /sampler\.betaMin/],
      ["sampler.inner.bogus=1", /sampler\.inner/],
    ] as const
  ) {
    const r = await cli([...ARGS.slice(0, -1), "--set", set, "--runs-dir", "/nonexistent/x"]);
    assertEquals(r.code, 2, set);
    assertMatch(r.err, what);
    assertEquals(r.err.trim().split("\n").length, 1, r.err);
  }
});

Deno.test("sample --sampler pt: a run killed mid-way resumes to the uninterrupted arrays", async () => {
  const ref = await Deno.makeTempDir({ prefix: "pt_ref_" });
  const dir = await Deno.makeTempDir({ prefix: "pt_crash_" });
  try {
    const r = await cli([...ARGS, "--runs-dir", ref]);
    assertEquals(r.code, 0, r.err);
    const code = await cliChild([...ARGS, "--runs-dir", dir], "crash:write:40");
    assertEquals(code, 137, "the planned crash fired");
    const id = (await onlyRun(dir))!;
    const resumed = await cli(["runs", "resume", id, "--runs-dir", dir, "--json"]);
    assertEquals(resumed.code, 0, resumed.err);
    assert(/at step [1-9]/.test(resumed.err), resumed.err);
    await assertSameArrays(ref, JSON.parse(r.out).run, dir, id, "pt crash", []);
  } finally {
    await Deno.remove(ref, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});
