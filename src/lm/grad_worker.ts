/**
 * One gradient replica of data-parallel language-model training (a Deno Web Worker): holds the
 * model's parameters as variables, takes the coordinator's current values and a share of the
 * batch, and returns the share's mean loss and its gradients as one flat buffer in parameter
 * order. The optimiser runs only in the coordinator.
 * @module
 */
import type { Variable } from "npm:@tensorflow/tfjs@4.22.0";
import { loadTf, type Tf, type TfBackend } from "../nn/tf.ts";
import { type MatMulKernel, setMatMulKernel } from "../nn/matmul_wasm.ts";
import type { ModelConfig } from "./config.ts";
import { initParameters, windowLoss } from "./model.ts";

/** Messages from the coordinator. */
export type LmWorkerRequest =
  | { kind: "init"; model: ModelConfig; backend: TfBackend; matMul: MatMulKernel | null }
  | { kind: "grads"; values: Float32Array; windows: Int32Array; batch: number }
  | { kind: "close" };

/** Replies to the coordinator. */
export type LmWorkerReply =
  | { kind: "ready" }
  | { kind: "grads"; loss: number; grads: Float32Array }
  | { kind: "closed" }
  | { kind: "error"; message: string };

// deno-lint-ignore no-explicit-any
const scope = self as any;
let tf: Tf | null = null;
let model: ModelConfig | null = null;
const params = new Map<string, Variable>();

scope.onmessage = async (event: MessageEvent<LmWorkerRequest>) => {
  const msg = event.data;
  try {
    if (msg.kind === "init") {
      tf = await loadTf(msg.backend);
      if (msg.matMul) setMatMulKernel(msg.matMul);
      model = msg.model;
      // The shapes and order of the coordinator's parameters; values arrive with each request.
      for (const [name, t] of initParameters(model, 0)) {
        params.set(name, tf.variable(tf.tensor(t.data, t.shape), true, `lmw.${name}`));
      }
      scope.postMessage({ kind: "ready" } satisfies LmWorkerReply);
    } else if (msg.kind === "grads") {
      const t = tf!;
      let offset = 0;
      for (const p of params.values()) {
        t.tidy(() => p.assign(t.tensor(msg.values.subarray(offset, offset + p.size), p.shape)));
        offset += p.size;
      }
      const context = msg.windows.length / msg.batch;
      const { value, grads } = t.tidy(() => {
        const w = t.tensor2d(msg.windows, [msg.batch, context], "int32");
        return t.variableGrads(
          () => windowLoss(t, model!, Object.fromEntries(params), w) as never,
          [...params.values()],
        );
      });
      const flat = new Float32Array(offset);
      offset = 0;
      for (const p of params.values()) {
        flat.set(await grads[p.name].data() as Float32Array, offset);
        offset += p.size;
      }
      const loss = (await value.data())[0];
      t.dispose([value, ...Object.values(grads)]);
      scope.postMessage({ kind: "grads", loss, grads: flat } satisfies LmWorkerReply, [
        flat.buffer,
      ]);
    } else {
      // Free the tensors here, while the worker runs, rather than at termination.
      tf?.disposeVariables();
      tf?.engine().reset();
      params.clear();
      scope.postMessage({ kind: "closed" } satisfies LmWorkerReply);
    }
  } catch (e) {
    scope.postMessage({ kind: "error", message: (e as Error).message } satisfies LmWorkerReply);
  }
};
