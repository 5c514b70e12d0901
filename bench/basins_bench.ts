/**
 * Basin detection benchmarks. `deno bench -P bench/basins_bench.ts` times the timing target
 * (20 candidates x 512 trajectories at D = 1000, OU noise, quadruple well) and the baselines'
 * heavy steps. Run as a script for the sweep table:
 *
 *   deno run -A bench/basins_bench.ts sweep [--per-candidate 256 --dims 2,10,100,1000 ...]
 *
 * which is `cli.ts basins bench` with the same flags (the sweep of docs/results/basins.md).
 * @module
 */
import { runBenchCell } from "../src/basins/evaluate.ts";
import { BASINS_SPEC, basinsCommand } from "../src/cli/basins.ts";
import { parseCommand } from "../src/cli/args.ts";
import { consoleIo } from "../src/cli/io.ts";

if (import.meta.main && Deno.args[0] === "sweep") {
  const argv = ["bench", ...Deno.args.slice(1)];
  Deno.exit(await basinsCommand(parseCommand(BASINS_SPEC, argv), argv, consoleIo));
} else {
  Deno.bench({
    name: "basins: 20 candidates x 512 trajectories, D = 1000, OU noise (simulate + detect)",
    n: 1,
    warmup: 0,
    async fn() {
      const r = await runBenchCell({
        system: "quadruple-well",
        ambientDim: 1000,
        noise: "ou",
        candidates: 20,
        trajectories: 512,
        seed: 1,
        baselines: [],
      });
      r.detection.assigner?.dispose();
      if (r.methods[0].ari < 0.95) throw new Error(`ARI ${r.methods[0].ari} < 0.95`);
    },
  });
}
