/**
 * Data-parallel training on both cores. tfjs's wasm backend is single-threaded under Deno (it
 * disables its threaded build when it detects Node, and Deno looks like Node to it), so the
 * second core is used by a second replica: each Web Worker computes the gradients of an equal
 * share of the batch, the coordinator averages them, and every replica applies the average
 * with its own (identical) Adam. With equal shares the averaged gradient is the full-batch
 * gradient up to float rounding, so training matches one process on the full batch.
 * @module
 */
import type { TfBackend } from "./tf.ts";
import type { GptConfig } from "./gpt.ts";
import type { ReplicaReply, ReplicaRequest } from "./data_parallel_worker.ts";
import { closeWorkers, WorkerChannel } from "./worker_channel.ts";
import type { MatMulKernel } from "./matmul_wasm.ts";

/** Options of {@link DataParallelTrainer.create}. */
export interface DataParallelOptions {
  /** Replicas (default 2, one per core). */
  workers?: number;
  learningRate: number;
  /** Default "wasm". */
  backend?: TfBackend;
  /** Initial values (default: the config's seeded initialisation). */
  values?: Float32Array[];
  /** The workers' wasm BatchMatMul route (default: the best available, see `setMatMulKernel`). */
  matMul?: MatMulKernel;
}

type Replica = WorkerChannel<ReplicaRequest, ReplicaReply>;
const replica = (): Replica =>
  new WorkerChannel(new URL("./data_parallel_worker.ts", import.meta.url), "data-parallel replica");

/**
 * Trains a {@link GptConfig} model with one replica per worker.
 *
 * @example
 * ```ts
 * import { BENCH_GPT, randomTokens } from "./gpt.ts";
 * const cfg = { ...BENCH_GPT, layers: 1, context: 8 };
 * const dp = await DataParallelTrainer.create(cfg, { learningRate: 1e-3 });
 * const { tokens, targets } = randomTokens(cfg, 4, 1);
 * const loss = await dp.step(tokens, targets, 4); // each worker takes 2 rows
 * await dp.close();
 * ```
 */
export class DataParallelTrainer {
  readonly #replicas: Replica[];
  readonly #cfg: GptConfig;
  /**
   * Wall time of the last step's parts, in ms: `compute` until every replica's gradients have
   * arrived, `exchange` for averaging and applying them.
   */
  lastTimings = { compute: 0, exchange: 0 };

  private constructor(cfg: GptConfig, replicas: Replica[]) {
    this.#cfg = cfg;
    this.#replicas = replicas;
  }

  /** Starts the workers and builds identical replicas in them. */
  static async create(cfg: GptConfig, opts: DataParallelOptions): Promise<DataParallelTrainer> {
    const n = opts.workers ?? 2;
    if (!Number.isInteger(n) || n < 1) throw new Error(`workers must be >= 1, got ${n}`);
    const replicas = Array.from({ length: n }, replica);
    const trainer = new DataParallelTrainer(cfg, replicas);
    try {
      await Promise.all(replicas.map((r) =>
        r.request({
          kind: "init",
          cfg,
          learningRate: opts.learningRate,
          backend: opts.backend ?? "wasm",
          values: opts.values,
          matMul: opts.matMul,
        })
      ));
    } catch (e) {
      await trainer.close();
      throw e;
    }
    return trainer;
  }

  /** Number of replicas. */
  get workers(): number {
    return this.#replicas.length;
  }

  /**
   * One step on `batch` sequences (a multiple of the worker count): each worker takes an equal
   * contiguous share. Returns the full-batch loss before the update.
   */
  async step(tokens: Int32Array, targets: Int32Array, batch: number): Promise<number> {
    const n = this.#replicas.length, t = this.#cfg.context;
    if (batch % n !== 0) throw new Error(`batch ${batch} is not a multiple of ${n} workers`);
    const share = batch / n;
    const t0 = performance.now();
    const replies = await Promise.all(this.#replicas.map((r, i) => {
      const tk = tokens.slice(i * share * t, (i + 1) * share * t);
      const tg = targets.slice(i * share * t, (i + 1) * share * t);
      return r.request({ kind: "grads", tokens: tk, targets: tg, batch: share }, [
        tk.buffer,
        tg.buffer,
      ]);
    })) as Extract<ReplicaReply, { kind: "grads" }>[];
    const t1 = performance.now();
    const mean = replies[0].grads;
    for (let k = 1; k < n; k++) {
      const g = replies[k].grads;
      for (let j = 0; j < mean.length; j++) mean[j] += g[j];
    }
    if (n > 1) { for (let j = 0; j < mean.length; j++) mean[j] /= n; }
    await Promise.all(
      this.#replicas.map((r, i) =>
        i === n - 1
          ? r.request({ kind: "apply", grads: mean }, [mean.buffer])
          : r.request({ kind: "apply", grads: mean.slice() })
      ),
    );
    this.lastTimings = { compute: t1 - t0, exchange: performance.now() - t1 };
    return replies.reduce((s, r) => s + r.loss, 0) / n;
  }

  /** The parameter values of replica `i` (all replicas hold the same values). */
  async values(i = 0): Promise<Float32Array[]> {
    const reply = await this.#replicas[i].request({ kind: "values" });
    return (reply as Extract<ReplicaReply, { kind: "values" }>).values;
  }

  /**
   * Stops the workers: each frees its tensors and answers before it is terminated, so no worker
   * is torn down in the middle of tfjs's wasm work.
   */
  async close(): Promise<void> {
    await closeWorkers(this.#replicas, { kind: "close" });
  }
}
