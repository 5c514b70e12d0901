/**
 * `cli.ts lm train|sample|study`: character- or byte-level language models (Llama-style baseline
 * and the CEM layers of arXiv 2605.07588) trained into the run store.
 *
 * - `lm train --arch llama|cem [--variant V] [--text FILE] [--set key=value ...]`: a new run;
 *   `lm train --resume ID` continues an unfinished or killed run from its checkpoint.
 * - `lm sample --run ID [--prompt TEXT --length N --temperature T --top-k K --seed S]`.
 * - `lm study [--set key=value ...] [--seeds N] [--variants a,b]`: the variant grid as stored,
 *   resumable runs, then `docs/results/cem.md` recomputed from the stored runs.
 * @module
 */
import { parseConfig } from "../io/config.ts";
import { RunStore } from "../io/run_store.ts";
import { loadTf } from "../nn/tf.ts";
import {
  loadForSampling,
  resumeLm,
  sampleFromCheckpoint,
  TrainConfigSchema,
  trainLm,
  type TrainResult,
} from "../lm/train.ts";
import type { RunManifest } from "../io/manifest.ts";
import { runStudy } from "../lm/study.ts";
import { type CommandSpec, type Parsed, UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";

/** The `lm` command's flags. */
export const LM_SPEC: CommandSpec = {
  name: "lm",
  summary: "Train, sample and compare language models (Llama-style baseline vs CEM layers).",
  usage: "cli.ts lm train --arch llama|cem [--set key=value ...] | lm train --resume ID | " +
    "lm sample --run ID | lm study [--out docs/results/cem.md]",
  allowPositionals: true,
  flags: {
    arch: { type: "string", value: "A", help: "llama | cem (train; checked against a checkpoint)" },
    variant: {
      type: "string",
      value: "V",
      help: "study variant, e.g. tied_attn, cem_t2, full_cem",
    },
    text: { type: "string", value: "FILE", help: "UTF-8 training text (default tinyshakespeare)" },
    tokenizer: { type: "string", value: "K", help: "char | byte (byte reports bits per byte)" },
    set: {
      type: "string",
      multiple: true,
      value: "K=V",
      help: "config field, e.g. dModel=128, block.steps=2",
    },
    resume: { type: "string", value: "ID", help: "continue an unfinished run from its checkpoint" },
    run: { type: "string", value: "ID", help: "sample: the run to load" },
    prompt: { type: "string", value: "TEXT", help: "sample: text to continue", default: "\n" },
    length: { type: "string", value: "N", help: "sample: tokens to generate", default: "300" },
    temperature: {
      type: "string",
      value: "T",
      help: "sample: softmax temperature",
      default: "0.8",
    },
    "top-k": {
      type: "string",
      value: "K",
      help: "sample: keep the K likeliest tokens (0: all)",
      default: "10",
    },
    seed: {
      type: "string",
      value: "N",
      help: "train: seed (same as --set seed=N); sample: draw seed",
    },
    seeds: { type: "string", value: "N", help: "study: seeds per cell", default: "3" },
    variants: {
      type: "string",
      value: "LIST",
      help: "study: comma-separated variants (default all)",
    },
    settings: {
      type: "string",
      value: "LIST",
      help: "study: same_width,matched",
      default: "same_width,matched",
    },
    out: {
      type: "string",
      value: "FILE",
      help: "study: results page",
      default: "docs/results/cem.md",
    },
    "report-only": { type: "boolean", help: "study: recompute the page from stored runs only" },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
  },
};

/** Parses `key=value` pairs into a nested object (numbers, booleans and strings). */
export function parseSets(sets: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`lm: --set expects key=value, got '${s}'`);
    const key = s.slice(0, eq), text = s.slice(eq + 1);
    let value: unknown = text;
    if (text === "true" || text === "false") value = text === "true";
    else if (text.trim() !== "" && Number.isFinite(Number(text))) value = Number(text);
    const path = key.split(".");
    let obj = out;
    for (const p of path.slice(0, -1)) {
      obj[p] ??= {};
      if (typeof obj[p] !== "object") {
        throw new UsageError(`lm: --set ${key}: '${p}' is not a group`);
      }
      obj = obj[p] as Record<string, unknown>;
    }
    obj[path[path.length - 1]] = value;
  }
  return out;
}

function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

function num(p: Parsed, name: string, fallback: number, integer: boolean, min: number): number {
  const raw = str(p, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) {
    throw new UsageError(
      `lm: --${name} expects ${integer ? "an integer" : "a number"} >= ${min}, got '${raw}'`,
    );
  }
  return v;
}

/** The training config from flags (`--set` first, then the named flags). */
export function trainConfigFromFlags(p: Parsed): ReturnType<typeof TrainConfigSchema.parse> {
  const raw = parseSets((p.values.set as string[] | undefined) ?? []);
  const arch = str(p, "arch");
  if (arch !== undefined && arch !== "llama" && arch !== "cem") {
    throw new UsageError(`lm train: --arch expects llama or cem, got '${arch}'`);
  }
  if (arch) raw.arch = arch;
  for (const k of ["variant", "text", "tokenizer"]) if (str(p, k) !== undefined) raw[k] = str(p, k);
  if (str(p, "seed") !== undefined) raw.seed = num(p, "seed", 0, true, 0);
  return parseConfig(TrainConfigSchema, raw, "lm train");
}

function reportTrain(io: CliIo, json: boolean, result: TrainResult): void {
  if (json) io.out(JSON.stringify(result));
  else {
    io.out(
      `run ${result.runId}: ${result.steps} steps, validation ${result.valBits.toFixed(4)} ` +
        `bits/${result.unit}, ${Math.round(result.tokensPerSecond)} tokens/s\n\n${result.sample}`,
    );
  }
}

/**
 * `runs resume <id>` for an `lm` run: the same as `lm train --resume <id>` (checkpoint of the
 * same code, or from step 0 when the run stopped before its first checkpoint).
 */
export async function resumeLmRun(
  store: RunStore,
  manifest: RunManifest,
  parsed: Parsed,
  io: CliIo,
): Promise<number> {
  const json = Boolean(parsed.values.json);
  const result = await resumeLm(store, manifest.id, {
    command: manifest.command,
    log: json ? undefined : (line: string) => io.notice(line),
  });
  io.notice(`resumed run ${manifest.id} to step ${result.steps}`);
  reportTrain(io, json, result);
  return 0;
}

/** Runs `lm`. Returns the exit code. */
export async function lmCommand(parsed: Parsed, argv: string[], io: CliIo): Promise<number> {
  const [sub, ...extra] = parsed.positionals;
  if (extra.length > 0 || !["train", "sample", "study"].includes(sub ?? "")) {
    throw new UsageError(
      `lm: expected 'lm train', 'lm sample' or 'lm study', got '${parsed.positionals.join(" ")}'`,
    );
  }
  const store = new RunStore(str(parsed, "runs-dir") ?? "runs");
  const json = Boolean(parsed.values.json);
  const log = json ? undefined : (line: string) => io.notice(line);
  if (sub === "train") {
    const resume = str(parsed, "resume");
    const result = resume !== undefined
      ? await resumeLm(store, resume, { command: ["lm", ...argv], log, arch: str(parsed, "arch") })
      : await trainLm(store, trainConfigFromFlags(parsed), { command: ["lm", ...argv], log });
    reportTrain(io, json, result);
    return 0;
  }
  if (sub === "sample") {
    const id = str(parsed, "run");
    if (id === undefined) throw new UsageError("lm sample: --run ID is required");
    const opts = {
      length: num(parsed, "length", 300, true, 1),
      temperature: num(parsed, "temperature", 0.8, false, 1e-6),
      topK: num(parsed, "top-k", 10, true, 0),
      seed: num(parsed, "seed", 0, true, 0),
    };
    const { checkpoint } = await loadForSampling(store, id, str(parsed, "arch"));
    const tf = await loadTf("wasm");
    const text = await sampleFromCheckpoint(tf, checkpoint, str(parsed, "prompt") ?? "\n", opts);
    io.out(json ? JSON.stringify({ run: id, text }) : text);
    return 0;
  }
  const variants = str(parsed, "variants")?.split(",").filter(Boolean);
  const settings = (str(parsed, "settings") ?? "same_width,matched").split(",").filter(Boolean);
  for (const s of settings) {
    if (s !== "same_width" && s !== "matched") {
      throw new UsageError(`lm study: --settings expects same_width and/or matched, got '${s}'`);
    }
  }
  await runStudy(store, {
    base: parseSets((parsed.values.set as string[] | undefined) ?? []),
    seeds: num(parsed, "seeds", 3, true, 1),
    variants,
    settings: settings as ("same_width" | "matched")[],
    out: str(parsed, "out") ?? "docs/results/cem.md",
    reportOnly: Boolean(parsed.values["report-only"]),
    command: ["lm", ...argv],
    log: (line) => io.notice(line),
  });
  return 0;
}
