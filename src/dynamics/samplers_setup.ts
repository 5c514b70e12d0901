/**
 * The continuous samplers' options, result and checked setup, shared by the f32 CPU twin
 * (`samplers_cpu.ts`) and the WebGPU runner (`samplers_gpu.ts`); the public entry is
 * `sampleContinuous` in `samplers.ts`.
 * @module
 */
import { seedToKey } from "../random/philox.ts";
import type { DynamicsPotential } from "./langevin.ts";

/** The samplers. */
export type ContinuousSamplerName = "ula" | "mala" | "hmc";

/** Options of `sampleContinuous`. */
export interface ContinuousSampleOptions {
  readonly sampler: ContinuousSamplerName;
  readonly chains: number;
  /** Kept steps after burn-in. */
  readonly steps: number;
  /** Burn-in steps (each chain adapts its step size here), default steps / 2 rounded down. */
  readonly burnIn?: number;
  readonly seed: number;
  /** Inverse temperature (default 1). */
  readonly beta?: number;
  /** Initial step size epsilon (default 0.1). */
  readonly stepSize?: number;
  /** Adapt during burn-in (default true; ULA has no acceptance and never adapts). */
  readonly adapt?: boolean;
  /** Target acceptance (default 0.574 MALA, 0.75 HMC). */
  readonly targetAcceptance?: number;
  /** HMC leapfrog steps L (default 10). */
  readonly leapfrogSteps?: number;
  /** Start state(s): one array for all chains or a flat [chains, dim] array (default 0). */
  readonly start?: ArrayLike<number>;
  /** Kept steps per GPU readback (default 256). */
  readonly blockSteps?: number;
  /**
   * "auto" (default): WebGPU when an adapter is available and can run this potential and
   * sampler (it has WGSL and one step fits llvmpipe's loop budget), else the CPU twin;
   * "webgpu": WebGPU or an error saying why not; "cpu": the CPU twin.
   */
  readonly backend?: "auto" | "webgpu" | "cpu";
}

/** What `sampleContinuous` returns. */
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
  /** Wall-clock seconds of the sampling loop (GPU: after compilation). */
  readonly seconds: number;
}

export const fr = Math.fround;
export const KIND = { ula: 0, mala: 1, hmc: 2 } as const;
/** Dual-averaging constants t0, 1 / gamma, kappa (Hoffman & Gelman 2014). */
export const DA_T0 = 10, DA_INV_GAMMA = 20, DA_KAPPA = 0.75;

/** Checked options. */
export interface Setup {
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

/** Checks the options and builds the setup (throws one line naming the problem). */
export function setup(p: DynamicsPotential, o: ContinuousSampleOptions): Setup {
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
  for (let i = 0; i < start.length; i++) {
    if (!Number.isFinite(start[i])) {
      throw new Error(`sampleContinuous: start[${i}] is ${start[i]}, expected a finite number`);
    }
  }
  const target = o.targetAcceptance ?? (kind === "hmc" ? 0.75 : 0.574);
  if (!(target > 0 && target < 1)) {
    throw new Error(`sampleContinuous: targetAcceptance must be in (0, 1), got ${target}`);
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
    target: fr(target),
    adapt: kind !== "ula" && (o.adapt ?? true) && burnIn > 0,
    key: seedToKey(o.seed),
    x0,
  };
}

/** f32 U = beta V and its gradient from the CPU potential (the CPU twin's model call). */
export function energyGrad(p: DynamicsPotential, beta: number, y: Float32Array, g: Float32Array) {
  const x64 = Float64Array.from(y), g64 = new Float64Array(y.length);
  p.gradient(x64, g64);
  for (let i = 0; i < y.length; i++) g[i] = fr(beta * fr(g64[i]));
  return fr(beta * fr(p.energy(x64)));
}

/** Packs a run into the result (per-chain dual-averaging state `da`: eps at 4c). */
export function result(
  s: Setup,
  backend: "webgpu" | "cpu",
  samples: Float32Array,
  acc: Float32Array,
  da: Float32Array,
  seconds: number,
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
    seconds,
  };
}
