/**
 * Data-parallel training of the `lm` models (Llama baseline, CEM) on both cores: tfjs's wasm
 * backend is single-threaded under Deno, so each Web Worker holds one replica of the trainer
 * (`data_parallel_worker.ts`) and computes the gradients of its rows of the batch; the
 * coordinator averages them, weighting each share by its rows (the loss is a mean over tokens),
 * and every replica applies the average with its own AdamW (same clipping, same schedule). The
 * batch and learning rate of step s are those of `trainStep` in one process, so training matches
 * one process on the full batch up to float rounding.
 * @module
 */
import type { MatMulKernel } from "../nn/matmul_wasm.ts";
import { type Corpus, trainBatch } from "./data.ts";
import type { LmReplicaReply, LmReplicaRequest } from "./data_parallel_worker.ts";
import { cosineLr } from "./optim.ts";
import type { TrainConfig } from "./train.ts";

/** Options of {@link LmDataParallel.create}. */
export interface LmDataParallelOptions {
  /** Replicas (default 2, one per core). */
  workers?: number;
  /** The replicas' wasm BatchMatMul route (default: the best available). */
  matMul?: MatMulKernel;
}

class Replica {
  readonly #worker: Worker;
  #pending: ((reply: LmReplicaReply) => void) | null = null;

  constructor() {
    this.#worker = new Worker(new URL("./data_parallel_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (e: MessageEvent<LmReplicaReply>) => this.#answer(e.data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#answer({ kind: "error", message: e.message });
    };
  }

  #answer(reply: LmReplicaReply): void {
    const resolve = this.#pending;
    this.#pending = null;
    resolve?.(reply);
  }

  request(msg: LmReplicaRequest, transfer: Transferable[] = []): Promise<LmReplicaReply> {
    if (this.#pending) throw new Error("replica is busy");
    return new Promise((resolve, reject) => {
      this.#pending = (reply) => {
        if (reply.kind === "error") reject(new Error(`lm data-parallel replica: ${reply.message}`));
        else resolve(reply);
      };
      this.#worker.postMessage(msg, transfer);
    });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}

/** An `lm` trainer replicated in workers; {@link LmDataParallel.step} is one AdamW step. */
export class LmDataParallel {
  readonly #replicas: Replica[];
  readonly #cfg: TrainConfig;
  readonly #corpus: Corpus;
  /** Steps done (the next step's batch and learning rate index). */
  step = 0;
  /** Wall time of the last step's parts, in ms (gradients; averaging and AdamW). */
  lastTimings = { compute: 0, exchange: 0 };

  private constructor(cfg: TrainConfig, corpus: Corpus, replicas: Replica[]) {
    this.#cfg = cfg;
    this.#corpus = corpus;
    this.#replicas = replicas;
  }

  /** Starts the workers and builds identical trainers in them (the config's seeded init). */
  static async create(
    cfg: TrainConfig,
    corpus: Corpus,
    opts: LmDataParallelOptions = {},
  ): Promise<LmDataParallel> {
    const n = opts.workers ?? 2;
    if (!Number.isInteger(n) || n < 1) throw new Error(`workers must be >= 1, got ${n}`);
    if (cfg.batch < n) throw new Error(`batch ${cfg.batch} is smaller than ${n} workers`);
    const replicas = Array.from({ length: n }, () => new Replica());
    const dp = new LmDataParallel(cfg, corpus, replicas);
    try {
      await Promise.all(
        replicas.map((r) => r.request({ kind: "init", cfg, corpus, matMul: opts.matMul })),
      );
    } catch (e) {
      await dp.close();
      throw e;
    }
    return dp;
  }

  /** One step on the seeded batch of step `this.step`; returns the full-batch loss. */
  async trainStep(): Promise<number> {
    const { context, batch, seed } = this.#cfg, cfg = this.#cfg, n = this.#replicas.length;
    const windows = trainBatch(this.#corpus.train, context, batch, seed, this.step);
    const lr = cosineLr(this.step, {
      lr: cfg.lr,
      warmup: cfg.warmup,
      total: cfg.steps,
      minFraction: cfg.minLrFraction,
    });
    // Contiguous shares of rows, as equal as the batch allows.
    const bounds = Array.from({ length: n + 1 }, (_, i) => Math.round(i * batch / n));
    const t0 = performance.now();
    const replies = await Promise.all(this.#replicas.map((r, i) => {
      const rows = bounds[i + 1] - bounds[i];
      const w = windows.slice(bounds[i] * (context + 1), bounds[i + 1] * (context + 1));
      return r.request({ kind: "grads", windows: w, rows }, [w.buffer]);
    })) as Extract<LmReplicaReply, { kind: "grads" }>[];
    const t1 = performance.now();
    // Each loss is a mean over its rows' tokens: the full mean weights a share by its rows.
    const weight = (i: number) => (bounds[i + 1] - bounds[i]) / batch;
    const mean = new Float32Array(replies[0].grads.length);
    let loss = 0;
    replies.forEach((r, i) => {
      const w = weight(i), g = r.grads;
      for (let j = 0; j < mean.length; j++) mean[j] += w * g[j];
      loss += w * r.loss;
    });
    await Promise.all(
      this.#replicas.map((r, i) =>
        i === n - 1
          ? r.request({ kind: "apply", grads: mean, lr }, [mean.buffer])
          : r.request({ kind: "apply", grads: mean.slice(), lr })
      ),
    );
    this.lastTimings = { compute: t1 - t0, exchange: performance.now() - t1 };
    this.step++;
    return loss;
  }

  /** Parameter values of replica `i`, in the trainer's parameter order. */
  async values(i = 0): Promise<Float32Array[]> {
    const reply = await this.#replicas[i].request({ kind: "values" });
    return (reply as Extract<LmReplicaReply, { kind: "values" }>).values;
  }

  /** Stops the workers (each frees its tensors first; one that hangs is terminated after 2 s). */
  async close(): Promise<void> {
    const answered = (r: Replica) =>
      Promise.resolve().then(() => r.request({ kind: "close" })).catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((ok) => (timer = setTimeout(ok, 2000)));
    await Promise.race([Promise.all(this.#replicas.map(answered)), late]);
    clearTimeout(timer);
    for (const r of this.#replicas) r.terminate();
  }
}
