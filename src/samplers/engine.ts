/**
 * The discrete sampling engine: runs many chains of any {@link DiscreteSampler} on any
 * {@link DiscreteModel}, on WebGPU (many steps per submit, one readback per block) or on the
 * CPU twin, with the same random numbers and f32 arithmetic on both.
 * @module
 */
import {
  assembleProgram,
  bindGroups,
  type CompiledProgram,
  createStorage,
  createUniform,
  DispatchBatch,
  type GpuContext,
  readBuffers,
  synchronize,
  writeBuffer,
} from "../gpu/mod.ts";
import { philox4x32Words, seedToKey } from "../random/philox.ts";
import { rngWgsl } from "../wgsl/mod.ts";
import { uniformArray } from "../random/params.ts";
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import {
  adaptMain,
  ENGINE_BINDINGS,
  ENGINE_HELPERS,
  fusedMain,
  INIT_MAIN,
  PARAMS_BYTES,
  PARAMS_STRUCT,
  REFRESH_MAIN,
  STEP_HELPERS,
  STEP_MAIN,
} from "./engine_wgsl.ts";

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
}

/** Everything a run produces. Traces are step-major: `[steps, chains]`. */
export interface RunResult {
  backend: "webgpu" | "cpu";
  chains: number;
  steps: number;
  numSites: number;
  /** Energy of each chain after each step. */
  energies: Float32Array;
  /** DISCS statistic: Hamming distance to a fixed random reference state, after each step. */
  hamming: Float32Array;
  /** The shared adaptive parameter used at each step. */
  params: Float32Array;
  /** Mean acceptance probability per chain after burn-in. */
  acceptance: Float64Array;
  /** Final states `[chains, D]`. */
  finalStates: Uint32Array;
  /** The reference state of the Hamming statistic. */
  reference: Uint32Array;
  /** Energy evaluations by the DISCS rules. */
  energyEvals: number;
  /** Wall-clock seconds of the sampling loop (GPU synchronised). */
  seconds: number;
}

type CheckedOptions =
  & Required<Omit<RunOptions, "onProgress" | "betaSchedule" | "fuseAdaptation">>
  & { betaAt: (step: number) => number; constantBeta: boolean; fuseAdaptation?: boolean };

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
  const { onProgress: _, betaSchedule, ...rest } = o;
  const betaAt = (step: number) => {
    const b = Math.fround(betaSchedule ? betaSchedule(step) : o.beta);
    if (!(Number.isFinite(b) && b >= 0)) {
      throw new Error(`betaSchedule(${step}) = ${b}: expected a finite number >= 0`);
    }
    return b;
  };
  return { ...rest, betaAt, constantBeta: betaSchedule === undefined };
}

/** Mesa llvmpipe stops loops silently after 65,535 iterations per invocation (gallivm's loop
 * limiter), counting all loops of the invocation; kernels there must stay below it. */
export const LLVMPIPE_LOOP_LIMIT = 65_535;

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

/** True on Mesa's software adapter, whose loop limiter bounds each invocation's work. */
export function hasLoopLimit(gpu: GpuContext): boolean {
  return /llvmpipe/i.test(gpu.adapter.description);
}

/**
 * Why this model and sampler cannot run on this adapter, or null when they can: on llvmpipe one
 * step or one energy evaluation must stay under {@link LLVMPIPE_LOOP_LIMIT} loop iterations.
 */
export function gpuLimitReason(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: GpuContext,
): string | null {
  if (!hasLoopLimit(gpu)) return null;
  const cost = loopCost(model, sampler);
  const worst = Math.max(cost.step, cost.energy + model.numSites); // init: D draws + energy
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
  const o = checkOptions(model, sampler, opts);
  const reason = gpu ? gpuLimitReason(model, sampler, gpu) : null;
  if (reason) return Promise.reject(new Error(reason));
  return gpu
    ? runGpu(model, sampler, o, gpu, opts.onProgress)
    : runCpu(model, sampler, o, opts.onProgress);
}

function burnInSteps(o: { steps: number; burnInFraction: number }): number {
  return Math.floor(o.steps * o.burnInFraction);
}

function adaptUntil(o: { steps: number; adapt: AdaptMode }, burnIn: number): number {
  return o.adapt === "off" ? 0 : o.adapt === "always" ? o.steps : burnIn;
}

function runCpu(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: CheckedOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<RunResult> {
  const { chains, steps } = o;
  const d = model.numSites, c = model.numCategories;
  const key = seedToKey(o.seed);
  const reference = referenceState(model, o.seed);
  const x = new Uint32Array(chains * d);
  const hamming = new Uint32Array(chains);
  const energy = new Float32Array(chains);
  const accept = new Float32Array(chains);
  const accSum = new Float32Array(chains);
  const trace = { e: new Float32Array(steps * chains), h: new Float32Array(steps * chains) };
  const paramTrace = new Float32Array(steps);
  const words = new Uint32Array(4);
  for (let ch = 0; ch < chains; ch++) {
    let h = 0;
    for (let i = 0; i < d; i++) {
      const v = philox4x32Words(i, 0xffffffff, ch, 0xfffffff0, key[0], key[1], words)[0] % c;
      x[ch * d + i] = v;
      if (v !== reference[i]) h++;
    }
    hamming[ch] = h;
    energy[ch] = model.energy(x, ch * d);
  }
  const burnIn = burnInSteps(o);
  const until = adaptUntil(o, burnIn);
  let param = Math.fround(sampler.initialParam(model));
  const start = performance.now();
  const chainView = {
    x,
    base: 0,
    chain: 0,
    step: 0,
    beta: 0,
    param,
    energy: 0,
    draw(index: number, stream: number) {
      return philox4x32Words(index, this.step, this.chain, stream, key[0], key[1], words);
    },
    set(i: number, v: number) {
      const old = x[this.base + i], r = reference[i];
      if (old === r && v !== r) hamming[this.chain]++;
      if (old !== r && v === r) hamming[this.chain]--;
      x[this.base + i] = v;
    },
  } satisfies CpuChain;
  const adaptive = Boolean(sampler.adaptation) && until > 0;
  const blockStarts = new Set(
    planBlocks(steps, o.blockSteps, adaptive ? until : 0).map((b) => b.start),
  );
  for (let step = 0; step < steps; step++) {
    if (blockStarts.has(step)) {
      for (let ch = 0; ch < chains; ch++) energy[ch] = model.energy(x, ch * d);
      if (step > 0) onProgress?.(step, steps);
    }
    chainView.step = step;
    chainView.param = param;
    chainView.beta = o.betaAt(step);
    for (let ch = 0; ch < chains; ch++) {
      chainView.chain = ch;
      chainView.base = ch * d;
      chainView.energy = energy[ch];
      const a = Math.fround(sampler.cpuStep(model, chainView));
      energy[ch] = chainView.energy;
      accept[ch] = a;
      if (step >= burnIn) accSum[ch] = Math.fround(accSum[ch] + a);
      trace.e[step * chains + ch] = energy[ch];
      trace.h[step * chains + ch] = hamming[ch];
    }
    paramTrace[step] = param;
    if (sampler.adaptation && step < until) {
      let s = 0;
      for (let ch = 0; ch < chains; ch++) s = Math.fround(s + accept[ch]);
      param = Math.fround(sampler.adaptation.update(param, Math.fround(s / chains), model));
    }
  }
  onProgress?.(steps, steps);
  const seconds = (performance.now() - start) / 1000;
  return Promise.resolve(finish(model, sampler, o, {
    backend: "cpu",
    energies: trace.e,
    hamming: trace.h,
    params: paramTrace,
    accSum,
    finalStates: x,
    reference,
    seconds,
  }));
}

function finish(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: CheckedOptions,
  r: {
    backend: "webgpu" | "cpu";
    energies: Float32Array;
    hamming: Float32Array;
    params: Float32Array;
    accSum: Float32Array;
    finalStates: Uint32Array;
    reference: Uint32Array;
    seconds: number;
  },
): RunResult {
  const kept = o.steps - burnInSteps(o);
  return {
    backend: r.backend,
    chains: o.chains,
    steps: o.steps,
    numSites: model.numSites,
    energies: r.energies,
    hamming: r.hamming,
    params: r.params,
    acceptance: Float64Array.from(r.accSum, (s) => s / kept),
    finalStates: r.finalStates,
    reference: r.reference,
    energyEvals: o.steps * sampler.evalsPerStep(model),
    seconds: r.seconds,
  };
}

/** Programs of one (model, sampler) combination. */
interface EnginePrograms {
  init: CompiledProgram;
  refresh: CompiledProgram;
  step: CompiledProgram;
  adapt: CompiledProgram;
  fused: CompiledProgram;
}

const WG = 16;

async function compilePrograms(
  gpu: GpuContext,
  model: DiscreteModel,
  sampler: DiscreteSampler,
): Promise<EnginePrograms> {
  const groups = [
    ENGINE_BINDINGS,
    model.wgsl.params.map((p) => ({
      name: p.name,
      kind: "read" as const,
      type: p.data instanceof Float32Array ? "array<f32>" : "array<u32>",
    })),
  ];
  const constants = {
    D: { type: "u32" as const, value: model.numSites },
    C: { type: "u32" as const, value: model.numCategories },
    WG: { type: "u32" as const, value: WG },
    FW: { type: "u32" as const, value: FW },
  };
  const snippets = [
    PARAMS_STRUCT,
    rngWgsl(),
    ENGINE_HELPERS,
    model.wgsl.code,
    sampler.wgsl(model),
    STEP_HELPERS,
  ];
  const make = (label: string, body: string, workgroupSize: number) =>
    gpu.cache.get(
      gpu.device,
      assembleProgram({
        label: `${model.name}/${sampler.name}/${label}`,
        groups,
        constants,
        snippets,
        body,
        workgroupSize,
      }),
    );
  const adaptive = Boolean(sampler.adaptation);
  const [init, refresh, step, adapt, fused] = await Promise.all([
    make("init", INIT_MAIN, WG),
    make("refresh", REFRESH_MAIN, WG),
    make("step", STEP_MAIN, WG),
    make("adapt", adaptMain(adaptive), 1),
    make("fused", fusedMain(adaptive), FW),
  ]);
  return { init, refresh, step, adapt, fused };
}

async function runGpu(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  o: CheckedOptions,
  gpu: GpuContext,
  onProgress?: (done: number, total: number) => void,
): Promise<RunResult> {
  const { chains, steps } = o;
  const d = model.numSites;
  const block = Math.min(o.blockSteps, steps);
  const programs = await compilePrograms(gpu, model, sampler);
  const reference = referenceState(model, o.seed);
  const key = seedToKey(o.seed);
  const burnIn = burnInSteps(o);
  const ctrl = new Uint32Array(4);
  ctrl[1] = new Uint32Array(Float32Array.of(sampler.initialParam(model)).buffer)[0];
  const traceFloats = block * chains * 2 + block;
  const buf = {
    state: createStorage(gpu, chains * d * 4, "state"),
    energy: createStorage(gpu, chains * 4, "energy"),
    hamming: createStorage(gpu, chains * 4, "hamming"),
    reference: createStorage(gpu, reference, "reference"),
    accept: createStorage(gpu, chains * 4, "accept"),
    accSum: createStorage(gpu, chains * 4, "acc_sum"),
    ctrl: createStorage(gpu, ctrl, "ctrl"),
    trace: createStorage(gpu, traceFloats * 4, "trace"),
    betas: createStorage(gpu, block * 4, "betas"),
    params: createUniform(gpu, PARAMS_BYTES, "params"),
  };
  const modelBufs = model.wgsl.params.map((p) => createStorage(gpu, p.data, p.name));
  const all = [
    [
      buf.state,
      buf.energy,
      buf.hamming,
      buf.reference,
      buf.accept,
      buf.accSum,
      buf.ctrl,
      buf.trace,
      buf.betas,
      buf.params,
    ],
    modelBufs,
  ];
  const groupsOf = (p: CompiledProgram) => bindGroups(gpu, p, all);
  const g = {
    init: groupsOf(programs.init),
    refresh: groupsOf(programs.refresh),
    step: groupsOf(programs.step),
    adapt: groupsOf(programs.adapt),
    fused: groupsOf(programs.fused),
  };
  const workgroups = Math.ceil(chains / WG);
  const cost = loopCost(model, sampler);
  const stepsPerDispatch = hasLoopLimit(gpu)
    ? Math.floor((0.9 * LLVMPIPE_LOOP_LIMIT) / Math.max(cost.step + 4, 1))
    : block;
  const fuse = o.fuseAdaptation ?? fuseByDefault(model, sampler, chains);
  if (fuse && chains > FUSED_MAX_CHAINS) {
    throw new Error(`fuseAdaptation runs at most ${FUSED_MAX_CHAINS} chains, got ${chains}`);
  }
  // One fused invocation steps ceil(chains / FW) chains and (invocation 0) sums all acceptances.
  const fusedPerDispatch = hasLoopLimit(gpu)
    ? Math.max(
      1,
      Math.floor(
        (0.9 * LLVMPIPE_LOOP_LIMIT) / (Math.ceil(chains / FW) * (cost.step + 4) + chains + 8),
      ),
    )
    : block;
  const writeParams = (blockStart: number, multi: number, blockEnd: number) => {
    const p = new ArrayBuffer(PARAMS_BYTES);
    const u = new Uint32Array(p), f = new Float32Array(p);
    u[0] = key[0];
    u[1] = key[1];
    u[2] = chains;
    u[3] = blockStart;
    f[4] = o.betaAt(blockStart);
    u[5] = burnIn;
    u[6] = adaptUntil(o, burnIn);
    u[7] = multi;
    u[8] = block;
    u[9] = blockEnd;
    u[10] = o.constantBeta ? 1 : 0;
    writeBuffer(gpu, buf.params, u);
  };
  const energies = new Float32Array(steps * chains);
  const hamming = new Float32Array(steps * chains);
  const paramTrace = new Float32Array(steps);
  writeParams(0, 1, 1);
  const first = new DispatchBatch(gpu, "init");
  first.dispatch(programs.init, g.init, workgroups);
  await first.submit();
  await synchronize(gpu);
  const start = performance.now();
  try {
    const until = adaptUntil(o, burnIn);
    const plan = planBlocks(steps, block, sampler.adaptation && until > 0 ? until : 0);
    for (const { start: blockStart, length: n, adapting } of plan) {
      // Without adaptation no step needs the batch mean, so one dispatch runs many steps (all of
      // the block, or as many as llvmpipe's loop limit allows).
      // While adapting, either the fused program adapts in-kernel over many steps, or each
      // step is a step dispatch followed by a one-thread adapt dispatch.
      const fused = adapting && fuse;
      const perDispatch = fused
        ? Math.min(n, fusedPerDispatch)
        : adapting
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
        if (fused) {
          batch.dispatch(programs.fused, g.fused, 1);
          continue;
        }
        batch.dispatch(programs.step, g.step, workgroups);
        batch.dispatch(programs.adapt, g.adapt, 1);
      }
      await batch.submit();
      const [tr] = await readBuffers(gpu, [{ buffer: buf.trace, byteLength: traceFloats * 4 }]);
      const t = new Float32Array(tr), rows = n * chains, at = blockStart * chains;
      energies.set(t.subarray(0, rows), at);
      hamming.set(t.subarray(block * chains, block * chains + rows), at);
      paramTrace.set(t.subarray(2 * block * chains, 2 * block * chains + n), blockStart);
      onProgress?.(blockStart + n, steps);
    }
    const [states, accSum] = await readBuffers(gpu, [
      { buffer: buf.state, byteLength: chains * d * 4 },
      { buffer: buf.accSum, byteLength: chains * 4 },
    ]);
    const seconds = (performance.now() - start) / 1000;
    return finish(model, sampler, o, {
      backend: "webgpu",
      energies,
      hamming,
      params: paramTrace,
      accSum: new Float32Array(accSum),
      finalStates: new Uint32Array(states),
      reference,
      seconds,
    });
  } finally {
    for (const b of [...Object.values(buf), ...modelBufs]) b.destroy();
  }
}
