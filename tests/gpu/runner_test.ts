/**
 * The typed GPU runner: uniform layouts from one schema, bindings by name, and buffer lifetime
 * in one place (a failed dispatch or first submit releases every buffer).
 */
import { assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import {
  assembleProgram,
  DispatchBatch,
  type GpuContext,
  GpuRunner,
  readBuffer,
  sizeVarsWgsl,
  UniformLayout,
} from "../../src/gpu/mod.ts";
import { isingModel } from "../../src/models/discrete/mod.ts";
import { rwmSampler } from "../../src/samplers/rwm.ts";
import { runSampler } from "../../src/samplers/engine.ts";

Deno.test("uniform layout: struct text, byte size and packing come from one field list", () => {
  const layout = new UniformLayout("P", [
    { name: "n", type: "u32" },
    { name: "h", type: "f32" },
    { name: "k", type: "i32" },
  ]);
  assertEquals(layout.wgsl(), "struct P {\n  n: u32,\n  h: f32,\n  k: i32,\n}");
  assertEquals(layout.byteLength, 16);
  const words = layout.pack({ n: 7, h: 0.1, k: -2 });
  assertEquals(words[0], 7);
  assertEquals(new Float32Array(words.buffer)[1], Math.fround(0.1));
  assertEquals(new Int32Array(words.buffer)[2], -2);
  assertThrows(() => layout.pack({ n: 7, h: 0.1 }), /missing 'k'/);
  assertThrows(() => layout.pack({ n: -1, h: 0, k: 0 }), /P\.n must be a u32/);
  assertThrows(() => layout.pack({ n: 1, h: NaN, k: 0 }), /P\.h must be finite/);
  assertThrows(() => layout.pack({ n: 1, h: 0, k: 0, z: 1 }), /no field 'z'/);
  assertThrows(
    () => new UniformLayout("P", [{ name: "a", type: "u32" }, { name: "a", type: "f32" }]),
    /twice/,
  );
});

Deno.test("runner: sizes from a uniform drive one compiled program for every size", async () => {
  const gpu = await gpuOrSkip("runner sizes");
  if (!gpu) return;
  const sizes = { N: { type: "u32" as const, value: 0 }, S: { type: "f32" as const, value: 0 } };
  const layout = new UniformLayout("Sizes", [{ name: "N", type: "u32" }, {
    name: "S",
    type: "f32",
  }]);
  const program = assembleProgram({
    label: "scale-first-n",
    workgroupSize: 64,
    snippets: [layout.wgsl(), sizeVarsWgsl(sizes, "sizes", "load_sizes")],
    groups: [[
      { name: "data", kind: "storage", type: "array<f32>" },
      { name: "sizes", kind: "uniform", type: "Sizes" },
    ]],
    body: `fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  load_sizes();
  if (id.x < N) { data[id.x] = data[id.x] * S; }
}`,
  });
  const before = gpu.cache.compiles;
  for (const [n, scale] of [[2, 3], [5, 0.5]] as const) {
    const compiled = await gpu.cache.get(gpu.device, program);
    const runner = new GpuRunner(gpu, "test");
    try {
      const data = runner.storage("data", new Float32Array([1, 2, 3, 4, 5, 6]));
      const u = runner.uniform("sizes", layout, { N: n, S: scale });
      const batch = new DispatchBatch(gpu);
      batch.dispatch(compiled, runner.bindGroups(compiled, { data, sizes: u }), 1);
      await batch.submit();
      const bytes = await readBuffer(gpu, data, 24);
      const out: number[] = Array.from(new Float32Array(bytes));
      assertEquals(out, [1, 2, 3, 4, 5, 6].map((v, i) => (i < n ? v * scale : v)));
      assertThrows(() => runner.bindGroups(compiled, { data }), /binds 'sizes': no buffer/);
    } finally {
      runner.release();
    }
  }
  assertEquals(gpu.cache.compiles - before <= 1, true, "one compile for both sizes");
});

/** The context with `device.queue.submit` (or `device.createBindGroup`) failing. */
function failing(gpu: GpuContext, what: "submit" | "createBindGroup"): GpuContext {
  const wrap = <T extends object>(target: T, name: string): T =>
    new Proxy(target, {
      get(t, k) {
        if (k === name) {
          return () => {
            throw new Error(`injected ${name} failure`);
          };
        }
        if (k === "queue" && name === "submit") return wrap((t as GPUDevice).queue, "submit");
        const v = Reflect.get(t, k);
        return typeof v === "function" ? v.bind(t) : v;
      },
    });
  const device = what === "submit" ? wrap(gpu.device, "submit") : wrap(gpu.device, what);
  return { ...gpu, device, cache: gpu.cache, adapter: gpu.adapter, lost: null };
}

Deno.test("engine: a failed first submit or dispatch setup releases every buffer", async () => {
  const gpu = await gpuOrSkip("buffer release on failure");
  if (!gpu) return;
  const model = isingModel({ size: 3, seed: 1 });
  const opts = { chains: 4, steps: 8, seed: 1 };
  // A good run first: compiles the programs and leaves nothing alive.
  const live = GpuRunner.liveBuffers;
  await runSampler(model, rwmSampler(), opts, gpu);
  assertEquals(GpuRunner.liveBuffers, live);
  for (const what of ["submit", "createBindGroup"] as const) {
    await assertRejects(
      () => runSampler(model, rwmSampler(), opts, failing(gpu, what)),
      Error,
      `injected ${what} failure`,
    );
    assertEquals(GpuRunner.liveBuffers, live, `buffers alive after a failed ${what}`);
  }
  // The device still works afterwards (error scopes balanced).
  const again = await runSampler(model, rwmSampler(), opts, gpu);
  assertEquals(again.steps, 8);
  assertEquals(GpuRunner.liveBuffers, live);
});
