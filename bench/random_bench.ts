// Throughput of the counter-based RNG: TS Philox4x32-10 and, where an adapter exists, the WGSL
// twin (many draws per dispatch, one readback). Run: deno bench -P bench/random_bench.ts
import { normal2, philox4x32Words, uniform01 } from "../src/random/mod.ts";
import { RNG_WGSL } from "../src/wgsl/mod.ts";

const WORDS = 1_000_000;
const block = new Uint32Array(4);
let sink = 0;

Deno.bench("TS philox4x32-10, 1e6 u32 draws (250k blocks)", { group: "philox" }, () => {
  for (let i = 0; i < WORDS / 4; i++) {
    philox4x32Words(i, 1, 2, 3, 0x1234, 0x5678, block);
    sink ^= block[0] ^ block[3];
  }
});

Deno.bench("TS uniform01 from philox, 1e6 draws", { group: "philox" }, () => {
  let s = 0;
  for (let i = 0; i < WORDS / 4; i++) {
    philox4x32Words(i, 1, 2, 3, 0x1234, 0x5678, block);
    s += uniform01(block[0]) + uniform01(block[1]) + uniform01(block[2]) + uniform01(block[3]);
  }
  sink ^= s;
});

Deno.bench("TS normal2 (deterministic f32 Box-Muller), 1e6 normals", { group: "draws" }, () => {
  const pair = [0, 0];
  let s = 0;
  for (let i = 0; i < WORDS / 4; i++) {
    philox4x32Words(i, 1, 2, 3, 0x1234, 0x5678, block);
    normal2(block[0], block[1], pair);
    s += pair[0] + pair[1];
    normal2(block[2], block[3], pair);
    s += pair[0] + pair[1];
  }
  sink ^= s;
});

const adapter = await navigator.gpu?.requestAdapter();
if (!adapter) {
  console.log("skip GPU benches: no WebGPU adapter");
} else {
  const device = await adapter.requestDevice();
  const INVOCATIONS = 65536;
  const PER = 16; // philox blocks per invocation: 2^20 blocks = 4.2e6 u32 draws per dispatch
  const module = device.createShaderModule({
    code: `${RNG_WGSL}
@group(0) @binding(0) var<storage, read_write> outp: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc = vec4<u32>(0u);
  for (var s = 0u; s < ${PER}u; s = s + 1u) {
    let w = rng_philox(vec4<u32>(gid.x, s, 0u, 1u), vec2<u32>(0x1234u, 0x5678u));
    acc = acc ^ w;
  }
  outp[gid.x] = acc.x ^ acc.y ^ acc.z ^ acc.w;
}`,
  });
  const pipeline = device.createComputePipeline({
    layout: "auto",
    compute: { module, entryPoint: "main" },
  });
  const size = INVOCATIONS * 4;
  const out = device.createBuffer({
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: out } }],
  });
  const run = async () => {
    const read = device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(INVOCATIONS / 64);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, size);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    sink ^= new Uint32Array(read.getMappedRange())[0];
    read.unmap();
    read.destroy();
  };
  await run(); // JIT warm-up outside the measurement
  Deno.bench(
    `GPU rng_philox, ${(4 * INVOCATIONS * PER / 1e6).toFixed(1)}e6 u32 draws, one readback`,
    { group: "philox" },
    run,
  );
}

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink); // keep the work observable
});
