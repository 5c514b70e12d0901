/**
 * Retrosynthesis benchmarks (a script, since each stage runs minutes on 2 shared cores):
 *
 *   deno run -A bench/retro_bench.ts predict [--dir retro_data] [--n 200]
 *     products/s of `predict` (top-10 answers, 50 templates tried, every energy term) on the
 *     first N products of raw_test.csv, with a trained model in --dir;
 *   deno run -A bench/retro_bench.ts curve [--dir retro_data] [--n 1000] [--backward JSON]
 *     the backward model's valid template top-1/3/10/50 after each epoch (retrains it in memory
 *     with the run's seed and split; the prepared library in --dir is read, nothing is written);
 *     --backward overrides backward settings, e.g. '{"fullSoftmax":true,"dropout":0.3}';
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
import type { ExtractedReaction, TemplateLibrary } from "../src/retro/library.ts";
import { extractTemplate } from "../src/retro/template_extract.ts";
import { BackwardConfig, templateLogProbs, trainBackward } from "../src/retro/backward.ts";
import { FP, productBits } from "../src/retro/rerank.ts";
import { SplitMix32 } from "../src/random/splitmix.ts";

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
    backward: { type: "string", default: "{}" },
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
} else if (positionals[0] === "curve") {
  const RDKit = await loadRdkit();
  const lib = JSON.parse(await Deno.readTextFile(`${values.dir}/library.json`)) as TemplateLibrary;
  const tIndex = new Map(lib.templates.map((t, i) => [t, i]));
  const extracted = (await Deno.readTextFile(`${values.dir}/train_extracted.jsonl`)).split("\n")
    .filter((l) => l).map((l) => JSON.parse(l) as ExtractedReaction)
    .filter((e) => e.template && e.selfCheck && tIndex.has(e.template));
  // The run's split: seeded shuffle, the first 10 % held out (pipeline.ts).
  const rng = new SplitMix32(17);
  const order = extracted.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fit = order.slice(Math.round(extracted.length * 0.1)).map((i) => extracted[i]);
  const examples = fit.map((e) => ({
    bits: productBits(RDKit, e.product),
    template: tIndex.get(e.template!)!,
  }));
  const valid = (await readReactionCsv(`${DATA}/raw_valid.csv`)).slice(0, Number(values.n));
  const vset = valid.map((r) => {
    let t = -1;
    try {
      t = tIndex.get(extractTemplate(RDKit, r.reactants, r.product)) ?? -1;
    } catch {
      // unusable recorded map: not covered
    }
    return { bits: productBits(RDKit, canonicalSet(RDKit, r.product)), t };
  });
  const ks = [1, 3, 10, 50];
  await trainBackward(
    examples,
    lib.templates.length,
    FP.nBits,
    BackwardConfig.parse({ epochs: 6, ...JSON.parse(values.backward) }),
    {
      onEpoch: (epoch, loss, mlp) => {
        const hit = ks.map(() => 0);
        for (const v of vset) {
          if (v.t < 0) continue;
          const lp = templateLogProbs(mlp, v.bits);
          let rank = 0;
          for (let i = 0; i < lp.length; i++) if (lp[i] > lp[v.t]) rank++;
          ks.forEach((k, j) => {
            if (rank < k) hit[j]++;
          });
        }
        const pct = hit.map((h) => +(100 * h / vset.length).toFixed(1));
        console.log(
          JSON.stringify({
            epoch,
            loss: +loss.toFixed(3),
            validTemplateTopK: pct,
            covered: vset.filter((v) => v.t >= 0).length,
          }),
        );
      },
    },
  );
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
