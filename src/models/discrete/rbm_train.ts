/**
 * Training binary RBMs by persistent contrastive divergence (PCD, Tieleman 2008), on the CPU in
 * plain TypeScript. The joint energy is `E(v, h) = -b.v - c.h - h^T W v` with weights stored
 * hidden-major (`W[j * D + i]`, the layout {@link rbmModel} takes), so a trained RBM loads
 * straight into the sampling model.
 *
 * One update on a mini-batch: the positive statistics use the data's exact hidden
 * probabilities `p(h_j = 1 | v) = sigmoid(c_j + W_j . v)`; the negative ones come from
 * persistent chains advanced by `cdSteps` block-Gibbs sweeps (h | v, then v | h) and use the
 * chains' hidden probabilities (Rao-Blackwellised). The ascent direction is
 * `<p(h|v) v^T>_data - <p(h|v) v^T>_chains` (and the same for the biases), an estimate of the
 * gradient of the mean log-likelihood; the update is plain SGD or Adam, with optional L2 decay
 * of the weights.
 *
 * Setup after DISCS (`discs/learning/rbm/`, spec section 2.6): visible biases start at the
 * data-mean logits, chains start from the data-mean Bernoulli distribution. DISCS trains with
 * Adam (1e-3), batch 100 and 100 Gibbs sweeps per update; the defaults here are the cheaper
 * SGD 0.05 with one sweep, and both are options.
 *
 * Randomness: every draw is a Philox word keyed by the seed, so training is deterministic.
 * @module
 */
import { normalArray } from "../../random/params.ts";
import { philox4x32Words, seedToKey } from "../../random/philox.ts";
import { uniform01 } from "../../random/draws.ts";
import { readNpyFile, writeNpyFile } from "../../io/npy_file.ts";
import { type RbmModel, rbmModel } from "./rbm.ts";

/** A binary RBM's parameters (hidden-major weights `[H, D]`). */
export interface RbmParams {
  readonly numVisible: number;
  readonly numHidden: number;
  /** `W[j * D + i]`, shape `[H, D]`. */
  readonly weights: Float32Array;
  /** `b`, shape `[D]`. */
  readonly visibleBias: Float32Array;
  /** `c`, shape `[H]`. */
  readonly hiddenBias: Float32Array;
}

/** Per-epoch monitoring figures. */
export interface RbmEpochStats {
  /** 1-based epoch number. */
  epoch: number;
  /**
   * Mean pseudo-log-likelihood per digit, `sum_i log p(v_i | v_-i)` in nats, exact over all
   * sites, on the monitoring subset (NaN when monitoring is off).
   */
  pseudoLogLikelihood: number;
  /** Mean squared error per pixel of the mean-field reconstruction v -> p(h|v) -> p(v|h). */
  reconstructionError: number;
}

/** Options of {@link trainRbm}. */
export interface RbmTrainOptions {
  numHidden: number;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Mini-batch size (default 100). */
  batchSize?: number;
  /** Step size (default 0.05). */
  learningRate?: number;
  /** Block-Gibbs sweeps per update (default 1). */
  cdSteps?: number;
  /** Persistent chains (default: the batch size). */
  numChains?: number;
  /** L2 decay coefficient of the weights (default 0). */
  weightDecay?: number;
  /** "sgd" (default) or "adam" (beta1 0.9, beta2 0.999, eps 1e-8). */
  optimizer?: "sgd" | "adam";
  /** Standard deviation of the initial weights (default 0.01). */
  initSigma?: number;
  /** Seed of the initial weights, chains, batch order and Gibbs draws (default 0). */
  seed?: number;
  /** Digits used for the per-epoch figures (default min(n, 500); 0 turns monitoring off). */
  monitorSamples?: number;
  /** Called after each update with (updates done, total updates). */
  onProgress?: (done: number, total: number) => void;
}

/** The trained parameters and the per-epoch monitoring figures. */
export interface RbmTrainResult extends RbmParams {
  history: RbmEpochStats[];
}

/** Persistent chains: `[numChains, D]` binary visible states. */
export interface PcdChains {
  readonly numChains: number;
  readonly visible: Uint8Array;
}

/** The ascent direction of one PCD update (same shapes as the parameters). */
export interface RbmGradient {
  weights: Float64Array;
  visibleBias: Float64Array;
  hiddenBias: Float64Array;
}

/** Default step size of {@link trainRbm}. */
export const RBM_DEFAULT_LEARNING_RATE = 0.05;

// Philox counter word 3 tells the draws apart; words 0..2 are (block, chain, update).
const STREAM_INIT_W = 0x7262_7401;
const STREAM_CHAIN_INIT = 2;
const STREAM_HIDDEN = 3;
const STREAM_VISIBLE = 4;
const STREAM_SHUFFLE = 5;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** Philox words for (chain, update, stream), refilled four at a time. */
class WordSource {
  private readonly key: [number, number];
  private readonly block = new Uint32Array(4);
  private pos = 4;
  private ctr = 0;
  private chain = 0;
  private update = 0;
  private stream = 0;
  constructor(seed: number) {
    this.key = seedToKey(seed);
  }
  reset(chain: number, update: number, stream: number): void {
    this.chain = chain;
    this.update = update;
    this.stream = stream;
    this.ctr = 0;
    this.pos = 4;
  }
  next(): number {
    if (this.pos === 4) {
      philox4x32Words(
        this.ctr++,
        this.chain,
        this.update,
        this.stream,
        this.key[0],
        this.key[1],
        this.block,
      );
      this.pos = 0;
    }
    return this.block[this.pos++];
  }
}

function checkData(data: Uint8Array, numVisible: number): number {
  if (!Number.isInteger(numVisible) || numVisible < 1) {
    throw new Error(`numVisible must be a positive integer, got ${numVisible}`);
  }
  const n = data.length / numVisible;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(
      `data has ${data.length} entries: expected a positive multiple of numVisible ${numVisible}`,
    );
  }
  for (let k = 0; k < data.length; k++) {
    if (data[k] > 1) throw new Error(`data[${k}] is ${data[k]}: expected binary values 0 or 1`);
  }
  return n;
}

function checkPositive(name: string, v: number, integer: boolean): void {
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(`${name} must be a positive ${integer ? "integer" : "number"}, got ${v}`);
  }
}

/** Mean of each visible unit over the data, clipped to [1e-3, 1 - 1e-3]. */
function dataMeans(data: Uint8Array, numVisible: number): Float64Array {
  const n = data.length / numVisible;
  const m = new Float64Array(numVisible);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < numVisible; i++) m[i] += data[k * numVisible + i];
  }
  for (let i = 0; i < numVisible; i++) m[i] = Math.min(1 - 1e-3, Math.max(1e-3, m[i] / n));
  return m;
}

/**
 * Initial parameters: weights N(0, initSigma^2), visible biases at the data-mean logits,
 * hidden biases 0.
 *
 * @example
 * ```ts
 * const p = initRbmParams(new Uint8Array([1, 0, 1, 1]), 2, 3, 0);
 * console.log(p.weights.length); // 6
 * ```
 */
export function initRbmParams(
  data: Uint8Array,
  numVisible: number,
  numHidden: number,
  seed = 0,
  initSigma = 0.01,
): RbmParams {
  checkData(data, numVisible);
  checkPositive("numHidden", numHidden, true);
  const z = normalArray(seed, STREAM_INIT_W, numHidden * numVisible);
  const weights = Float32Array.from(z, (v) => initSigma * v);
  const m = dataMeans(data, numVisible);
  const visibleBias = Float32Array.from(m, (p) => Math.log(p / (1 - p)));
  return { numVisible, numHidden, weights, visibleBias, hiddenBias: new Float32Array(numHidden) };
}

/**
 * `numChains` persistent chains drawn from the data-mean Bernoulli distribution.
 *
 * @example
 * ```ts
 * const chains = initPcdChains(new Uint8Array([1, 0, 1, 1]), 2, 8, 0);
 * console.log(chains.visible.length); // 16
 * ```
 */
export function initPcdChains(
  data: Uint8Array,
  numVisible: number,
  numChains: number,
  seed = 0,
): PcdChains {
  checkData(data, numVisible);
  checkPositive("numChains", numChains, true);
  const m = dataMeans(data, numVisible);
  const visible = new Uint8Array(numChains * numVisible);
  const words = new WordSource(seed);
  for (let n = 0; n < numChains; n++) {
    words.reset(n, 0, STREAM_CHAIN_INIT);
    for (let i = 0; i < numVisible; i++) {
      visible[n * numVisible + i] = uniform01(words.next()) < m[i] ? 1 : 0;
    }
  }
  return { numChains, visible };
}

/** Hidden pre-activations `c + W v` of the binary row `v` (at `off`) into `out`. */
function hiddenActivations(
  p: RbmParams,
  v: Uint8Array,
  off: number,
  on: Int32Array,
  out: Float64Array,
): void {
  const d = p.numVisible, w = p.weights;
  let m = 0;
  for (let i = 0; i < d; i++) if (v[off + i] === 1) on[m++] = i;
  for (let j = 0; j < p.numHidden; j++) {
    let a = p.hiddenBias[j];
    const row = j * d;
    for (let k = 0; k < m; k++) a += w[row + on[k]];
    out[j] = a;
  }
}

/**
 * Advances every chain by one block-Gibbs sweep: h ~ p(h | v), then v ~ p(v | h). `update`
 * indexes the Philox counter, so each (seed, update) pair gives fresh draws.
 *
 * @example
 * ```ts
 * const data = new Uint8Array([1, 0, 1, 1]);
 * const p = initRbmParams(data, 2, 3);
 * const chains = initPcdChains(data, 2, 4);
 * gibbsSweep(p, chains, 0, 1);
 * ```
 */
export function gibbsSweep(p: RbmParams, chains: PcdChains, seed: number, update: number): void {
  const d = p.numVisible, h = p.numHidden, w = p.weights;
  const on = new Int32Array(d);
  const act = new Float64Array(h);
  const hid = new Uint8Array(h);
  const field = new Float64Array(d);
  const words = new WordSource(seed);
  for (let n = 0; n < chains.numChains; n++) {
    const off = n * d;
    hiddenActivations(p, chains.visible, off, on, act);
    words.reset(n, update, STREAM_HIDDEN);
    for (let j = 0; j < h; j++) hid[j] = uniform01(words.next()) < sigmoid(act[j]) ? 1 : 0;
    for (let i = 0; i < d; i++) field[i] = p.visibleBias[i];
    for (let j = 0; j < h; j++) {
      if (hid[j] === 0) continue;
      const row = j * d;
      for (let i = 0; i < d; i++) field[i] += w[row + i];
    }
    words.reset(n, update, STREAM_VISIBLE);
    for (let i = 0; i < d; i++) {
      chains.visible[off + i] = uniform01(words.next()) < sigmoid(field[i]) ? 1 : 0;
    }
  }
}

/** Adds `scale * (p(h|v) v^T, v, p(h|v))` of the given rows of `v` into `g`. */
function accumulateStats(
  p: RbmParams,
  v: Uint8Array,
  rows: ArrayLike<number>,
  scale: number,
  g: RbmGradient,
): void {
  const d = p.numVisible, h = p.numHidden;
  const on = new Int32Array(d);
  const act = new Float64Array(h);
  for (let r = 0; r < rows.length; r++) {
    const off = rows[r] * d;
    hiddenActivations(p, v, off, on, act);
    let m = 0;
    for (let i = 0; i < d; i++) {
      if (v[off + i] === 1) {
        on[m++] = i;
        g.visibleBias[i] += scale;
      }
    }
    for (let j = 0; j < h; j++) {
      const ph = scale * sigmoid(act[j]);
      g.hiddenBias[j] += ph;
      const row = j * d;
      for (let k = 0; k < m; k++) g.weights[row + on[k]] += ph;
    }
  }
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, k) => k);
}

/**
 * The PCD ascent direction for a batch: data statistics of `batch` (rows of `data`, default
 * all) minus the chains' statistics, each averaged. Does not advance the chains.
 *
 * @example
 * ```ts
 * const data = new Uint8Array([1, 0, 1, 1]);
 * const p = initRbmParams(data, 2, 3);
 * const g = pcdGradient(p, data, initPcdChains(data, 2, 16));
 * console.log(g.weights.length); // 6
 * ```
 */
export function pcdGradient(
  p: RbmParams,
  data: Uint8Array,
  chains: PcdChains,
  batch?: ArrayLike<number>,
): RbmGradient {
  const d = p.numVisible, h = p.numHidden;
  const rows = batch ?? range(data.length / d);
  const g: RbmGradient = {
    weights: new Float64Array(h * d),
    visibleBias: new Float64Array(d),
    hiddenBias: new Float64Array(h),
  };
  accumulateStats(p, data, rows, 1 / rows.length, g);
  accumulateStats(p, chains.visible, range(chains.numChains), -1 / chains.numChains, g);
  return g;
}

/**
 * Free energy `F(v) = -b.v - sum_j softplus(c_j + W_j . v)` of the binary row of `v` at `off`.
 *
 * @example
 * ```ts
 * const v = new Uint8Array([1, 0]);
 * console.log(rbmFreeEnergy(initRbmParams(v, 2, 1), v));
 * ```
 */
export function rbmFreeEnergy(p: RbmParams, v: Uint8Array, off = 0): number {
  const act = new Float64Array(p.numHidden);
  hiddenActivations(p, v, off, new Int32Array(p.numVisible), act);
  let f = 0;
  for (let i = 0; i < p.numVisible; i++) if (v[off + i] === 1) f -= p.visibleBias[i];
  for (let j = 0; j < p.numHidden; j++) f -= softplus(act[j]);
  return f;
}

/**
 * Mean exact pseudo-log-likelihood `sum_i log p(v_i | v_-i)` (nats per row) of the first
 * `rows` rows of `data`. Flipping site i (direction s = 1 - 2 v_i) changes the free energy by
 * `-s b_i - sum_j log(1 + sigmoid(a_j) (e^{s W_ji} - 1))`; with `e^{+-W} - 1` tabulated once
 * and the product over j logged in chunks of 16, all D conditionals of a row cost O(D H)
 * multiply-adds and O(D H / 16) logarithms.
 *
 * @example
 * ```ts
 * const data = new Uint8Array([1, 0, 1, 1]);
 * console.log(pseudoLogLikelihood(initRbmParams(data, 2, 3), data) < 0); // true
 * ```
 */
export function pseudoLogLikelihood(p: RbmParams, data: Uint8Array, rows?: number): number {
  const d = p.numVisible, h = p.numHidden, w = p.weights;
  const n = rows ?? data.length / d;
  // Visible-major tables: up[i * H + j] = e^{W_ji} - 1 (turning v_i on), down for off.
  const up = new Float64Array(h * d), down = new Float64Array(h * d);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < d; i++) {
      up[i * h + j] = Math.expm1(w[j * d + i]);
      down[i * h + j] = Math.expm1(-w[j * d + i]);
    }
  }
  const on = new Int32Array(d);
  const act = new Float64Array(h);
  const sig = new Float64Array(h);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const off = r * d;
    hiddenActivations(p, data, off, on, act);
    for (let j = 0; j < h; j++) sig[j] = sigmoid(act[j]);
    for (let i = 0; i < d; i++) {
      const turnOn = data[off + i] === 0;
      const table = turnOn ? up : down;
      // dF = F(v') - F(v); log p(v_i | v_-i) = -softplus(-dF).
      let dF = turnOn ? -p.visibleBias[i] : p.visibleBias[i];
      let prod = 1;
      for (let j = 0; j < h; j++) {
        prod *= 1 + sig[j] * table[i * h + j];
        if ((j & 15) === 15) {
          dF -= Math.log(prod);
          prod = 1;
        }
      }
      dF -= Math.log(prod);
      total -= softplus(-dF);
    }
  }
  return total / n;
}

/**
 * Mean squared error per pixel of the mean-field reconstruction of the first `rows` rows.
 *
 * @example
 * ```ts
 * const data = new Uint8Array([1, 0, 1, 1]);
 * console.log(reconstructionError(initRbmParams(data, 2, 3), data));
 * ```
 */
export function reconstructionError(p: RbmParams, data: Uint8Array, rows?: number): number {
  const d = p.numVisible, h = p.numHidden, w = p.weights;
  const n = rows ?? data.length / d;
  const on = new Int32Array(d);
  const act = new Float64Array(h);
  const field = new Float64Array(d);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const off = r * d;
    hiddenActivations(p, data, off, on, act);
    for (let i = 0; i < d; i++) field[i] = p.visibleBias[i];
    for (let j = 0; j < h; j++) {
      const ph = sigmoid(act[j]);
      for (let i = 0; i < d; i++) field[i] += ph * w[j * d + i];
    }
    for (let i = 0; i < d; i++) {
      const e = data[off + i] - sigmoid(field[i]);
      total += e * e;
    }
  }
  return total / (n * d);
}

/** Applies SGD or Adam to one parameter array (ascent on the log-likelihood). */
class Optimizer {
  private t: number;
  constructor(
    readonly kind: "sgd" | "adam",
    readonly lr: number,
    readonly m: Float64Array[],
    readonly v: Float64Array[],
    updatesDone: number,
  ) {
    this.t = updatesDone;
  }
  tick(): void {
    this.t++;
  }
  apply(slot: number, param: Float32Array, grad: Float64Array): void {
    if (this.kind === "sgd") {
      for (let k = 0; k < param.length; k++) param[k] += this.lr * grad[k];
      return;
    }
    const m = this.m[slot], v = this.v[slot];
    const c1 = 1 - 0.9 ** this.t, c2 = 1 - 0.999 ** this.t;
    for (let k = 0; k < param.length; k++) {
      m[k] = 0.9 * m[k] + 0.1 * grad[k];
      v[k] = 0.999 * v[k] + 0.001 * grad[k] * grad[k];
      param[k] += (this.lr * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + 1e-8);
    }
  }
}

/**
 * Everything the next epoch of PCD training needs, after a whole number of epochs: with the
 * same data and options, training continued from it gives the bits of the uninterrupted run.
 * The Philox draws are keyed by (seed, update, stream), so no generator state is needed.
 */
export interface RbmTrainState {
  /** Epochs done. */
  readonly epoch: number;
  readonly params: RbmParams;
  readonly chains: PcdChains;
  /** The row order: each epoch shuffles the previous epoch's order in place. */
  readonly order: Int32Array;
  /** Adam's first and second moments of (weights, visible bias, hidden bias); empty for SGD. */
  readonly adamM: readonly Float64Array[];
  readonly adamV: readonly Float64Array[];
  /** Figures of the epochs done. */
  readonly history: readonly RbmEpochStats[];
}

/** Checks one array of a training state against its expected length. */
function checkStateArray(name: string, a: ArrayLike<number>, length: number): void {
  if (a.length !== length) {
    throw new Error(`training state: ${name} has ${a.length} entries: expected ${length}`);
  }
}

/**
 * PCD training one epoch at a time, so that a caller can store each epoch (and its state)
 * before the next; {@link trainRbm} runs it to the end. Options and draws are those of
 * {@link trainRbm}; `from` continues a stored {@link RbmTrainState}.
 *
 * @example
 * ```ts
 * import { RbmTraining, trainRbm } from "./rbm_train.ts";
 * const data = new Uint8Array([1, 1, 0, 0, 0, 0, 1, 1]);
 * const opts = { numHidden: 2, epochs: 4, batchSize: 1 };
 * const first = new RbmTraining(data, 4, opts);
 * first.runEpoch();
 * first.runEpoch();
 * const rest = new RbmTraining(data, 4, opts, structuredClone(first.state()));
 * while (!rest.done) rest.runEpoch();
 * console.log(rest.result().weights[0] === trainRbm(data, 4, opts).weights[0]); // true
 * ```
 */
export class RbmTraining {
  readonly epochs: number;
  readonly #data: Uint8Array;
  readonly #n: number;
  readonly #opts: RbmTrainOptions;
  readonly #batchSize: number;
  readonly #cdSteps: number;
  readonly #decay: number;
  readonly #seed: number;
  readonly #monitor: number;
  readonly #perEpoch: number;
  readonly #p: RbmParams;
  readonly #chains: PcdChains;
  readonly #order: Int32Array;
  readonly #opt: Optimizer;
  readonly #words: WordSource;
  readonly #history: RbmEpochStats[];
  #epoch: number;

  constructor(data: Uint8Array, numVisible: number, opts: RbmTrainOptions, from?: RbmTrainState) {
    const n = checkData(data, numVisible);
    const epochs = opts.epochs ?? 1;
    const batchSize = Math.min(opts.batchSize ?? 100, n);
    const lr = opts.learningRate ?? RBM_DEFAULT_LEARNING_RATE;
    const cdSteps = opts.cdSteps ?? 1;
    const numChains = opts.numChains ?? batchSize;
    const decay = opts.weightDecay ?? 0;
    const seed = opts.seed ?? 0;
    const monitor = Math.min(opts.monitorSamples ?? 500, n);
    checkPositive("numHidden", opts.numHidden, true);
    checkPositive("epochs", epochs, true);
    checkPositive("batchSize", batchSize, true);
    checkPositive("learningRate", lr, false);
    checkPositive("cdSteps", cdSteps, true);
    checkPositive("numChains", numChains, true);
    if (!(decay >= 0) || !Number.isFinite(decay)) {
      throw new Error(`weightDecay must be a finite number >= 0, got ${decay}`);
    }
    if (!Number.isInteger(monitor) || monitor < 0) {
      throw new Error(`monitorSamples must be an integer >= 0, got ${opts.monitorSamples}`);
    }
    this.epochs = epochs;
    this.#data = data;
    this.#n = n;
    this.#opts = opts;
    this.#batchSize = batchSize;
    this.#cdSteps = cdSteps;
    this.#decay = decay;
    this.#seed = seed;
    this.#monitor = monitor;
    this.#perEpoch = Math.ceil(n / batchSize);
    this.#words = new WordSource(seed);
    const kind = opts.optimizer ?? "sgd";
    const sizes = [numVisible * opts.numHidden, numVisible, opts.numHidden];
    if (from) {
      if (!Number.isInteger(from.epoch) || from.epoch < 0 || from.epoch > epochs) {
        throw new Error(
          `training state: epoch ${from.epoch}: expected an integer in [0, ${epochs}]`,
        );
      }
      checkStateArray("weights", from.params.weights, sizes[0]);
      checkStateArray("visibleBias", from.params.visibleBias, sizes[1]);
      checkStateArray("hiddenBias", from.params.hiddenBias, sizes[2]);
      checkStateArray("chains", from.chains.visible, numChains * numVisible);
      checkStateArray("order", from.order, n);
      const moments = kind === "adam" ? 3 : 0;
      if (from.adamM.length !== moments || from.adamV.length !== moments) {
        throw new Error(`training state: ${from.adamM.length} Adam moments: expected ${moments}`);
      }
      for (let k = 0; k < moments; k++) {
        checkStateArray(`adamM[${k}]`, from.adamM[k], sizes[k]);
        checkStateArray(`adamV[${k}]`, from.adamV[k], sizes[k]);
      }
      this.#p = { ...from.params, numVisible, numHidden: opts.numHidden };
      this.#chains = { numChains, visible: from.chains.visible };
      this.#order = from.order;
      this.#history = [...from.history];
      this.#epoch = from.epoch;
    } else {
      this.#p = initRbmParams(data, numVisible, opts.numHidden, seed, opts.initSigma ?? 0.01);
      this.#chains = initPcdChains(data, numVisible, numChains, seed);
      this.#order = range(n);
      this.#history = [];
      this.#epoch = 0;
    }
    const fresh = (s: number) => new Float64Array(s);
    this.#opt = new Optimizer(
      kind,
      lr,
      kind === "adam" ? (from ? [...from.adamM] : sizes.map(fresh)) : [],
      kind === "adam" ? (from ? [...from.adamV] : sizes.map(fresh)) : [],
      this.#epoch * this.#perEpoch,
    );
  }

  /** Epochs done. */
  get epochsDone(): number {
    return this.#epoch;
  }

  /** Whether every epoch is done. */
  get done(): boolean {
    return this.#epoch >= this.epochs;
  }

  /** Runs the next epoch and returns its figures. */
  runEpoch(): RbmEpochStats {
    if (this.done) throw new Error(`all ${this.epochs} epochs are done`);
    const p = this.#p, n = this.#n, order = this.#order, words = this.#words;
    const epoch = ++this.#epoch;
    const total = this.epochs * this.#perEpoch;
    let update = (epoch - 1) * this.#perEpoch;
    let sweep = update * this.#cdSteps;
    // Fisher-Yates with 24-bit uniforms (the bias is negligible for n << 2^24 rows).
    words.reset(0, epoch, STREAM_SHUFFLE);
    for (let k = n - 1; k > 0; k--) {
      const r = Math.floor(uniform01(words.next()) * (k + 1));
      const t = order[k];
      order[k] = order[r];
      order[r] = t;
    }
    for (let start = 0; start < n; start += this.#batchSize) {
      for (let s = 0; s < this.#cdSteps; s++) gibbsSweep(p, this.#chains, this.#seed, ++sweep);
      const g = pcdGradient(
        p,
        this.#data,
        this.#chains,
        order.subarray(start, start + this.#batchSize),
      );
      if (this.#decay > 0) {
        for (let k = 0; k < g.weights.length; k++) g.weights[k] -= this.#decay * p.weights[k];
      }
      this.#opt.tick();
      this.#opt.apply(0, p.weights, g.weights);
      this.#opt.apply(1, p.visibleBias, g.visibleBias);
      this.#opt.apply(2, p.hiddenBias, g.hiddenBias);
      this.#opts.onProgress?.(++update, total);
    }
    const monitor = this.#monitor;
    const stats = {
      epoch,
      pseudoLogLikelihood: monitor > 0 ? pseudoLogLikelihood(p, this.#data, monitor) : NaN,
      reconstructionError: monitor > 0 ? reconstructionError(p, this.#data, monitor) : NaN,
    };
    this.#history.push(stats);
    return stats;
  }

  /** The live state after the epochs done (its arrays change as training goes on). */
  state(): RbmTrainState {
    return {
      epoch: this.#epoch,
      params: this.#p,
      chains: this.#chains,
      order: this.#order,
      adamM: this.#opt.m,
      adamV: this.#opt.v,
      history: this.#history,
    };
  }

  /** The parameters and figures so far. */
  result(): RbmTrainResult {
    return { ...this.#p, history: [...this.#history] };
  }
}

/**
 * Trains a binary RBM on `data` (`[n, numVisible]` rows of 0/1) by PCD; deterministic for a
 * given seed. Each epoch visits the rows in a fresh seeded order; a final short batch is used.
 *
 * @example
 * ```ts
 * const data = new Uint8Array([1, 1, 0, 0, 0, 0, 1, 1]); // two 4-pixel rows
 * const rbm = trainRbm(data, 4, { numHidden: 2, epochs: 5, batchSize: 2 });
 * console.log(rbm.weights.length, rbm.history.length); // 8 5
 * ```
 */
export function trainRbm(
  data: Uint8Array,
  numVisible: number,
  opts: RbmTrainOptions,
): RbmTrainResult {
  const training = new RbmTraining(data, numVisible, opts);
  while (!training.done) training.runEpoch();
  return training.result();
}

/** File names of a saved RBM inside its folder. */
export const RBM_FILES = {
  weights: "weights.npy",
  visibleBias: "visible_bias.npy",
  hiddenBias: "hidden_bias.npy",
} as const;

/**
 * Writes the three parameter arrays of an RBM into `dir` as float32 `.npy` files (each
 * atomically): `weights.npy [H, D]`, `visible_bias.npy [D]`, `hidden_bias.npy [H]`.
 *
 * @example
 * ```ts
 * import { initRbmParams, saveRbmArrays } from "./rbm_train.ts";
 * const dir = await Deno.makeTempDir();
 * await saveRbmArrays(dir, initRbmParams(new Uint8Array([1, 0]), 2, 1));
 * ```
 */
export async function saveRbmArrays(dir: string, p: RbmParams): Promise<void> {
  const h = p.numHidden, d = p.numVisible;
  await writeNpyFile(`${dir}/${RBM_FILES.weights}`, {
    dtype: "f32",
    shape: [h, d],
    data: p.weights,
  });
  await writeNpyFile(`${dir}/${RBM_FILES.visibleBias}`, {
    dtype: "f32",
    shape: [d],
    data: p.visibleBias,
  });
  await writeNpyFile(`${dir}/${RBM_FILES.hiddenBias}`, {
    dtype: "f32",
    shape: [h],
    data: p.hiddenBias,
  });
}

/**
 * Loads an RBM saved by {@link saveRbmArrays} into the sampling model, checking the shapes.
 *
 * @example
 * ```ts
 * import { initRbmParams, loadRbmArrays, saveRbmArrays } from "./rbm_train.ts";
 * const dir = await Deno.makeTempDir();
 * await saveRbmArrays(dir, initRbmParams(new Uint8Array([1, 0]), 2, 1));
 * const model = await loadRbmArrays(dir);
 * console.log(model.numSites, model.numHidden); // 2 1
 * ```
 */
export async function loadRbmArrays(dir: string): Promise<RbmModel> {
  const [w, b, c] = await Promise.all([
    readNpyFile(`${dir}/${RBM_FILES.weights}`),
    readNpyFile(`${dir}/${RBM_FILES.visibleBias}`),
    readNpyFile(`${dir}/${RBM_FILES.hiddenBias}`),
  ]);
  const [h, d] = w.shape;
  if (
    w.shape.length !== 2 || b.shape.length !== 1 || c.shape.length !== 1 || b.shape[0] !== d ||
    c.shape[0] !== h
  ) {
    throw new Error(
      `${dir}: RBM arrays have shapes [${w.shape}], [${b.shape}], [${c.shape}]: expected [H, D], [D], [H]`,
    );
  }
  return rbmModel({ weights: w.data, visibleBias: b.data, hiddenBias: c.data });
}
