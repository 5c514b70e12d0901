/**
 * The tfjs layer's benchmark (docs/PERFORMANCE.md, "The tfjs layer"): GFLOP/s of the matrix
 * products a Transformer uses on the three wasm BatchMatMul routes (stock tfjs, XNNPACK 2-D
 * products, the generated relaxed-SIMD GEMM of src/nn/gemm_wasm.ts); tokens/s of a training
 * step of the benchmark Transformer (d = 128, 4 layers, 4 heads, context 128, batch 16, SwiGLU,
 * vocabulary 65) on 1 and 2 workers with the XNNPACK and the GEMM route; the kernel profile of
 * one step; and the PyTorch peer (bench/peers/nn_peer.py) at 1 and 2 threads in the same
 * invocation, so ratios share the load.
 *
 *   deno run -A bench/nn_bench.ts [--steps 3] [--no-stock-step] [--no-peer] [--no-products]
 *
 * The peer runs with `LANDSCAPE_TORCH_PYTHON` (default /usr/bin/python3, Debian's python3-torch).
 * @module
 */
import { loadTf, type MatMulKernel, setMatMulKernel } from "../src/nn/mod.ts";
import { BENCH_GPT, GptTrainer, randomTokens } from "../src/nn/gpt.ts";
import { DataParallelTrainer } from "../src/nn/data_parallel.ts";

const args = Deno.args;
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STEPS = option("--steps", 3);
const BATCH = 16;
const TOKENS = BATCH * BENCH_GPT.context;
const load = () => Deno.loadavg().map((v) => v.toFixed(2)).join(" ");

console.log(
  `# nn_bench  ${
    new Date().toISOString()
  }  load ${load()}  (${navigator.hardwareConcurrency} cores)`,
);
const tf = await loadTf("wasm");

// --- matrix products ---------------------------------------------------------------------------
const PRODUCTS: [string, number[], number[], boolean, boolean][] = [
  ["2048x128 x 128x512", [2048, 128], [128, 512], false, false],
  ["transposeA (weight gradient)", [128, 2048], [128, 512], true, false],
  ["transposeA, K = 2048 ([2048,128]^T x [2048,512])", [2048, 128], [2048, 512], true, false],
  ["transposeB", [2048, 128], [512, 128], false, true],
  ["[16,128,128] x [128,512] (shared right operand)", [16, 128, 128], [128, 512], false, false],
  ["attention q k^T [64,128,32]x[64,128,32]^T", [64, 128, 32], [64, 128, 32], false, true],
  ["attention [64,128,32]x[64,32,128]", [64, 128, 32], [64, 32, 128], false, false],
  ["attention [64,128,128]x[64,128,32]", [64, 128, 128], [64, 128, 32], false, false],
];

function gflops(sa: number[], sb: number[], ta: boolean, tb: boolean): number {
  const a = tf.randomNormal(sa), b = tf.randomNormal(sb);
  const m = ta ? sa[sa.length - 1] : sa[sa.length - 2], k = ta ? sa[sa.length - 2] : sa.at(-1)!;
  const n = tb ? sb[sb.length - 2] : sb.at(-1)!;
  const batch = sa.length > 2 ? sa[0] : 1;
  tf.matMul(a, b, ta, tb).dispose();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500 || reps < 2) {
    const c = tf.matMul(a, b, ta, tb);
    c.dataSync();
    c.dispose();
    reps++;
  }
  const seconds = (performance.now() - t0) / 1000 / reps;
  tf.dispose([a, b]);
  return (2 * batch * m * n * k) / seconds / 1e9;
}

if (!flag("--no-products")) console.log("\n## Matrix products, wasm (GFLOP/s)\n");
console.log(
  "| product | stock kernel | XNNPACK route | GEMM route | GEMM / XNNPACK |\n|---|---|---|---|---|",
);
for (const [name, sa, sb, ta, tb] of flag("--no-products") ? [] : PRODUCTS) {
  const speed = (kernel: MatMulKernel) => {
    setMatMulKernel(kernel);
    return gflops(sa, sb, ta, tb);
  };
  const [stock, xnn, gemm] = [speed("stock"), speed("xnnpack"), speed("gemm")];
  console.log(
    `| ${name} | ${stock.toFixed(2)} | ${xnn.toFixed(2)} | ${gemm.toFixed(2)} | ${
      (gemm / xnn).toFixed(2)
    }x |`,
  );
}
if (setMatMulKernel("gemm") !== "gemm") console.log("\n(no relaxed SIMD: GEMM rows ran XNNPACK)");

// --- Transformer step --------------------------------------------------------------------------
const data = randomTokens(BENCH_GPT, BATCH, 7);
const rows: string[] = [];
const record = (what: string, ms: number) => {
  rows.push(`| ${what} | ${ms.toFixed(0)} | ${(TOKENS / ms * 1000).toFixed(0)} |`);
  console.error(`${what}: ${ms.toFixed(0)} ms/step (load ${load()})`);
};

async function timeSteps(step: () => unknown, steps: number): Promise<number> {
  await step(); // warm-up: kernel setup, Adam slots
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (performance.now() - t0) / steps;
}

async function profileStep(label: string, step: () => void): Promise<number> {
  const t0 = performance.now();
  const profile = await tf.profile(step);
  const wall = performance.now() - t0;
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) {
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  const total = [...byKernel.values()].reduce((s, v) => s + v, 0);
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(
    `\n## Kernel profile of one step, ${label} (tf.profile, ${total.toFixed(0)} ms of kernels)\n`,
  );
  console.log("| kernel | ms | share |\n|---|---|---|");
  for (const [name, ms] of top) {
    console.log(`| ${name} | ${ms.toFixed(0)} | ${(100 * ms / total).toFixed(1)} % |`);
  }
  return wall;
}

{
  const trainer = new GptTrainer(tf, BENCH_GPT, 1e-3);
  const step = () => {
    trainer.step(data.tokens, data.targets, BATCH);
  };
  if (!flag("--no-stock-step")) {
    // Stock: one warm-up step, then one profiled step (its wall time is the ms/step).
    setMatMulKernel("stock");
    step();
    record(
      "wasm, stock BatchMatMul, 1 worker (1 step)",
      await profileStep("stock BatchMatMul", step),
    );
  }
  setMatMulKernel("xnnpack");
  record("wasm, XNNPACK route, 1 worker", await timeSteps(step, STEPS));
  setMatMulKernel("gemm");
  record("wasm, GEMM route, 1 worker", await timeSteps(step, STEPS));
  await profileStep("GEMM route", step);
  trainer.dispose();
}
for (const matMul of ["xnnpack", "gemm"] as const) {
  const dp = await DataParallelTrainer.create(BENCH_GPT, {
    learningRate: 1e-3,
    workers: 2,
    matMul,
  });
  const label = matMul === "gemm" ? "GEMM" : "XNNPACK";
  record(
    `wasm, ${label} route, 2 workers`,
    await timeSteps(() => dp.step(data.tokens, data.targets, BATCH), STEPS),
  );
  const { compute, exchange } = dp.lastTimings;
  rows.push(
    `| (${label}, 2 workers, last step: ${compute.toFixed(0)} ms gradients, ` +
      `${exchange.toFixed(0)} ms averaging + Adam) | | |`,
  );
  await dp.close();
}

// --- PyTorch peer ------------------------------------------------------------------------------
if (!flag("--no-peer")) {
  const python = Deno.env.get("LANDSCAPE_TORCH_PYTHON") ?? "/usr/bin/python3";
  const peer = new URL("./peers/nn_peer.py", import.meta.url).pathname;
  const out = await new Deno.Command(python, {
    args: [peer, "--threads", "1,2", "--steps", String(STEPS)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    console.log(`\npeer failed (${python}): ${text}`);
  } else {
    for (const line of text.split("\n")) {
      const r = JSON.parse(line);
      if (r.kind === "blas") {
        console.error(
          `peer BLAS check, ${r.threads} thread(s): ${r.gflops} GFLOP/s (torch ${r.torch})`,
        );
        rows.push(
          `| PyTorch ${r.torch} BLAS check: 2048x128x512 at ${r.gflops} GFLOP/s, ${r.threads} thread(s) | | |`,
        );
      } else {
        rows.push(`| PyTorch, ${r.threads} thread(s) | ${r.ms_per_step} | ${r.tokens_per_s} |`);
      }
    }
  }
}
console.log(
  `\n## Transformer training step (batch ${BATCH} x ${BENCH_GPT.context} tokens, ${STEPS} timed steps)\n`,
);
console.log("| configuration | ms/step | tokens/s |\n|---|---|---|");
for (const r of rows) console.log(r);
console.log(`\nload at the end: ${load()}`);
