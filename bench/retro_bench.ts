/**
 * Retrosynthesis benchmarks (a script, since each stage runs minutes on 2 shared cores):
 *
 *   deno run -A bench/retro_bench.ts predict [--dir retro_data] [--n 200]
 *     products/s of `predict` (top-10 answers, 50 templates tried, every energy term) on the
 *     first N products of raw_test.csv, with a trained model in --dir;
 *   deno run -A bench/retro_bench.ts pipeline [--limit 2000] [--eval 200]
 *     wall time of prepare (mapping skipped: the mapped valid split stands in for training
 *     reactions) + train + eval, stage by stage, in a temporary folder.
 *
 * Prints the machine load (`/proc/loadavg`) beside the numbers.
 * @module
 */
import { parseArgs } from "node:util";
import { RetroModel } from "../src/retro/model.ts";
import { canonicalSet, loadRdkit } from "../src/retro/rdkit.ts";
import { readReactionCsv } from "../src/retro/data.ts";
import { evaluate, prepare, RetroTrainConfig, trainAll } from "../src/retro/pipeline.ts";

const DATA = new URL("../../shared/data/uspto50k/", import.meta.url).pathname;
const load = async () =>
  (await Deno.readTextFile("/proc/loadavg").catch(() => "?")).split(" ").slice(0, 3).join(" ");

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    dir: { type: "string", default: "retro_data" },
    n: { type: "string", default: "200" },
    limit: { type: "string", default: "2000" },
    eval: { type: "string", default: "200" },
  },
  allowPositionals: true,
});

if (positionals[0] === "predict") {
  const RDKit = await loadRdkit();
  const model = await RetroModel.load(RDKit, values.dir!);
  const rows = (await readReactionCsv(`${DATA}/raw_test.csv`)).slice(0, Number(values.n));
  const products = rows.map((r) => canonicalSet(RDKit, r.product));
  for (const p of products.slice(0, 5)) model.predict(p); // warm-up (wasm tier-up, template compile)
  const t0 = performance.now();
  let answers = 0;
  for (const p of products) answers += model.predict(p).ranked.slice(0, 10).length;
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    bench: "retro predict top-10",
    products: products.length,
    productsPerSecond: +(products.length / s).toFixed(2),
    msPerProduct: +(1000 * s / products.length).toFixed(1),
    meanAnswers: +(answers / products.length).toFixed(2),
    load: await load(),
  }));
  model.dispose();
} else if (positionals[0] === "pipeline") {
  const dir = await Deno.makeTempDir();
  const stage: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    stage[name] = +((performance.now() - t) / 1000).toFixed(1);
    t = performance.now();
  };
  await prepare(dir, `${DATA}/raw_valid.csv`, { limit: Number(values.limit) });
  lap("prepare");
  await trainAll(dir, RetroTrainConfig.parse({ rerankProducts: 1000, dualProducts: 200 }));
  lap("train");
  const res = await evaluate(dir, `${DATA}/raw_test.csv`, { limit: Number(values.eval) });
  lap("eval");
  console.log(
    JSON.stringify({
      bench: "retro pipeline",
      trainReactions: Number(values.limit),
      evalProducts: res.n,
      seconds: stage,
      top1: res.topk.dual.top1,
      load: await load(),
    }),
  );
  await Deno.remove(dir, { recursive: true });
} else {
  console.error(
    "usage: deno run -A bench/retro_bench.ts predict|pipeline [--dir D --n N | --limit N --eval N]",
  );
  Deno.exit(2);
}
