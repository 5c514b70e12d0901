// TS-vs-WGSL bit identity of Philox, the derived draws and the deterministic math, run on the
// real WebGPU adapter (llvmpipe on CI). Skips with a printed reason where no adapter exists.
import { assertEquals } from "../_assert.ts";
import {
  bernoulli,
  bitsToF32,
  f32ToBits,
  gumbel,
  mathExp,
  mathLog,
  mathLog1p,
  mathLog1pExp,
  mathRecip,
  mathSigmoid,
  mathSincos2pi,
  mathSqrt,
  normal2,
  philox4x32Words,
  philoxWords,
  uniform01,
  uniformOpen,
} from "../../src/random/mod.ts";
import { RNG_WGSL } from "../../src/wgsl/mod.ts";

const IN = 16; // ctr[4], key[2], a, b, then 8 f32 inputs (as bits)
const OUT = 20;
const COLUMNS = [
  "philox0",
  "philox1",
  "philox2",
  "philox3",
  "word5",
  "uniform",
  "uniformOpen",
  "normal0",
  "normal1",
  "gumbel",
  "bernoulli",
  "exp",
  "log",
  "log1p",
  "sigmoid",
  "sqrt",
  "recip",
  "sin2pi",
  "cos2pi",
  "softplus",
];

const KERNEL = `${RNG_WGSL}
@group(0) @binding(0) var<storage, read> inp: array<u32>;
@group(0) @binding(1) var<storage, read_write> outp: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&inp) / ${IN}u) { return; }
  let b = i * ${IN}u;
  let o = i * ${OUT}u;
  let ctr = vec4<u32>(inp[b], inp[b + 1u], inp[b + 2u], inp[b + 3u]);
  let key = vec2<u32>(inp[b + 4u], inp[b + 5u]);
  let x = inp[b + 6u];
  let y = inp[b + 7u];
  let ph = rng_philox(ctr, key);
  outp[o] = ph.x;
  outp[o + 1u] = ph.y;
  outp[o + 2u] = ph.z;
  outp[o + 3u] = ph.w;
  outp[o + 4u] = rng_word(key, vec4<u32>(ctr.xyz, ctr.w & 0xffffu), 5u);
  outp[o + 5u] = bitcast<u32>(rng_uniform(x));
  outp[o + 6u] = bitcast<u32>(rng_uniform_open(x));
  let z = rng_normal2(x, y);
  outp[o + 7u] = bitcast<u32>(z.x);
  outp[o + 8u] = bitcast<u32>(z.y);
  outp[o + 9u] = bitcast<u32>(rng_gumbel(x));
  outp[o + 10u] = select(0u, 1u, rng_bernoulli(x, 0.3));
  outp[o + 11u] = bitcast<u32>(math_exp(bitcast<f32>(inp[b + 8u])));
  outp[o + 12u] = bitcast<u32>(math_log(bitcast<f32>(inp[b + 9u])));
  outp[o + 13u] = bitcast<u32>(math_log1p(bitcast<f32>(inp[b + 10u])));
  outp[o + 14u] = bitcast<u32>(math_sigmoid(bitcast<f32>(inp[b + 11u])));
  outp[o + 15u] = bitcast<u32>(math_sqrt(bitcast<f32>(inp[b + 12u])));
  outp[o + 16u] = bitcast<u32>(math_recip(bitcast<f32>(inp[b + 13u])));
  let sc = math_sincos_2pi(bitcast<f32>(inp[b + 14u]));
  outp[o + 17u] = bitcast<u32>(sc.x);
  outp[o + 18u] = bitcast<u32>(sc.y);
  outp[o + 19u] = bitcast<u32>(math_log1p_exp(bitcast<f32>(inp[b + 15u])));
}
`;

/** Deterministic inputs: Philox words drive counters, keys and float arguments. */
function makeInputs(n: number): Uint32Array {
  const inp = new Uint32Array(n * IN);
  const w = new Uint32Array(4);
  const v = new Uint32Array(4);
  const u = (x: number) => uniform01(x);
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    philox4x32Words(i, 0, 0, 99, 0x1234, 0x5678, w);
    philox4x32Words(i, 1, 0, 99, 0x1234, 0x5678, v);
    const b = i * IN;
    inp.set([w[0], i % 7 === 0 ? 0xffffffff : w[1], i, w[2] & 0xffff, w[3], v[0], v[1], v[2]], b);
    const r0 = u(v[3]);
    const r1 = u(w[1]);
    const r2 = u(w[2]);
    // Normal f32 with any exponent: random mantissa bits, exponent field in [1, 254].
    const anyExp = ((1 + (v[0] % 254)) << 23) | (v[3] & 0x7fffff);
    inp[b + 8] = f32ToBits(f(r0 * 200 - 100)); // exp over [-100, 100]
    inp[b + 9] = anyExp >>> 0; // log over all normals
    inp[b + 10] = f32ToBits(i % 2 ? f(r1 * 11 - 1) : f((r1 - 0.5) * 2 ** -((v[1] % 40) | 0))); // log1p
    inp[b + 11] = f32ToBits(f(r2 * 200 - 100)); // sigmoid
    inp[b + 12] = anyExp >>> 0; // sqrt
    inp[b + 13] = (((1 + (v[0] % 253)) << 23) | (w[3] & 0x807fffff)) >>> 0; // recip, both signs
    inp[b + 14] = f32ToBits(f(r1 * 8 - 4)); // sin/cos 2 pi t
    inp[b + 15] = f32ToBits(f(r0 * 120 - 60)); // softplus
  }
  // Edge cases at the front.
  const edges: [number, number][] = [
    [8, 0xc2aeac4f], // exp_min
    [8 + IN, 0x42b17217], // exp_max
    [8 + 2 * IN, 0],
    [9, 0x00800000], // smallest normal
    [9 + IN, 0x7f7fffff], // largest finite
    [9 + 2 * IN, 0x3f800000],
    [10, 0], // log1p(0)
    [10 + IN, 0xbf7fffff], // log1p just above -1
    [14, 0x3e800000], // sincos(0.25)
    [14 + IN, 0x3f000000], // sincos(0.5)
  ];
  for (const [at, bits] of edges) inp[at] = bits;
  return inp;
}

function cpuReference(inp: Uint32Array, n: number): Uint32Array {
  const out = new Uint32Array(n * OUT);
  const ph = new Uint32Array(4);
  const words = new Uint32Array(6);
  const pair = [0, 0];
  for (let i = 0; i < n; i++) {
    const b = i * IN;
    const o = i * OUT;
    const [c0, c1, c2, c3, k0, k1, x, y] = inp.subarray(b, b + 8);
    philox4x32Words(c0, c1, c2, c3, k0, k1, ph);
    out.set(ph, o);
    philoxWords([k0, k1], c0, c1, c2, c3 & 0xffff, words);
    out[o + 4] = words[5];
    out[o + 5] = f32ToBits(uniform01(x));
    out[o + 6] = f32ToBits(uniformOpen(x));
    normal2(x, y, pair);
    out[o + 7] = f32ToBits(pair[0]);
    out[o + 8] = f32ToBits(pair[1]);
    out[o + 9] = f32ToBits(gumbel(x));
    out[o + 10] = bernoulli(x, 0.3) ? 1 : 0;
    const arg = (j: number) => bitsToF32(inp[b + 8 + j]);
    out[o + 11] = f32ToBits(mathExp(arg(0)));
    out[o + 12] = f32ToBits(mathLog(arg(1)));
    out[o + 13] = f32ToBits(mathLog1p(arg(2)));
    out[o + 14] = f32ToBits(mathSigmoid(arg(3)));
    out[o + 15] = f32ToBits(mathSqrt(arg(4)));
    out[o + 16] = f32ToBits(mathRecip(arg(5)));
    mathSincos2pi(arg(6), pair);
    out[o + 17] = f32ToBits(pair[0]);
    out[o + 18] = f32ToBits(pair[1]);
    out[o + 19] = f32ToBits(mathLog1pExp(arg(7)));
  }
  return out;
}

/** One dispatch of `code` over `inp`, returning `outWords` u32 words (raw WebGPU). */
async function runKernel(
  device: GPUDevice,
  code: string,
  inp: Uint32Array,
  outWords: number,
  invocations: number,
): Promise<Uint32Array> {
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === "error");
  if (errors.length) throw new Error(`WGSL compile failed: ${errors[0].message}`);
  const pipeline = await device.createComputePipelineAsync({
    layout: "auto",
    compute: { module, entryPoint: "main" },
  });
  const input = device.createBuffer({
    size: inp.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(input, 0, inp);
  const output = device.createBuffer({
    size: outWords * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const readback = device.createBuffer({
    size: outWords * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: input } },
      { binding: 1, resource: { buffer: output } },
    ],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(invocations / 64));
  pass.end();
  encoder.copyBufferToBuffer(output, 0, readback, 0, outWords * 4);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  for (const buffer of [input, output, readback]) buffer.destroy();
  return result;
}

Deno.test("WGSL rng and math are bit-identical to the TS twins on the adapter", async () => {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) {
    console.log("skip: no WebGPU adapter (navigator.gpu.requestAdapter() returned null)");
    return;
  }
  const device = await adapter.requestDevice();
  try {
    const n = 65536;
    const inp = makeInputs(n);
    // Random123 known answers ride along as the first three counters.
    const kat = [
      [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
      [[~0 >>> 0, ~0 >>> 0, ~0 >>> 0, ~0 >>> 0], [~0 >>> 0, ~0 >>> 0], [
        0x408f276d,
        0x41c83b0e,
        0xa20bc7c6,
        0x6d5451fd,
      ]],
      [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [
        0xd16cfe09,
        0x94fdcceb,
        0x5001e420,
        0x24126ea1,
      ]],
    ];
    kat.forEach(([ctr, key], i) => inp.set([...ctr, ...key], i * IN));
    const gpu = await runKernel(device, KERNEL, inp, n * OUT, n);
    const cpu = cpuReference(inp, n);
    kat.forEach(([, , want], i) => assertEquals([...gpu.subarray(i * OUT, i * OUT + 4)], want));
    const mismatches: Record<string, number> = {};
    let first = "";
    for (let k = 0; k < n * OUT; k++) {
      if (gpu[k] !== cpu[k]) {
        const col = COLUMNS[k % OUT];
        mismatches[col] = (mismatches[col] ?? 0) + 1;
        if (!first) {
          const i = Math.floor(k / OUT);
          first = `${col} at item ${i}: gpu 0x${gpu[k].toString(16)} cpu 0x${
            cpu[k].toString(16)
          } (input bits ${
            [...inp.subarray(i * IN, i * IN + IN)].map((v) => v.toString(16)).join(" ")
          })`;
        }
      }
    }
    assertEquals(
      mismatches,
      {},
      `GPU and CPU differ: ${JSON.stringify(mismatches)}; first: ${first}`,
    );
  } finally {
    device.destroy();
  }
});
