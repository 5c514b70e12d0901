/**
 * One data-parallel replica (a Deno Web Worker): holds a {@link GptTrainer}, computes the loss
 * and gradients of its share of each batch, and applies the averaged gradients it is sent.
 * Every replica starts from the same values and applies the same averaged gradients with the
 * same Adam, so the replicas stay identical bit for bit.
 * @module
 */
import { loadTf, type TfBackend } from "./tf.ts";
import { type MatMulKernel, setMatMulKernel } from "./matmul_wasm.ts";
import { type GptConfig, gptGradients, GptTrainer } from "./gpt.ts";

/** Messages from the coordinator. */
export type ReplicaRequest =
  | {
    kind: "init";
    cfg: GptConfig;
    learningRate: number;
    backend: TfBackend;
    values?: Float32Array[];
    matMul?: MatMulKernel;
  }
  | { kind: "grads"; tokens: Int32Array; targets: Int32Array; batch: number }
  | { kind: "apply"; grads: Float32Array }
  | { kind: "values" }
  | { kind: "close" };

/** Replies to the coordinator. */
export type ReplicaReply =
  | { kind: "ready" }
  | { kind: "grads"; loss: number; grads: Float32Array }
  | { kind: "applied" }
  | { kind: "values"; values: Float32Array[] }
  | { kind: "closed" }
  | { kind: "error"; message: string };

// deno-lint-ignore no-explicit-any
const scope = self as any;
let trainer: GptTrainer | null = null;
let tf: Awaited<ReturnType<typeof loadTf>> | null = null;

scope.onmessage = async (event: MessageEvent<ReplicaRequest>) => {
  const msg = event.data;
  try {
    if (msg.kind === "init") {
      tf = await loadTf(msg.backend);
      if (msg.matMul && tf.getBackend() === "wasm") setMatMulKernel(msg.matMul);
      trainer = new GptTrainer(tf, msg.cfg, msg.learningRate, msg.values);
      scope.postMessage({ kind: "ready" } satisfies ReplicaReply);
    } else if (msg.kind === "grads") {
      const { loss, grads } = gptGradients(tf!, trainer!.gpt, msg.tokens, msg.targets, msg.batch);
      // One flat buffer in parameter order, transferred rather than copied.
      const flat = new Float32Array(grads.reduce((s, g) => s + g.size, 0));
      let offset = 0;
      for (const g of grads) {
        flat.set(g.dataSync() as Float32Array, offset);
        offset += g.size;
      }
      tf!.dispose(grads);
      scope.postMessage({ kind: "grads", loss, grads: flat } satisfies ReplicaReply, [flat.buffer]);
    } else if (msg.kind === "apply") {
      const t = tf!;
      let offset = 0;
      const grads = trainer!.gpt.params.map((p) => {
        const g = t.tensor(msg.grads.subarray(offset, offset + p.size), p.shape);
        offset += p.size;
        return g;
      });
      trainer!.apply(grads);
      scope.postMessage({ kind: "applied" } satisfies ReplicaReply);
    } else if (msg.kind === "close") {
      // Free the tensors here, while the worker runs, rather than at termination.
      tf?.disposeVariables();
      tf?.engine().reset();
      trainer = null;
      scope.postMessage({ kind: "closed" } satisfies ReplicaReply);
    } else {
      scope.postMessage({ kind: "values", values: trainer!.values() } satisfies ReplicaReply);
    }
  } catch (e) {
    scope.postMessage({ kind: "error", message: (e as Error).message } satisfies ReplicaReply);
  }
};
