import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import {
  assembleProgram,
  bindGroups,
  createStorage,
  DispatchBatch,
  GpuCompileError,
  GpuDeviceLostError,
  readBuffers,
  requestGpu,
} from "../../src/gpu/mod.ts";

const body = `fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * SCALE + 1.0; }
}`;

function program(scale: number) {
  return assembleProgram({
    label: "affine",
    workgroupSize: 64,
    snippets: [],
    constants: { SCALE: { type: "f32", value: scale } },
    groups: [[{ name: "data", kind: "storage", type: "array<f32>" }]],
    body,
  });
}

Deno.test("assembler generates binding declarations and the entry point", () => {
  const p = assembleProgram({
    label: "t",
    workgroupSize: 128,
    snippets: ["fn helper() -> f32 { return 1.0; }"],
    groups: [
      [{ name: "a", kind: "storage", type: "array<u32>" }, {
        name: "u",
        kind: "uniform",
        type: "vec4<u32>",
      }],
      [{ name: "model_theta", kind: "read", type: "array<f32>" }],
    ],
    body: "fn main() {}",
  });
  assert(p.code.includes("@group(0) @binding(0) var<storage, read_write> a: array<u32>;"));
  assert(p.code.includes("@group(0) @binding(1) var<uniform> u: vec4<u32>;"));
  assert(p.code.includes("@group(1) @binding(0) var<storage, read> model_theta: array<f32>;"));
  assert(p.code.includes("@compute @workgroup_size(128)\nfn main() {}"));
  assertThrows(
    () =>
      assembleProgram({
        label: "dup",
        workgroupSize: 1,
        snippets: [],
        groups: [[{ name: "a", kind: "read", type: "array<f32>" }], [{
          name: "a",
          kind: "read",
          type: "array<f32>",
        }]],
        body: "fn main() {}",
      }),
    /declared twice/,
  );
  assertThrows(() => program(NaN), /must be finite/);
});

Deno.test("one key compiles once; a different key compiles again", async () => {
  const gpu = await gpuOrSkip("pipeline cache");
  if (!gpu) return;
  const before = gpu.cache.compiles;
  const a = await gpu.cache.get(gpu.device, program(2));
  const b = await gpu.cache.get(gpu.device, program(2));
  assert(a === b);
  assertEquals(gpu.cache.compiles - before, 1);
  await gpu.cache.get(gpu.device, program(3));
  assertEquals(gpu.cache.compiles - before, 2);
});

Deno.test("many dispatches in one submit, then one readback", async () => {
  const gpu = await gpuOrSkip("batched dispatch");
  if (!gpu) return;
  const compiled = await gpu.cache.get(gpu.device, program(2));
  const n = 1000;
  const data = createStorage(gpu, new Float32Array(n).fill(0), "data");
  const groups = bindGroups(gpu, compiled, [[data]]);
  const batch = new DispatchBatch(gpu);
  for (let k = 0; k < 5; k++) batch.dispatch(compiled, groups, Math.ceil(n / 64));
  assertEquals(batch.count, 5);
  await batch.submit();
  const [out] = await readBuffers(gpu, [{ buffer: data, byteLength: n * 4 }]);
  // x -> 2x + 1 five times from 0: 1, 3, 7, 15, 31
  assert(new Float32Array(out).every((v) => v === 31));
});

Deno.test("a WGSL error becomes a one-line compile error with its line", async () => {
  const gpu = await gpuOrSkip("compile errors");
  if (!gpu) return;
  const bad = assembleProgram({
    label: "broken",
    workgroupSize: 1,
    snippets: [],
    groups: [[{ name: "data", kind: "storage", type: "array<f32>" }]],
    body: "fn main() { data[0] = undefined_thing; }",
  });
  const err = await gpu.cache.get(gpu.device, bad).then(() => null, (e) => e as Error);
  assert(err instanceof GpuCompileError, "expected a GpuCompileError");
  assert(err.message.startsWith("WGSL program 'broken' failed to compile: line"), err.message);
  assert(!err.message.includes("\n"), "message must be one line");
});

Deno.test("a lost device turns every later operation into a one-line error", async () => {
  const gpu = await requestGpu();
  if (!gpu) {
    console.log("skipped (device loss): no WebGPU adapter on this machine");
    return;
  }
  const buffer = createStorage(gpu, new Float32Array(4), "x");
  gpu.device.destroy();
  await gpu.device.lost;
  assert(gpu.lost instanceof GpuDeviceLostError);
  assertThrows(() => createStorage(gpu, 16, "y"), GpuDeviceLostError);
  await assertRejects(
    () => readBuffers(gpu, [{ buffer, byteLength: 16 }]),
    /WebGPU device lost \(destroyed/,
  );
  assert(!gpu.lost!.message.includes("\n"));
  // The shared device is unaffected.
  const shared = await gpuOrSkip("shared device after loss");
  assert(shared && shared !== gpu && !shared.lost);
});
