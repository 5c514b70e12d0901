/**
 * `cli.ts simulate`: trajectory ensembles of a continuous system, optionally embedded in D
 * dimensions with white or OU noise, stored with their ground-truth basin labels.
 * @module
 */
import { ConfigError, parseConfig } from "../io/config.ts";
import { RunStore } from "../io/run_store.ts";
import { resolveBackend } from "../gpu/mod.ts";
import { SimulateConfig } from "../dynamics/config.ts";
import { simulateToRun, streamSimulate } from "../runs/simulate.ts";
import { readCheckpoint } from "../runs/checkpoint.ts";
import type { RunManifest } from "../io/manifest.ts";
import { acquireGpu } from "../gpu/mod.ts";
import { continuousSystems } from "../models/continuous/registry.ts";
import { type CommandSpec, numberFlag, type Parsed, UsageError } from "./args.ts";
import { applySet } from "./sample.ts";
import { readConfigFile } from "./config_file.ts";
import type { CliIo } from "./io.ts";

/** The `simulate` command's flags. */
export const SIMULATE_SPEC: CommandSpec = {
  name: "simulate",
  summary: "Simulate Langevin trajectories of a continuous system and store them with labels.",
  usage: "cli.ts simulate --system muller-brown [--dim 100 --noise ou --starts 20 " +
    "--trajectories 512 --frames 200] [--config FILE]",
  flags: {
    config: { type: "string", value: "FILE", help: "JSON simulate configuration" },
    system: {
      type: "string",
      value: "NAME",
      help: `one of ${Object.keys(continuousSystems).join(", ")}`,
    },
    dim: { type: "string", value: "D", help: "ambient dimension (embedding when > system's)" },
    noise: { type: "string", value: "KIND", help: "white | ou", default: "white" },
    "noise-sigma": { type: "string", value: "X", help: "embedding noise scale", default: "0.1" },
    "noise-tau": { type: "string", value: "F", help: "OU correlation time in frames" },
    starts: { type: "string", value: "K", help: "K random start states in the system's box" },
    trajectories: { type: "string", value: "N", help: "trajectories per start", default: "16" },
    frames: { type: "string", value: "N", help: "saved frames", default: "100" },
    stride: { type: "string", value: "N", help: "steps between frames", default: "100" },
    dt: { type: "string", value: "X", help: "time step", default: "0.001" },
    beta: { type: "string", value: "X", help: "inverse temperature", default: "1" },
    integrator: { type: "string", value: "I", help: "euler-maruyama | baoab" },
    seed: { type: "string", value: "N", help: "random seed", default: "0" },
    backend: { type: "string", value: "B", help: "auto | webgpu | cpu", default: "auto" },
    set: {
      type: "string",
      multiple: true,
      value: "PATH=V",
      help: "set any config field, e.g. systemOptions.scale=0.1 (repeatable)",
    },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
  },
};

/**
 * The validated `simulate` configuration of the flags over a `--config` file (bad values and
 * unknown systems are one-line input errors).
 */
export async function simulateConfigFrom(parsed: Parsed): Promise<SimulateConfig> {
  const v = parsed.values;
  const raw: Record<string, unknown> = v.config
    ? await readConfigFile(String(v.config), "simulate", "system, starts, frames, ...")
    : {};
  const num = (flag: string) => numberFlag(parsed, flag, "simulate");
  const numeric: [string, string][] = [
    ["dim", "dim"],
    ["noise-sigma", "noiseSigma"],
    ["noise-tau", "noiseTau"],
    ["trajectories", "trajectories"],
    ["frames", "frames"],
    ["stride", "stride"],
    ["dt", "dt"],
    ["beta", "beta"],
    ["seed", "seed"],
  ];
  for (const [flag, field] of numeric) if (v[flag] !== undefined) raw[field] = num(flag);
  if (v.system !== undefined) raw.system = v.system;
  if (v.noise !== undefined) raw.noise = v.noise;
  if (v.integrator !== undefined) raw.integrator = v.integrator;
  if (v.backend !== undefined) raw.backend = v.backend;
  if (v.starts !== undefined) raw.starts = { random: num("starts") };
  for (const assignment of (v.set as string[] | undefined) ?? []) {
    applySet(raw, assignment, "simulate");
  }
  if (raw.system === undefined) {
    throw new UsageError("simulate: --system is required (or 'system' in --config)");
  }
  raw.starts ??= { random: 4 };
  const source = v.config ? String(v.config) : "flags";
  const cfg = parseConfig(SimulateConfig, raw, source);
  if (!(cfg.system in continuousSystems)) {
    throw new ConfigError(
      `${source}: system: unknown '${cfg.system}', expected one of ${
        Object.keys(continuousSystems).join(", ")
      }`,
    );
  }
  if (cfg.trajectoryRange) {
    const [a, b] = cfg.trajectoryRange;
    const starts = Array.isArray(cfg.starts) ? cfg.starts.length : cfg.starts.random;
    if (!(a < b && b <= starts * cfg.trajectories)) {
      throw new ConfigError(
        `${source}: trajectoryRange [${a}, ${b}): expected a non-empty range within [0, ${
          starts * cfg.trajectories
        })`,
      );
    }
  }
  return cfg;
}

/** Runs `simulate`. Returns the exit code. */
export async function simulateCommand(
  parsed: Parsed,
  argv: string[],
  io: CliIo,
): Promise<number> {
  const v = parsed.values;
  const cfg = await simulateConfigFrom(parsed);
  const backend = await resolveBackend(cfg.backend, io.notice);
  const store = new RunStore(String(v["runs-dir"] ?? "runs"));
  let result;
  try {
    result = await simulateToRun(store, cfg, backend.gpu, { command: ["simulate", ...argv] });
  } catch (e) {
    // Bad system options surface as plain errors from the factories: they are input errors.
    if (/expected|must be/.test((e as Error).message)) throw new ConfigError((e as Error).message);
    throw e;
  }
  const summary = { run: result.runId, backend: backend.kind, ...result };
  if (v.json) io.out(JSON.stringify(summary));
  else {
    io.out(
      `run ${result.runId}: ${cfg.system} on ${backend.kind}, ${result.trajectories} trajectories` +
        ` x ${result.frames} frames in ${result.seconds.toFixed(2)} s` +
        ` (core dim ${result.coreDim}, ambient ${result.ambientDim})\n  stored in ${store.root}/${result.runId}/`,
    );
  }
  return 0;
}

/**
 * Continues a stored `simulate` run (`runs resume`): its configuration comes from the manifest,
 * the integrator and the OU embedding restart from the checkpoint on the backend that wrote it,
 * so the arrays equal the uninterrupted run's.
 */
export async function resumeSimulate(
  store: RunStore,
  manifest: RunManifest,
  parsed: Parsed,
  io: CliIo,
): Promise<number> {
  const cfg = parseConfig(SimulateConfig, manifest.config, `run '${manifest.id}' configuration`);
  let gpu = null;
  if (manifest.backend === "webgpu") {
    gpu = await acquireGpu();
    if (!gpu) {
      throw new UsageError(
        `runs resume: run '${manifest.id}' ran on webgpu and no WebGPU adapter is available: ` +
          `its bits need the same backend`,
      );
    }
  }
  const from = await readCheckpoint(store.runDir(manifest.id), manifest.id);
  const run = await store.resume(manifest.id);
  const result = await streamSimulate(run, cfg, gpu, from, { command: manifest.command });
  io.notice(
    `resumed run ${manifest.id} at step ${from?.meta.step ?? 0} of ${cfg.frames + 1} frames`,
  );
  const summary = { run: result.runId, backend: gpu ? "webgpu" : "cpu", ...result };
  if (parsed.values.json) io.out(JSON.stringify(summary));
  else {
    io.out(
      `run ${result.runId}: ${cfg.system} resumed, ${result.trajectories} trajectories x ` +
        `${result.frames} frames\n  stored in ${store.root}/${result.runId}/`,
    );
  }
  return 0;
}
