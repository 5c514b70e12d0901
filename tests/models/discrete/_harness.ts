/**
 * Shared checks for the discrete models: float64 references, finite differences of the one-hot
 * relaxation, a WGSL evaluation harness on the real adapter, and RWM exactness on enumerable
 * instances.
 * @module
 */
import { assert } from "../../_assert.ts";
import { chiSquare, chiSquareQuantile } from "../../_stats.ts";
import {
  assembleProgram,
  bindGroups,
  createStorage,
  DispatchBatch,
  type GpuContext,
  readBuffer,
} from "../../../src/gpu/mod.ts";
import { mathWgsl } from "../../../src/wgsl/mod.ts";
import { uniformArray } from "../../../src/random/params.ts";
import {
  type DiscreteModel,
  enumerateLogProbs,
  modelSizes,
  stateIndex,
} from "../../../src/models/discrete/model.ts";
import { runSampler } from "../../../src/samplers/engine.ts";
import { rwmSampler } from "../../../src/samplers/rwm.ts";

/** `n` random states of a model, `[n, D]`, from a seed. */
export function randomStates(model: DiscreteModel, n: number, seed: number): Uint32Array {
  const u = uniformArray(seed, 77, n * model.numSites);
  return Uint32Array.from(u, (v) => Math.floor(v * model.numCategories));
}

/** Random (site, value, category) queries, one per state, `[n, 3]`; values differ from x_i. */
export function randomQueries(
  model: DiscreteModel,
  states: Uint32Array,
  seed: number,
): Uint32Array {
  const d = model.numSites, c = model.numCategories, n = states.length / d;
  const u = uniformArray(seed, 78, 3 * n);
  const q = new Uint32Array(3 * n);
  for (let s = 0; s < n; s++) {
    const i = Math.floor(u[3 * s] * d);
    q[3 * s] = i;
    q[3 * s + 1] = (states[s * d + i] + 1 + Math.floor(u[3 * s + 1] * (c - 1))) % c;
    q[3 * s + 2] = Math.floor(u[3 * s + 2] * c);
  }
  return q;
}

/** |a - b| <= rel * (1 + |b|), else throws naming what differed. */
export function assertRel(a: number, b: number, rel: number, what: string): void {
  if (!(Math.abs(a - b) <= rel * (1 + Math.abs(b)))) {
    throw new Error(`${what}: got ${a}, expected ${b} (relative tolerance ${rel})`);
  }
}

/**
 * Checks energy against a float64 reference, delta against energy differences, and grad
 * against central finite differences of the float64 one-hot relaxation `relaxed(X)`
 * (X is `[D, C]`); binary models' grad is compared with `g_1 - g_0`.
 */
export function checkCpu(
  model: DiscreteModel,
  reference: (x: Uint32Array) => number,
  relaxed: ((X: Float64Array) => number) | null,
  opts: { states?: number; seed?: number; tol?: number; gradTol?: number } = {},
): void {
  const n = opts.states ?? 40;
  const tol = opts.tol ?? 2e-5;
  const d = model.numSites, c = model.numCategories;
  const states = randomStates(model, n, opts.seed ?? 1);
  const queries = randomQueries(model, states, (opts.seed ?? 1) + 1);
  for (let s = 0; s < n; s++) {
    const x = states.slice(s * d, (s + 1) * d);
    const e = model.energy(x, 0);
    assertRel(e, reference(x), tol, `energy of state ${s}`);
    const [i, v, k] = queries.subarray(3 * s, 3 * s + 3);
    const y = x.slice();
    y[i] = v;
    const diff = reference(y) - reference(x);
    assertRel(model.delta(x, 0, i, v), diff, tol * (1 + Math.abs(e)), `delta of state ${s}`);
    assert(model.delta(x, 0, i, x[i]) === 0, "delta to the current value must be 0");
    if (!relaxed) continue;
    const X = new Float64Array(d * c);
    for (let j = 0; j < d; j++) X[j * c + x[j]] = 1;
    const fd = (cat: number) => {
      const h = 1e-4;
      X[i * c + cat] += h;
      const up = relaxed(X);
      X[i * c + cat] -= 2 * h;
      const down = relaxed(X);
      X[i * c + cat] += h;
      return (up - down) / (2 * h);
    };
    const expect = c === 2 ? fd(1) - fd(0) : fd(k);
    assertRel(model.grad(x, 0, i, k), expect, opts.gradTol ?? 1e-4, `grad of state ${s}`);
  }
}

/** Energies, deltas and grads of the WGSL twin on `states` for `queries` (see above). */
export async function evaluateWgsl(
  gpu: GpuContext,
  model: DiscreteModel,
  states: Uint32Array,
  queries: Uint32Array,
): Promise<{ energy: Float32Array; delta: Float32Array; grad: Float32Array }> {
  const n = queries.length / 3;
  const program = assembleProgram({
    label: `${model.name}/harness`,
    workgroupSize: 64,
    // The model's sizes (which the engine loads from its uniform) as constants here.
    constants: { ...modelSizes(model), N: { type: "u32", value: n } },
    groups: [
      [
        { name: "state", kind: "read", type: "array<u32>" },
        { name: "queries", kind: "read", type: "array<u32>" },
        { name: "out", kind: "storage", type: "array<f32>" },
      ],
      model.wgsl.params.map((p) => ({
        name: p.name,
        kind: "read" as const,
        type: p.data instanceof Float32Array ? "array<f32>" : "array<u32>",
      })),
    ],
    snippets: [mathWgsl(), model.wgsl.code],
    body: /* wgsl */ `fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= N) { return; }
  let base = id.x * D;
  let q = 3u * id.x;
  out[q] = model_energy(base);
  out[q + 1u] = model_delta(base, queries[q], queries[q + 1u]);
  out[q + 2u] = model_grad(base, queries[q], queries[q + 2u]);
}`,
  });
  const compiled = await gpu.cache.get(gpu.device, program);
  const bufs = [
    createStorage(gpu, states, "state"),
    createStorage(gpu, queries, "queries"),
    createStorage(gpu, n * 12, "out"),
  ];
  const params = model.wgsl.params.map((p) => createStorage(gpu, p.data, p.name));
  try {
    const batch = new DispatchBatch(gpu, "harness");
    batch.dispatch(compiled, bindGroups(gpu, compiled, [bufs, params]), Math.ceil(n / 64));
    await batch.submit();
    const out = new Float32Array(await readBuffer(gpu, bufs[2], n * 12));
    const pick = (o: number) => Float32Array.from({ length: n }, (_, s) => out[3 * s + o]);
    return { energy: pick(0), delta: pick(1), grad: pick(2) };
  } finally {
    for (const b of [...bufs, ...params]) b.destroy();
  }
}

/**
 * Compares the WGSL twin with the CPU functions on random states (relative 1e-5) and returns
 * how many of the 3n values were bit-identical.
 */
export async function checkWgsl(
  gpu: GpuContext,
  model: DiscreteModel,
  n = 128,
  seed = 5,
): Promise<{ identical: number; total: number }> {
  const d = model.numSites;
  const states = randomStates(model, n, seed);
  const queries = randomQueries(model, states, seed + 1);
  const r = await evaluateWgsl(gpu, model, states, queries);
  let identical = 0;
  for (let s = 0; s < n; s++) {
    const [i, v, k] = queries.subarray(3 * s, 3 * s + 3);
    const e = model.energy(states, s * d);
    const de = model.delta(states, s * d, i, v);
    const g = model.grad(states, s * d, i, k);
    assertRel(r.energy[s], e, 1e-5, `${model.name} WGSL energy of state ${s}`);
    assertRel(r.delta[s], de, 1e-5 * (1 + Math.abs(e)), `${model.name} WGSL delta ${s}`);
    assertRel(r.grad[s], g, 1e-5, `${model.name} WGSL grad ${s}`);
    identical += Number(r.energy[s] === e) + Number(r.delta[s] === de) + Number(r.grad[s] === g);
  }
  return { identical, total: 3 * n };
}

/**
 * Runs non-adaptive RWM from the engine's uniform init and chi-squares the chains' final states
 * against the exact distribution (threshold: the chi-square upper 1e-4 quantile, z = 3.7).
 */
export async function checkRwmExact(
  model: DiscreteModel,
  gpu: GpuContext | null,
  opts: {
    chains?: number;
    steps?: number;
    seed?: number;
    radius?: number;
    /** Compare against this model's distribution instead (to show the check can fail). */
    target?: DiscreteModel;
  } = {},
): Promise<{ stat: number; dof: number; passed: boolean }> {
  const chains = opts.chains ?? 4096;
  const r = await runSampler(
    model,
    rwmSampler({ radius: opts.radius ?? 1.5, adaptive: false }),
    { chains, steps: opts.steps ?? 100, seed: opts.seed ?? 3 },
    gpu,
  );
  const d = model.numSites, c = model.numCategories;
  const logp = enumerateLogProbs(opts.target ?? model);
  const counts = new Float64Array(logp.length);
  for (let ch = 0; ch < chains; ch++) counts[stateIndex(r.finalStates, ch * d, d, c)]++;
  const { stat, dof } = chiSquare(counts, logp.map(Math.exp));
  const passed = stat < chiSquareQuantile(dof, 3.7);
  if (!opts.target) {
    assert(passed, `${model.name} RWM on ${r.backend}: chi2 ${stat.toFixed(1)} on ${dof} dof`);
  }
  return { stat, dof, passed };
}

/** Runs non-adaptive RWM on both backends with one seed; true when every output bit agrees. */
export async function sameBitsOnBothBackends(
  model: DiscreteModel,
  gpu: GpuContext,
): Promise<boolean> {
  const opts = { chains: 64, steps: 80, seed: 11, blockSteps: 32 };
  const sampler = rwmSampler({ radius: 2, adaptive: false });
  const a = await runSampler(model, sampler, opts, gpu);
  const b = await runSampler(model, sampler, opts, null);
  const same = (p: ArrayLike<number>, q: ArrayLike<number>) =>
    p.length === q.length && Array.from(p).every((v, i) => Object.is(v, q[i]));
  return same(a.finalStates, b.finalStates) && same(a.energies, b.energies) &&
    same(a.hamming, b.hamming);
}
