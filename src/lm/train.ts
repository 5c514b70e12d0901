/**
 * Training language models into the run store: AdamW with warm-up + cosine schedule and gradient
 * clipping, seeded data order, validation bits per character (per byte for the byte tokeniser),
 * checkpoints with resume after a kill, and a generated sample at the end.
 *
 * A run holds `run.json` (config, summary), `loss.npy` (f32 [steps]: training loss in nats per
 * token), `lr.npy` (f32 [steps]), `val_bpc.npy` (f64 [evals, 2]: step, validation bits per unit),
 * `checkpoint.bin` and `samples.txt`. The curves are appended as steps finish and flushed before
 * each checkpoint (every `checkpointEvery` steps, the unit of a resume).
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Tensor, Variable } from "npm:@tensorflow/tfjs@4.22.0";
import { writeFileAtomic } from "../io/atomic.ts";
import { codeVersion } from "../io/code_version.ts";
import { ConfigError, parseConfig } from "../io/config.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import type { RunStore, RunWriter } from "../io/run_store.ts";
import { loadTf, type Tf, type TfBackend } from "../nn/tf.ts";
import { matMulKernel } from "../nn/matmul_wasm.ts";
import {
  BlockSchema,
  CEM_BLOCK,
  LLAMA_BLOCK,
  type ModelConfig,
  ModelSchema,
  parameterCount,
  VARIANTS,
} from "./config.ts";
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import {
  type Corpus,
  DEFAULT_TEXT,
  makeCorpus,
  readTextStrict,
  trainBatch,
  validationWindows,
} from "./data.ts";
import { trainFlopsPerToken } from "./flops.ts";
import { generateTokens } from "./generate.ts";
import type { Params } from "./layers.ts";
import { initParameters, windowLoss } from "./model.ts";
import { AdamW, cosineLr } from "./optim.ts";
import { LmGradientPool, type ShareGradients } from "./data_parallel.ts";
import { decode, encode, vocabSize } from "./tokenizer.ts";

/** `lm train` settings (every field has a default; `--set key=value` overrides). */
export const TrainConfigSchema = z.strictObject({
  arch: z.enum(["llama", "cem"]).default("llama"),
  /** A study variant (config.ts VARIANTS); default: "baseline" for llama, "full_cem" for cem. */
  variant: z.string().optional(),
  /** Overrides of the variant's block settings. */
  block: BlockSchema.partial().default({}),
  text: z.string().min(1).default(DEFAULT_TEXT),
  tokenizer: z.enum(["char", "byte"]).default("char"),
  dModel: z.number().int().min(2).default(64),
  nHeads: z.number().int().min(1).default(4),
  nLayers: z.number().int().min(1).default(2),
  /** MLP hidden width (default 4 dModel). */
  mlpHidden: z.number().int().min(1).optional(),
  context: z.number().int().min(2).max(8192).default(64),
  batch: z.number().int().min(1).default(16),
  steps: z.number().int().min(1).default(500),
  lr: z.number().positive().default(3e-3),
  minLrFraction: z.number().min(0).max(1).default(0.1),
  warmup: z.number().int().min(0).default(50),
  weightDecay: z.number().min(0).default(0.1),
  clip: z.number().min(0).default(1),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.99),
  eps: z.number().positive().default(1e-8),
  seed: z.number().int().min(0).default(0),
  evalEvery: z.number().int().min(1).default(100),
  /** Validation windows per evaluation (0: all of the validation text). */
  evalWindows: z.number().int().min(0).default(64),
  checkpointEvery: z.number().int().min(1).default(100),
  sampleLength: z.number().int().min(0).default(200),
  temperature: z.number().positive().default(0.8),
  topK: z.number().int().min(0).default(10),
  backend: z.enum(["wasm", "cpu", "webgpu", "auto"]).default("wasm"),
  /**
   * Processes computing each step's gradients (data parallel: this one and workers - 1 Web
   * Workers, each on an equal share of the batch; default 1). Results agree with one process to
   * float rounding; the same setting gives the same bits.
   */
  workers: z.number().int().min(1).max(16).optional(),
  /** Set by `lm study`: the study's tag and the cell's setting. */
  study: z.strictObject({ tag: z.string(), setting: z.enum(["same_width", "matched"]) }).optional(),
});

/** `lm train` settings. */
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

/** The variant of a config (explicit, or the architecture's default). */
export function variantOf(cfg: TrainConfig): string {
  return cfg.variant ?? (cfg.arch === "llama" ? "baseline" : "full_cem");
}

/** The model config of a training config (checked; ConfigError names the problem). */
export function modelOf(cfg: TrainConfig, vocab: number): ModelConfig {
  const name = variantOf(cfg);
  const base = VARIANTS[name] ??
    (name === "llama" ? LLAMA_BLOCK : name === "cem" ? CEM_BLOCK : undefined);
  if (!base) {
    throw new ConfigError(`variant '${name}': expected one of ${Object.keys(VARIANTS).join(", ")}`);
  }
  const block = { ...base, ...cfg.block };
  return parseConfig(ModelSchema, {
    vocabSize: vocab,
    dModel: cfg.dModel,
    nHeads: cfg.nHeads,
    nLayers: cfg.nLayers,
    mlpHidden: cfg.mlpHidden ?? 4 * cfg.dModel,
    context: cfg.context,
    blocks: Array.from({ length: cfg.nLayers }, () => ({ ...block })),
  }, "model");
}

/** Live training state. */
export interface Trainer {
  tf: Tf;
  cfg: TrainConfig;
  model: ModelConfig;
  corpus: Corpus;
  params: Map<string, Variable>;
  opt: AdamW;
  losses: number[];
  lrs: number[];
  val: [number, number][];
  /** Seconds spent in timed training steps (not evaluation; the first step is warm-up). */
  trainSeconds: number;
  /** Training steps timed in `trainSeconds`. */
  timedSteps: number;
  /** Whether this process has done its first (untimed) step. */
  warm: boolean;
  /** The data-parallel workers (config `workers` > 1, see {@link startWorkers}), else null. */
  pool: LmGradientPool | null;
}

let variableCounter = 0;

/** Builds a trainer with initial parameters (or a checkpoint's tensors). */
export function makeTrainer(
  tf: Tf,
  cfg: TrainConfig,
  corpus: Corpus,
  tensors?: Map<string, { shape: number[]; data: Float32Array }>,
): Trainer {
  const model = modelOf(cfg, vocabSize(corpus.tokenizer));
  const init = initParameters(model, cfg.seed);
  const params = new Map<string, Variable>();
  for (const [name, t] of init) {
    const src = tensors?.get(`p:${name}`) ?? t;
    params.set(
      name,
      tf.variable(tf.tensor(src.data, src.shape), true, `lm${variableCounter++}.${name}`),
    );
  }
  const opt = new AdamW(tf, params, cfg);
  if (tensors) {
    for (const [name] of init) {
      tf.tidy(() => {
        opt.m.get(name)!.assign(tf.tensor(tensors.get(`m:${name}`)!.data, init.get(name)!.shape));
        opt.v.get(name)!.assign(tf.tensor(tensors.get(`v:${name}`)!.data, init.get(name)!.shape));
      });
    }
  }
  return {
    tf,
    cfg,
    model,
    corpus,
    params,
    opt,
    losses: [],
    lrs: [],
    val: [],
    trainSeconds: 0,
    timedSteps: 0,
    warm: false,
    pool: null,
  };
}

/** Refuses a worker count that does not split the batch evenly (one-line ConfigError). */
export function checkWorkers(cfg: TrainConfig): void {
  const n = cfg.workers ?? 1;
  if (cfg.batch % n !== 0) {
    throw new ConfigError(
      `workers: batch ${cfg.batch} does not split into ${n} equal shares: expected a multiple of ${n}`,
    );
  }
}

/**
 * Starts the trainer's data-parallel workers when its config asks for more than one process
 * (the batch must split evenly); {@link releaseTrainer} stops them.
 */
export async function startWorkers(t: Trainer): Promise<void> {
  const n = t.cfg.workers ?? 1;
  if (n <= 1 || t.pool) return;
  checkWorkers(t.cfg);
  const backend = t.tf.getBackend() as TfBackend;
  const route = backend === "wasm" ? matMulKernel() : null;
  t.pool = await LmGradientPool.create(t.model, backend, n - 1, route);
}

/** The gradients of `windows` [rows, context + 1] as tensors by name, and the mean loss. */
async function batchGradients(
  t: Trainer,
  windows: Int32Array,
  rows: number,
): Promise<{ loss: number; grads: Record<string, Tensor> }> {
  const { tf, cfg } = t;
  const width = cfg.context + 1;
  const pool = t.pool;
  const shares = pool ? pool.size + 1 : 1, own = rows / shares;
  let remote: Promise<ShareGradients[]> | null = null;
  if (pool) {
    const values = new Float32Array([...t.params.values()].reduce((s, p) => s + p.size, 0));
    let offset = 0;
    for (const p of t.params.values()) {
      values.set(await p.data() as Float32Array, offset);
      offset += p.size;
    }
    const parts = Array.from(
      { length: pool.size },
      (_, i) => windows.slice((i + 1) * own * width, (i + 2) * own * width),
    );
    // Posted before this process computes its own share: the workers run meanwhile.
    remote = pool.gradients(values, parts, own);
  }
  const { value, grads } = tf.tidy(() => {
    const w = tf.tensor2d(windows.subarray(0, own * width), [own, width], "int32");
    return tf.variableGrads(() => windowLoss(tf, t.model, paramsOf(t), w) as never, [
      ...t.params.values(),
    ]);
  });
  const byName: Record<string, Tensor> = {};
  let loss = (await value.data())[0];
  value.dispose();
  if (!remote) {
    for (const [name, p] of t.params) byName[name] = grads[p.name];
    return { loss, grads: byName };
  }
  const others = await remote;
  let offset = 0;
  for (const [name, p] of t.params) {
    // The mean over shares in a fixed order: own share first, then the workers in turn.
    const sum = Float32Array.from(await grads[p.name].data() as Float32Array);
    for (const o of others) {
      for (let j = 0; j < sum.length; j++) sum[j] += o.grads[offset + j];
    }
    for (let j = 0; j < sum.length; j++) sum[j] /= shares;
    byName[name] = tf.tensor(sum, p.shape);
    offset += p.size;
  }
  tf.dispose(Object.values(grads));
  for (const o of others) loss += o.loss;
  return { loss: loss / shares, grads: byName };
}

/** Parameters as a plain record. */
export function paramsOf(t: Trainer): Params {
  return Object.fromEntries(t.params);
}

/** One AdamW step on the seeded batch of step `opt.step`; returns the loss (nats/token). */
export async function trainStep(t: Trainer): Promise<number> {
  const { tf, cfg } = t;
  const step = t.opt.step;
  const t0 = performance.now();
  const windows = trainBatch(t.corpus.train, cfg.context, cfg.batch, cfg.seed, step);
  const lr = cosineLr(step, {
    lr: cfg.lr,
    warmup: cfg.warmup,
    total: cfg.steps,
    minFraction: cfg.minLrFraction,
  });
  const { loss, grads } = await batchGradients(t, Int32Array.from(windows), cfg.batch);
  await t.opt.apply(grads, lr);
  tf.dispose(Object.values(grads));
  t.losses.push(loss);
  t.lrs.push(lr);
  // The first step of a process sets up kernels: left out of the throughput.
  if (t.warm) {
    t.trainSeconds += (performance.now() - t0) / 1000;
    t.timedSteps++;
  }
  t.warm = true;
  return loss;
}

/** Validation loss in bits per token (char or byte) over the configured validation windows. */
export async function validationBits(t: Trainer): Promise<number> {
  const { tf, cfg } = t;
  const windows = validationWindows(t.corpus.validation, cfg.context, cfg.evalWindows || Infinity);
  let total = 0;
  for (let s = 0; s < windows.length; s += cfg.batch) {
    const chunk = windows.slice(s, s + cfg.batch);
    const flat = new Int32Array(chunk.length * (cfg.context + 1));
    chunk.forEach((w, i) => flat.set(w, i * (cfg.context + 1)));
    const loss = tf.tidy(() =>
      windowLoss(
        tf,
        t.model,
        paramsOf(t),
        tf.tensor2d(flat, [chunk.length, cfg.context + 1], "int32"),
      )
    );
    total += (await loss.data())[0] * chunk.length;
    loss.dispose();
  }
  return total / windows.length / Math.LN2;
}

async function tensorsOf(
  t: Trainer,
): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, p] of t.params) {
    out.set(`p:${name}`, { shape: p.shape, data: (await p.data()) as Float32Array });
    out.set(`m:${name}`, {
      shape: p.shape,
      data: (await t.opt.m.get(name)!.data()) as Float32Array,
    });
    out.set(`v:${name}`, {
      shape: p.shape,
      data: (await t.opt.v.get(name)!.data()) as Float32Array,
    });
  }
  return out;
}

/** The run's curves: a row per step (loss, lr) or evaluation (val_bpc), appended as they come. */
interface Curves {
  readonly loss: NpyAppender;
  readonly lr: NpyAppender;
  readonly val: NpyAppender;
}

/** Opens the curves, keeping exactly the rows of the trainer's state (a resumed run's checkpoint). */
async function openCurves(t: Trainer, run: RunWriter): Promise<Curves> {
  return {
    loss: await run.appender("loss", "f32", [], { keepRows: t.losses.length }),
    lr: await run.appender("lr", "f32", [], { keepRows: t.lrs.length }),
    val: await run.appender("val_bpc", "f64", [2], { keepRows: t.val.length }),
  };
}

/** Flushes the curves, then writes the checkpoint (so the checkpoint's step bounds the curves). */
async function saveCheckpoint(t: Trainer, run: RunWriter, curves: Curves): Promise<void> {
  for (const app of [curves.loss, curves.lr, curves.val]) await app.flush();
  await writeCheckpoint(`${run.dir}/${CHECKPOINT_FILE}`, {
    arch: t.cfg.arch,
    variant: variantOf(t.cfg),
    model: t.model,
    tokenizer: t.corpus.tokenizer,
    step: t.opt.step,
    codeVersion: await codeVersion(),
    tensors: await tensorsOf(t),
  });
}

/** Options of {@link trainLm} and {@link resumeLm}. */
export interface TrainRunOptions {
  command: string[];
  /** Progress lines (every evaluation). */
  log?: (line: string) => void;
  /** Stop after this many steps without finishing the run (simulates a kill; tests). */
  stopAfter?: number;
  /** A chosen run id (`lm study`); refused if taken. */
  id?: string;
}

/** What a finished (or stopped) training run reports. */
export interface TrainResult {
  runId: string;
  steps: number;
  valBits: number;
  unit: "char" | "byte";
  tokensPerSecond: number;
  sample: string;
}

async function loop(t: Trainer, run: RunWriter, opts: TrainRunOptions): Promise<TrainResult> {
  const { cfg } = t;
  const unit = t.corpus.tokenizer.kind;
  const log = opts.log ?? (() => {});
  const curves = await openCurves(t, run);
  const closeCurves = async () => {
    for (const app of [curves.loss, curves.lr, curves.val]) await app.close();
  };
  while (t.opt.step < cfg.steps) {
    const loss = await trainStep(t);
    const step = t.opt.step;
    await curves.loss.append(Float32Array.of(loss), 1);
    await curves.lr.append(Float32Array.of(t.lrs[t.lrs.length - 1]), 1);
    if (!Number.isFinite(loss)) throw new Error(`training diverged at step ${step}: loss ${loss}`);
    if (step % cfg.evalEvery === 0 || step === cfg.steps) {
      const bits = await validationBits(t);
      t.val.push([step, bits]);
      await curves.val.append(Float64Array.of(step, bits), 1);
      log(
        `step ${step}/${cfg.steps}  loss ${loss.toFixed(4)} nats  val ${
          bits.toFixed(4)
        } bits/${unit}`,
      );
    }
    if (step % cfg.checkpointEvery === 0 || step === cfg.steps) {
      await saveCheckpoint(t, run, curves);
    }
    if (opts.stopAfter !== undefined && step >= opts.stopAfter && step < cfg.steps) {
      // As a killed process would: the run stays `running`, its files and writer lock are let go
      // (rows past the checkpoint are dropped on resume).
      await closeCurves();
      run.releaseLock();
      return { runId: run.id, steps: step, valBits: NaN, unit, tokensPerSecond: NaN, sample: "" };
    }
  }
  await closeCurves();
  const valBits = t.val.length ? t.val[t.val.length - 1][1] : await validationBits(t);
  const tokensPerSecond = t.trainSeconds > 0
    ? (t.timedSteps * cfg.batch * cfg.context) / t.trainSeconds
    : NaN;
  const prompt = t.corpus.validation.subarray(0, Math.min(16, t.corpus.validation.length));
  const ids = cfg.sampleLength > 0
    ? await generateTokens(t.tf, t.model, paramsOf(t), prompt, {
      length: cfg.sampleLength,
      temperature: cfg.temperature,
      topK: cfg.topK,
      seed: cfg.seed,
    })
    : [];
  const sample = decode(t.corpus.tokenizer, [...prompt, ...ids]);
  await writeFileAtomic(`${run.dir}/samples.txt`, sample);
  const counts = parameterCount(t.model);
  await run.setSummary({
    val_bits: valBits,
    unit: `bits/${unit}`,
    final_loss: t.losses[t.losses.length - 1] ?? NaN,
    params: counts.total,
    params_non_embedding: counts.nonEmbedding,
    tokens_per_s: tokensPerSecond,
    train_flops_per_token: trainFlopsPerToken(t.model),
    variant: variantOf(cfg),
    sample,
  });
  await run.finish("done");
  return { runId: run.id, steps: t.opt.step, valBits, unit, tokensPerSecond, sample };
}

/** Reads the text and builds the corpus for `cfg` (bad input: ConfigError, nothing stored). */
export async function loadCorpus(
  cfg: TrainConfig,
  tokenizer?: Corpus["tokenizer"],
): Promise<Corpus> {
  const text = await readTextStrict(cfg.text);
  try {
    return makeCorpus(text, cfg.tokenizer, cfg.context, cfg.text, tokenizer);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(
      `${cfg.text}: ${(e as Error).message} (the run was trained on another text)`,
    );
  }
}

const manifestBackend = (b: TfBackend) => (b === "webgpu" ? "webgpu" : "cpu") as "webgpu" | "cpu";

/**
 * Trains a new run: checks the input, creates the run (status running), trains, checkpoints,
 * and finishes it done (or failed with the reason).
 *
 * @example
 * ```ts
 * import { RunStore } from "../io/run_store.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/t.txt`, "to be or not to be, ".repeat(20));
 * const cfg = TrainConfigSchema.parse({
 *   text: `${dir}/t.txt`, dModel: 8, nHeads: 2, nLayers: 1, context: 8, batch: 2, steps: 3,
 * });
 * const res = await trainLm(new RunStore(`${dir}/runs`), cfg, { command: ["lm", "train"] });
 * console.log(res.valBits); // validation bits per character
 * ```
 */
export async function trainLm(
  store: RunStore,
  cfg: TrainConfig,
  opts: TrainRunOptions,
): Promise<TrainResult> {
  const corpus = await loadCorpus(cfg);
  const model = modelOf(cfg, vocabSize(corpus.tokenizer));
  const tf = await loadTf(cfg.backend);
  const backend = tf.getBackend() as TfBackend;
  const counts = parameterCount(model);
  checkWorkers(cfg);
  const run = await store.create({
    command: opts.command,
    config: {
      kind: "lm",
      ...cfg,
      variant: variantOf(cfg),
      tfBackend: backend,
      model,
      vocabulary: corpus.tokenizer,
      trainTokens: corpus.train.length,
      validationTokens: corpus.validation.length,
      params: counts.total,
      paramsNonEmbedding: counts.nonEmbedding,
    },
    seed: cfg.seed,
    backend: manifestBackend(backend),
    kind: "lm",
    ...(opts.id ? { id: opts.id } : {}),
  });
  const t = makeTrainer(tf, cfg, corpus);
  try {
    await startWorkers(t);
    return await loop(t, run, opts);
  } catch (e) {
    await run.finish("failed", (e as Error).message).catch(() => {});
    throw e;
  } finally {
    await releaseTrainer(t);
  }
}

/** Stops a trainer's workers and frees its variables. */
export async function releaseTrainer(t: Trainer): Promise<void> {
  const pool = t.pool;
  t.pool = null;
  await pool?.close();
  disposeTrainer(t);
}

/** Frees a trainer's variables (its workers: {@link releaseTrainer}). */
export function disposeTrainer(t: Trainer): void {
  for (const p of t.params.values()) p.dispose();
  for (const m of t.opt.m.values()) m.dispose();
  for (const v of t.opt.v.values()) v.dispose();
}

/**
 * Resumes an unfinished or failed run from its checkpoint (from step 0 when it stopped before
 * its first one). `arch`, when given, must match the checkpoint's architecture; a checkpoint
 * written by other code is refused; every check happens before the run is touched.
 */
export async function resumeLm(
  store: RunStore,
  id: string,
  opts: TrainRunOptions & { arch?: string },
): Promise<TrainResult> {
  let reader;
  try {
    reader = await store.open(id);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (reader.manifest.status === "done") {
    throw new ConfigError(`run '${id}' is done: expected an unfinished or failed run to resume`);
  }
  // A run killed before its first checkpoint starts over (same seed, same bits).
  const path = `${reader.dir}/${CHECKPOINT_FILE}`;
  const ck = await Deno.stat(path).then(() => readCheckpoint(path), () => null);
  if (ck && opts.arch !== undefined && opts.arch !== ck.arch) {
    throw new ConfigError(
      `run '${id}' holds a '${ck.arch}' checkpoint: expected --arch ${ck.arch}, got '${opts.arch}'`,
    );
  }
  const current = await codeVersion();
  if (ck && ck.codeVersion !== current) {
    // Other code need not continue the same bits (the same refusal as `runs resume`).
    throw new ConfigError(
      `run '${id}' was written by code version ${
        ck.codeVersion ?? "unknown"
      }, this is ${current}: ` +
        `resuming would not reproduce its bits (start a new run instead)`,
    );
  }
  const {
    kind: _k,
    tfBackend: _b,
    model: _m,
    vocabulary: _t,
    trainTokens: _tt,
    validationTokens: _vt,
    params: _p,
    paramsNonEmbedding: _pn,
    ...raw
  } = reader.manifest.config as Record<string, unknown>;
  const cfg = parseConfig(TrainConfigSchema, raw, `run '${id}' config`);
  const corpus = await loadCorpus(cfg, ck?.tokenizer);
  const tf = await loadTf(cfg.backend);
  const t = makeTrainer(tf, cfg, corpus, ck?.tensors);
  if (ck) {
    // The curves were written before the checkpoint: rows after its step are dropped.
    const rows = async (name: string) => Array.from((await reader.readArray(name)).data);
    t.opt.step = ck.step;
    t.losses = (await rows("loss")).slice(0, ck.step);
    t.lrs = (await rows("lr")).slice(0, ck.step);
    const valFlat = await rows("val_bpc");
    for (let i = 0; i < valFlat.length; i += 2) {
      if (valFlat[i] <= ck.step) t.val.push([valFlat[i], valFlat[i + 1]]);
    }
  }
  checkWorkers(cfg);
  const run = await store.resume(id);
  try {
    await startWorkers(t);
    return await loop(t, run, opts);
  } catch (e) {
    await run.finish("failed", (e as Error).message).catch(() => {});
    throw e;
  } finally {
    await releaseTrainer(t);
  }
}

/** Loads a run's checkpoint as parameters for sampling; checks `arch` when given. */
export async function loadForSampling(store: RunStore, id: string, arch?: string) {
  let reader;
  try {
    reader = await store.open(id);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const ck = await readCheckpoint(`${reader.dir}/${CHECKPOINT_FILE}`);
  if (arch !== undefined && arch !== ck.arch) {
    throw new ConfigError(
      `run '${id}' holds a '${ck.arch}' checkpoint: expected --arch ${ck.arch}, got '${arch}'`,
    );
  }
  return { checkpoint: ck, manifest: reader.manifest };
}

/** Generates text from a checkpoint (prompt encoded with its tokeniser). */
export async function sampleFromCheckpoint(
  tf: Tf,
  ck: Awaited<ReturnType<typeof readCheckpoint>>,
  prompt: string,
  opts: { length: number; temperature: number; topK: number; seed: number },
): Promise<string> {
  const model = ModelSchema.parse(ck.model);
  let ids: Int32Array;
  try {
    ids = encode(ck.tokenizer, prompt);
  } catch (e) {
    throw new ConfigError(`--prompt: ${(e as Error).message}`);
  }
  if (ids.length === 0) ids = Int32Array.of(0);
  const params: Params = {};
  for (const [name, t] of ck.tensors) {
    if (name.startsWith("p:")) params[name.slice(2)] = tf.tensor(t.data, t.shape);
  }
  try {
    const out = await generateTokens(tf, model, params, ids, opts);
    return prompt + decode(ck.tokenizer, out);
  } finally {
    tf.dispose(Object.values(params));
  }
}
