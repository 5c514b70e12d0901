/**
 * ULA, MALA and HMC on WebGPU with an f32 CPU twin (`sampleContinuous`). Unlike the f64
 * reference `runContinuousSampler`, every chain adapts its own step size by dual averaging
 * (Hoffman & Gelman 2014) from its own acceptance probability at each burn-in step, as Stan
 * does per chain: the GPU then needs no reduction across chains, and each invocation runs many
 * steps per dispatch. After burn-in each chain uses its averaged step size exp(log-eps-bar).
 *
 * Randomness (both twins): proposal normals / momenta from Philox counter (block, step, chain,
 * 0) as in {@link normals}; the acceptance uniform from word 0 of (0, step, chain, 1). The
 * sampler arithmetic and the adaptation use the deterministic f32 math (`math_*` /
 * `f32math.ts`) in the same order on both sides; potentials' WGSL uses builtin arithmetic and
 * the CPU twin rounds the f64 gradient to f32, so GPU and CPU agree to round-off until an
 * accept/reject decision lands within that round-off of its threshold.
 * @module
 */
import {
  assembleProgram,
  type BindingDecl,
  DispatchBatch,
  type GpuContext,
  GpuRunner,
  readBuffers,
  UniformLayout,
} from "../gpu/mod.ts";
import { hasLoopLimit, LLVMPIPE_LOOP_LIMIT } from "../gpu/limits.ts";
import { mathExp, mathLog, mathRecip, mathSqrt } from "../random/f32math.ts";
import { uniform01 } from "../random/draws.ts";
import { philox4x32Words, seedToKey } from "../random/philox.ts";

import { rngWgsl } from "../wgsl/mod.ts";
import { type DynamicsPotential, gradientLoopCost, normals } from "./langevin.ts";
import type { ContinuousSamplerName, ContinuousSamplerOptions } from "./samplers.ts";

/** Options of {@link sampleContinuous}: those of `runContinuousSampler` plus block size. */
export interface ContinuousSampleOptions extends ContinuousSamplerOptions {
  /** Kept steps per GPU readback (default 256). */
  readonly blockSteps?: number;
}

/** What {@link sampleContinuous} returns. */
export interface ContinuousSampleResult {
  readonly backend: "webgpu" | "cpu";
  readonly sampler: ContinuousSamplerName;
  readonly chains: number;
  readonly dim: number;
  readonly steps: number;
  /** Kept draws `[steps, chains, dim]` (after burn-in). */
  readonly samples: Float32Array;
  /** Mean acceptance probability per chain over the kept steps (1 for ULA). */
  readonly acceptance: Float32Array;
  /** Each chain's step size after burn-in. */
  readonly stepSizes: Float32Array;
}

const fr = Math.fround;
const KIND = { ula: 0, mala: 1, hmc: 2 } as const;
/** Dual-averaging constants t0, 1 / gamma, kappa (Hoffman & Gelman 2014). */
const DA_T0 = 10, DA_INV_GAMMA = 20, DA_KAPPA = 0.75;

interface Setup {
  kind: ContinuousSamplerName;
  m: number;
  dim: number;
  steps: number;
  burnIn: number;
  L: number;
  beta: number;
  eps0: number;
  mu: number;
  target: number;
  adapt: boolean;
  key: [number, number];
  x0: Float32Array;
}

function setup(p: DynamicsPotential, o: ContinuousSampleOptions): Setup {
  const dim = p.dim, m = o.chains;
  const int = (name: string, v: number, min = 1) => {
    if (!(Number.isInteger(v) && v >= min && v < 2 ** 31)) {
      throw new Error(`sampleContinuous: ${name} must be an integer >= ${min}, got ${v}`);
    }
  };
  int("chains", m);
  int("steps", o.steps);
  const burnIn = o.burnIn ?? Math.floor(o.steps / 2);
  int("burnIn", burnIn, 0);
  const L = o.leapfrogSteps ?? 10;
  int("leapfrogSteps", L);
  const kind = o.sampler;
  if (kind !== "ula" && kind !== "mala" && kind !== "hmc") {
    throw new Error(`sampleContinuous: sampler must be "ula", "mala" or "hmc", got ${kind}`);
  }
  const beta = o.beta ?? 1, eps0 = o.stepSize ?? 0.1;
  if (!(beta > 0 && Number.isFinite(beta))) {
    throw new Error(`sampleContinuous: beta must be a finite number > 0, got ${beta}`);
  }
  if (!(eps0 > 0 && Number.isFinite(eps0))) {
    throw new Error(`sampleContinuous: stepSize must be a finite number > 0, got ${eps0}`);
  }
  const start = o.start ?? new Float64Array(dim);
  if (start.length !== dim && start.length !== m * dim) {
    throw new Error(
      `sampleContinuous: start has ${start.length} values, expected ${dim} or ${m} x ${dim}`,
    );
  }
  const x0 = new Float32Array(m * dim);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < dim; i++) {
      x0[c * dim + i] = start.length === dim ? start[i] : start[c * dim + i];
    }
  }
  return {
    kind,
    m,
    dim,
    steps: o.steps,
    burnIn,
    L,
    beta: fr(beta),
    eps0: fr(eps0),
    mu: fr(Math.log(10 * eps0)),
    target: fr(o.targetAcceptance ?? (kind === "hmc" ? 0.75 : 0.574)),
    adapt: kind !== "ula" && (o.adapt ?? true) && burnIn > 0,
    key: seedToKey(o.seed),
    x0,
  };
}

/** f32 U = beta V and its gradient from the CPU potential (the CPU twin's model call). */
function energyGrad(p: DynamicsPotential, beta: number, y: Float32Array, g: Float32Array) {
  const x64 = Float64Array.from(y), g64 = new Float64Array(y.length);
  p.gradient(x64, g64);
  for (let i = 0; i < y.length; i++) g[i] = fr(beta * fr(g64[i]));
  return fr(beta * fr(p.energy(x64)));
}

/** One chain's dual-averaging update in f32 (twin of WGSL `sampler_adapt`); returns log eps. */
function adaptStep(s: Setup, da: Float32Array, o: number, step: number, a: number): void {
  const t = fr(step + 1);
  const r = mathRecip(fr(t + DA_T0));
  da[o + 1] = fr(fr(fr(1 - r) * da[o + 1]) + fr(fr(s.target - a) * r));
  const logEps = fr(s.mu - fr(fr(mathSqrt(t) * DA_INV_GAMMA) * da[o + 1]));
  const w = mathExp(fr(-DA_KAPPA * mathLog(t)));
  da[o + 2] = fr(fr(w * logEps) + fr(fr(1 - w) * da[o + 2]));
  da[o] = mathExp(logEps);
}

function cpuRun(p: DynamicsPotential, s: Setup): ContinuousSampleResult {
  const { m, dim, key, L, burnIn } = s;
  const x = Float32Array.from(s.x0), g = new Float32Array(m * dim), u = new Float32Array(m);
  const da = new Float32Array(4 * m); // eps, hBar, logEpsBar, -
  for (let c = 0; c < m; c++) {
    u[c] = energyGrad(p, s.beta, x.subarray(c * dim, c * dim + dim), g.subarray(c * dim));
    da[4 * c] = s.eps0;
  }
  const samples = new Float32Array(s.steps * m * dim), acc = new Float32Array(m);
  const xi64 = new Float64Array(dim), xi = new Float32Array(dim), w = new Uint32Array(4);
  const y = new Float32Array(dim), gy = new Float32Array(dim);
  const total = burnIn + s.steps;
  for (let c = 0; c < m; c++) {
    const b = c * dim, xc = x.subarray(b, b + dim), gc = g.subarray(b, b + dim);
    for (let step = 0; step < total; step++) {
      if (step === burnIn && s.adapt) da[4 * c] = mathExp(da[4 * c + 2]);
      const eps = da[4 * c];
      normals(xi64, key, c, step, 0, w);
      xi.set(xi64);
      let a = 1, uy: number;
      if (s.kind === "hmc") {
        y.set(xc);
        gy.set(gc);
        let k0 = 0;
        for (let i = 0; i < dim; i++) k0 = fr(k0 + fr(xi[i] * xi[i]));
        const he = fr(0.5 * eps);
        uy = u[c];
        for (let l = 0; l < L; l++) {
          for (let i = 0; i < dim; i++) {
            xi[i] = fr(xi[i] - fr(he * gy[i]));
            y[i] = fr(y[i] + fr(eps * xi[i]));
          }
          uy = energyGrad(p, s.beta, y, gy);
          for (let i = 0; i < dim; i++) xi[i] = fr(xi[i] - fr(he * gy[i]));
        }
        let k1 = 0;
        for (let i = 0; i < dim; i++) k1 = fr(k1 + fr(xi[i] * xi[i]));
        const logA = fr(fr(fr(u[c] - uy) + fr(0.5 * k0)) - fr(0.5 * k1));
        a = mathExp(Math.min(logA, 0));
      } else {
        const h2 = fr(fr(0.5 * eps) * eps);
        for (let i = 0; i < dim; i++) {
          y[i] = fr(fr(xc[i] - fr(h2 * gc[i])) + fr(eps * xi[i]));
        }
        uy = energyGrad(p, s.beta, y, gy);
        if (s.kind === "mala") {
          let fwd = 0, bwd = 0;
          for (let i = 0; i < dim; i++) {
            fwd = fr(fwd + fr(xi[i] * xi[i]));
            const r = fr(fr(xc[i] - y[i]) + fr(h2 * gy[i]));
            bwd = fr(bwd + fr(r * r));
          }
          const inv = mathRecip(fr(fr(2 * eps) * eps));
          const logA = fr(fr(fr(u[c] - uy) - fr(bwd * inv)) + fr(0.5 * fwd));
          a = mathExp(Math.min(logA, 0));
        }
      }
      if (s.kind === "ula" || uniform01(philox4x32Words(0, step, c, 1, key[0], key[1], w)[0]) < a) {
        xc.set(y);
        gc.set(gy);
        u[c] = uy;
      }
      if (step < burnIn) {
        if (s.adapt) adaptStep(s, da, 4 * c, step, a);
      } else {
        acc[c] = fr(acc[c] + a);
        samples.set(xc, ((step - burnIn) * m + c) * dim);
      }
    }
  }
  return result(s, "cpu", samples, acc, da);
}

function result(
  s: Setup,
  backend: "webgpu" | "cpu",
  samples: Float32Array,
  acc: Float32Array,
  da: Float32Array,
): ContinuousSampleResult {
  return {
    backend,
    sampler: s.kind,
    chains: s.m,
    dim: s.dim,
    steps: s.steps,
    samples,
    acceptance: acc.map((v) => v / s.steps),
    stepSizes: Float32Array.from({ length: s.m }, (_, c) => da[4 * c]),
  };
}

/** The samplers' uniform block; WGSL struct and packing both come from this field list. */
const PARAMS = new UniformLayout("SmpParams", [
  { name: "key_lo", type: "u32" },
  { name: "key_hi", type: "u32" },
  { name: "chains", type: "u32" },
  { name: "burn_in", type: "u32" },
  { name: "block_end", type: "u32" },
  { name: "out0", type: "u32" },
  { name: "chunk", type: "u32" },
  { name: "leapfrog", type: "u32" },
  { name: "beta", type: "f32" },
  { name: "mu", type: "f32" },
  { name: "target_acc", type: "f32" },
  { name: "adapt", type: "u32" },
]);

const BINDINGS: readonly BindingDecl[] = [
  { name: "smp_x", kind: "storage", type: "array<f32>" },
  { name: "smp_g", kind: "storage", type: "array<f32>" },
  { name: "smp_u", kind: "storage", type: "array<f32>" },
  { name: "smp_da", kind: "storage", type: "array<f32>" },
  { name: "smp_acc", kind: "storage", type: "array<f32>" },
  { name: "smp_step", kind: "storage", type: "array<u32>" },
  { name: "smp_out", kind: "storage", type: "array<f32>" },
  { name: "params", kind: "uniform", type: "SmpParams" },
];

const HELPERS = /* wgsl */ `
// DIM standard normals of (chain, step), the twin of normals() in langevin.ts.
fn sampler_normals(xi: ptr<function, array<f32, DIM>>, c: u32, step: u32) {
  for (var j = 0u; 4u * j < DIM; j++) {
    let w = rng_philox(vec4<u32>(j, step, c, 0u), vec2<u32>(params.key_lo, params.key_hi));
    let a = rng_normal2(w.x, w.y);
    let i = 4u * j;
    (*xi)[i] = a.x;
    if (i + 1u < DIM) { (*xi)[i + 1u] = a.y; }
    if (i + 2u < DIM) {
      let b = rng_normal2(w.z, w.w);
      (*xi)[i + 2u] = b.x;
      if (i + 3u < DIM) { (*xi)[i + 3u] = b.y; }
    }
  }
}

// U = beta V and its gradient.
fn sampler_energy_grad(y: ptr<function, array<f32, DIM>>, g: ptr<function, array<f32, DIM>>) -> f32 {
  let v = model_grad_energy(y, g);
  for (var i = 0u; i < DIM; i++) { (*g)[i] = params.beta * (*g)[i]; }
  return params.beta * v;
}`;

const MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = gid.x + gid.y * nwg.x * WG;
  if (c >= params.chains) { return; }
  var x: array<f32, DIM>;
  var g: array<f32, DIM>;
  var y: array<f32, DIM>;
  var gy: array<f32, DIM>;
  var xi: array<f32, DIM>;
  let b = c * DIM;
  for (var i = 0u; i < DIM; i++) { x[i] = smp_x[b + i]; g[i] = smp_g[b + i]; }
  var u = smp_u[c];
  var eps = smp_da[4u * c];
  var hbar = smp_da[4u * c + 1u];
  var lbar = smp_da[4u * c + 2u];
  var acc = smp_acc[c];
  var step = smp_step[c];
  let n = min(params.chunk, params.block_end - step);
  for (var k = 0u; k < n; k++) {
    if (step == params.burn_in && params.adapt != 0u) { eps = math_exp(lbar); }
    sampler_normals(&xi, c, step);
    var a = 1.0;
    var uy = 0.0;
    if (SAMPLER_KIND == 2u) {
      var k0 = 0.0;
      for (var i = 0u; i < DIM; i++) {
        y[i] = x[i];
        gy[i] = g[i];
        k0 = math_keep(k0 + math_keep(xi[i] * xi[i]));
      }
      let he = 0.5 * eps;
      uy = u;
      for (var l = 0u; l < params.leapfrog; l++) {
        for (var i = 0u; i < DIM; i++) {
          xi[i] = xi[i] - math_keep(he * gy[i]);
          y[i] = y[i] + math_keep(eps * xi[i]);
        }
        uy = sampler_energy_grad(&y, &gy);
        for (var i = 0u; i < DIM; i++) { xi[i] = xi[i] - math_keep(he * gy[i]); }
      }
      var k1 = 0.0;
      for (var i = 0u; i < DIM; i++) { k1 = math_keep(k1 + math_keep(xi[i] * xi[i])); }
      let log_a = math_keep(math_keep(u - uy) + math_keep(0.5 * k0)) - math_keep(0.5 * k1);
      a = math_exp(min(log_a, 0.0));
    } else {
      let h2 = math_keep(0.5 * eps) * eps;
      for (var i = 0u; i < DIM; i++) {
        y[i] = math_keep(x[i] - math_keep(h2 * g[i])) + math_keep(eps * xi[i]);
      }
      uy = sampler_energy_grad(&y, &gy);
      if (SAMPLER_KIND == 1u) {
        var fwd = 0.0;
        var bwd = 0.0;
        for (var i = 0u; i < DIM; i++) {
          fwd = math_keep(fwd + math_keep(xi[i] * xi[i]));
          let r = math_keep(x[i] - y[i]) + math_keep(h2 * gy[i]);
          bwd = math_keep(bwd + math_keep(r * r));
        }
        let inv = math_recip(math_keep(2.0 * eps) * eps);
        let log_a = math_keep(math_keep(u - uy) - math_keep(bwd * inv)) + math_keep(0.5 * fwd);
        a = math_exp(min(log_a, 0.0));
      }
    }
    var accept = SAMPLER_KIND == 0u;
    if (!accept) {
      accept = rng_uniform(rng_philox(vec4<u32>(0u, step, c, 1u), vec2<u32>(params.key_lo, params.key_hi)).x) < a;
    }
    if (accept) {
      for (var i = 0u; i < DIM; i++) { x[i] = y[i]; g[i] = gy[i]; }
      u = uy;
    }
    if (step < params.burn_in) {
      if (params.adapt != 0u) {
        // Dual averaging, twin of adaptStep() in samplers_gpu.ts.
        let t = f32(step + 1u);
        let r = math_recip(t + ${DA_T0.toFixed(1)});
        hbar = math_keep(math_keep(1.0 - r) * hbar) + math_keep(math_keep(params.target_acc - a) * r);
        let log_eps = params.mu - math_keep(math_keep(math_sqrt(t) * ${
  DA_INV_GAMMA.toFixed(1)
}) * hbar);
        let w = math_exp(-${DA_KAPPA} * math_log(t));
        lbar = math_keep(w * log_eps) + math_keep(math_keep(1.0 - w) * lbar);
        eps = math_exp(log_eps);
      }
    } else {
      acc = acc + a;
      let o = ((step - params.out0) * params.chains + c) * DIM;
      for (var i = 0u; i < DIM; i++) { smp_out[o + i] = x[i]; }
    }
    step++;
  }
  for (var i = 0u; i < DIM; i++) { smp_x[b + i] = x[i]; smp_g[b + i] = g[i]; }
  smp_u[c] = u;
  smp_da[4u * c] = eps;
  smp_da[4u * c + 1u] = hbar;
  smp_da[4u * c + 2u] = lbar;
  smp_acc[c] = acc;
  smp_step[c] = step;
}`;

const WG = 64;

/** Estimated WGSL loop iterations of one sampler step of one chain (llvmpipe budget). */
export function samplerLoopsPerStep(
  p: DynamicsPotential,
  sampler: ContinuousSamplerName,
  leapfrogSteps: number,
): number {
  const d = p.dim, grad = gradientLoopCost(p) + d;
  const noise = Math.ceil(d / 4) * 18 + 1;
  const adapt = 8;
  if (sampler === "hmc") return noise + leapfrogSteps * (grad + 2 * d + 1) + 3 * d + adapt + 1;
  return noise + grad + 3 * d + adapt + 1;
}

async function gpuRun(
  p: DynamicsPotential,
  s: Setup,
  gpu: GpuContext,
  blockSteps: number,
): Promise<ContinuousSampleResult> {
  const { m, dim, burnIn } = s;
  const per = samplerLoopsPerStep(p, s.kind, s.L);
  let chunk = 0x7fffffff;
  if (hasLoopLimit(gpu)) {
    chunk = Math.floor((0.9 * LLVMPIPE_LOOP_LIMIT - 8 * dim) / per);
    if (chunk < 1) {
      throw new Error(
        `sampleContinuous: one ${s.kind} step of ${p.name} needs about ${per} loop iterations ` +
          `per GPU invocation, over the software adapter's limit of ${LLVMPIPE_LOOP_LIMIT}; use the CPU`,
      );
    }
  }
  const compiled = await gpu.cache.get(
    gpu.device,
    assembleProgram({
      label: `${p.wgsl.key}/${s.kind}`,
      groups: [
        BINDINGS,
        ...(p.wgsl.params
          ? [[{ name: "model_params", kind: "read" as const, type: "array<f32>" }]]
          : []),
      ],
      constants: {
        WG: { type: "u32", value: WG },
        SAMPLER_KIND: { type: "u32", value: KIND[s.kind] },
      },
      snippets: [PARAMS.wgsl(), rngWgsl(), p.wgsl.code, HELPERS],
      body: MAIN,
      workgroupSize: WG,
    }),
  );
  // Initial U and grad U on the CPU (f32), shared with the CPU twin.
  const g = new Float32Array(m * dim), u = new Float32Array(m), da = new Float32Array(4 * m);
  for (let c = 0; c < m; c++) {
    u[c] = energyGrad(p, s.beta, s.x0.subarray(c * dim, c * dim + dim), g.subarray(c * dim));
    da[4 * c] = s.eps0;
  }
  const block = Math.max(1, Math.min(s.steps, blockSteps));
  // Every buffer belongs to the runner, released in the finally whatever fails.
  const runner = new GpuRunner(gpu, "continuous-sampler");
  try {
    const buf = {
      smp_x: runner.storage("smp_x", s.x0),
      smp_g: runner.storage("smp_g", g),
      smp_u: runner.storage("smp_u", u),
      smp_da: runner.storage("smp_da", da),
      smp_acc: runner.storage("smp_acc", m * 4),
      smp_step: runner.storage("smp_step", m * 4),
      smp_out: runner.storage("smp_out", block * m * dim * 4),
      params: runner.uniform("params", PARAMS),
      ...(p.wgsl.params ? { model_params: runner.storage("model_params", p.wgsl.params) } : {}),
    };
    const groups = runner.bindGroups(compiled, buf);
    const workgroups = Math.ceil(m / WG);
    const values = {
      key_lo: s.key[0],
      key_hi: s.key[1],
      chains: m,
      burn_in: burnIn,
      block_end: 0,
      out0: 0,
      chunk: Math.min(chunk, 0x7fffffff),
      leapfrog: s.L,
      beta: s.beta,
      mu: s.mu,
      target_acc: s.target,
      adapt: s.adapt ? 1 : 0,
    };
    const run = async (start: number, end: number) => {
      runner.writeUniform(buf.params, PARAMS, {
        ...values,
        block_end: end,
        out0: Math.max(start, burnIn),
      });
      const batch = new DispatchBatch(gpu, "continuous-sampler");
      const dispatches = Math.ceil((end - start) / Math.min(chunk, end - start));
      for (let k = 0; k < dispatches; k++) batch.dispatch(compiled, groups, workgroups);
      await batch.submit();
    };
    if (burnIn > 0) await run(0, burnIn);
    const samples = new Float32Array(s.steps * m * dim);
    for (let k0 = 0; k0 < s.steps; k0 += block) {
      const count = Math.min(block, s.steps - k0);
      await run(burnIn + k0, burnIn + k0 + count);
      const [data] = await readBuffers(gpu, [{
        buffer: buf.smp_out,
        byteLength: count * m * dim * 4,
      }]);
      samples.set(new Float32Array(data), k0 * m * dim);
    }
    const [accData, daData] = await readBuffers(gpu, [
      { buffer: buf.smp_acc, byteLength: m * 4 },
      { buffer: buf.smp_da, byteLength: 4 * m * 4 },
    ]);
    return result(s, "webgpu", samples, new Float32Array(accData), new Float32Array(daData));
  } finally {
    runner.release();
  }
}

/**
 * Runs many chains of ULA, MALA or HMC on exp(-beta V) on WebGPU when `gpu` is given, else on
 * the f32 CPU twin; each chain adapts its own step size during burn-in.
 *
 * @example
 * ```ts
 * import { doubleWell } from "../models/continuous/mod.ts";
 * const r = await sampleContinuous(doubleWell(), {
 *   sampler: "hmc", chains: 64, steps: 500, seed: 1, start: [1], leapfrogSteps: 5,
 * }, null);
 * console.log(r.samples.length, r.stepSizes[0]); // 32000, chain 0's adapted epsilon
 * ```
 */
export async function sampleContinuous(
  p: DynamicsPotential,
  o: ContinuousSampleOptions,
  gpu: GpuContext | null,
): Promise<ContinuousSampleResult> {
  const s = setup(p, o);
  const blockSteps = o.blockSteps ?? 256;
  if (!(Number.isInteger(blockSteps) && blockSteps >= 1)) {
    throw new Error(`sampleContinuous: blockSteps must be an integer >= 1, got ${blockSteps}`);
  }
  return gpu ? await gpuRun(p, s, gpu, blockSteps) : cpuRun(p, s);
}
