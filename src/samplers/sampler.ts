/**
 * The discrete sampler contract. A sampler is a pair of twins: a CPU step and a WGSL step with
 * the same meaning and the same random numbers, plugged into the shared engine
 * (`engine.ts`), which owns chain state, energies, the Hamming statistic, adaptation and traces.
 * @module
 */
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { TypedScalar } from "../gpu/uniforms.ts";

/** Per-chain view the CPU step works on; mirrors the WGSL engine functions. */
export interface CpuChain {
  /** All chains' states; this chain's sites start at `base`. */
  readonly x: Uint32Array;
  readonly base: number;
  readonly chain: number;
  readonly step: number;
  /** Inverse temperature of this step (`step_beta(step)` in WGSL; annealing changes it). */
  readonly beta: number;
  /** The shared adaptive parameter (radius, step size, ...) for this step. */
  readonly param: number;
  /**
   * Four random words for (index, stream) at this (chain, step): `rng_draw` in WGSL. The array
   * is reused by the next call.
   */
  draw(index: number, stream: number): Uint32Array;
  /** Sets site i to v, keeping the Hamming statistic current: `engine_set` in WGSL. */
  set(i: number, v: number): void;
  /** The chain's cached energy E(x): `energy[chain]` in WGSL. */
  energy: number;
  /**
   * The run's per-chain sampler scratch (chain-minor, as in WGSL; zero at the start), given
   * to samplers with {@link ReplicaExchange}, whose state lives there on both twins.
   */
  readonly scratch?: Uint32Array;
  /** Number of chains of the run (the scratch stride). */
  readonly chains?: number;
}

/**
 * CPU view of one group of chains after every chain of the run has made step `step`: the twin
 * of WGSL `sampler_exchange(first, size, step)`.
 */
export interface CpuExchange {
  /** All chains' states, energies, Hamming statistics and scratch (engine-owned). */
  readonly x: Uint32Array;
  readonly energy: Float32Array;
  readonly hamming: Uint32Array;
  readonly scratch: Uint32Array;
  readonly chains: number;
  /** The group's first chain and its number of chains (the last group may be short). */
  readonly first: number;
  readonly size: number;
  readonly step: number;
  /** Inverse temperature of this step before per-chain factors (`engine_base_beta(step)`). */
  readonly beta: number;
  /** First step after burn-in (samplers freeze their own adaptation there). */
  readonly burnIn: number;
  /** Four random words for (index, stream) at (chain `first`, `step`); reused by the next call. */
  draw(index: number, stream: number): Uint32Array;
}

/**
 * Chains in groups of `size` consecutive chains that interact after every step (parallel
 * tempering). The engine steps a group's chains in one invocation, then calls the WGSL
 * `fn sampler_exchange(first: u32, size: u32, step: u32)` (or {@link cpuExchange}) before the
 * trace rows are written; the adaptive parameter is one per position in the group (chain c uses
 * slot c % size, adapted from those chains' mean acceptance).
 */
export interface ReplicaExchange {
  readonly size: number;
  /** CPU twin of `sampler_exchange`. */
  cpuExchange(model: DiscreteModel, g: CpuExchange): void;
  /** What the run's final scratch says (swap rates, ladder), for results and run summaries. */
  summary(model: DiscreteModel, scratch: Uint32Array, chains: number): Record<string, unknown>;
}

/** How the shared adaptive parameter evolves (DISCS: one parameter for all chains). */
export interface Adaptation {
  /** Target mean acceptance probability, e.g. 0.234 or 0.574. */
  readonly target: number;
  /** CPU twin of `sampler_adapt`: next parameter from the current one and mean acceptance. */
  update(param: number, meanAccept: number, model: DiscreteModel): number;
}

/**
 * A sampler's step in the chains x sites layout (`engine_sites.ts`): one workgroup of
 * `SITES_WG` invocations steps one chain, each invocation working on its own sites, with
 * per-chain sums as fixed-order workgroup trees. The CPU twin forms the same per-invocation
 * partial sums and the same trees (`sitesTreeSum`, `sitesTreeLse`), so it replays the GPU bit for bit.
 */
export interface SitesStep {
  /**
   * CPU twin of `sampler_sites_step`: updates the chain in place, sets `ch.energy` to E(y) (the
   * tree sum of site energies) when the move is accepted, and returns the acceptance probability.
   */
  cpuStep(model: DiscreteModel, chain: CpuChain): number;
  /**
   * WGSL defining `fn sampler_sites_step(chain: u32, base: u32, step: u32, param: f32, e: f32)
   * -> vec2<f32>` (acceptance probability, energy after the step; `param` and `e` are uniform,
   * and so must be every bound of a loop holding a reduction) and, when adaptive,
   * `sampler_adapt` as in {@link DiscreteSampler.wgsl}.
   */
  wgsl(model: DiscreteModel): string;
  /** Why this model cannot run in the layout (e.g. categorical sites), or null. */
  unsupported?(model: DiscreteModel): string | null;
  /**
   * Loop iterations of one step for one invocation owning `perInvocation` sites, when one
   * model call (`model_grad`, `model_site_energy`, ...) costs `call` iterations.
   */
  loopsPerStep(model: DiscreteModel, perInvocation: number, call: number): number;
  /** u32 scratch words per chain (`sites_get`/`sites_set` word k of the running chain). */
  scratchWords(model: DiscreteModel): number;
  /**
   * Set when the engine's `"auto"` must not take this step where the per-chain layout is
   * refused (the run falls back to the CPU twin as before): why, in a few words. The layout
   * still runs when asked for explicitly.
   */
  readonly explicitOnly?: string;
}

/** A discrete sampler usable by the engine on both backends. */
export interface DiscreteSampler {
  /** Registry name, e.g. "rwm". */
  readonly name: string;
  /** Options after defaults, recorded in run manifests. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * Throws a one-line `ConfigError` when the sampler cannot run on this model (a family or
   * parameters it does not support); the engine calls it before any work.
   */
  checkModel?(model: DiscreteModel): void;
  /** Energy evaluations per step by the DISCS counting rules. */
  evalsPerStep(model: DiscreteModel): number;
  /**
   * Model calls plus loop iterations of one step, at most (used to keep each GPU invocation
   * under llvmpipe's loop limit). Default: 6 D C.
   */
  loopsPerStep?(model: DiscreteModel): number;
  /**
   * Loop iterations of a typical step, when far below {@link loopsPerStep} (e.g. RWM flips a
   * few sites, not D); sizes blocks and picks the fused adapting program. Default: loopsPerStep.
   */
  typicalLoopsPerStep?(model: DiscreteModel): number;
  /** Initial value of the adaptive parameter (or the fixed parameter when not adaptive). */
  initialParam(model: DiscreteModel): number;
  /** Present when the sampler adapts its parameter. */
  readonly adaptation?: Adaptation;
  /** CPU step: updates the chain in place and returns the acceptance probability. */
  cpuStep(model: DiscreteModel, chain: CpuChain): number;
  /**
   * WGSL defining `fn sampler_step(chain: u32, base: u32, step: u32) -> f32` (returns the
   * acceptance probability) and, when adaptive, `fn sampler_adapt(param: f32, mean_acc: f32)
   * -> f32`. Its text must depend only on options that change the program and on the model's
   * family (never on its sizes: those travel in {@link wgslSizes} and the engine's uniform).
   */
  wgsl(model: DiscreteModel): string;
  /**
   * Sizes and size-derived values the WGSL reads by name (`SAMPLER_*`), loaded from the
   * engine's uniform block at each entry point.
   */
  wgslSizes?(model: DiscreteModel): Record<string, TypedScalar>;
  /**
   * Words of per-chain scratch the WGSL needs (one `scratch` buffer: f32 word k of a chain at
   * `scratch_at(chain, k)`, read and written with `scratch_get_f` / `scratch_set_f`; u32 word k
   * at `scratch_u_at(chain, k)`): storage instead of per-invocation arrays that grow with the
   * model.
   */
  scratch?(model: DiscreteModel): { f32?: number; u32?: number };
  /** Present when chains interact in groups (parallel tempering). */
  readonly exchange?: ReplicaExchange;
  /** Present when the sampler runs in the chains x sites layout. */
  readonly sites?: SitesStep;
}

export { uniform01, uniformOpen } from "../random/draws.ts";
