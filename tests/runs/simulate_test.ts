import { assert, assertClose, assertEquals, assertRejects } from "../_assert.ts";
import { simulateToRun } from "../../src/runs/simulate.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { createEmbedding } from "../../src/models/continuous/mod.ts";

Deno.test("simulateToRun writes embedded frames, core frames and start labels", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new RunStore(root);
    const cfg = {
      system: "double-well",
      starts: [[-0.4], [0.3]],
      trajectories: 3,
      frames: 4,
      stride: 5,
      dt: 1e-3,
      dim: 12,
      noiseSigma: 0,
      seed: 7,
      backend: "cpu",
    };
    const r = await simulateToRun(store, cfg, null);
    const run = await store.open(r.runId);
    assertEquals(Array.from((await run.readArray("start_labels")).data), [0, 1]);
    assertEquals(Array.from((await run.readArray("labels")).data), [0, 0, 0, 1, 1, 1]);
    const frames = await run.readArray("frames");
    const core = await run.readArray("core_frames");
    assertEquals(frames.shape, [5, 6, 12]);
    assertEquals(core.shape, [5, 6, 1]);
    // With zero noise the embedding is exactly Q [x; 0].
    const y = createEmbedding({ coreDim: 1, ambientDim: 12, seed: 7 }).embedFrames(core.data, null);
    for (let i = 0; i < y.length; i++) assertClose(frames.data[i], y[i], 1e-5, `y[${i}]`);
    await assertRejects(() => simulateToRun(store, { ...cfg, system: "nope" }, null), /unknown/);
    await assertRejects(() => simulateToRun(store, { ...cfg, dt: -1 }, null), /dt/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("simulateToRun's noise has the embedded law: isotropic off the core plane", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new RunStore(root);
    const sigma = 0.5, D = 8;
    const r = await simulateToRun(store, {
      system: "double-well",
      starts: [[-1]],
      trajectories: 400,
      frames: 2,
      stride: 1,
      dt: 1e-3,
      dim: D,
      noise: "ou",
      noiseTau: 2,
      noiseSigma: sigma,
      seed: 3,
      backend: "cpu",
    }, null);
    const run = await store.open(r.runId);
    const y = (await run.readArray("frames")).data;
    const x = (await run.readArray("core_frames")).data;
    const q = createEmbedding({ coreDim: 1, ambientDim: D, seed: 3 }).q;
    // Residual y - Q[:,0] x has total variance sigma^2 (D - 1) per frame.
    let s = 0;
    const n = 400 * 3;
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < D; i++) s += (y[k * D + i] - q[i * D] * x[k]) ** 2;
    }
    const per = s / n, exact = sigma * sigma * (D - 1);
    assertClose(per, exact, 5 * exact * Math.sqrt(2 / ((D - 1) * 400)), "noise variance");
    assert(Number.isFinite(per));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
