/**
 * Runs every potential's WGSL twin, and the embedding kernel, on the real WebGPU adapter
 * (llvmpipe on CPU machines) and compares with the CPU functions. A self-contained raw-WebGPU
 * harness on purpose: it tests the snippets, not src/gpu. Skips with a printed reason when no
 * adapter exists.
 */
import { assert, assertEquals } from "../../_assert.ts";
import {
  createEmbedding,
  embedWgsl,
  type Potential,
  tanhLift,
  wgslPotentialHost,
} from "../../../src/models/continuous/mod.ts";
import { SplitMix32 } from "../../../src/random/splitmix.ts";
import { allPotentials, boxPoints, tag } from "./_systems.ts";

async function getDevice(): Promise<{ device: GPUDevice | null; why: string }> {
  try {
    if (!("gpu" in navigator) || !navigator.gpu) {
      return { device: null, why: "navigator.gpu is absent" };
    }
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { device: null, why: "requestAdapter() returned null" };
    return { device: await adapter.requestDevice(), why: "" };
  } catch (e) {
    return { device: null, why: `WebGPU failed: ${(e as Error).message}` };
  }
}

const { device, why } = await getDevice();
if (!device) console.log(`skipping WGSL tests: ${why}`);
const gpuTest = (name: string, fn: (d: GPUDevice) => Promise<void>) =>
  Deno.test({
    name,
    ignore: !device,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () => fn(device!),
  });

function storage(d: GPUDevice, data: Float32Array | Uint32Array, extra = 0): GPUBuffer {
  const buf = d.createBuffer({
    size: Math.max(16, data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extra,
  });
  d.queue.writeBuffer(buf, 0, data);
  return buf;
}

async function compile(d: GPUDevice, code: string, label: string): Promise<GPUComputePipeline> {
  d.pushErrorScope("validation");
  const module = d.createShaderModule({ code, label });
  const pipeline = d.createComputePipeline({
    layout: "auto",
    compute: { module, entryPoint: "main" },
  });
  const err = await d.popErrorScope();
  if (err) throw new Error(`${label}: WGSL did not compile: ${err.message}`);
  return pipeline;
}

async function run(
  d: GPUDevice,
  pipeline: GPUComputePipeline,
  groups: GPUBuffer[][],
  dispatch: [number, number, number],
  out: GPUBuffer,
  outFloats: number,
): Promise<Float32Array> {
  const enc = d.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  groups.forEach((bufs, g) => {
    pass.setBindGroup(
      g,
      d.createBindGroup({
        layout: pipeline.getBindGroupLayout(g),
        entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
  });
  pass.dispatchWorkgroups(...dispatch);
  pass.end();
  const read = d.createBuffer({
    size: outFloats * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  enc.copyBufferToBuffer(out, 0, read, 0, outFloats * 4);
  d.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const res = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  read.destroy();
  return res;
}

/**
 * Each invocation evaluates one point through the potential contract: x and g are vectors of
 * the chain-minor work buffer (x in slot 0, g in slot 1, entry i of point p at i * n + p).
 */
function potentialHarness(p: Potential, n: number): string {
  return `${wgslPotentialHost("test_work", "TEST_N", "TEST_DIM")}
${p.wgsl.code}
@group(0) @binding(0) var<storage, read_write> test_work: array<f32>;
@group(0) @binding(1) var<storage, read_write> test_out: array<f32>;
${p.wgsl.params ? "@group(1) @binding(0) var<storage, read> model_params: array<f32>;" : ""}
const TEST_N: u32 = ${n}u;
const TEST_DIM: u32 = ${p.dim}u;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let p = id.x;
  if (p >= TEST_N) { return; }
  let e = model_grad_energy(p, TEST_DIM * TEST_N + p);
  let o = p * (TEST_DIM + 1u);
  test_out[o] = e;
  for (var i = 0u; i < TEST_DIM; i++) { test_out[o + 1u + i] = model_g(TEST_DIM * TEST_N + p, i); }
}
`;
}

const rms = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);

gpuTest(
  "every potential's WGSL compiles and matches the CPU energy and gradient (f32, 1e-4)",
  async (d) => {
    const n = 96;
    for (const p of allPotentials()) {
      const pts = boxPoints(p, n, 21).map((x) => x.map(Math.fround)); // the CPU sees the f32 inputs
      const xs = new Float32Array(2 * n * p.dim); // x chain-minor in slot 0, g in slot 1
      pts.forEach((x, i) => x.forEach((v, k) => (xs[k * n + i] = v)));
      const pipeline = await compile(d, potentialHarness(p, n), tag(p));
      const outFloats = n * (p.dim + 1);
      const out = storage(d, new Float32Array(outFloats));
      const groups = [[storage(d, xs), out]];
      if (p.wgsl.params) groups.push([storage(d, p.wgsl.params)]);
      const res = await run(d, pipeline, groups, [Math.ceil(n / 64), 1, 1], out, outFloats);
      const es = pts.map((x) => p.energy(x));
      const gs = pts.map((x) => {
        const g = new Float64Array(p.dim);
        p.gradient(x, g);
        return g;
      });
      // Relative 1e-4, measured against the larger of the value and the sample's RMS, so that
      // values crossing zero are judged on the landscape's scale.
      const eScale = rms(es);
      const gScale = rms(gs.flatMap((g) => Array.from(g)));
      let worstE = 0;
      let worstG = 0;
      pts.forEach((x, i) => {
        const o = i * (p.dim + 1);
        const tolE = 1e-4 * Math.max(Math.abs(es[i]), eScale);
        const dE = Math.abs(res[o] - es[i]);
        worstE = Math.max(worstE, dE / tolE);
        assert(
          dE <= tolE,
          `${tag(p)} energy at [${Array.from(x)}]: gpu ${res[o]}, cpu ${es[i]}`,
        );
        for (let k = 0; k < p.dim; k++) {
          const tolG = 1e-4 * Math.max(Math.abs(gs[i][k]), gScale);
          const dG = Math.abs(res[o + 1 + k] - gs[i][k]);
          worstG = Math.max(worstG, dG / tolG);
          assert(
            dG <= tolG,
            `${tag(p)} dV/dx${k} at [${Array.from(x)}]: gpu ${res[o + 1 + k]}, cpu ${gs[i][k]}`,
          );
        }
      });
      for (const row of groups) for (const b of row) b.destroy();
      if (Deno.env.get("LANDSCAPE_VERBOSE")) {
        console.log(
          `${tag(p)}: worst |gpu-cpu|/tol energy ${worstE.toFixed(3)}, gradient ${
            worstG.toFixed(3)
          }`,
        );
      }
    }
  },
);

gpuTest("the embedding kernel reproduces embedFrames", async (d) => {
  const D = 40;
  const n = 7;
  const e = createEmbedding({ coreDim: 2, ambientDim: D, lift: tanhLift(2, 5, 3), seed: 4 });
  const rng = new SplitMix32(6);
  const x = Float32Array.from({ length: n * 2 }, () => rng.normal());
  const z = Float32Array.from({ length: n * e.noiseDim }, () => rng.normal());
  const want = e.embedFrames(x, z);
  const pipeline = await compile(d, embedWgsl(64), "embed");
  const dims = d.createBuffer({
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  d.queue.writeBuffer(dims, 0, Uint32Array.of(n, e.liftDim, D, 1));
  const out = storage(d, new Float32Array(n * D));
  const groups = [[dims, storage(d, e.qF32()), storage(d, e.liftFrames(x)), storage(d, z), out]];
  const got = await run(d, pipeline, groups, [Math.ceil(D / 64), n, 1], out, n * D);
  assertEquals(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    assert(
      Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])),
      `y[${i}]: gpu ${got[i]}, cpu ${want[i]}`,
    );
  }
  for (const b of groups[0]) b.destroy();
});
