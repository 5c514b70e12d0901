/**
 * One data-parallel replica of an `lm` trainer (a Deno Web Worker): builds the same trainer as
 * every other replica (same config, same seed, so the same initial parameters), computes the
 * loss and gradients of its share of each batch, and applies the averaged gradients it is sent
 * with its own AdamW. Replicas therefore stay identical bit for bit.
 * @module
 */
import type { Tensor } from "npm:@tensorflow/tfjs@4.22.0";
import { loadTf, type Tf } from "../nn/tf.ts";
import { type MatMulKernel, setMatMulKernel } from "../nn/matmul_wasm.ts";
import type { Corpus } from "./data.ts";
import { windowLoss } from "./model.ts";
import { disposeTrainer, makeTrainer, paramsOf, type TrainConfig, type Trainer } from "./train.ts";

/** Messages from the coordinator. */
export type LmReplicaRequest =
  | { kind: "init"; cfg: TrainConfig; corpus: Corpus; matMul?: MatMulKernel }
  | { kind: "grads"; windows: Int32Array; rows: number }
  | { kind: "apply"; grads: Float32Array; lr: number }
  | { kind: "values" }
  | { kind: "close" };

/** Replies to the coordinator. */
export type LmReplicaReply =
  | { kind: "ready" }
  | { kind: "grads"; loss: number; grads: Float32Array }
  | { kind: "applied" }
  | { kind: "values"; values: Float32Array[] }
  | { kind: "closed" }
  | { kind: "error"; message: string };

// deno-lint-ignore no-explicit-any
const scope = self as any;
let trainer: Trainer | null = null;
let tf: Tf | null = null;

async function handle(msg: LmReplicaRequest): Promise<LmReplicaReply> {
  if (msg.kind === "init") {
    tf = await loadTf(msg.cfg.backend);
    if (msg.matMul && tf.getBackend() === "wasm") setMatMulKernel(msg.matMul);
    trainer = makeTrainer(tf, msg.cfg, msg.corpus);
    return { kind: "ready" };
  }
  const t = trainer!, tfx = tf!;
  if (msg.kind === "grads") {
    const { value, grads } = tfx.tidy(() => {
      const w = tfx.tensor2d(msg.windows, [msg.rows, t.cfg.context + 1], "int32");
      return tfx.variableGrads(() => windowLoss(tfx, t.model, paramsOf(t), w) as never, [
        ...t.params.values(),
      ]);
    });
    // One flat buffer in parameter order, transferred rather than copied.
    const list = [...t.params.values()].map((p) => grads[p.name]);
    const flat = new Float32Array(list.reduce((s, g) => s + g.size, 0));
    let offset = 0;
    for (const g of list) {
      flat.set(await g.data() as Float32Array, offset);
      offset += g.size;
    }
    const loss = (await value.data())[0];
    tfx.dispose([value, ...list]);
    return { kind: "grads", loss, grads: flat };
  }
  if (msg.kind === "apply") {
    let offset = 0;
    const byName: Record<string, Tensor> = {};
    for (const [name, p] of t.params) {
      byName[name] = tfx.tensor(msg.grads.subarray(offset, offset + p.size), p.shape);
      offset += p.size;
    }
    await t.opt.apply(byName, msg.lr);
    tfx.dispose(Object.values(byName));
    return { kind: "applied" };
  }
  if (msg.kind === "values") {
    const values: Float32Array[] = [];
    for (const p of t.params.values()) values.push(await p.data() as Float32Array);
    return { kind: "values", values };
  }
  // close: free the tensors here, while the worker runs, rather than at termination.
  disposeTrainer(t);
  trainer = null;
  return { kind: "closed" };
}

scope.onmessage = async (event: MessageEvent<LmReplicaRequest>) => {
  try {
    const reply = await handle(event.data);
    const transfer = reply.kind === "grads" ? [reply.grads.buffer] : [];
    scope.postMessage(reply, transfer);
  } catch (e) {
    scope.postMessage({ kind: "error", message: (e as Error).message } satisfies LmReplicaReply);
  }
};
