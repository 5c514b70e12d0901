import { assertEquals, assertRejects } from "../../_assert.ts";
import { writeNpyFile } from "../../../src/io/npy_file.ts";
import { ConfigError, parseConfig } from "../../../src/io/config.ts";
import { SampleConfig } from "../../../src/samplers/sample_config.ts";
import { loadDiscreteModel } from "../../../src/models/discrete/registry.ts";

Deno.test("a model config can load its parameters from .npy files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const theta = Float32Array.of(0.5, -1.25, 2, 0);
    await writeNpyFile(`${dir}/theta.npy`, { dtype: "f32", shape: [4], data: theta });
    const cfg = parseConfig(
      SampleConfig,
      { model: { name: "bernoulli", arrays: { theta: "theta.npy" } }, sampler: { name: "rwm" } },
      "config",
    );
    const model = await loadDiscreteModel(cfg.model, dir) as unknown as {
      numSites: number;
      theta: Float32Array;
    };
    assertEquals(model.numSites, 4);
    assertEquals(Array.from(model.theta), Array.from(theta));
    const bad = parseConfig(
      SampleConfig,
      { model: { name: "bernoulli", arrays: { weights: "theta.npy" } }, sampler: { name: "rwm" } },
      "config",
    );
    await assertRejects(() => loadDiscreteModel(bad.model, dir), ConfigError);
    const missing = parseConfig(
      SampleConfig,
      { model: { name: "bernoulli", arrays: { theta: "nope.npy" } }, sampler: { name: "rwm" } },
      "config",
    );
    await assertRejects(() => loadDiscreteModel(missing.model, dir), /model\.arrays\.theta: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
