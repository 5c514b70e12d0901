/**
 * Parallel tempering (replica exchange; Swendsen & Wang 1986, Geyer 1991; review: Earl & Deem
 * 2005) around any registered sampler. The run's chains form groups of `replicas` consecutive
 * chains, one PT system each (a last, shorter group uses the first rungs): chain r of a group
 * runs the inner sampler at inverse temperature `beta * ladder[r]`, with `ladder[0] = 1` (the
 * target) down to `ladder[R - 1] = betaMin`, geometric at the start. Every `swapEvery` steps
 * neighbours (r, r + 1) exchange states with probability
 * `min(1, exp((b_r - b_{r+1}) (E_r - E_{r+1})))`, even pairs on even rounds and odd pairs on odd
 * rounds (the deterministic even-odd scheme of Okabe et al. 2001), from the cached energies
 * and a counter-based Philox draw, so both twins swap the same chains.
 *
 * Ladder adaptation (during burn-in only, then frozen, so the kept chain is a time-homogeneous
 * Markov chain): the rule of Vousden, Farr & Mandel (MNRAS 455, 2016) in log-beta space with
 * fixed ends. Each pair's running swap acceptance A_j (exponential average, rate 0.1) moves its
 * log width u_j by `kappa(t) (A_j - mean A)`, `kappa(t) = 0.5 / (1 + t / 100)` over swap rounds
 * t; the rungs are `ladder[r] = betaMin^(sum_{j<r} e^{u_j} / sum_j e^{u_j})`. So pairs that
 * swap too often widen and pairs that rarely swap narrow, toward equal neighbour swap rates.
 * Each group adapts its own ladder from its own swaps (no reduction across groups); the inner
 * sampler's adaptive parameter adapts per rung across groups (the engine's slots).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { madF32, mathExp, mathRecip } from "../random/f32math.ts";
import { uniform01 } from "../random/draws.ts";
import type { CpuChain, CpuExchange, DiscreteSampler, ReplicaExchange } from "./sampler.ts";
import { ptWgsl, type PtWgslOptions } from "./pt_wgsl.ts";
import { defineSampler } from "./descriptor.ts";

/** Zod schema of the parallel-tempering configuration. */
export const PtConfig = z.object({
  name: z.literal("pt"),
  /** The inner sampler's configuration (the registry validates it against the others). */
  inner: z.looseObject({ name: z.string() }).default({ name: "gwg" }),
  /** Chains per PT system: rungs of the ladder. */
  replicas: z.number().int().min(2).max(64).default(8),
  /** Inverse-temperature factor of the hottest rung. */
  betaMin: z.number().gt(0).lt(1).default(0.2),
  /** Steps between swap rounds. */
  swapEvery: z.number().int().positive().max(1_000_000).default(1),
  /** Adapt the ladder toward equal neighbour swap rates during burn-in. */
  adaptLadder: z.boolean().default(true),
}).strict();

/** Parallel-tempering options (all optional). */
export type PtOptions = Partial<Omit<z.infer<typeof PtConfig>, "name" | "inner">>;

const f = Math.fround;

/** Philox stream of the swap draws (inner samplers use small stream numbers). */
const PT_STREAM = 0x7074;
/** f32 words per chain after the inner sampler's (beta, u, A, acceptance sum), and u32 words. */
const PT_F32 = 4, PT_U32 = 1;

/** The host-rounded constants shared by both twins. */
function ptConstants(cfg: Required<PtOptions>): PtWgslOptions {
  const r = cfg.replicas;
  const geometric = Float32Array.from({ length: r }, (_, k) => cfg.betaMin ** (k / (r - 1)));
  geometric[0] = 1;
  geometric[r - 1] = cfg.betaMin;
  return {
    replicas: r,
    swapEvery: cfg.swapEvery,
    adaptLadder: cfg.adaptLadder,
    geometric,
    betaMin: f(cfg.betaMin),
    logBetaMin: f(Math.log(f(cfg.betaMin))),
    invPairs: f(1 / (r - 1)),
    kappa: f(0.5),
    invT0: f(1 / 100),
    rho: f(0.1),
    stream: PT_STREAM,
  };
}

/** Scratch views of one run (the engine's words, read as f32 and u32). */
class Words {
  readonly f: Float32Array;
  constructor(readonly u: Uint32Array, readonly chains: number, readonly f0: number) {
    this.f = new Float32Array(u.buffer, u.byteOffset, u.length);
  }
  at(chain: number, k: number): number {
    return (this.f0 + k) * this.chains + chain;
  }
}

/**
 * Creates a parallel-tempering sampler around `inner`.
 *
 * @example
 * ```ts
 * import { ptSampler } from "./pt.ts";
 * import { gwgSampler } from "./gwg.ts";
 * const pt = ptSampler(gwgSampler(), { replicas: 4, betaMin: 0.3 });
 * console.log(pt.name, pt.exchange?.size); // pt 4
 * ```
 */
export function ptSampler(inner: DiscreteSampler, opts: PtOptions = {}): DiscreteSampler {
  if (inner.exchange) throw new Error(`pt: the inner sampler '${inner.name}' exchanges already`);
  const cfg = PtConfig.parse({ name: "pt", ...opts, inner: { name: inner.name } });
  const k = ptConstants(cfg);
  const R = cfg.replicas;
  const innerScratch = (m: DiscreteModel) => inner.scratch?.(m) ?? {};
  let view: Words | null = null;
  const words = (u: Uint32Array, chains: number, model: DiscreteModel): Words => {
    if (view?.u !== u) view = new Words(u, chains, innerScratch(model).f32 ?? 0);
    return view;
  };
  const betaOf = (w: Words | null, chain: number): number => {
    const b = w ? w.f[w.at(chain, 0)] : 0;
    return b === 0 ? k.geometric[chain % R] : b;
  };
  const exchange: ReplicaExchange = {
    size: R,
    cpuExchange(model: DiscreteModel, g: CpuExchange): void {
      if ((g.step + 1) % k.swapEvery !== 0) return;
      const w = words(g.scratch, g.chains, model);
      const u0 = (w.f0 + PT_F32 + (innerScratch(model).u32 ?? 0)) * g.chains;
      const round = Math.floor(g.step / k.swapEvery);
      const adapting = k.adaptLadder && g.size === R && g.step < g.burnIn;
      const d = model.numSites;
      for (let r = round & 1; r + 1 < g.size; r += 2) {
        const c = g.first + r;
        const bl = f(g.beta * betaOf(w, c)), bh = f(g.beta * betaOf(w, c + 1));
        const a = mathExp(Math.min(f(f(bl - bh) * f(g.energy[c] - g.energy[c + 1])), 0));
        if (uniform01(g.draw(r, PT_STREAM)[0]) < a) swapChains(g, c, c + 1, d);
        if (g.step >= g.burnIn) {
          w.f[w.at(c, 3)] = f(w.f[w.at(c, 3)] + a);
          g.scratch[u0 + c]++;
        } else if (adapting) {
          const m = w.f[w.at(c, 2)];
          w.f[w.at(c, 2)] = madF32(k.rho, f(a - m), m);
        }
      }
      if (adapting) adaptLadder(w, g.first, round, k);
    },
    summary: (model, scratch, chains) =>
      ptSummary(cfg, scratch, chains, innerScratch(model).f32 ?? 0),
  };
  return {
    name: "pt",
    config: { sampler: "pt", ...cfg, inner: inner.config },
    checkModel: inner.checkModel ? (model) => inner.checkModel!(model) : undefined,
    evalsPerStep: (model) => inner.evalsPerStep(model),
    loopsPerStep: inner.loopsPerStep ? (model) => inner.loopsPerStep!(model) : undefined,
    typicalLoopsPerStep: inner.typicalLoopsPerStep
      ? (model) => inner.typicalLoopsPerStep!(model)
      : undefined,
    initialParam: (model) => inner.initialParam(model),
    adaptation: inner.adaptation,
    cpuStep(model: DiscreteModel, ch: CpuChain): number {
      const w = ch.scratch ? words(ch.scratch, ch.chains ?? 0, model) : null;
      const base = ch.beta;
      const c = ch as { beta: number };
      c.beta = f(base * betaOf(w, ch.chain));
      const a = inner.cpuStep(model, ch);
      c.beta = base;
      return a;
    },
    wgsl: (model) => ptWgsl(inner.wgsl(model), k),
    wgslSizes: (model) => {
      const s = innerScratch(model);
      return {
        ...inner.wgslSizes?.(model),
        SAMPLER_PT_F0: { type: "u32", value: s.f32 ?? 0 },
        SAMPLER_PT_U0: { type: "u32", value: s.u32 ?? 0 },
      };
    },
    scratch: (model) => {
      const s = innerScratch(model);
      return { f32: (s.f32 ?? 0) + PT_F32, u32: (s.u32 ?? 0) + PT_U32 };
    },
    exchange,
  };
}

/** Exchanges the states, energies and Hamming statistics of chains c and e. */
function swapChains(g: CpuExchange, c: number, e: number, d: number): void {
  for (let i = 0; i < d; i++) {
    const t = g.x[c * d + i];
    g.x[c * d + i] = g.x[e * d + i];
    g.x[e * d + i] = t;
  }
  const te = g.energy[c];
  g.energy[c] = g.energy[e];
  g.energy[e] = te;
  const th = g.hamming[c];
  g.hamming[c] = g.hamming[e];
  g.hamming[e] = th;
}

/** CPU twin of `pt_adapt_ladder`: widths from the running acceptances, then the rungs. */
function adaptLadder(w: Words, first: number, round: number, k: PtWgslOptions): void {
  const R = k.replicas;
  const kappa = f(k.kappa * mathRecip(f(f(round * k.invT0) + 1)));
  let s = 0;
  for (let j = 0; j + 1 < R; j++) s = f(s + w.f[w.at(first + j, 2)]);
  const mean = f(s * k.invPairs);
  let total = 0;
  for (let j = 0; j + 1 < R; j++) {
    const at = w.at(first + j, 1);
    const a = w.f[w.at(first + j, 2)];
    const u = Math.min(Math.max(madF32(kappa, f(a - mean), w.f[at]), -8), 8);
    w.f[at] = u;
    total = f(total + mathExp(u));
  }
  const invW = mathRecip(total);
  let cum = 0;
  w.f[w.at(first, 0)] = 1;
  for (let j = 1; j + 1 < R; j++) {
    cum = f(cum + mathExp(w.f[w.at(first + j - 1, 1)]));
    w.f[w.at(first + j, 0)] = mathExp(f(f(cum * invW) * k.logBetaMin));
  }
  w.f[w.at(first + R - 1, 0)] = k.betaMin;
}

/** What a PT run's final scratch says; see {@link ptSummary}. */
export type PtSummary = {
  replicas: number;
  /** Mean over full groups of each rung's inverse-temperature factor (the final ladder). */
  ladder: number[];
  /** Post-burn-in mean swap acceptance probability of each pair (r, r + 1), over all groups. */
  swapRates: number[];
  /** Post-burn-in swap attempts of each pair, over all groups. */
  swapAttempts: number[];
  /** Chains at the target (ladder factor 1): 0, replicas, 2 replicas, ... */
  targetChainStride: number;
};

/**
 * Inverse-temperature factor of every chain at the end of a PT run, from the run's final
 * scratch (`RunResult.finalScratch`).
 */
export function ptChainBetas(
  sampler: DiscreteSampler,
  model: DiscreteModel,
  scratch: Uint32Array,
  chains: number,
): Float32Array {
  const { sampler: _, inner: _i, ...opts } = sampler.config;
  const cfg = PtConfig.parse({ name: "pt", ...opts });
  const innerF32 = (sampler.scratch?.(model).f32 ?? PT_F32) - PT_F32;
  return chainBetas(cfg, scratch, chains, innerF32);
}

function chainBetas(
  cfg: Required<PtOptions>,
  scratch: Uint32Array,
  chains: number,
  innerF32: number,
): Float32Array {
  const k = ptConstants(cfg);
  const w = scratch.length ? new Words(scratch, chains, innerF32) : null;
  return Float32Array.from({ length: chains }, (_, c) => {
    const b = w ? w.f[w.at(c, 0)] : 0;
    return b === 0 ? k.geometric[c % cfg.replicas] : b;
  });
}

function ptSummary(
  cfg: Required<PtOptions>,
  scratch: Uint32Array,
  chains: number,
  innerF32: number,
): PtSummary {
  const R = cfg.replicas, full = Math.floor(chains / R);
  const betas = chainBetas(cfg, scratch, chains, innerF32);
  const ladder = Array.from({ length: R }, (_, r) => {
    let s = 0;
    for (let g = 0; g < full; g++) s += betas[g * R + r];
    return full ? s / full : betas[r] ?? NaN;
  });
  const w = new Words(scratch, chains, innerF32);
  const words = scratch.length / chains;
  const u0 = (words - PT_U32) * chains;
  const swapAttempts: number[] = [], swapRates: number[] = [];
  for (let r = 0; r + 1 < R; r++) {
    let acc = 0, tries = 0;
    for (let c = r; c + 1 < chains; c += R) {
      acc += w.f[w.at(c, 3)];
      tries += scratch[u0 + c];
    }
    swapAttempts.push(tries);
    swapRates.push(tries ? acc / tries : NaN);
  }
  return { replicas: R, ladder, swapRates, swapAttempts, targetChainStride: R };
}

/**
 * The target chains' columns (chains 0, R, 2R, ...: ladder factor 1) of a step-major trace
 * `[steps, chains]` such as `RunResult.energies` or `hamming`: `[steps, ceil(chains / R)]`.
 *
 * @example
 * ```ts
 * import { ptTargetTrace } from "./pt.ts";
 * const trace = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); // 2 steps x 5 chains
 * console.log(Array.from(ptTargetTrace(trace, 5, 2))); // [1, 3, 5, 6, 8, 10]
 * ```
 */
export function ptTargetTrace(trace: Float32Array, chains: number, replicas: number): Float32Array {
  const groups = Math.ceil(chains / replicas), steps = trace.length / chains;
  const out = new Float32Array(steps * groups);
  for (let t = 0; t < steps; t++) {
    for (let g = 0; g < groups; g++) out[t * groups + g] = trace[t * chains + g * replicas];
  }
  return out;
}

/** The registry entry of `pt`. */
export const ptDescriptor = defineSampler({
  name: "pt",
  summary: "Parallel tempering around an inner sampler (sampler.inner): swaps across a ladder.",
  schema: PtConfig,
  build: (c, inner) => {
    if (!inner) {
      throw new Error("pt: build it through the registry, which builds its inner sampler");
    }
    return ptSampler(inner, c);
  },
  cheap: false,
  balanced: false,
  co: { config: {}, adapt: "off" },
  inner: "gwg",
});
