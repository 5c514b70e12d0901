/**
 * One Web Worker spoken to by request and reply: one request at a time, a reply of kind "error"
 * (or an uncaught error in the worker) rejects with the worker's message. The data-parallel
 * trainers (`data_parallel.ts`, `src/lm/data_parallel.ts`) hold one per worker.
 * @module
 */

/** A reply that can say the request failed. */
export type Reply = { kind: string } | { kind: "error"; message: string };

/** A worker running `url`, answering one request at a time. */
export class WorkerChannel<Req, Rep extends Reply> {
  readonly #worker: Worker;
  readonly #who: string;
  #pending: ((reply: Rep | { kind: "error"; message: string }) => void) | null = null;

  constructor(url: URL, who: string) {
    this.#who = who;
    this.#worker = new Worker(url.href, { type: "module" });
    this.#worker.onmessage = (e: MessageEvent<Rep>) => this.#answer(e.data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#answer({ kind: "error", message: e.message });
    };
  }

  #answer(reply: Rep | { kind: "error"; message: string }): void {
    const resolve = this.#pending;
    this.#pending = null;
    resolve?.(reply);
  }

  /** Sends `msg` (moving `transfer`) and resolves with the reply. */
  request(msg: Req, transfer: Transferable[] = []): Promise<Rep> {
    if (this.#pending) throw new Error(`${this.#who} is busy`);
    return new Promise((resolve, reject) => {
      this.#pending = (reply) => {
        if (reply.kind === "error") {
          reject(new Error(`${this.#who}: ${(reply as { message: string }).message}`));
        } else resolve(reply as Rep);
      };
      this.#worker.postMessage(msg, transfer);
    });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}

/**
 * Asks every worker to close (each frees its tensors and answers first, so none is torn down in
 * the middle of tfjs's wasm work), then terminates them; one that died or hangs is terminated
 * after 2 s anyway.
 */
export async function closeWorkers<Req, Rep extends Reply>(
  workers: readonly WorkerChannel<Req, Rep>[],
  close: Req,
): Promise<void> {
  const answered = (w: WorkerChannel<Req, Rep>) =>
    Promise.resolve().then(() => w.request(close)).catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((ok) => (timer = setTimeout(ok, 2000)));
  await Promise.race([Promise.all(workers.map(answered)), late]);
  clearTimeout(timer);
  for (const w of workers) w.terminate();
}
