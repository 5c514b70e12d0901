/**
 * Continuous MCMC samplers targeting exp(-beta V): the unadjusted Langevin algorithm (ULA),
 * Metropolis-adjusted Langevin (MALA) and Hamiltonian Monte Carlo (HMC, leapfrog with L steps,
 * identity mass). f64 CPU reference implementation (the WebGPU path with its f32 twin, which
 * adapts per chain, is `sampleContinuous` in `samplers_gpu.ts`); many chains share one step size, adapted
 * during burn-in by dual averaging (Hoffman & Gelman 2014, section 3.2) towards a target
 * acceptance rate (MALA 0.574, HMC 0.75 by default), then frozen.
 *
 * Randomness: Philox counter (index, step, chain, stream) with stream 0 for proposal noise or
 * momenta and stream 1 for the acceptance uniform.
 * @module
 */
import type { PotentialCore } from "../models/continuous/potential.ts";
import { philox4x32Words, seedToKey } from "../random/philox.ts";
import { normals } from "./langevin.ts";

/** The samplers. */
export type ContinuousSamplerName = "ula" | "mala" | "hmc";

/** Options of {@link runContinuousSampler}. */
export interface ContinuousSamplerOptions {
  readonly sampler: ContinuousSamplerName;
  readonly chains: number;
  /** Kept steps after burn-in. */
  readonly steps: number;
  /** Burn-in steps (step size adapted here), default steps / 2 rounded down. */
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
}

/** What {@link runContinuousSampler} returns. */
export interface ContinuousSamplerResult {
  readonly sampler: ContinuousSamplerName;
  readonly chains: number;
  readonly dim: number;
  readonly steps: number;
  /** Kept draws `[steps, chains, dim]` (after burn-in). */
  readonly samples: Float64Array;
  /** Mean acceptance probability per chain over the kept steps (1 for ULA). */
  readonly acceptance: Float64Array;
  /** The step size used after burn-in. */
  readonly stepSize: number;
}

/** Dual averaging state (Hoffman & Gelman 2014, Algorithm 5 constants). */
export class DualAveraging {
  #mu: number;
  #hBar = 0;
  #logEpsBar = 0;
  #t = 0;
  /** The current step size. */
  stepSize: number;

  constructor(initial: number, readonly target: number) {
    this.#mu = Math.log(10 * initial);
    this.stepSize = initial;
  }

  /** Feeds one mean acceptance probability; updates `stepSize`. */
  update(acceptance: number): void {
    const t = ++this.#t, t0 = 10, gamma = 0.05, kappa = 0.75;
    this.#hBar = (1 - 1 / (t + t0)) * this.#hBar + (this.target - acceptance) / (t + t0);
    const logEps = this.#mu - (Math.sqrt(t) / gamma) * this.#hBar;
    const w = t ** -kappa;
    this.#logEpsBar = w * logEps + (1 - w) * this.#logEpsBar;
    this.stepSize = Math.exp(logEps);
  }

  /** The averaged step size to use after adaptation. */
  get finalStepSize(): number {
    return this.#t === 0 ? this.stepSize : Math.exp(this.#logEpsBar);
  }
}

function uniform53(w: Uint32Array): number {
  return ((w[0] >>> 5) * 67108864 + (w[1] >>> 6)) / 9007199254740992;
}

/**
 * Runs many chains of ULA, MALA or HMC on exp(-beta V).
 *
 * @example
 * ```ts
 * import { doubleWell } from "../models/continuous/mod.ts";
 * const r = runContinuousSampler(doubleWell(), { sampler: "mala", chains: 4, steps: 500, seed: 1, start: [1] });
 * console.log(r.samples.length, r.stepSize); // 2000, adapted epsilon
 * ```
 */
export function runContinuousSampler(
  p: PotentialCore,
  o: ContinuousSamplerOptions,
): ContinuousSamplerResult {
  const dim = p.dim, m = o.chains;
  const posInt = (name: string, v: number, min = 1) => {
    if (!(Number.isInteger(v) && v >= min)) {
      throw new Error(`runContinuousSampler: ${name} must be an integer >= ${min}, got ${v}`);
    }
  };
  posInt("chains", m);
  posInt("steps", o.steps);
  const burnIn = o.burnIn ?? Math.floor(o.steps / 2);
  posInt("burnIn", burnIn, 0);
  const L = o.leapfrogSteps ?? 10;
  posInt("leapfrogSteps", L);
  const beta = o.beta ?? 1;
  if (!(beta > 0 && Number.isFinite(beta))) {
    throw new Error(`runContinuousSampler: beta must be a finite number > 0, got ${beta}`);
  }
  const kind = o.sampler;
  if (kind !== "ula" && kind !== "mala" && kind !== "hmc") {
    throw new Error(`runContinuousSampler: sampler must be "ula", "mala" or "hmc", got ${kind}`);
  }
  const eps0 = o.stepSize ?? 0.1;
  if (!(eps0 > 0 && Number.isFinite(eps0))) {
    throw new Error(`runContinuousSampler: stepSize must be a finite number > 0, got ${eps0}`);
  }
  const target = o.targetAcceptance ?? (kind === "hmc" ? 0.75 : 0.574);
  const adapt = kind !== "ula" && (o.adapt ?? true) && burnIn > 0;
  const da = new DualAveraging(eps0, target);
  const key = seedToKey(o.seed);
  const x = new Float64Array(m * dim);
  const start = o.start ?? new Float64Array(dim);
  if (start.length !== dim && start.length !== m * dim) {
    throw new Error(
      `runContinuousSampler: start has ${start.length} values, expected ${dim} or ${m} x ${dim}`,
    );
  }
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < dim; i++) {
      x[c * dim + i] = start.length === dim ? start[i] : start[c * dim + i];
    }
  }
  // Per-chain cached energy and gradient of U = beta V.
  const u = new Float64Array(m), gu = new Float64Array(m * dim);
  const xc = new Float64Array(dim), g = new Float64Array(dim);
  const energyGrad = (pos: Float64Array, grad: Float64Array) => {
    p.gradient(pos, grad);
    for (let i = 0; i < dim; i++) grad[i] *= beta;
    return beta * p.energy(pos);
  };
  for (let c = 0; c < m; c++) {
    xc.set(x.subarray(c * dim, c * dim + dim));
    u[c] = energyGrad(xc, g);
    gu.set(g, c * dim);
  }
  const samples = new Float64Array(o.steps * m * dim);
  const accSum = new Float64Array(m);
  const xi = new Float64Array(dim), y = new Float64Array(dim), gy = new Float64Array(dim);
  const q = new Float64Array(dim), mom = new Float64Array(dim), w = new Uint32Array(4);
  let eps = eps0;
  const total = burnIn + o.steps;
  for (let step = 0; step < total; step++) {
    if (step === burnIn && adapt) eps = da.finalStepSize;
    let accStep = 0;
    for (let c = 0; c < m; c++) {
      const base = c * dim;
      xc.set(x.subarray(base, base + dim));
      g.set(gu.subarray(base, base + dim));
      normals(xi, key, c, step, 0, w);
      let a = 1, uy = 0;
      if (kind === "hmc") {
        // Leapfrog on H = U(q) + |p|^2 / 2.
        q.set(xc);
        mom.set(xi);
        let k0 = 0;
        for (let i = 0; i < dim; i++) k0 += mom[i] * mom[i];
        gy.set(g);
        for (let l = 0; l < L; l++) {
          for (let i = 0; i < dim; i++) {
            mom[i] -= 0.5 * eps * gy[i];
            q[i] += eps * mom[i];
          }
          uy = energyGrad(q, gy);
          for (let i = 0; i < dim; i++) mom[i] -= 0.5 * eps * gy[i];
        }
        let k1 = 0;
        for (let i = 0; i < dim; i++) k1 += mom[i] * mom[i];
        const logA = u[c] + 0.5 * k0 - uy - 0.5 * k1;
        a = Number.isFinite(logA) ? Math.min(1, Math.exp(logA)) : 0;
        y.set(q);
      } else {
        // y = x - eps^2/2 grad U(x) + eps xi
        for (let i = 0; i < dim; i++) y[i] = xc[i] - 0.5 * eps * eps * g[i] + eps * xi[i];
        uy = energyGrad(y, gy);
        if (kind === "mala") {
          // log q(x | y) - log q(y | x), q(b | a) = N(b; a - eps^2/2 grad U(a), eps^2 I)
          let fwd = 0, bwd = 0;
          for (let i = 0; i < dim; i++) {
            fwd += xi[i] * xi[i];
            const r = xc[i] - y[i] + 0.5 * eps * eps * gy[i];
            bwd += r * r;
          }
          const logA = u[c] - uy - bwd / (2 * eps * eps) + 0.5 * fwd;
          a = Number.isFinite(logA) ? Math.min(1, Math.exp(logA)) : 0;
        }
      }
      const accept = kind === "ula" ||
        uniform53(philox4x32Words(0, step, c, 1, key[0], key[1], w)) < a;
      if (accept) {
        x.set(y, base);
        gu.set(gy, base);
        u[c] = uy;
      }
      accStep += a;
      if (step >= burnIn) {
        accSum[c] += a;
        samples.set(x.subarray(base, base + dim), ((step - burnIn) * m + c) * dim);
      }
    }
    if (adapt && step < burnIn) {
      da.update(accStep / m);
      eps = da.stepSize;
    }
  }
  return {
    sampler: kind,
    chains: m,
    dim,
    steps: o.steps,
    samples,
    acceptance: accSum.map((s) => s / o.steps),
    stepSize: eps,
  };
}
