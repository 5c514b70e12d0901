/**
 * The one tfjs layer shared by every neural part of Landscape: pinned version, backend choice,
 * correct higher-order gradients, fast wasm matrix products.
 *
 * @example
 * ```ts
 * import { loadTf } from "./mod.ts";
 * const tf = await loadTf(); // wasm, patched
 * // d/dw d/dx exp(w x) at x = 1, w = 0.5: e^0.5 (1 + 0.5) = 2.473
 * const d2 = tf.grad((w) => tf.grad((x) => tf.exp(tf.mul(w, x)))(tf.scalar(1)))(tf.scalar(0.5));
 * ```
 * @module
 */
export * from "./tf.ts";
export { installGradientPatches, setTapeOrderFix, tapeOrderFixEnabled } from "./patches.ts";
export {
  fastMatMulEnabled,
  type MatMulKernel,
  matMulKernel,
  setFastMatMul,
  setMatMulKernel,
} from "./matmul_wasm.ts";
export {
  BENCH_GPT,
  createGpt,
  type Gpt,
  type GptConfig,
  GptConfigSchema,
  gptGradients,
  gptLoss,
  gptShapes,
  GptTrainer,
  randomTokens,
} from "./gpt.ts";
export { type DataParallelOptions, DataParallelTrainer } from "./data_parallel.ts";
