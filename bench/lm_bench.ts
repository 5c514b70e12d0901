/**
 * Training throughput of the language models: tokens/s of the Llama-style baseline and of full
 * CEM at d = 128, 4 layers, context 128, batch 16 (vocabulary 65) on tfjs, beside the PyTorch peer
 * `bench/peers/lm_peer.py` (same shapes and math) at 1 and 2 threads, run in the same
 * invocation, with the load average and the FLOPs per token. `--profile` adds the top kernels of
 * one tfjs step (where the time goes). On wasm each model runs once per BatchMatMul route in
 * `--matmul` (default both replacement routes: XNNPACK 2-D products and the generated
 * relaxed-SIMD GEMM of src/nn/gemm_wasm.ts), so their ratio shares the load.
 *
 *   deno run -A bench/lm_bench.ts [--steps 3] [--backend wasm|webgpu] [--profile] [--no-peer]
 *     [--matmul xnnpack,gemm] [--no-workers]
 *
 * On wasm it then trains each model with `workers: 2` (src/lm/data_parallel.ts: this process and
 * one Web Worker each compute half of every batch; the last route of `--matmul`), the same steps
 * as one process on the full batch up to float rounding.
 * @module
 */
import { parseArgs } from "node:util";
import { loadTf, type TfBackend } from "../src/nn/tf.ts";
import { type MatMulKernel, setMatMulKernel } from "../src/nn/matmul_wasm.ts";
import { buildModelConfig, CEM_BLOCK, LLAMA_BLOCK, parameterCount } from "../src/lm/config.ts";
import { trainFlopsPerToken } from "../src/lm/flops.ts";
import {
  disposeTrainer,
  makeTrainer,
  releaseTrainer,
  startWorkers,
  TrainConfigSchema,
  trainStep,
} from "../src/lm/train.ts";
import { uniformArray } from "../src/random/params.ts";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "3" },
    backend: { type: "string", default: "wasm" },
    profile: { type: "boolean", default: false },
    "no-peer": { type: "boolean", default: false },
    python: { type: "string", default: "/usr/bin/python3" },
    matmul: { type: "string", default: "xnnpack,gemm" },
    "no-workers": { type: "boolean", default: false },
  },
});
const steps = Number(values.steps);
const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
const tf = await loadTf(values.backend as TfBackend);
const shape = { dModel: 128, nHeads: 4, nLayers: 4, context: 128 };
const batch = 16;
const vocab = 65;
const chars = Array.from({ length: vocab }, (_, i) => String.fromCharCode(48 + i));
const u = uniformArray(1, 0, 200_000);
const tokens = Int32Array.from(u, (x) => Math.floor(x * vocab));
const corpus = {
  tokenizer: { kind: "char" as const, chars },
  train: tokens,
  validation: tokens.subarray(0, 1000),
};

console.log(`# lm_bench: ${new Date().toISOString()}, backend ${tf.getBackend()}, load ${load()}`);
const rows: string[] = [];
const routes: (MatMulKernel | null)[] = tf.getBackend() === "wasm"
  ? values.matmul!.split(",").map((r) => r.trim() as MatMulKernel)
  : [null];
for (const arch of ["llama", "cem"] as const) {
  for (const route of routes) {
    if (route && setMatMulKernel(route) !== route) throw new Error(`no ${route} route here`);
    const engine = route
      ? `tfjs wasm, ${route === "gemm" ? "GEMM" : route} route`
      : `tfjs ${tf.getBackend()}`;
    const cfg = TrainConfigSchema.parse({
      ...shape,
      arch,
      steps: 1000,
      warmup: 1,
      backend: values.backend,
    });
    const t = makeTrainer(tf, cfg, corpus);
    const model = buildModelConfig(
      { ...shape, vocabSize: vocab },
      arch === "llama" ? LLAMA_BLOCK : CEM_BLOCK,
    );
    await trainStep(t); // warm-up (kernel set-up)
    if (values.profile) {
      const info = await tf.profile(async () => {
        await trainStep(t);
      });
      const byKernel = new Map<string, number>();
      for (const k of info.kernels) {
        const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
        byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
      }
      const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8);
      console.log(
        `profile ${arch}, ${engine}: ` +
          top.map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(", "),
      );
    }
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) await trainStep(t);
    const ms = (performance.now() - t0) / steps;
    disposeTrainer(t);
    const tps = (batch * shape.context) / (ms / 1000);
    const flops = trainFlopsPerToken(model);
    rows.push(
      `| ${arch} | ${engine} (1 thread) | ${
        parameterCount(model).total.toLocaleString("en-US")
      } | ` +
        `${ms.toFixed(0)} | ${tps.toFixed(0)} | ${(flops / 1e6).toFixed(2)} M | ${
          (tps * flops / 1e9).toFixed(2)
        } |`,
    );
    console.log(rows[rows.length - 1] + `  (load ${load()})`);
  }
}
if (tf.getBackend() === "wasm" && !values["no-workers"]) {
  const route = routes.at(-1)!;
  setMatMulKernel(route); // the worker takes the same route (startWorkers passes it on)
  for (const arch of ["llama", "cem"] as const) {
    // `workers: 2`: this process computes one half of each batch, a Web Worker the other.
    const cfg = TrainConfigSchema.parse({ ...shape, arch, steps: 1000, warmup: 1, workers: 2 });
    const model = buildModelConfig(
      { ...shape, vocabSize: vocab },
      arch === "llama" ? LLAMA_BLOCK : CEM_BLOCK,
    );
    const t = makeTrainer(tf, cfg, corpus);
    try {
      await startWorkers(t);
      await trainStep(t); // warm-up
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) await trainStep(t);
      const ms = (performance.now() - t0) / steps;
      const tps = (batch * shape.context) / (ms / 1000);
      const flops = trainFlopsPerToken(model);
      rows.push(
        `| ${arch} | tfjs wasm, ${route === "gemm" ? "GEMM" : route} route, 2 workers | ${
          parameterCount(model).total.toLocaleString("en-US")
        } | ${ms.toFixed(0)} | ${tps.toFixed(0)} | ${(flops / 1e6).toFixed(2)} M | ${
          (tps * flops / 1e9).toFixed(2)
        } |`,
      );
      console.log(rows[rows.length - 1] + `  (load ${load()})`);
    } finally {
      await releaseTrainer(t);
    }
  }
}
if (!values["no-peer"]) {
  for (const threads of [1, 2]) {
    const out = await new Deno.Command(values.python!, {
      args: ["bench/peers/lm_peer.py", "--steps", String(steps), "--threads", String(threads)],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    for (const line of new TextDecoder().decode(out.stdout).trim().split("\n").filter(Boolean)) {
      const r = JSON.parse(line);
      const model = buildModelConfig(
        { ...shape, vocabSize: vocab },
        r.model === "llama" ? LLAMA_BLOCK : CEM_BLOCK,
      );
      const flops = trainFlopsPerToken(model);
      rows.push(
        `| ${r.model} | PyTorch ${r.torch} (${threads} thread${threads > 1 ? "s" : ""}) | ${
          r.params.toLocaleString("en-US")
        } | ` +
          `${r.ms_per_step.toFixed(0)} | ${r.tokens_per_s.toFixed(0)} | ${
            (flops / 1e6).toFixed(2)
          } M | ` +
          `${(r.tokens_per_s * flops / 1e9).toFixed(2)} |`,
      );
      console.log(rows[rows.length - 1] + `  (load ${load()}, BLAS ${r.blas})`);
    }
  }
}
console.log(
  "\n| model | engine | params | ms/step | tokens/s | train FLOP/token | GFLOP/s |\n|---|---|---|---|---|---|---|\n" +
    rows.join("\n") + `\n\nload average at the end: ${load()}`,
);
