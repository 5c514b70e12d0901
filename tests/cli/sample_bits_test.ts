import { assert, assertEquals } from "../_assert.ts";
import { runCli } from "../../src/cli/main.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { parseConfig } from "../../src/io/config.ts";
import { SampleConfig } from "../../src/samplers/sample_config.ts";
import { buildDiscreteModel } from "../../src/models/discrete/registry.ts";
import { buildSampler } from "../../src/samplers/registry.ts";
import { defaultBlockSteps, runSampler } from "../../src/samplers/engine.ts";

const bits = (a: ArrayLike<number>) => new Uint32Array(Float32Array.from(a).buffer);

Deno.test("sample: the CLI and the library give identical bits for the same configuration and seed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // 600 steps: with a fixed 256-step block plan the CLI would recompute energies at steps
    // 256 and 512 and its cached-energy bits would differ from the library's single block.
    const raw = {
      model: { name: "ising", size: 5, sigma: 1.5, seed: 3 },
      sampler: { name: "gwg" },
      chains: 16,
      steps: 600,
      seed: 9,
      backend: "cpu",
    };
    await Deno.writeTextFile(`${dir}/cfg.json`, JSON.stringify(raw));
    const io = { out: (_: string) => {}, notice: (_: string) => {} };
    const code = await runCli(
      ["sample", "--config", `${dir}/cfg.json`, "--runs-dir", `${dir}/runs`, "--json"],
      io,
    );
    assertEquals(code, 0);
    const store = new RunStore(`${dir}/runs`);
    const run = await store.open((await store.list()).runs[0].id);

    const cfg = parseConfig(SampleConfig, raw, "test");
    assertEquals(cfg.blockSteps, undefined);
    const model = buildDiscreteModel(cfg.model);
    const sampler = buildSampler(cfg.sampler);
    assert(defaultBlockSteps(model, sampler, cfg.chains) >= cfg.steps, "one block in the library");
    const lib = await runSampler(model, sampler, {
      chains: cfg.chains,
      steps: cfg.steps,
      seed: cfg.seed,
    }, null);
    assertEquals(bits((await run.readArray("energy")).data), bits(lib.energies));
    assertEquals(bits((await run.readArray("hamming")).data), bits(lib.hamming));
    assertEquals(bits((await run.readArray("param")).data), bits(lib.params));
    assertEquals(
      Array.from((await run.readArray("final_states")).data),
      Array.from(lib.finalStates),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
