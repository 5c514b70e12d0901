/**
 * `cli.ts sample`: run a discrete sampler on a model and store the run.
 * @module
 */
import { parseConfig } from "../io/config.ts";
import { SampleConfig } from "../samplers/sample_config.ts";
import { RunStore } from "../io/run_store.ts";
import { resolveBackend, type ResolvedBackend } from "../gpu/mod.ts";
import { dirname, resolve } from "node:path";
import { loadDiscreteModel, MODEL_NAMES, modelHelp } from "../models/discrete/registry.ts";
import { buildSampler, SAMPLER_NAMES, samplerHelp } from "../samplers/registry.ts";
import { gpuLimitReason, type RunResult } from "../samplers/engine.ts";
import type { RunManifest } from "../io/manifest.ts";
import { readCheckpoint } from "../runs/checkpoint.ts";
import { type CommandSpec, indentLines, numberFlag, type Parsed, UsageError } from "./args.ts";
import { readConfigFile } from "./config_file.ts";
import { progressBar } from "./progress.ts";
import { sampleToStore, streamSample } from "./store_sample.ts";
import type { CliIo } from "./io.ts";

/** The `sample` command's flags. */
export const SAMPLE_SPEC: CommandSpec = {
  name: "sample",
  summary: "Sample a discrete model with many chains and store the run.",
  usage: "cli.ts sample --model bernoulli --sampler rwm [--chains N --steps N ...] [--config FILE]",
  details: () => `Models:\n${indentLines(modelHelp())}\nSamplers:\n${indentLines(samplerHelp())}`,
  flags: {
    config: { type: "string", value: "FILE", help: "JSON run configuration (flags override it)" },
    model: {
      type: "string",
      value: "NAME",
      help: MODEL_NAMES.join(" | "),
    },
    sampler: { type: "string", value: "NAME", help: `${SAMPLER_NAMES.join(" | ")}` },
    set: {
      type: "string",
      multiple: true,
      value: "PATH=V",
      help: "set any config field, e.g. model.size=10 sampler.balancing=ratio (repeatable)",
    },
    chains: { type: "string", value: "N", help: "parallel chains", default: "100" },
    steps: { type: "string", value: "N", help: "steps per chain", default: "1000" },
    seed: { type: "string", value: "N", help: "chain random seed", default: "0" },
    beta: { type: "string", value: "X", help: "inverse temperature", default: "1" },
    "burn-in": { type: "string", value: "F", help: "burn-in fraction", default: "0.5" },
    adapt: { type: "string", value: "MODE", help: "burn-in | always | off", default: "burn-in" },
    backend: { type: "string", value: "B", help: "auto | webgpu | cpu", default: "auto" },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
  },
};

/** Applies one `--set path=value` (value parsed as JSON when it can be, else a string). */
export function applySet(
  raw: Record<string, unknown>,
  assignment: string,
  command = "sample",
): void {
  const eq = assignment.indexOf("=");
  const path = eq > 0 ? assignment.slice(0, eq).split(".") : [];
  if (eq <= 0 || path.some((p) => !/^[A-Za-z][A-Za-z0-9]*$/.test(p))) {
    throw new UsageError(
      `${command}: --set expects PATH=VALUE like model.size=10, got '${assignment}'`,
    );
  }
  const text = assignment.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // a bare word such as ratio stays a string
  }
  let node = raw;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Merges flags over a config file's content into the raw (unvalidated) configuration. */
export async function sampleConfigFrom(
  parsed: Parsed,
): Promise<{ raw: Record<string, unknown>; source: string }> {
  const v = parsed.values;
  const raw: Record<string, unknown> = v.config
    ? await readConfigFile(String(v.config), "sample", "model, sampler, chains, ...")
    : {};
  const source = v.config ? String(v.config) : "flags";
  const num = (flag: string) => numberFlag(parsed, flag, "sample");
  const model = { ...(raw.model as Record<string, unknown> ?? {}) };
  const sampler = { ...(raw.sampler as Record<string, unknown> ?? {}) };
  if (v.model !== undefined) model.name = v.model;
  if (v.sampler !== undefined) sampler.name = v.sampler;
  if (model.name === undefined) model.name = "bernoulli";
  if (sampler.name === undefined) sampler.name = "rwm";
  raw.model = model;
  raw.sampler = sampler;
  const direct: [string, string][] = [
    ["chains", "chains"],
    ["steps", "steps"],
    ["seed", "seed"],
    ["beta", "beta"],
    ["burn-in", "burnInFraction"],
  ];
  for (const [flag, field] of direct) if (v[flag] !== undefined) raw[field] = num(flag);
  if (v.adapt !== undefined) raw.adapt = v.adapt;
  if (v.backend !== undefined) raw.backend = v.backend;
  for (const assignment of (v.set as string[] | undefined) ?? []) applySet(raw, assignment);
  return { raw, source };
}

/** Runs `sample`. Returns the process exit code. */
export async function sampleCommand(parsed: Parsed, argv: string[], io: CliIo): Promise<number> {
  const { raw, source } = await sampleConfigFrom(parsed);
  const cfg = parseConfig(SampleConfig, raw, source);
  const baseDir = parsed.values.config ? dirname(String(parsed.values.config)) : ".";
  const model = await loadDiscreteModel(cfg.model, baseDir);
  const sampler = buildSampler(cfg.sampler);
  sampler.checkModel?.(model); // e.g. sw's lambda >= 0: refused before any run is stored
  let backend = await resolveBackend(cfg.backend, io.notice);
  const limit = backend.gpu ? gpuLimitReason(model, sampler, backend.gpu) : null;
  if (limit && cfg.backend === "webgpu") throw new UsageError(`--backend webgpu: ${limit}`);
  if (limit) {
    io.notice(`notice: ${limit}; running on the CPU backend`);
    backend = { kind: "cpu", gpu: null };
  }
  const onProgress = parsed.values.json ? undefined : progressBar("sampling");
  const store = new RunStore(String(parsed.values["runs-dir"] ?? "runs"));
  // The run is created before the first step and receives every block as it finishes.
  const stored = { ...cfg, resolvedBaseDir: resolve(baseDir) };
  const { id, result } = await sampleToStore(store, argv, stored, model, sampler, backend, {
    ...cfg,
    onProgress,
  });
  report(io, parsed, store, id, result, backend, model.name, sampler.name);
  return 0;
}

/**
 * Continues a stored `sample` run from its last checkpoint (`runs resume`): the same model,
 * sampler and options from its manifest, the remaining blocks with the uninterrupted run's bits.
 */
export async function resumeSample(
  store: RunStore,
  manifest: RunManifest,
  parsed: Parsed,
  io: CliIo,
): Promise<number> {
  const { resolvedModel: _m, resolvedSampler: _s, resolvedBaseDir, ...raw } = manifest.config;
  const cfg = parseConfig(SampleConfig, raw, `run '${manifest.id}' configuration`);
  const model = await loadDiscreteModel(cfg.model, String(resolvedBaseDir ?? "."));
  const sampler = buildSampler(cfg.sampler);
  const from = await readCheckpoint(store.runDir(manifest.id), manifest.id);
  let backend = await resolveBackend(cfg.backend, io.notice);
  if (backend.gpu && gpuLimitReason(model, sampler, backend.gpu)) {
    backend = { kind: "cpu", gpu: null };
  }
  const run = await store.resume(manifest.id);
  const onProgress = parsed.values.json ? undefined : progressBar("sampling");
  const { result } = await streamSample(run, model, sampler, backend, { ...cfg, onProgress }, from);
  io.notice(`resumed run ${manifest.id} at step ${from?.meta.step ?? 0} of ${cfg.steps}`);
  report(io, parsed, store, manifest.id, result, backend, model.name, sampler.name);
  return 0;
}

function report(
  io: CliIo,
  parsed: Parsed,
  store: RunStore,
  id: string,
  result: RunResult,
  backend: ResolvedBackend,
  modelName: string,
  samplerName: string,
): void {
  const model = { name: modelName }, sampler = { name: samplerName };
  const summary = {
    run: id,
    backend: result.backend,
    adapter: backend.gpu?.adapter.description ?? null,
    model: model.name,
    sampler: sampler.name,
    chains: result.chains,
    steps: result.steps,
    seconds: result.seconds,
    stepsPerSecond: result.steps / result.seconds,
    meanAcceptance: result.acceptance.reduce((a, b) => a + b, 0) / result.chains,
    energyEvals: result.energyEvals,
    ...(result.exchange ? { exchange: result.exchange } : {}),
  };
  if (parsed.values.json) io.out(JSON.stringify(summary));
  else {
    io.out(
      `run ${id}: ${model.name} x ${sampler.name} on ${result.backend}` +
        `${backend.gpu ? ` (${backend.gpu.adapter.description})` : ""}\n` +
        `  ${result.chains} chains x ${result.steps} steps in ${result.seconds.toFixed(2)} s ` +
        `(${summary.stepsPerSecond.toFixed(0)} steps/s), mean acceptance ${
          summary.meanAcceptance.toFixed(3)
        }\n${exchangeLines(result.exchange)}  stored in ${store.root}/${id}/`,
    );
  }
}

/** Parallel tempering's final ladder and swap rates, for the text summary. */
function exchangeLines(ex: Record<string, unknown> | undefined): string {
  if (!ex) return "";
  const list = (v: unknown) => (v as number[]).map((x) => x.toFixed(3)).join(" ");
  return `  ladder ${list(ex.ladder)}; swap rates ${list(ex.swapRates)}\n`;
}
