import { assertEquals, assertStrictEquals } from "../_assert.ts";
import { isHardwareAdapter, loadTf } from "../../src/nn/mod.ts";

Deno.test("software and fallback adapters do not count as GPUs for tfjs", () => {
  assertStrictEquals(
    isHardwareAdapter({ vendor: "mesa", device: "llvmpipe (LLVM 15.0.6, 256 bits)" }),
    false,
  );
  assertStrictEquals(isHardwareAdapter({ vendor: "google", description: "SwiftShader" }), false);
  assertStrictEquals(isHardwareAdapter({ vendor: "mesa", device: "lavapipe" }), false);
  assertStrictEquals(isHardwareAdapter({ vendor: "nvidia", isFallbackAdapter: true }), false);
  assertStrictEquals(isHardwareAdapter({ vendor: "nvidia", description: "NVIDIA H200" }), true);
  assertStrictEquals(isHardwareAdapter({ vendor: "amd", architecture: "rdna-3" }), true);
});

Deno.test("loadTf switches backends and keeps the wasm kernels", async () => {
  const cpu = await loadTf("cpu");
  assertStrictEquals(cpu.getBackend(), "cpu");
  const wasm = await loadTf("wasm");
  assertStrictEquals(wasm, cpu, "one tfjs instance");
  assertStrictEquals(wasm.getBackend(), "wasm");
  // gather's gradient needs the UnsortedSegmentSum kernel on wasm.
  const g = wasm.grad((t) => wasm.sum(wasm.gather(t, wasm.tensor1d([1, 1], "int32"))))(
    wasm.tensor1d([5, 6, 7]),
  );
  assertEquals(Array.from(g.dataSync()), [0, 2, 0]);
  g.dispose();
});
