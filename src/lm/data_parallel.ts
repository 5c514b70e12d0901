/**
 * Data-parallel training of language models on several cores: tfjs's wasm backend runs one
 * thread under Deno, so the coordinator computes the gradients of the first share of each batch
 * while Web Workers (`grad_worker.ts`) compute the other shares from the same parameter values;
 * the coordinator averages them (equal shares: the full-batch gradient up to float rounding) and
 * applies its optimiser. The average is taken in a fixed order, so a run is reproducible.
 * @module
 */
import type { TfBackend } from "../nn/tf.ts";
import type { MatMulKernel } from "../nn/matmul_wasm.ts";
import type { ModelConfig } from "./config.ts";
import type { LmWorkerReply, LmWorkerRequest } from "./grad_worker.ts";
import { closeWorkers, WorkerChannel } from "../nn/worker_channel.ts";

type GradWorker = WorkerChannel<LmWorkerRequest, LmWorkerReply>;
const gradWorker = (): GradWorker =>
  new WorkerChannel(new URL("./grad_worker.ts", import.meta.url), "lm gradient worker");

/** What one share's gradients come back as. */
export interface ShareGradients {
  loss: number;
  /** All parameters' gradients, flat, in parameter order. */
  grads: Float32Array;
}

/** The workers that compute the batch shares after the coordinator's own. */
export class LmGradientPool {
  readonly #workers: GradWorker[];

  private constructor(workers: GradWorker[]) {
    this.#workers = workers;
  }

  /** Starts `size` workers holding `model` on `backend` (wasm: with the matrix-product route). */
  static async create(
    model: ModelConfig,
    backend: TfBackend,
    size: number,
    matMul: MatMulKernel | null = null,
  ) {
    const workers = Array.from({ length: size }, gradWorker);
    const pool = new LmGradientPool(workers);
    try {
      await Promise.all(workers.map((w) => w.request({ kind: "init", model, backend, matMul })));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Sends worker i the values and `shares[i]` (windows `[rows, context + 1]`) at once, so they
   * compute while the caller computes its own share; resolves with every worker's result.
   */
  gradients(values: Float32Array, shares: Int32Array[], rows: number): Promise<ShareGradients[]> {
    return Promise.all(this.#workers.map(async (w, i) => {
      const reply = await w.request({
        kind: "grads",
        values: i === this.#workers.length - 1 ? values : values.slice(),
        windows: shares[i],
        batch: rows,
      }, i === this.#workers.length - 1 ? [values.buffer] : []);
      return reply as Extract<LmWorkerReply, { kind: "grads" }>;
    }));
  }

  /** Stops the workers; each frees its tensors and answers first (2 s at most). */
  async close(): Promise<void> {
    await closeWorkers(this.#workers, { kind: "close" });
  }
}
