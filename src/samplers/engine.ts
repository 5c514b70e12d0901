/**
 * The discrete sampling engine: runs many chains of any {@link DiscreteSampler} on any
 * {@link DiscreteModel}, on WebGPU (many steps per submit, one readback per block) or on the
 * CPU twin, with the same random numbers and f32 arithmetic on both.
 * @module
 */
import {
  assembleProgram,
  type CompiledProgram,
  DispatchBatch,
  type GpuContext,
  GpuRunner,
  hasLoopLimit,
  LLVMPIPE_LOOP_LIMIT,
  loopBudget,
  type Program,
  readBuffers,
  sizeFields,
  sizeValues,
  sizeVarsWgsl,
  synchronize,
  type TypedScalar,
  UniformLayout,
  writeBuffer,
} from "../gpu/mod.ts";
import { philox4x32Words, seedToKey } from "../random/philox.ts";
import { rngWgsl } from "../wgsl/mod.ts";
import { uniformArray } from "../random/params.ts";
import { type DiscreteModel, modelSizes } from "../models/discrete/model.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import {
  adaptMain,
  CTRL,
  ENGINE_FIELDS,
  ENGINE_HELPERS,
  engineBindingGroups,
  fusedMain,
  GROUP_EXCHANGE_MAIN,
  GROUP_HELPERS,
  GROUP_STEP_MAIN,
  INIT_MAIN,
  REFRESH_MAIN,
  SLOT_STEP_MAIN,
  slotsAdaptMain,
  STEP_HELPERS,
  STEP_MAIN,
} from "./engine_wgsl.ts";
import {
  type EngineLayout,
  sitesAutoReason,
  sitesEnergy,
  sitesEngineSources,
  sitesLayout,
  sitesLimitReason,
  sitesSizes,
  sitesStepsPerDispatch,
} from "./engine_sites.ts";

export type { EngineLayout } from "./engine_sites.ts";

/** When the shared adaptive parameter is updated. */
export type AdaptMode = "burn-in" | "always" | "off";

/** Options of one sampling run. */
export interface RunOptions {
  chains: number;
  steps: number;
  seed: number;
  /** Fraction of steps discarded as burn-in for acceptance summaries (DISCS: 0.5). */
  burnInFraction?: number;
  /** Adapt during burn-in only (default), always (DISCS), or never. */
  adapt?: AdaptMode;
  /** Inverse temperature, default 1. */
  beta?: number;
  /** Inverse temperature per step (annealing); overrides `beta`. Must be finite and >= 0. */
  betaSchedule?: (step: number) => number;
  /**
   * Per-chain factors of the inverse temperature (parallel tempering): chain c targets
   * exp(-beta(step) * chainBetas[c] * E), the product rounded to f32 on both twins.
   */
  chainBetas?: Float32Array;
  /**
   * Steps per block: one readback per block on WebGPU, and both twins recompute the cached
   * energies at each block start. Default {@link defaultBlockSteps}.
   */
  blockSteps?: number;
  /**
   * While adapting, run all chains in one workgroup that adapts behind a barrier (no adapt
   * dispatch per step) instead of one dispatch pair per step. Both give the same bits; the
   * default picks the fused program for cheap steps of at most {@link FUSED_MAX_CHAINS} chains.
   */
  fuseAdaptation?: boolean;
  /** Called after each block with the number of steps done. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Initial states `[chains, D]` (warm starts, tempering, invariance tests); default: uniform
   * random states from the seed. Both twins start from the same states.
   */
  initialState?: Uint32Array;
  /**
   * The reference state `[D]` of the Hamming statistic (default: random from the seed). The
   * all-zero state makes the statistic the number of non-zero sites (Ising: (M + D) / 2).
   */
  reference?: Uint32Array;
  /**
   * Receives each finished block's traces, in order, as they are produced (awaited before the
   * next block is read): the run store appends them, so memory stays bounded for long runs and
   * a killed run keeps every finished block. A throw stops the run.
   */
  onBlock?: (block: BlockTrace) => void | Promise<void>;
  /**
   * Whether the result also holds the whole traces. Default: true without `onBlock`, false
   * with it (the result's `energies`, `hamming` and `params` are then empty).
   */
  keepTraces?: boolean;
  /**
   * Continue a run from the checkpoint of one of its blocks (`runs resume`): the remaining
   * blocks then give the same bits as the uninterrupted run with the same options. Excludes
   * `initialState`; traces are not kept (they go to `onBlock`).
   */
  resumeFrom?: EngineCheckpoint;
  /**
   * Global index of this run's chain 0 (default 0): chains draw their random numbers by global
   * index, so a shard running chains [a, b) of a larger run with `chainOffset: a` reproduces
   * their bits exactly, provided nothing couples the chains (adaptation off; no exchanges).
   */
  chainOffset?: number;
  /** Attach an {@link EngineCheckpoint} to every {@link BlockTrace} (costs a state readback). */
  checkpoints?: boolean;
  /**
   * How the work is laid out: one invocation per chain (`"chains"`), or one workgroup per chain
   * with per-chain sums as fixed-order trees (`"sites"`, binary models with a site energy and
   * samplers with a `sites` step). The two give different f32 bits; each twin replays the same
   * layout. Default `"auto"`: on WebGPU the per-chain layout unless the adapter's loop limit
   * refuses it and the sites layout fits; on the CPU twin the per-chain layout. The result records
   * the layout used, so a CPU run given it replays a GPU run.
   */
  layout?: "auto" | EngineLayout;
}

/**
 * Everything a run carries from one block to the next: the chain states, the shared adaptive
 * parameter for the next step, and the per-chain f64 acceptance totals so far. The random
 * numbers are counter-based (keyed by seed, step, chain), so nothing else is needed to
 * continue bit for bit.
 */
export interface EngineCheckpoint {
  /** Steps done: the next block starts here (a block boundary of the run's plan). */
  step: number;
  /** Chain states `[chains, D]` after `step` steps. */
  states: Uint32Array;
  /** The adaptive parameter the next step uses (slot 0's for exchanging samplers). */
  param: number;
  /** Exchanging samplers (parallel tempering): the parameter of every slot. */
  params?: Float32Array;
  /** Exchanging samplers: the per-chain sampler scratch (ladders, swap statistics). */
  scratch?: Uint32Array;
  /** Per chain, the f64 sum of the finished blocks' f32 acceptance sums. */
  acceptTotal: Float64Array;
  /** Present when the run used the chains x sites layout: a resume takes the same layout. */
  layout?: EngineLayout;
}

/** The traces of one block of steps `[start, start + length)`, step-major `[length, chains]`. */
export interface BlockTrace {
  start: number;
  length: number;
  chains: number;
  energies: Float32Array;
  hamming: Float32Array;
  /** The adaptive parameter at each step of the block, `[length, slots]`. */
  params: Float32Array;
  /** Per chain, the f32 sum of acceptance probabilities over the block's post-burn-in steps. */
  acceptSum: Float32Array;
  /** Seconds of this call's sampling loop when the block had finished (GPU synchronised). */
  seconds: number;
  /** The state after this block, when the run asked for `checkpoints`. */
  checkpoint?: EngineCheckpoint;
}

/** Everything a run produces. Traces are step-major: `[steps, chains]`. */
export interface RunResult {
  backend: "webgpu" | "cpu";
  /** The layout the run used (see {@link RunOptions.layout}). */
  layout: EngineLayout;
  chains: number;
  steps: number;
  numSites: number;
  /** Energy of each chain after each step (empty when traces were streamed, not kept). */
  energies: Float32Array;
  /** DISCS statistic: Hamming distance to a fixed random reference state, after each step. */
  hamming: Float32Array;
  /**
   * The shared adaptive parameter used at each step, `[steps, slots]`: one slot, or one per
   * position in a group of exchanging chains (`sampler.exchange`).
   */
  params: Float32Array;
  /**
   * Mean acceptance probability per chain after burn-in: per-block f32 sums (both twins)
   * combined in f64.
   */
  acceptance: Float64Array;
  /** Final states `[chains, D]`. */
  finalStates: Uint32Array;
  /** The reference state of the Hamming statistic. */
  reference: Uint32Array;
  /** Energy evaluations by the DISCS rules. */
  energyEvals: number;
  /** Wall-clock seconds of the sampling loop (GPU synchronised). */
  seconds: number;
  /** Exchanging samplers (parallel tempering): the summary of the final scratch (swap rates, ladder). */
  exchange?: Record<string, unknown>;
  /** Exchanging samplers: the final per-chain sampler scratch (chain-minor words). */
  finalScratch?: Uint32Array;
}

type CheckedOptions =
  & Required<
    Omit<
      RunOptions,
      | "onProgress"
      | "betaSchedule"
      | "fuseAdaptation"
      | "initialState"
      | "onBlock"
      | "keepTraces"
      | "chainBetas"
      | "reference"
      | "resumeFrom"
      | "checkpoints"
      | "chainOffset"
      | "layout"
    >
  >
  & {
    betaAt: (step: number) => number;
    constantBeta: boolean;
    fuseAdaptation?: boolean;
    initialState?: Uint32Array;
    chainBetas?: Float32Array;
    reference?: Uint32Array;
    keepTraces: boolean;
    resumeFrom?: EngineCheckpoint;
    checkpoints: boolean;
    chainOffset: number;
  };

/**
 * Default steps per block for a run: about 2^24 loop iterations of work per block (so cheap
 * samplers amortise the ~10 ms readback over thousands of steps while slow ones still report
 * progress every few seconds), a power of two in [64, 8192]. A function of the model, sampler
 * and chain count only, so both twins plan the same blocks.
 *
 * @example
 * ```ts
 * import { defaultBlockSteps } from "./engine.ts";
 * import { isingModel } from "../models/discrete/ising.ts";
 * import { blockGibbsSampler } from "./block_gibbs.ts";
 * console.log(defaultBlockSteps(isingModel({ size: 50 }), blockGibbsSampler(), 100)); // 8192
 * ```
 */
export function defaultBlockSteps(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  chains: number,
): number {
  const work = Math.max(1, chains * typicalLoops(model, sampler));
  const steps = 2 ** Math.floor(Math.log2(Math.max(1, 2 ** 24 / work)));
  return Math.min(8192, Math.max(64, steps));
}

/** Loop iterations of a typical step of one chain (model calls counted by their loops). */
function typicalLoops(model: DiscreteModel, sampler: DiscreteSampler): number {
  return loopCost(model, sampler, true).step;
}

/** Most chains the fused adapting program runs (one workgroup loops over them). */
export const FUSED_MAX_CHAINS = 1024;

/** Invocations of the fused adapting program's single workgroup. */
const FW = 128;

/**
 * Fused adaptation pays when a step of all chains costs less than the two dispatches it saves
 * (~200 us on llvmpipe, about 4e4 loop iterations across its threads); it runs on one workgroup,
 * so expensive steps are better spread over many.
 */
function fuseByDefault(model: DiscreteModel, sampler: DiscreteSampler, chains: number): boolean {
  return chains <= FUSED_MAX_CHAINS && chains * typicalLoops(model, sampler) <= 30_000;
}

function checkOptions(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  opts: RunOptions,
): CheckedOptions {
  const o = {
    burnInFraction: 0.5,
    adapt: "burn-in" as AdaptMode,
    beta: 1,
    ...opts,
    blockSteps: opts.blockSteps ?? defaultBlockSteps(model, sampler, opts.chains),
  };
  const posInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`${name} must be a positive integer, got ${v}`);
    }
  };
  posInt("chains", o.chains);
  posInt("steps", o.steps);
  posInt("blockSteps", o.blockSteps);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > Number.MAX_SAFE_INTEGER) {
    throw new Error(`seed must be an integer in [0, 2^53), got ${o.seed}`);
  }
  if (!(o.burnInFraction >= 0 && o.burnInFraction < 1)) {
    throw new Error(`burnInFraction must be in [0, 1), got ${o.burnInFraction}`);
  }
  if (!(Number.isFinite(o.beta) && o.beta >= 0)) {
    throw new Error(`beta must be a finite number >= 0, got ${o.beta}`);
  }
  if (o.initialState !== undefined) {
    const x = o.initialState, d = model.numSites, c = model.numCategories;
    if (!(x instanceof Uint32Array) || x.length !== o.chains * d) {
      throw new Error(
        `initialState must be a Uint32Array of chains x sites = ${o.chains * d} values`,
      );
    }
    const bad = x.findIndex((v) => v >= c);
    if (bad >= 0) {
      throw new Error(`initialState[${bad}] is ${x[bad]}: expected a category in [0, ${c})`);
    }
  }
  if (o.reference !== undefined) {
    const r = o.reference;
    if (
      !(r instanceof Uint32Array) || r.length !== model.numSites ||
      r.some((v) => v >= model.numCategories)
    ) {
      throw new Error(
        `reference must be a Uint32Array of ${model.numSites} categories in [0, ${model.numCategories})`,
      );
    }
  }
  const offset = opts.chainOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset + o.chains > 2 ** 32) {
    throw new Error(`chainOffset must be an integer in [0, 2^32 - chains], got ${offset}`);
  }
  if (offset > 0 && sampler.exchange) {
    throw new Error(`${sampler.name} couples its chains in groups: chainOffset is not available`);
  }
  if (sampler.exchange && (o.chainBetas !== undefined || opts.fuseAdaptation)) {
    throw new Error(
      `${sampler.name} sets its chains' temperatures and adapts per replica: ` +
        `chainBetas and fuseAdaptation are not available`,
    );
  }
  if (o.chainBetas !== undefined) {
    const b = o.chainBetas;
    if (!(b instanceof Float32Array) || b.length !== o.chains) {
      throw new Error(`chainBetas must be a Float32Array of ${o.chains} values (one per chain)`);
    }
    const bad = b.findIndex((v) => !(Number.isFinite(v) && v >= 0));
    if (bad >= 0) {
      throw new Error(`chainBetas[${bad}] is ${b[bad]}: expected a finite number >= 0`);
    }
  }
  if (o.resumeFrom !== undefined) checkResume(model, sampler, o, o.resumeFrom);
  const { onProgress: _, onBlock: _b, betaSchedule, ...rest } = o;
  const betaAt = (step: number) => {
    const b = Math.fround(betaSchedule ? betaSchedule(step) : o.beta);
    if (!(Number.isFinite(b) && b >= 0)) {
      throw new Error(`betaSchedule(${step}) = ${b}: expected a finite number >= 0`);
    }
    return b;
  };
  return {
    ...rest,
    betaAt,
    constantBeta: betaSchedule === undefined,
    keepTraces: opts.keepTraces ?? (opts.onBlock === undefined && !opts.resumeFrom),
    checkpoints: opts.checkpoints ?? false,
    chainOffset: opts.chainOffset ?? 0,
  };
}

/** The adaptive parameter of every slot at the start: fresh, or a checkpoint's. */
function resumeParams(
  r: EngineCheckpoint | undefined,
  slots: number,
  initial: number,
): Float32Array {
  if (r?.params) return Float32Array.from(r.params);
  return new Float32Array(slots).fill(r?.param ?? initial);
}

function checkResume(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: RunOptions & { blockSteps: number },
  r: EngineCheckpoint,
): void {
  if (o.initialState !== undefined) throw new Error("give either initialState or resumeFrom");
  if (o.keepTraces) throw new Error("resumeFrom: traces before the checkpoint are not in memory");
  const d = model.numSites, c = model.numCategories;
  if (!(r.states instanceof Uint32Array) || r.states.length !== o.chains * d) {
    throw new Error(`resumeFrom.states must be a Uint32Array of chains x sites = ${o.chains * d}`);
  }
  if (r.states.some((v) => v >= c)) {
    throw new Error(`resumeFrom.states holds a value >= ${c}: expected categories in [0, ${c})`);
  }
  if (!(r.acceptTotal instanceof Float64Array) || r.acceptTotal.length !== o.chains) {
    throw new Error(`resumeFrom.acceptTotal must be a Float64Array of ${o.chains} values`);
  }
  if (!Number.isFinite(r.param)) throw new Error(`resumeFrom.param is ${r.param}: expected finite`);
  const slots = sampler.exchange?.size ?? 1;
  if (r.params !== undefined && !(r.params instanceof Float32Array && r.params.length === slots)) {
    throw new Error(`resumeFrom.params must be a Float32Array of ${slots} values (one per slot)`);
  }
  const words = sampler.exchange ? o.chains * scratchWords(model, sampler) : 0;
  if (words > 0 && !(r.scratch instanceof Uint32Array && r.scratch.length === words)) {
    throw new Error(`resumeFrom.scratch must be a Uint32Array of ${words} words (${sampler.name})`);
  }
  if (!Number.isInteger(r.step) || r.step < 0 || r.step > o.steps) {
    throw new Error(`resumeFrom.step ${r.step} must be an integer in [0, ${o.steps}]`);
  }
}

/** The blocks still to run: all of them, or those from a checkpoint's step on. */
function remainingBlocks(plan: Block[], o: CheckedOptions): Block[] {
  const from = o.resumeFrom?.step ?? 0;
  if (from !== 0 && from !== o.steps && !plan.some((b) => b.start === from)) {
    throw new Error(
      `resumeFrom.step ${from} is not a block boundary of this run (blocks of ${o.blockSteps})`,
    );
  }
  return plan.filter((b) => b.start >= from);
}

export { hasLoopLimit, LLVMPIPE_LOOP_LIMIT } from "../gpu/limits.ts";

/**
 * Loop iterations of one engine step (at most, or `typical`) and of one energy evaluation, for
 * one chain.
 */
export function loopCost(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  typical = false,
): { step: number; energy: number } {
  const d = model.numSites, c = model.numCategories;
  const cost = model.wgsl.loopCost ?? { energy: d, call: 0 };
  const most = sampler.loopsPerStep?.(model) ?? 6 * d * c;
  const loops = typical ? sampler.typicalLoopsPerStep?.(model) ?? most : most;
  return { step: loops * (1 + cost.call), energy: cost.energy };
}

/**
 * Why this model and sampler cannot run on this adapter in either layout, or null when they can
 * (see {@link chooseLayout}).
 */
export function gpuLimitReason(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: GpuContext,
): string | null {
  return chooseLayout(model, sampler, "auto", gpu).reason;
}

/**
 * The layout a run gets (see {@link RunOptions.layout}), or the reason it cannot run on this
 * adapter: an explicit layout must fit; `"auto"` takes the per-chain layout where it fits (and
 * always on the CPU twin), else the chains x sites layout where that fits.
 */
export function chooseLayout(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  requested: "auto" | EngineLayout,
  gpu: GpuContext | null,
): { layout: EngineLayout; reason: string | null } {
  if (requested === "sites") {
    return { layout: "sites", reason: sitesLimitReason(model, sampler, gpu) };
  }
  const chains = gpu ? chainsLimitReason(model, sampler, gpu) : null;
  if (requested === "chains" || !chains) return { layout: "chains", reason: chains };
  const sites = sitesAutoReason(model, sampler, gpu);
  if (!sites) return { layout: "sites", reason: null };
  return { layout: "chains", reason: `${chains} (chains x sites layout: ${sites})` };
}

/**
 * Why the per-chain layout cannot run this model and sampler on this adapter, or null: on
 * llvmpipe one step or one energy evaluation must stay under {@link LLVMPIPE_LOOP_LIMIT} loop
 * iterations in one invocation.
 */
export function chainsLimitReason(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: GpuContext,
): string | null {
  if (!hasLoopLimit(gpu)) return null;
  const cost = loopCost(model, sampler);
  // Grouped samplers fall back to one chain per invocation (split mode) when a group's steps do
  // not fit, so a chain's step and one exchange must.
  const ex = sampler.exchange;
  const step = ex ? Math.max(cost.step, exchangeLoops(ex.size, model.numSites)) : cost.step;
  const worst = Math.max(step, cost.energy + model.numSites); // init: D draws + energy
  if (worst <= 0.9 * LLVMPIPE_LOOP_LIMIT) return null;
  return `${model.name} x ${sampler.name} needs about ${worst} loop iterations per GPU ` +
    `invocation, over the software adapter's limit of ${LLVMPIPE_LOOP_LIMIT} (Mesa llvmpipe ` +
    `stops longer loops silently); use the CPU backend or a smaller model`;
}

/** One block of steps: `[start, start + length)`; `adapting` blocks run one step per dispatch. */
export interface Block {
  start: number;
  length: number;
  adapting: boolean;
}

/**
 * Splits a run into blocks of at most `blockSteps` steps, breaking at the end of adaptation, so
 * that blocks without adaptation can run all their steps in one dispatch. Both twins refresh
 * cached energies at each block start, so they use the same plan.
 */
export function planBlocks(steps: number, blockSteps: number, adaptUntil: number): Block[] {
  const blocks: Block[] = [];
  for (let start = 0; start < steps;) {
    const adapting = start < adaptUntil;
    const end = Math.min(start + blockSteps, steps, adapting ? adaptUntil : steps);
    blocks.push({ start, length: end - start, adapting });
    start = end;
  }
  return blocks;
}

/** The fixed random reference state of the Hamming statistic (DISCS), from the seed. */
export function referenceState(model: DiscreteModel, seed: number): Uint32Array {
  const u = uniformArray(seed, 0x72656600, model.numSites);
  return Uint32Array.from(u, (v) => Math.floor(v * model.numCategories));
}

/**
 * Runs a sampler on a model, on the GPU when `gpu` is given, else on the CPU twin.
 *
 * @example
 * ```ts
 * import { runSampler } from "./engine.ts";
 * import { rwmSampler } from "./rwm.ts";
 * import { bernoulliModel } from "../models/discrete/bernoulli.ts";
 * const model = bernoulliModel({ numSites: 50, seed: 1 });
 * const result = await runSampler(model, rwmSampler(), { chains: 8, steps: 100, seed: 7 }, null);
 * console.log(result.energies.length); // 800
 * ```
 */
export function runSampler(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  opts: RunOptions,
  gpu: GpuContext | null,
): Promise<RunResult> {
  sampler.checkModel?.(model);
  const o = checkOptions(model, sampler, opts);
  const requested = opts.layout ?? opts.resumeFrom?.layout ?? "auto";
  const { layout, reason } = chooseLayout(model, sampler, requested, gpu);
  if (reason) return Promise.reject(new Error(reason));
  if (layout === "sites" && opts.fuseAdaptation) {
    return Promise.reject(
      new Error("fuseAdaptation is not available in the chains x sites layout"),
    );
  }
  const sink = blockSink(o, paramSlots(sampler), opts.onBlock, opts.onProgress);
  return gpu
    ? runGpu(model, sampler, o, gpu, sink, layout)
    : runCpu(model, sampler, o, sink, layout);
}

/**
 * Adaptive parameters of a run: one per position in a group of exchanging chains (chain c
 * uses slot c % slots), else one shared by all chains (DISCS).
 */
function paramSlots(sampler: DiscreteSampler): number {
  return sampler.exchange?.size ?? 1;
}

/** Loop iterations of one step invocation: a chain's step, or a group's steps and exchange. */
function groupLoops(sampler: DiscreteSampler, step: number, numSites: number): number {
  const ex = sampler.exchange;
  return ex ? ex.size * (step + 4) + exchangeLoops(ex.size, numSites) : step + 4;
}

/** Loop iterations of one group's exchange, at most (swaps of D sites, ladder updates). */
function exchangeLoops(size: number, numSites: number): number {
  return size * (numSites + 8);
}

/** Chains that use slot r of `slots`: r, r + slots, ... below `chains`. */
function slotChains(chains: number, slots: number, r: number): number {
  return r < chains ? Math.floor((chains - 1 - r) / slots) + 1 : 0;
}

function burnInSteps(o: { steps: number; burnInFraction: number }): number {
  return Math.floor(o.steps * o.burnInFraction);
}

function adaptUntil(o: { steps: number; adapt: AdaptMode }, burnIn: number): number {
  return o.adapt === "off" ? 0 : o.adapt === "always" ? o.steps : burnIn;
}

/** Where finished blocks go: kept traces, the f64 acceptance total, onBlock, onProgress. */
interface BlockSink {
  take(block: BlockTrace): Promise<void>;
  traces(): { energies: Float32Array; hamming: Float32Array; params: Float32Array };
  /** Per chain, the f64 sum of the blocks' f32 acceptance sums. */
  readonly acceptTotal: Float64Array;
}

function blockSink(
  o: CheckedOptions,
  slots: number,
  onBlock?: (block: BlockTrace) => void | Promise<void>,
  onProgress?: (done: number, total: number) => void,
): BlockSink {
  const { steps, chains } = o;
  const n = o.keepTraces ? steps : 0;
  const energies = new Float32Array(n * chains);
  const hamming = new Float32Array(n * chains);
  const params = new Float32Array(n * slots);
  const acceptTotal = o.resumeFrom
    ? Float64Array.from(o.resumeFrom.acceptTotal)
    : new Float64Array(chains);
  return {
    acceptTotal,
    async take(b) {
      for (let ch = 0; ch < chains; ch++) acceptTotal[ch] += b.acceptSum[ch];
      if (o.keepTraces) {
        energies.set(b.energies, b.start * chains);
        hamming.set(b.hamming, b.start * chains);
        params.set(b.params, b.start * slots);
      }
      await onBlock?.(b);
      onProgress?.(b.start + b.length, steps);
    },
    traces: () => ({ energies, hamming, params }),
  };
}

async function runCpu(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: CheckedOptions,
  sink: BlockSink,
  layout: EngineLayout,
): Promise<RunResult> {
  // The chains x sites layout's twin: tree-ordered energies and its own step.
  const sites = layout === "sites" ? sampler.sites : undefined;
  if (layout === "sites" && !sites) throw new Error(`${sampler.name} has no chains x sites step`);
  const energyOf = (base: number) => sites ? sitesEnergy(model, x, base) : model.energy(x, base);
  const stepOf = (m: DiscreteModel, ch: CpuChain) =>
    sites ? sites.cpuStep(m, ch) : sampler.cpuStep(m, ch);
  const { chains, steps } = o;
  const d = model.numSites, c = model.numCategories;
  const key = seedToKey(o.seed);
  const reference = o.reference ?? referenceState(model, o.seed);
  const given = o.initialState ?? o.resumeFrom?.states;
  const x = given ? Uint32Array.from(given) : new Uint32Array(chains * d);
  const hamming = new Uint32Array(chains);
  const energy = new Float32Array(chains);
  const accept = new Float32Array(chains);
  const words = new Uint32Array(4);
  for (let ch = 0; ch < chains; ch++) {
    let h = 0;
    for (let i = 0; i < d; i++) {
      if (!given) {
        const global = ch + o.chainOffset;
        x[ch * d + i] =
          philox4x32Words(i, 0xffffffff, global, 0xfffffff0, key[0], key[1], words)[0] %
          c;
      }
      if (x[ch * d + i] !== reference[i]) h++;
    }
    hamming[ch] = h;
    energy[ch] = energyOf(ch * d);
  }
  const burnIn = burnInSteps(o);
  const until = adaptUntil(o, burnIn);
  const slots = paramSlots(sampler);
  const param = resumeParams(o.resumeFrom, slots, sampler.initialParam(model));
  const ex = sampler.exchange;
  const scratch = new Uint32Array(ex ? chains * scratchWords(model, sampler) : 0);
  if (ex && o.resumeFrom?.scratch) scratch.set(o.resumeFrom.scratch);
  const start = performance.now();
  const chainView = {
    x,
    base: 0,
    chain: 0,
    step: 0,
    beta: 0,
    param: 0,
    energy: 0,
    scratch,
    chains,
    draw(index: number, stream: number) {
      return philox4x32Words(
        index,
        this.step,
        this.chain + o.chainOffset,
        stream,
        key[0],
        key[1],
        words,
      );
    },
    set(i: number, v: number) {
      const old = x[this.base + i], r = reference[i];
      if (old === r && v !== r) hamming[this.chain]++;
      if (old !== r && v === r) hamming[this.chain]--;
      x[this.base + i] = v;
    },
  } satisfies CpuChain;
  const adaptive = Boolean(sampler.adaptation) && until > 0;
  const plan = planBlocks(steps, o.blockSteps, adaptive ? until : 0);
  for (const block of remainingBlocks(plan, o)) {
    // Each block: energies recomputed from the states, acceptance summed afresh in f32.
    for (let ch = 0; ch < chains; ch++) energy[ch] = energyOf(ch * d);
    const n = block.length;
    const trace = {
      e: new Float32Array(n * chains),
      h: new Float32Array(n * chains),
      p: new Float32Array(n * slots),
      acc: new Float32Array(chains),
    };
    for (let k = 0; k < n; k++) {
      const step = block.start + k;
      chainView.step = step;
      const stepBeta = o.betaAt(step);
      for (let ch = 0; ch < chains; ch++) {
        chainView.param = param[ch % slots];
        chainView.beta = o.chainBetas ? Math.fround(stepBeta * o.chainBetas[ch]) : stepBeta;
        chainView.chain = ch;
        chainView.base = ch * d;
        chainView.energy = energy[ch];
        const a = Math.fround(stepOf(model, chainView));
        energy[ch] = chainView.energy;
        accept[ch] = a;
        if (step >= burnIn) trace.acc[ch] = Math.fround(trace.acc[ch] + a);
      }
      if (ex) {
        exchangeCpu(model, ex, {
          x,
          energy,
          hamming,
          scratch,
          chains,
          step,
          stepBeta,
          burnIn,
          key,
        });
      }
      for (let ch = 0; ch < chains; ch++) {
        trace.e[k * chains + ch] = energy[ch];
        trace.h[k * chains + ch] = hamming[ch];
      }
      trace.p.set(param, k * slots);
      if (sampler.adaptation && step < until) {
        for (let r = 0; r < slots; r++) {
          const count = slotChains(chains, slots, r);
          if (count === 0) continue;
          let s = 0;
          for (let ch = r; ch < chains; ch += slots) s = Math.fround(s + accept[ch]);
          param[r] = sampler.adaptation.update(param[r], Math.fround(s / count), model);
        }
      }
    }
    await sink.take({
      start: block.start,
      length: n,
      chains,
      energies: trace.e,
      hamming: trace.h,
      params: trace.p,
      acceptSum: trace.acc,
      seconds: (performance.now() - start) / 1000,
      checkpoint: o.checkpoints
        ? checkpointAfter(
          block,
          Uint32Array.from(x),
          param,
          sink,
          trace.acc,
          ex ? scratch.slice() : null,
          layout,
        )
        : undefined,
    });
  }
  const seconds = (performance.now() - start) / 1000;
  return finish(model, sampler, o, {
    backend: "cpu",
    layout,
    ...sink.traces(),
    acceptTotal: sink.acceptTotal,
    finalStates: x,
    reference,
    seconds,
    scratch,
  });
}

/** Words of per-chain scratch a sampler asks for (f32 then u32). */
function scratchWords(model: DiscreteModel, sampler: DiscreteSampler): number {
  const s = sampler.scratch?.(model) ?? {};
  return (s.f32 ?? 0) + (s.u32 ?? 0);
}

/** CPU twin of the grouped step's exchange: every group, after all chains made the step. */
function exchangeCpu(
  model: DiscreteModel,
  ex: NonNullable<DiscreteSampler["exchange"]>,
  r: {
    x: Uint32Array;
    energy: Float32Array;
    hamming: Uint32Array;
    scratch: Uint32Array;
    chains: number;
    step: number;
    stepBeta: number;
    burnIn: number;
    key: readonly [number, number];
  },
): void {
  const words = new Uint32Array(4);
  for (let first = 0; first < r.chains; first += ex.size) {
    ex.cpuExchange(model, {
      x: r.x,
      energy: r.energy,
      hamming: r.hamming,
      scratch: r.scratch,
      chains: r.chains,
      first,
      size: Math.min(ex.size, r.chains - first),
      step: r.step,
      beta: r.stepBeta,
      burnIn: r.burnIn,
      draw: (index, stream) =>
        philox4x32Words(index, r.step, first, stream, r.key[0], r.key[1], words),
    });
  }
}

/** The checkpoint after `block`: the totals include the block's own acceptance sums. */
function checkpointAfter(
  block: Block,
  states: Uint32Array,
  param: Float32Array,
  sink: BlockSink,
  acceptSum: Float32Array,
  scratch: Uint32Array | null,
  layout: EngineLayout,
): EngineCheckpoint {
  // sink.take adds the block's sums after this is built, so add them here in the same order.
  const acceptTotal = Float64Array.from(sink.acceptTotal, (t, ch) => t + acceptSum[ch]);
  const step = block.start + block.length;
  // Exchanging samplers carry one parameter per slot and their scratch (ladders, swap sums).
  const extra = scratch ? { params: Float32Array.from(param), scratch } : {};
  return {
    step,
    states,
    param: param[0],
    acceptTotal,
    ...extra,
    ...(layout === "sites" ? { layout } : {}),
  };
}

function finish(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: CheckedOptions,
  r: {
    backend: "webgpu" | "cpu";
    layout: EngineLayout;
    energies: Float32Array;
    hamming: Float32Array;
    params: Float32Array;
    acceptTotal: Float64Array;
    finalStates: Uint32Array;
    reference: Uint32Array;
    seconds: number;
    scratch: Uint32Array;
  },
): RunResult {
  const kept = o.steps - burnInSteps(o);
  const exchange = sampler.exchange?.summary(model, r.scratch, o.chains);
  return {
    backend: r.backend,
    layout: r.layout,
    chains: o.chains,
    steps: o.steps,
    numSites: model.numSites,
    energies: r.energies,
    hamming: r.hamming,
    params: r.params,
    acceptance: r.acceptTotal.map((s) => s / kept),
    finalStates: r.finalStates,
    reference: r.reference,
    energyEvals: o.steps * sampler.evalsPerStep(model),
    seconds: r.seconds,
    ...(exchange ? { exchange, finalScratch: r.scratch } : {}),
  };
}

/** Programs of one (model, sampler) combination. */
interface EnginePrograms {
  init: CompiledProgram;
  refresh: CompiledProgram;
  step: CompiledProgram;
  adapt: CompiledProgram;
  /** The per-chain layout's fused adapting program (absent in the chains x sites layout). */
  fused?: CompiledProgram;
  /** Split mode of grouped samplers: per-chain step with slot parameters, then the exchange. */
  split?: { step: CompiledProgram; exchange: CompiledProgram };
}

const WG = 16;

/** Every size the engine's programs read: the model's, then the sampler's. */
function engineSizes(model: DiscreteModel, sampler: DiscreteSampler): Record<string, TypedScalar> {
  const sizes: Record<string, TypedScalar> = {
    ...modelSizes(model),
    // Where the sampler's u32 scratch words start (after its f32 words).
    SCRATCH_U0: { type: "u32", value: sampler.scratch?.(model).f32 ?? 0 },
    // Chains per exchanging group, one adaptive parameter each (only such samplers read it).
    ...(sampler.exchange ? { SLOTS: { type: "u32" as const, value: sampler.exchange.size } } : {}),
  };
  for (const [name, v] of Object.entries(sampler.wgslSizes?.(model) ?? {})) {
    if (name in sizes) throw new Error(`sampler size '${name}' clashes with a model size`);
    sizes[name] = v;
  }
  return sizes;
}

/** The engine's uniform block: its own fields, then every size (names only, never values). */
function engineLayout(sizes: Record<string, TypedScalar>): UniformLayout {
  return new UniformLayout("EngineParams", [...ENGINE_FIELDS, ...sizeFields(sizes)]);
}

/**
 * The WGSL sources of the engine's programs for a model and sampler, in the order init, refresh,
 * step, adapt, fused, and for grouped samplers the split mode's step and exchange. Sizes travel in the uniform block, so the text depends on the model's
 * family and options, never on its size (tests compare sizes n and 4n).
 *
 * @example
 * ```ts
 * import { isingModel } from "../models/discrete/ising.ts";
 * import { rwmSampler } from "./rwm.ts";
 * const [init] = engineSources(isingModel({ size: 4 }), rwmSampler());
 * console.log(init.code.includes("var<private> D: u32;")); // true
 * ```
 */
export function engineSources(model: DiscreteModel, sampler: DiscreteSampler): Program[] {
  const sizes = engineSizes(model, sampler);
  const groups = engineBindingGroups(model.wgsl.params);
  const constants = {
    WG: { type: "u32" as const, value: WG },
    FW: { type: "u32" as const, value: FW },
  };
  const snippets = [
    engineLayout(sizes).wgsl(),
    sizeVarsWgsl(sizes, "params", "engine_load_sizes"),
    rngWgsl(),
    ENGINE_HELPERS,
    model.wgsl.code,
    sampler.wgsl(model),
    STEP_HELPERS,
  ];
  const adaptive = Boolean(sampler.adaptation);
  const grouped = Boolean(sampler.exchange);
  if (grouped) snippets.push(GROUP_HELPERS);
  const make = (label: string, body: string, workgroupSize: number) =>
    assembleProgram({
      label: `${model.name}/${sampler.name}/${label}`,
      groups,
      constants,
      snippets,
      body,
      workgroupSize,
    });
  return [
    make("init", INIT_MAIN, WG),
    make("refresh", REFRESH_MAIN, WG),
    make("step", grouped ? GROUP_STEP_MAIN : STEP_MAIN, WG),
    make("adapt", grouped ? slotsAdaptMain(adaptive) : adaptMain(adaptive), 1),
    make("fused", fusedMain(adaptive), FW),
    ...(grouped
      ? [make("split_step", SLOT_STEP_MAIN, WG), make("exchange", GROUP_EXCHANGE_MAIN, WG)]
      : []),
  ];
}

async function compilePrograms(
  gpu: GpuContext,
  model: DiscreteModel,
  sampler: DiscreteSampler,
  split: boolean,
  layout: EngineLayout,
): Promise<EnginePrograms> {
  if (layout === "sites") {
    const [init, refresh, step, adapt] = await Promise.all(
      sitesEngineSources(model, sampler).map((p) => gpu.cache.get(gpu.device, p)),
    );
    return { init, refresh, step, adapt };
  }
  // The split mode's programs compile only when it runs.
  const sources = engineSources(model, sampler).slice(0, split ? undefined : 5);
  const [init, refresh, step, adapt, fused, splitStep, exchange] = await Promise.all(
    sources.map((p) => gpu.cache.get(gpu.device, p)),
  );
  return {
    init,
    refresh,
    step,
    adapt,
    fused,
    ...(split ? { split: { step: splitStep, exchange } } : {}),
  };
}

async function runGpu(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: CheckedOptions,
  gpu: GpuContext,
  sink: BlockSink,
  layout: EngineLayout,
): Promise<RunResult> {
  const { chains, steps } = o;
  const d = model.numSites;
  const block = Math.min(o.blockSteps, steps);
  const cost = loopCost(model, sampler);
  const bySites = layout === "sites";
  // A group's steps in one invocation unless they exceed llvmpipe's loop limit (split mode).
  const split = !bySites && Boolean(sampler.exchange) &&
    loopBudget(gpu, groupLoops(sampler, cost.step, d)) < 1;
  const programs = await compilePrograms(gpu, model, sampler, split, layout);
  const reference = o.reference ?? referenceState(model, o.seed);
  const key = seedToKey(o.seed);
  const burnIn = burnInSteps(o);
  const slots = paramSlots(sampler);
  // Step counter, then one adaptive parameter per slot.
  const ctrl = new Uint32Array(Math.max(4, 1 + slots));
  ctrl[0] = o.resumeFrom?.step ?? 0;
  ctrl.set(
    new Uint32Array(resumeParams(o.resumeFrom, slots, sampler.initialParam(model)).buffer),
    1,
  );
  const given = o.initialState ?? o.resumeFrom?.states;
  const traceFloats = block * chains * 2 + block * slots;
  const sizes = bySites ? sitesSizes(model, sampler) : engineSizes(model, sampler);
  const uniformLayout = bySites ? sitesLayout(sizes) : engineLayout(sizes);
  // Scratch words per chain: the sites step's, or the per-chain sampler's f32 and u32 words.
  const chainWords = bySites
    ? sampler.sites?.scratchWords(model) ?? 0
    : (sampler.scratch?.(model).f32 ?? 0) + (sampler.scratch?.(model).u32 ?? 0);
  // Every buffer belongs to the runner, released in the finally whatever fails.
  const runner = new GpuRunner(gpu, `${model.name}/${sampler.name}`);
  try {
    const buf = {
      state: runner.storage("state", given ?? chains * d * 4),
      energy: runner.storage("energy", chains * 4),
      hamming: runner.storage("hamming", chains * 4),
      reference: runner.storage("reference", reference),
      accept: runner.storage("accept", chains * 4),
      acc_sum: runner.storage("acc_sum", chains * 4),
      ctrl: runner.storage("ctrl", ctrl),
      trace: runner.storage("trace", traceFloats * 4),
      betas: runner.storage("betas", (block + chains) * 4),
      params: runner.uniform("params", uniformLayout),
      scratch: runner.storage(
        "scratch",
        sampler.exchange && o.resumeFrom?.scratch ? o.resumeFrom.scratch : chains * chainWords * 4,
      ),
    };
    if (o.chainBetas) writeBuffer(gpu, buf.betas, o.chainBetas, block * 4);
    const named: Record<string, GPUBuffer> = { ...buf };
    for (const p of model.wgsl.params) named[p.name] = runner.storage(p.name, p.data);
    const groupsOf = (p: CompiledProgram) => runner.bindGroups(p, named);
    const g = {
      init: groupsOf(programs.init),
      refresh: groupsOf(programs.refresh),
      step: groupsOf(programs.step),
      adapt: groupsOf(programs.adapt),
      fused: programs.fused && groupsOf(programs.fused),
      split: programs.split && {
        step: groupsOf(programs.split.step),
        exchange: groupsOf(programs.split.exchange),
      },
    };
    // The chains x sites layout runs one workgroup per chain.
    const workgroups = bySites ? chains : Math.ceil(chains / WG);
    // A grouped step runs one invocation per group of exchanging chains.
    const stepGroups = bySites ? chains : Math.ceil(Math.ceil(chains / slots) / WG);
    const stepsPerDispatch = Math.min(
      block,
      bySites
        ? sitesStepsPerDispatch(model, sampler, gpu)
        : loopBudget(gpu, groupLoops(sampler, cost.step, d)),
    );
    const fuse = !bySites && !sampler.exchange &&
      (o.fuseAdaptation ?? fuseByDefault(model, sampler, chains));
    if (fuse && chains > FUSED_MAX_CHAINS) {
      throw new Error(`fuseAdaptation runs at most ${FUSED_MAX_CHAINS} chains, got ${chains}`);
    }
    // One fused invocation steps ceil(chains / FW) chains and (invocation 0) sums all acceptances.
    const fusedPerDispatch = Math.min(
      block,
      Math.max(1, loopBudget(gpu, Math.ceil(chains / FW) * (cost.step + 4) + chains + 8)),
    );
    const sizeVals = sizeValues(sizes);
    const writeParams = (blockStart: number, multi: number, blockEnd: number) => {
      runner.writeUniform(
        buf.params,
        uniformLayout,
        {
          key_lo: key[0],
          key_hi: key[1],
          chain_offset: o.chainOffset,
          chains,
          block_start: blockStart,
          beta: o.betaAt(blockStart),
          burn_in: burnIn,
          adapt_until: adaptUntil(o, burnIn),
          multi,
          trace_steps: block,
          block_end: blockEnd,
          constant_beta: o.constantBeta ? 1 : 0,
          init_given: given ? 1 : 0,
          chain_beta_given: o.chainBetas ? 1 : 0,
          ...sizeVals,
        },
      );
    };
    writeParams(0, 1, 1);
    const first = new DispatchBatch(gpu, "init");
    first.dispatch(programs.init, g.init, workgroups);
    await first.submit();
    await synchronize(gpu);
    const start = performance.now();
    const until = adaptUntil(o, burnIn);
    const plan = planBlocks(steps, block, sampler.adaptation && until > 0 ? until : 0);
    for (const b of remainingBlocks(plan, o)) {
      const { start: blockStart, length: n, adapting } = b;
      // Without adaptation no step needs the batch mean, so one dispatch runs many steps (all of
      // the block, or as many as llvmpipe's loop limit allows).
      // While adapting, either the fused program adapts in-kernel over many steps, or each
      // step is a step dispatch followed by a one-thread adapt dispatch.
      const fused = adapting && fuse;
      const perDispatch = fused
        ? Math.min(n, fusedPerDispatch)
        : adapting || split
        ? 1
        : Math.max(1, Math.min(n, stepsPerDispatch));
      writeParams(blockStart, perDispatch, blockStart + n);
      // Samplers may read step_beta(step) directly, so the buffer is filled even when constant.
      writeBuffer(
        gpu,
        buf.betas,
        Float32Array.from({ length: n }, (_, k) => o.betaAt(blockStart + k)),
      );
      const batch = new DispatchBatch(gpu, "steps");
      batch.dispatch(programs.refresh, g.refresh, workgroups);
      for (let k = 0; k < Math.ceil(n / perDispatch); k++) {
        if (fused && programs.fused && g.fused) {
          batch.dispatch(programs.fused, g.fused, 1);
          continue;
        }
        if (programs.split && g.split) {
          batch.dispatch(programs.split.step, g.split.step, workgroups);
          batch.dispatch(programs.split.exchange, g.split.exchange, stepGroups);
        } else {
          batch.dispatch(programs.step, g.step, stepGroups);
        }
        batch.dispatch(programs.adapt, g.adapt, 1);
      }
      await batch.submit();
      const reads = [
        { buffer: buf.trace, byteLength: traceFloats * 4 },
        { buffer: buf.acc_sum, byteLength: chains * 4 },
      ];
      // A checkpoint rides on the same readback (one ~10 ms round trip per block).
      const words = sampler.exchange ? scratchWords(model, sampler) : 0;
      if (o.checkpoints) {
        reads.push({ buffer: buf.state, byteLength: chains * d * 4 });
        reads.push({ buffer: buf.ctrl, byteLength: ctrl.byteLength });
        if (words > 0) reads.push({ buffer: buf.scratch, byteLength: chains * words * 4 });
      }
      const [tr, acc, st, ct, sc] = await readBuffers(gpu, reads);
      const t = new Float32Array(tr), rows = n * chains;
      const acceptSum = new Float32Array(acc);
      const checkpoint = o.checkpoints
        ? checkpointAfter(
          b,
          new Uint32Array(st),
          new Float32Array(ct).subarray(CTRL.param, CTRL.param + slots),
          sink,
          acceptSum,
          sc ? new Uint32Array(sc) : null,
          layout,
        )
        : undefined;
      await sink.take({
        start: blockStart,
        length: n,
        chains,
        energies: t.subarray(0, rows),
        hamming: t.subarray(block * chains, block * chains + rows),
        params: t.subarray(2 * block * chains, 2 * block * chains + n * slots),
        acceptSum,
        seconds: (performance.now() - start) / 1000,
        checkpoint,
      });
    }
    const words = scratchWords(model, sampler);
    const [states, scr] = await readBuffers(gpu, [
      { buffer: buf.state, byteLength: chains * d * 4 },
      ...(sampler.exchange && words > 0
        ? [{ buffer: buf.scratch, byteLength: chains * words * 4 }]
        : []),
    ]);
    const seconds = (performance.now() - start) / 1000;
    return finish(model, sampler, o, {
      backend: "webgpu",
      layout,
      ...sink.traces(),
      acceptTotal: sink.acceptTotal,
      finalStates: new Uint32Array(states),
      reference,
      seconds,
      scratch: new Uint32Array(scr ?? new ArrayBuffer(0)),
    });
  } finally {
    runner.release();
  }
}
