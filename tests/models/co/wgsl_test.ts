/**
 * The CO problems' WGSL twins on the real adapter (llvmpipe on CPU machines): energy, every
 * delta and every gradient of many random states, compared bit for bit with the CPU f32 twin.
 */
import { assertEquals } from "../../_assert.ts";
import { gpuOrSkip } from "../../_gpu.ts";
import {
  assembleProgram,
  bindGroups,
  createStorage,
  DispatchBatch,
  type GpuContext,
  readBuffer,
} from "../../../src/gpu/mod.ts";
import { mathWgsl } from "../../../src/wgsl/mod.ts";
import { type DiscreteModel, modelSizes } from "../../../src/models/discrete/model.ts";
import {
  erdosRenyi,
  graphFromEdges,
  maxCliqueProblem,
  maxCutProblem,
  misProblem,
  partitionProblem,
} from "../../../src/models/co/mod.ts";
import { uniformArray } from "../../../src/random/params.ts";
import { petersen, weightedSmall } from "./_graphs.ts";

// One invocation per (chain, site): Mesa's llvmpipe stops every loop once an invocation has
// run about 65,535 loop iterations in total (gallivm's loop limiter), so per-invocation work is
// kept small here.
const BODY = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let chain = gid.x / D;
  let i = gid.x % D;
  if (chain >= CHAINS) { return; }
  let base = chain * D;
  let o = chain * (1u + 2u * D * C);
  if (i == 0u) { out[o] = model_energy(base); }
  for (var v = 0u; v < C; v++) {
    out[o + 1u + i * C + v] = model_delta(base, i, v);
    out[o + 1u + D * C + i * C + v] = model_grad(base, i, v);
  }
}`;

async function gpuEvaluate(gpu: GpuContext, m: DiscreteModel, states: Uint32Array, chains: number) {
  const d = m.numSites, c = m.numCategories;
  const program = assembleProgram({
    label: `co-wgsl/${m.name}`,
    workgroupSize: 64,
    constants: { ...modelSizes(m), CHAINS: { type: "u32", value: chains } },
    groups: [
      [
        { name: "state", kind: "read", type: "array<u32>" },
        { name: "out", kind: "storage", type: "array<f32>" },
      ],
      m.wgsl.params.map((p) => ({
        name: p.name,
        kind: "read" as const,
        type: p.data instanceof Float32Array ? "array<f32>" : "array<u32>",
      })),
    ],
    snippets: [mathWgsl(), m.wgsl.code],
    body: BODY,
  });
  const compiled = await gpu.cache.get(gpu.device, program);
  const size = chains * (1 + 2 * d * c);
  const bufs = [createStorage(gpu, states, "state"), createStorage(gpu, size * 4, "out")];
  const params = m.wgsl.params.map((p) => createStorage(gpu, p.data, p.name));
  try {
    const batch = new DispatchBatch(gpu, "co-wgsl");
    batch.dispatch(compiled, bindGroups(gpu, compiled, [bufs, params]), Math.ceil(chains * d / 64));
    await batch.submit();
    return new Float32Array(await readBuffer(gpu, bufs[1], size * 4));
  } finally {
    for (const b of [...bufs, ...params]) b.destroy();
  }
}

function cpuEvaluate(m: DiscreteModel, states: Uint32Array, chains: number): Float32Array {
  const d = m.numSites, c = m.numCategories;
  const out = new Float32Array(chains * (1 + 2 * d * c));
  for (let ch = 0; ch < chains; ch++) {
    const base = ch * d, o = ch * (1 + 2 * d * c);
    out[o] = m.energy(states, base);
    for (let i = 0; i < d; i++) {
      for (let v = 0; v < c; v++) {
        out[o + 1 + i * c + v] = m.delta(states, base, i, v);
        out[o + 1 + d * c + i * c + v] = m.grad(states, base, i, v);
      }
    }
  }
  return out;
}

function randomStates(m: DiscreteModel, chains: number, seed: number, density = 0.5) {
  const u = uniformArray(seed, 11, chains * m.numSites);
  return m.numCategories === 2
    ? Uint32Array.from(u, (v) => (v < density ? 1 : 0))
    : Uint32Array.from(u, (v) => Math.floor(v * m.numCategories));
}

function weightedEr(n: number, p: number, seed: number) {
  const g = erdosRenyi({ n, p, seed });
  const w = uniformArray(seed, 3, g.colIdx.length);
  const src: number[] = [], dst: number[] = [], weights: number[] = [];
  let e = 0;
  for (let u = 0; u < n; u++) {
    for (let k = g.rowPtr[u]; k < g.rowPtr[u + 1]; k++) {
      if (g.colIdx[k] < u) continue;
      src.push(u);
      dst.push(g.colIdx[k]);
      weights.push(2 * w[e++] - 0.5);
    }
  }
  return graphFromEdges({ n, src, dst, weights });
}

Deno.test("CO problems: WGSL energy, delta and grad equal the CPU twin bit for bit", async () => {
  const gpu = await gpuOrSkip("CO WGSL twins");
  if (!gpu) return;
  const dense = erdosRenyi({ n: 24, p: 0.7, seed: 3 });
  const big = weightedEr(150, 0.06, 4);
  const cases: [DiscreteModel, number][] = [
    [misProblem(petersen()), 0.5],
    [misProblem(erdosRenyi({ n: 120, p: 0.05, seed: 2 }), { penalty: 1.0001 }), 0.2],
    [maxCliqueProblem(dense, { form: "complement" }), 0.4],
    [maxCliqueProblem(dense, { form: "direct" }), 0.4],
    [maxCutProblem(petersen()), 0.5],
    [maxCutProblem(big), 0.5],
    [partitionProblem(weightedSmall(), { numParts: 3 }), 0],
    [partitionProblem(big, { numParts: 4, penalty: 0.37 }), 0],
  ];
  for (const [m, density] of cases) {
    const chains = 48;
    const states = randomStates(m, chains, m.numSites, density);
    const g = await gpuEvaluate(gpu, m, states, chains);
    const c = cpuEvaluate(m, states, chains);
    let bad = -1;
    for (let k = 0; k < c.length && bad < 0; k++) {
      if (!Object.is(c[k], g[k]) && c[k] !== g[k]) bad = k;
    }
    assertEquals(bad, -1, `${m.name}: first mismatch at ${bad}: cpu ${c[bad]} gpu ${g[bad]}`);
  }
});
