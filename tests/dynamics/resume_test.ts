/**
 * Resuming: the integrators continue from a block's checkpoint with the bits of the
 * uninterrupted call, on each backend (the CPU twin and WebGPU), and the frame embedders
 * continue their OU noise from its saved state.
 */
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import {
  cpuFrameEmbedder,
  createGpuFrameEmbedder,
  haarFrameEmbedding,
  simulate,
  type SimulateCheckpoint,
} from "../../src/dynamics/mod.ts";
import { foldingModel, mullerBrown } from "../../src/models/continuous/mod.ts";

const gpu = await gpuOrSkip("resume on webgpu");

for (const backend of gpu ? [null, gpu] : [null]) {
  const name = backend ? "webgpu" : "cpu";
  Deno.test(`simulate resumes from a block checkpoint with the same bits (${name})`, async () => {
    // D = 2 (register path) and D = 5 (storage path), both integrators.
    for (const p of [mullerBrown({ scale: 0.1 }), foldingModel({ dim: 5 })]) {
      for (const integrator of ["euler-maruyama", "baoab"] as const) {
        const o = {
          starts: [Array.from(p.minima[0])],
          trajectoriesPerStart: 6,
          steps: 60,
          stride: 5,
          dt: 1e-3,
          beta: 1,
          integrator,
          seed: 7,
          blockFrames: 3,
          checkpoints: true,
        };
        const frames: Float32Array[] = [];
        const cks: SimulateCheckpoint[] = [];
        await simulate(p, o, backend, (b, first, count, ck) => {
          for (let f = 0; f < count; f++) {
            frames[first + f] = b.slice(f * 6 * p.dim, (f + 1) * 6 * p.dim);
          }
          if (ck) cks.push(ck);
        });
        assertEquals(cks.map((c) => c.frame), [3, 6, 9, 12]);
        assertEquals(cks[1].velocities !== null, integrator === "baoab");
        const again: Float32Array[] = [];
        await simulate(p, { ...o, resumeFrom: cks[1] }, backend, (b, first, count) => {
          assert(first > 6, `frame ${first} delivered again`);
          for (let f = 0; f < count; f++) {
            again[first + f] = b.slice(f * 6 * p.dim, (f + 1) * 6 * p.dim);
          }
        });
        for (let f = 7; f <= 12; f++) {
          const i = frames[f].findIndex((v, k) => !Object.is(v, again[f][k]));
          assertEquals(i, -1, `${p.name} ${integrator} frame ${f}: first differing value`);
        }
        // The check can fail: the frames after the resume point moved.
        assert(frames[12].some((v, k) => v !== frames[7][k]), "frames move");
      }
    }
    const p = mullerBrown();
    const base = { starts: [[0, 0]], steps: 20, stride: 5, dt: 1e-3, beta: 1, seed: 1 };
    const ck = { frame: 2, positions: new Float64Array(2), velocities: null };
    await assertRejects(
      () => simulate(p, { ...base, resumeFrom: { ...ck, frame: 5 } }, backend),
      /frame/,
    );
    await assertRejects(
      () =>
        simulate(p, { ...base, resumeFrom: { ...ck, positions: new Float64Array(3) } }, backend),
      /positions/,
    );
  });
}

Deno.test("frame embedders continue their OU noise from the saved state", async () => {
  const spec = haarFrameEmbedding({
    coreDim: 2,
    ambientDim: 70,
    trajectories: 3,
    noise: "ou",
    sigma: 0.3,
    tau: 4,
    seed: 5,
  });
  const core = Float32Array.from({ length: 10 * 3 * 2 }, (_, i) => Math.sin(i));
  const frame = (f: number) => core.subarray(f * 6, (f + 1) * 6);
  // CPU: one embedder for frames 0-9, another from the state after frame 4.
  const full = cpuFrameEmbedder(spec), out = new Float32Array(10 * 3 * 70);
  let state: Float64Array | null = null;
  for (let f = 0; f < 10; f++) {
    full(frame(f), f, out.subarray(f * 210, (f + 1) * 210));
    if (f === 4) state = Float64Array.from(full.ouState!);
  }
  const rest = cpuFrameEmbedder(spec, state!), y = new Float32Array(210);
  for (let f = 5; f < 10; f++) {
    rest(frame(f), f, y);
    assertEquals(Array.from(y), Array.from(out.subarray(f * 210, (f + 1) * 210)), `cpu frame ${f}`);
  }
  if (!gpu) return;
  const collect = async (
    emb: Awaited<ReturnType<typeof createGpuFrameEmbedder>>,
    first: number,
    count: number,
  ) => {
    const parts: number[] = [];
    await emb.embed(core.subarray(first * 6), first, count, (b, n) => {
      parts.push(...b.subarray(0, n * 210));
      return Promise.resolve();
    });
    return parts;
  };
  const a = await createGpuFrameEmbedder(gpu, spec);
  const head = await collect(a, 0, 5);
  const saved = await a.readOuState();
  const tail = await collect(a, 5, 5);
  a.destroy();
  assertEquals(head.length, 5 * 210);
  const b = await createGpuFrameEmbedder(gpu, spec, { ouState: saved!, nextFrame: 5 });
  assertEquals(await collect(b, 5, 5), tail, "gpu frames 5-9 from the saved state");
  b.destroy();
  // Without the state the continuation differs: the test can fail.
  const c = await createGpuFrameEmbedder(gpu, spec, { nextFrame: 5 });
  assert((await collect(c, 5, 5)).some((v, i) => v !== tail[i]), "the state matters");
  c.destroy();
});
