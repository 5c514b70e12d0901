import { assert, assertClose, assertEquals, assertRejects } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import {
  cpuFrameEmbedder,
  createGpuFrameEmbedder,
  type FrameEmbeddingSpec,
  haarFrameEmbedding,
} from "../../src/dynamics/mod.ts";
import { simulateToRun } from "../../src/runs/simulate.ts";
import { RunStore } from "../../src/io/run_store.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

/** d orthonormal columns in D dimensions (Gram–Schmidt of Gaussians), column-major. */
function orthonormalColumns(D: number, d: number, seed: number): Float64Array {
  const q = new SplitMix32(seed).fillNormal(new Float64Array(D * d));
  for (let j = 0; j < d; j++) {
    for (let l = 0; l < j; l++) {
      let s = 0;
      for (let i = 0; i < D; i++) s += q[l * D + i] * q[j * D + i];
      for (let i = 0; i < D; i++) q[j * D + i] -= s * q[l * D + i];
    }
    let n = 0;
    for (let i = 0; i < D; i++) n += q[j * D + i] ** 2;
    for (let i = 0; i < D; i++) q[j * D + i] /= Math.sqrt(n);
  }
  return q;
}

/** Core frames [F, T, d] of a smooth deterministic path. */
function coreFrames(F: number, T: number, d: number): Float32Array {
  return Float32Array.from({ length: F * T * d }, (_, k) => Math.sin(0.7 * k) * 1.5);
}

/** The CPU twin's frames [F, T, D], frame by frame from frame 0. */
function cpuFrames(spec: FrameEmbeddingSpec, core: Float32Array, F: number): Float32Array {
  const { trajectories: T, coreDim: d, ambientDim: D } = spec;
  const out = new Float32Array(F * T * D);
  const embed = cpuFrameEmbedder(spec);
  for (let f = 0; f < F; f++) {
    embed(core.subarray(f * T * d, (f + 1) * T * d), f, out.subarray(f * T * D, (f + 1) * T * D));
  }
  return out;
}

/** y = Q1 x for every frame and trajectory. */
function projectCore(spec: FrameEmbeddingSpec, core: Float32Array): Float64Array {
  const { coreDim: d, ambientDim: D } = spec;
  const n = core.length / d;
  const y = new Float64Array(n * D);
  for (let e = 0; e < n; e++) {
    for (let i = 0; i < D; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += spec.q1[j * D + i] * core[e * d + j];
      y[e * D + i] = s;
    }
  }
  return y;
}

/** GPU frames [F, T, D], embedded in calls of `split` frames. */
async function gpuFrames(
  spec: FrameEmbeddingSpec,
  core: Float32Array,
  F: number,
  split: number,
  blockFloats?: number,
): Promise<Float32Array> {
  const gpu = (await gpuOrSkip("GPU frame embedding"))!;
  const { trajectories: T, coreDim: d, ambientDim: D } = spec;
  const emb = await createGpuFrameEmbedder(gpu, spec, { blockFloats });
  const out = new Float32Array(F * T * D);
  let at = 0;
  try {
    for (let f0 = 0; f0 < F; f0 += split) {
      const n = Math.min(split, F - f0);
      await emb.embed(core.subarray(f0 * T * d), f0, n, (y, count) => {
        assertEquals(y.length, count * T * D);
        out.set(y, at);
        at += y.length;
        return Promise.resolve();
      });
    }
  } finally {
    emb.destroy();
  }
  assertEquals(at, out.length);
  return out;
}

function assertAllClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  assertEquals(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assertClose(got[i], want[i], 1e-4 * (1 + Math.abs(want[i])), `${what}[${i}]`);
  }
}

Deno.test("cpuFrameEmbedder: zero noise gives Q1 x; the noise is orthogonal to Q1", () => {
  const base = { coreDim: 2, ambientDim: 30, trajectories: 3, tau: 4, seed: 5 };
  const quiet = haarFrameEmbedding({ ...base, noise: "white", sigma: 0 });
  const core = coreFrames(2, 3, 2);
  assertAllClose(cpuFrames(quiet, core, 2), projectCore(quiet, core), "Q1 x");
  // With noise, Q1^T y = x exactly (the noise lives in the complement of Q1's columns).
  const noisy = { ...quiet, noise: "ou" as const, sigma: 0.7 };
  const y = cpuFrames(noisy, core, 2);
  for (let e = 0; e < 6; e++) {
    for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let i = 0; i < 30; i++) s += noisy.q1[j * 30 + i] * y[e * 30 + i];
      assertClose(s, core[e * 2 + j], 1e-5, `Q1^T y[${e}, ${j}]`);
    }
  }
});

Deno.test("GPU frame embedding equals the CPU twin (white and OU, D = 50, chunked)", async () => {
  if (!(await gpuOrSkip("GPU frame embedding"))) return;
  const F = 5, T = 3;
  const core = coreFrames(F, T, 2);
  for (const noise of ["white", "ou"] as const) {
    const spec = haarFrameEmbedding({
      coreDim: 2,
      ambientDim: 50,
      trajectories: T,
      noise,
      sigma: 0.5,
      tau: 3,
      seed: 11,
    });
    const want = cpuFrames(spec, core, F);
    assertAllClose(await gpuFrames(spec, core, F, 2), want, `${noise} y`);
    // Two trajectories per chunk and one frame per submit: chunk boundaries change nothing.
    assertAllClose(await gpuFrames(spec, core, F, 3, 100), want, `${noise} chunked y`);
  }
});

Deno.test("GPU frame embedding equals the CPU twin at D = 1000 and gives Q1 x without noise", async () => {
  const gpu = await gpuOrSkip("GPU frame embedding");
  if (!gpu) return;
  const F = 3, T = 2, d = 2, D = 1000;
  const core = coreFrames(F, T, d);
  const base = { coreDim: d, ambientDim: D, trajectories: T, tau: 10, seed: 2 };
  const q1 = orthonormalColumns(D, d, 9);
  for (const noise of ["white", "ou"] as const) {
    const spec = { ...base, q1, noise, sigma: 0.3 };
    assertAllClose(await gpuFrames(spec, core, F, 2), cpuFrames(spec, core, F), `${noise} y`);
  }
  const quiet = { ...base, q1, noise: "ou" as const, sigma: 0 };
  assertAllClose(await gpuFrames(quiet, core, F, 1), projectCore(quiet, core), "Q1 x");
  // OU blocks must come in order.
  const emb = await createGpuFrameEmbedder(gpu, { ...quiet, sigma: 0.1 });
  try {
    await assertRejects(() => emb.embed(core, 2, 1, async () => {}), /in order/);
  } finally {
    emb.destroy();
  }
});

Deno.test("simulateToRun embeds on the GPU: same shapes, frames = CPU twin of its core", async () => {
  const gpu = await gpuOrSkip("simulateToRun GPU embedding");
  if (!gpu) return;
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
      dim: 40,
      noise: "ou",
      noiseSigma: 0.2,
      noiseTau: 2,
      seed: 7,
    };
    const r = await simulateToRun(store, { ...cfg, backend: "webgpu" }, gpu);
    const run = await store.open(r.runId);
    const frames = await run.readArray("frames");
    const core = await run.readArray("core_frames");
    assertEquals(frames.shape, [5, 6, 40]);
    assertEquals(core.shape, [5, 6, 1]);
    const spec = haarFrameEmbedding({
      coreDim: 1,
      ambientDim: 40,
      trajectories: 6,
      noise: "ou",
      sigma: 0.2,
      tau: 2,
      seed: 7,
    });
    assertAllClose(frames.data, cpuFrames(spec, core.data as Float32Array, 5), "y");
    // The CPU run has the same shapes and, over 20 short steps, nearly the same frames.
    const c = await store.open(
      (await simulateToRun(store, { ...cfg, backend: "cpu" }, null)).runId,
    );
    const cpu = await c.readArray("frames");
    assertEquals(cpu.shape, frames.shape);
    let worst = 0;
    for (let i = 0; i < cpu.data.length; i++) {
      worst = Math.max(worst, Math.abs(Number(cpu.data[i]) - Number(frames.data[i])));
    }
    assert(worst < 1e-3, `GPU and CPU runs differ by ${worst}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
