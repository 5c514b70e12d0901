/**
 * `cli.ts retro`: template-based retrosynthesis with energy re-ranking (src/retro/).
 *
 * - `retro prepare --train FILE --dir DIR`: atom-map (Indigo, cached), extract templates, index;
 * - `retro train --dir DIR`: backward, forward, prior and dual weights, as a run (kind `retro`)
 *   with the backward losses per epoch; `runs resume <id>` continues a killed run;
 * - `retro predict "SMILES" --dir DIR`: ranked reactant sets with their energy terms;
 * - `retro eval --split FILE --dir DIR`: top-1/3/5/10 exact match per energy family;
 * - `retro agreement --split FILE`: Indigo's maps vs the recorded maps of a mapped split.
 *
 * Every stage resumes from what `--dir` already holds. Unusable files, invalid SMILES and bad
 * flags are one-line errors with exit code 2.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { codeVersion } from "../io/code_version.ts";
import { ConfigError, parseConfig } from "../io/config.ts";
import type { RunManifest } from "../io/manifest.ts";
import type { NpyAppender } from "../io/npy_appender.ts";
import { RunStore, type RunWriter } from "../io/run_store.ts";
import { RETRO_ARRAYS } from "../runs/retro.ts";
import { failureReason, startRun } from "../runs/writer.ts";
import {
  backwardCheckpointVersion,
  type EvalResult,
  evaluate,
  mappingAgreement,
  prepare,
  RetroTrainConfig,
  trainAll,
} from "../retro/pipeline.ts";
import { type Prediction, RetroModel } from "../retro/model.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { InvalidSmilesError, loadRdkit, moleculeSvg } from "../retro/rdkit.ts";
import { type CommandSpec, numberFlag, type Parsed, UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";
import { progressBar } from "./progress.ts";

const DATA = "../shared/data/uspto50k";

/** The `retro` command's flags. */
export const RETRO_SPEC: CommandSpec = {
  name: "retro",
  summary: "Retrosynthesis: template library, energy models, predict and top-k evaluation.",
  usage: 'cli.ts retro prepare|train|predict "SMILES"|eval|agreement [--dir DIR] [options]',
  allowPositionals: true,
  flags: {
    dir: { type: "string", value: "DIR", help: "data and model folder", default: "retro_data" },
    train: {
      type: "string",
      value: "FILE",
      help: "prepare: training reactions CSV",
      default: `${DATA}/raw_train.csv`,
    },
    split: {
      type: "string",
      value: "FILE",
      help: "eval/agreement: mapped reactions CSV",
      default: `${DATA}/raw_test.csv`,
    },
    limit: { type: "string", value: "N", help: "prepare/eval/agreement: first N reactions only" },
    "map-timeout": {
      type: "string",
      value: "MS",
      help: "Indigo time limit per reaction",
      default: "1000",
    },
    radius: { type: "string", value: "N", help: "template neighbourhood radius", default: "1" },
    epochs: { type: "string", value: "N", help: "train: backward epochs", default: "4" },
    hidden: { type: "string", value: "N", help: "train: backward hidden units", default: "256" },
    dropout: {
      type: "string",
      value: "P",
      help: "train: dropout on the backward hidden layer, in [0, 1)",
      default: "0",
    },
    "rerank-products": {
      type: "string",
      value: "N",
      help: "train: products for forward/prior",
      default: "4000",
    },
    "dual-products": {
      type: "string",
      value: "N",
      help: "train: held-out products for the dual weights",
      default: "1500",
    },
    agreement: {
      type: "string",
      value: "X",
      help: "train: weight of the agreement term",
      default: "0.1",
    },
    seed: { type: "string", value: "N", help: "random seed", default: "0" },
    top: { type: "string", value: "N", help: "predict: answers shown", default: "10" },
    "top-templates": {
      type: "string",
      value: "N",
      help: "templates tried per product",
      default: "50",
    },
    "runs-dir": { type: "string", value: "DIR", help: "train: run store root", default: "runs" },
    out: { type: "string", value: "FILE", help: "eval: also write the result JSON here" },
    "save-run": {
      type: "boolean",
      help: "predict: store the answers with RDKit drawings as a run (dashboard)",
    },
  },
};

function int(p: Parsed, name: string, min: number, fallback?: number): number | undefined {
  const v = numberFlag(p, name, "retro");
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min) {
    throw new UsageError(`retro: --${name} expects an integer >= ${min}, got '${p.values[name]}'`);
  }
  return v;
}

function str(p: Parsed, name: string): string {
  const v = p.values[name] ?? RETRO_SPEC.flags[name].default;
  if (typeof v !== "string" || v === "") throw new UsageError(`retro: --${name} expects a value`);
  return v;
}

async function requireFile(path: string, what: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch {
    throw new ConfigError(
      `retro: ${what} '${path}' not found${
        what.includes("model") ? " (run 'retro prepare' and 'retro train' first)" : ""
      }`,
    );
  }
}

/**
 * Trains into `run` (kind `retro`): `backward_loss` holds one row per finished backward epoch
 * (rewritten from the folder's checkpoint when the run starts or resumes); the model files go
 * to `<dir>/model/`; the run ends `done` with the summary, or `failed` with the reason.
 */
async function trainRetroRun(
  run: RunWriter,
  dir: string,
  cfg: RetroTrainConfig,
  p: Parsed,
  io: CliIo,
): Promise<void> {
  const json = Boolean(p.values.json);
  const bars = (label: string) => json ? () => {} : progressBar(label);
  const A = RETRO_ARRAYS;
  let losses: NpyAppender | undefined;
  try {
    // Rows come from the folder's checkpoint, so none of an earlier attempt are kept.
    losses = await run.appender(A.backwardLoss.name, "f64", [], { keepRows: 0 });
    const app = losses;
    const s = await trainAll(dir, cfg, bars, (line) => io.notice(line), {
      onBackwardLosses: async (rows) => {
        if (rows.length === 0) return;
        await app.append(Float64Array.from(rows), rows.length);
        await app.flush();
      },
    });
    await app.close();
    await run.setSummary({
      examples: s.examples,
      templates: s.templates,
      rerank_recall: s.rerankRecall,
      dual_recall: s.dualRecall,
      w_backward: s.weights.backward,
      w_forward: s.weights.forward,
      w_prior: s.weights.prior,
      w_similarity: s.weights.similarity,
      seconds: Object.values(s.seconds).reduce((a, b) => a + b, 0),
    });
    await run.finish("done");
    io.out(
      json
        ? JSON.stringify({ runId: run.id, ...s })
        : `run ${run.id}\n${JSON.stringify(s, null, 2)}`,
    );
  } catch (e) {
    await losses?.close().catch(() => {});
    await run.finish("failed", failureReason(e)).catch(() => {});
    throw e;
  }
}

/** What a `retro train` run records as its configuration (and `runs resume` reads back). */
const RetroRunConfig = RetroTrainConfig.extend({
  kind: z.literal("retro"),
  dir: z.string().min(1),
});

/**
 * `runs resume <id>` for a `retro` run: continues training from the prepared folder's
 * checkpoint (the backward model after its last finished epoch, the cached candidates). A
 * checkpoint written by other code is refused before the run is touched.
 */
export async function resumeRetro(
  store: RunStore,
  manifest: RunManifest,
  parsed: Parsed,
  io: CliIo,
): Promise<number> {
  const { kind: _k, dir, ...cfg } = parseConfig(
    RetroRunConfig,
    manifest.config,
    `run '${manifest.id}' configuration`,
  );
  await requireFile(`${dir}/library.json`, "template library");
  const written = await backwardCheckpointVersion(dir);
  const current = await codeVersion();
  if (written !== null && written !== current) {
    throw new ConfigError(
      `run '${manifest.id}' was written by code version ${written}, this is ${current}: ` +
        `resuming would not reproduce its bits (start a new run instead)`,
    );
  }
  const run = await store.resume(manifest.id);
  io.notice(`resuming run ${manifest.id} from ${dir}/model/`);
  await trainRetroRun(run, dir, cfg, parsed, io);
  return 0;
}

/** Runs `retro`. Returns the process exit code. */
export async function retroCommand(p: Parsed, argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = p.positionals;
  const json = Boolean(p.values.json);
  const bars = (label: string) => json ? () => {} : progressBar(label);
  const dir = str(p, "dir");
  if (sub === "prepare") {
    if (rest.length) throw new UsageError(`retro prepare: unexpected argument '${rest[0]}'`);
    const summary = await prepare(dir, str(p, "train"), {
      limit: int(p, "limit", 1),
      mapTimeoutMs: int(p, "map-timeout", 1),
      radius: int(p, "radius", 0),
      progress: bars,
    });
    io.out(
      json
        ? JSON.stringify(summary)
        : Object.entries(summary).map(([k, v]) => `${k.padEnd(20)} ${v}`).join("\n"),
    );
    return 0;
  }
  if (sub === "train") {
    if (rest.length) throw new UsageError(`retro train: unexpected argument '${rest[0]}'`);
    await requireFile(`${dir}/library.json`, "template library");
    const seed = int(p, "seed", 0, 0)!;
    const dropout = numberFlag(p, "dropout", "retro train") ?? 0;
    if (dropout < 0 || dropout >= 1) {
      throw new UsageError(`retro train: --dropout expects a number in [0, 1), got ${dropout}`);
    }
    const cfg = RetroTrainConfig.parse({
      backward: {
        epochs: int(p, "epochs", 1, 4),
        hidden: int(p, "hidden", 1, 256),
        dropout,
        seed,
      },
      scorer: { seed },
      rerankProducts: int(p, "rerank-products", 0, 4000),
      dualProducts: int(p, "dual-products", 0, 1500),
      topTemplates: int(p, "top-templates", 1, 50),
      agreement: numberFlag(p, "agreement", "retro") ?? 0.1,
      seed,
    });
    const store = new RunStore(str(p, "runs-dir"));
    const run = await startRun(store, "retro", {
      command: ["retro", ...argv],
      config: { kind: "retro", dir, ...cfg },
      seed,
      backend: "cpu",
    });
    await trainRetroRun(run, dir, cfg, p, io);
    return 0;
  }
  if (sub === "predict") {
    if (rest.length !== 1) {
      throw new UsageError(`retro predict: expected one product SMILES, got ${rest.length}`);
    }
    await requireFile(`${dir}/model/backward.bin`, "trained model");
    const RDKit = await loadRdkit();
    const model = await RetroModel.load(RDKit, dir);
    try {
      const pred = model.predict(rest[0], { topTemplates: int(p, "top-templates", 1, 50) });
      const top = int(p, "top", 1, 10)!;
      const ranked = pred.ranked.slice(0, top);
      if (p.values["save-run"]) {
        const id = await savePredictionRun(
          str(p, "runs-dir"),
          argv,
          dir,
          { ...pred, ranked },
          model,
        );
        io.notice(`saved run ${id}`);
      }
      if (json) io.out(JSON.stringify({ ...pred, ranked }));
      else if (ranked.length === 0) io.out(`${pred.product}: no candidates (${pred.reason})`);
      else {
        const lines = ranked.map((r, i) =>
          `${String(i + 1).padStart(3)}  ${r.energy.toFixed(3).padStart(8)}  ${
            r.logPb.toFixed(3).padStart(8)
          }  ${r.similarity.toFixed(3).padStart(8)}  ${r.forward.toFixed(3).padStart(8)}  ${
            r.prior.toFixed(3).padStart(8)
          }  ${r.reactants}`
        );
        io.out(
          `product ${pred.product}\nrank    energy  log p_b  similar.   forward     prior  reactants\n${
            lines.join("\n")
          }`,
        );
      }
    } catch (e) {
      if (e instanceof InvalidSmilesError) throw new UsageError(`retro predict: ${e.message}`);
      throw e;
    } finally {
      model.dispose();
    }
    return 0;
  }
  if (sub === "eval") {
    await requireFile(`${dir}/model/backward.bin`, "trained model");
    const res = await evaluate(dir, str(p, "split"), {
      limit: int(p, "limit", 1),
      topTemplates: int(p, "top-templates", 1, 50),
      progress: bars,
    });
    if (typeof p.values.out === "string") {
      await Deno.writeTextFile(p.values.out, JSON.stringify(res, null, 2));
    }
    io.out(json ? JSON.stringify(res) : evalTable(res));
    return 0;
  }
  if (sub === "agreement") {
    const res = await mappingAgreement(
      str(p, "split"),
      int(p, "limit", 1, 100)!,
      int(p, "map-timeout", 1, 1000),
    );
    io.out(
      json
        ? JSON.stringify(res)
        : Object.entries(res).map(([k, v]) => `${k.padEnd(16)} ${v}`).join("\n"),
    );
    return 0;
  }
  throw new UsageError(
    `retro: expected prepare, train, predict "SMILES", eval or agreement, got '${sub ?? ""}'`,
  );
}

/** Stores a prediction with RDKit SVGs as a run that the dashboard draws (web/components/retro_view.tsx). */
async function savePredictionRun(
  root: string,
  argv: string[],
  dir: string,
  pred: Prediction,
  model: RetroModel,
): Promise<string> {
  const run = await new RunStore(root).create({
    command: ["retro", ...argv],
    config: { kind: "retro-predict", dir, smiles: pred.product },
    seed: 0,
    backend: "cpu",
  });
  const view = {
    product: pred.product,
    productSvg: moleculeSvg(model.RDKit, pred.product, 360, 240),
    reason: pred.reason,
    weights: model.weights,
    ranked: pred.ranked.map((r) => ({
      ...r,
      svg: moleculeSvg(model.RDKit, r.reactants, 360, 200),
    })),
  };
  await writeFileAtomic(`${run.dir}/retro_prediction.json`, JSON.stringify(view));
  await run.setSummary({ model: "retro", product: pred.product, answers: pred.ranked.length });
  await run.finish("done");
  return run.id;
}

/** Markdown table of an evaluation. */
export function evalTable(r: EvalResult): string {
  const pct = (x: number) => (100 * x).toFixed(1);
  const rows = Object.entries(r.topk).map(([name, t]) =>
    `| ${name} | ${pct(t.top1)} | ${pct(t.top3)} | ${pct(t.top5)} | ${pct(t.top10)} |`
  );
  return [
    `n = ${r.n}; proposal recall ${pct(r.proposalRecall)} %; template coverage ${
      pct(r.coverage)
    } %; ${r.msPerProduct.toFixed(0)} ms/product`,
    "| ranker | top-1 | top-3 | top-5 | top-10 |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
