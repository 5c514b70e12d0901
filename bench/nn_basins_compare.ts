/**
 * The basins benchmark cell on the tfjs layer, once per wasm BatchMatMul route (stock, XNNPACK
 * 2-D products, the relaxed-SIMD GEMM) in one process (same trajectories, same seed), for
 * docs/results/basins.md:
 *
 *   deno run -A bench/nn_basins_compare.ts [--dims 10,1000] [--trajectories 512]
 * @module
 */
import { runBenchCell } from "../src/basins/evaluate.ts";
import { type MatMulKernel, setMatMulKernel } from "../src/nn/mod.ts";
import { loadTf } from "../src/nn/tf.ts";

const arg = (name: string, fallback: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : fallback;
};
const dims = arg("--dims", "10,1000").split(",").map(Number);
const trajectories = Number(arg("--trajectories", "512"));
await loadTf("wasm");
const load = () => Deno.loadavg().map((v) => v.toFixed(1)).join(" ");
console.log(`quadruple well, OU noise, 20 candidates x ${trajectories} trajectories, seed 1, wasm`);
console.log("| D | BatchMatMul | detect s | ARI | basins | load |\n|---|---|---|---|---|---|");
for (const ambientDim of dims) {
  for (const route of ["stock", "xnnpack", "gemm"] as MatMulKernel[]) {
    if (setMatMulKernel(route) !== route) continue; // gemm needs relaxed SIMD
    const r = await runBenchCell({
      system: "quadruple-well",
      ambientDim,
      noise: "ou",
      candidates: 20,
      trajectories,
      seed: 1,
      baselines: [],
    });
    const m = r.methods[0];
    console.log(
      `| ${ambientDim} | ${route} | ${r.detection.seconds.toFixed(1)} | ` +
        `${m.ari.toFixed(3)} | ${new Set(Array.from(r.detection.labels)).size} | ${load()} |`,
    );
    r.detection.assigner?.dispose();
  }
}
