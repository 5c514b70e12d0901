/**
 * `cli.ts solve`: combinatorial optimisation by annealed sampling. Loads a graph file (DIMACS,
 * edge list, METIS, CNF) or generates one (Erdos-Renyi, Barabasi-Albert), poses MIS, max
 * clique, max-cut or balanced partition on it, anneals a sampler, and stores the run: the
 * objective per chain and step, the best-so-far over steps and time, and the best solution.
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError, parseConfig } from "../io/config.ts";
import { RunStore } from "../io/run_store.ts";
import { type GpuContext, resolveBackend } from "../gpu/mod.ts";
import { buildSampler, SAMPLER_NAMES, samplerHelp } from "../samplers/registry.ts";
import { gpuLimitReason } from "../samplers/engine.ts";
import {
  generateGraph,
  type Graph,
  GraphFormatError,
  loadGraph,
  numEdges,
} from "../models/co/mod.ts";
import type { CoProblem } from "../models/co/problem.ts";
import { coSamplerConfig, withLoopCost } from "../co/solve.ts";
import { SolveConfig } from "../co/config.ts";
import { CO_PROBLEM_NAMES, problemOf } from "../co/problems.ts";
import { solveToRun, streamSolve } from "../runs/solve.ts";
import { readCheckpoint } from "../runs/checkpoint.ts";
import type { RunManifest } from "../io/manifest.ts";
import type { SolveResult } from "../co/solve.ts";
import { type CommandSpec, indentLines, numberFlag, type Parsed, UsageError } from "./args.ts";
import { readConfigFile } from "./config_file.ts";
import { progressBar } from "./progress.ts";
import type { CliIo } from "./io.ts";

export { SolveConfig };

/** The `solve` command's flags. */
export const SOLVE_SPEC: CommandSpec = {
  name: "solve",
  summary: "Solve MIS / max clique / max-cut / partition by annealed sampling and store the run.",
  usage: "cli.ts solve --problem mis (--graph FILE | --generate er|ba --nodes N ...) " +
    "[--sampler pas --chains 32 --steps N ...] [--config FILE]",
  details: () => `Samplers:\n${indentLines(samplerHelp())}`,
  flags: {
    config: { type: "string", value: "FILE", help: "JSON solve configuration (flags override)" },
    problem: { type: "string", value: "P", help: CO_PROBLEM_NAMES.join(" | ") },
    graph: { type: "string", value: "FILE", help: "graph file (.col/.clq, .graph, .cnf, edges)" },
    format: { type: "string", value: "F", help: "dimacs | edgelist | metis | cnf (default: ext)" },
    base: { type: "string", value: "0|1", help: "node index base of edge lists", default: "0" },
    generate: { type: "string", value: "G", help: "er (Erdos-Renyi) | ba (Barabasi-Albert)" },
    nodes: { type: "string", value: "N|MIN-MAX", help: "nodes of a generated graph" },
    density: { type: "string", value: "P", help: "edge probability of er graphs" },
    m: { type: "string", value: "M", help: "edges per new node of ba graphs" },
    "graph-seed": { type: "string", value: "N", help: "seed of the generated graph", default: "0" },
    parts: { type: "string", value: "K", help: "parts of a balanced partition", default: "3" },
    penalty: { type: "string", value: "X", help: "constraint penalty (default per problem)" },
    sampler: {
      type: "string",
      value: "NAME",
      help: `${SAMPLER_NAMES.join(" | ")}`,
      default: "pas",
    },
    chains: { type: "string", value: "N", help: "parallel chains", default: "32" },
    steps: { type: "string", value: "N", help: "steps per chain", default: "5000" },
    seed: { type: "string", value: "N", help: "chain random seed", default: "0" },
    schedule: { type: "string", value: "S", help: "exp_decay | linear | constant" },
    t0: { type: "string", value: "T", help: "initial temperature", default: "1" },
    decay: { type: "string", value: "R", help: "exp_decay: T(L) = T0 R", default: "0.01" },
    "t-min": { type: "string", value: "T", help: "exp_decay: temperature floor", default: "1e-5" },
    t1: { type: "string", value: "T", help: "linear: final temperature", default: "0.5" },
    reference: {
      type: "string",
      value: "X",
      help: "best known objective (default: exact if small)",
    },
    "log-every": { type: "string", value: "N", help: "steps between counted bests", default: "1" },
    backend: { type: "string", value: "B", help: "auto | webgpu | cpu", default: "auto" },
    "runs-dir": { type: "string", value: "DIR", help: "run store folder", default: "runs" },
  },
};

const FORMATS = ["dimacs", "edgelist", "metis", "cnf"];

function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? { ...v as Record<string, unknown> }
    : {};
}

/** `N` or `MIN-MAX` (DISCS draws n uniformly from a range). */
function nodeRange(text: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(lo >= 1 && hi >= lo && Number.isSafeInteger(hi))) {
    throw new UsageError(`solve: --nodes expects N or MIN-MAX with 1 <= MIN <= MAX, got '${text}'`);
  }
  return [lo, hi];
}

/** Merges the flags over a config file's content into the raw (unvalidated) configuration. */
export async function solveConfigFrom(
  parsed: Parsed,
): Promise<{ raw: Record<string, unknown>; source: string }> {
  const v = parsed.values;
  const raw: Record<string, unknown> = v.config
    ? await readConfigFile(String(v.config), "solve", "problem, graph, sampler, ...")
    : {};
  const source = v.config ? String(v.config) : "flags";
  const num = (flag: string) => numberFlag(parsed, flag, "solve");
  const only = (flag: string, when: boolean, what: string) => {
    if (v[flag] !== undefined && !when) {
      throw new UsageError(`solve: --${flag} applies only to ${what}`);
    }
  };

  const problem = obj(raw.problem);
  if (v.problem !== undefined) {
    if (!CO_PROBLEM_NAMES.includes(String(v.problem))) {
      throw new UsageError(
        `solve: --problem expects ${CO_PROBLEM_NAMES.join(", ")}, got '${v.problem}'`,
      );
    }
    if (problem.name !== v.problem) { for (const k of Object.keys(problem)) delete problem[k]; }
    problem.name = v.problem;
  }
  problem.name ??= "mis";
  only("parts", problem.name === "partition", "--problem partition");
  if (v.parts !== undefined) problem.numParts = num("parts");
  if (v.penalty !== undefined) {
    if (problem.name === "maxcut") {
      throw new UsageError("solve: --penalty does not apply to maxcut");
    }
    problem.penalty = num("penalty");
  }
  raw.problem = problem;

  let graph = obj(raw.graph);
  if (v.graph !== undefined && v.generate !== undefined) {
    throw new UsageError("solve: give either --graph FILE or --generate er|ba, not both");
  }
  if (v.graph !== undefined) {
    if (v.format !== undefined && !FORMATS.includes(String(v.format))) {
      throw new UsageError(`solve: --format expects ${FORMATS.join(", ")}, got '${v.format}'`);
    }
    graph = { kind: "file", path: String(v.graph) };
    if (v.format !== undefined) graph.format = v.format;
    if (v.base !== undefined) graph.base = num("base");
  } else if (v.generate !== undefined) {
    const kind = { er: "erdos_renyi", ba: "barabasi_albert" }[String(v.generate)];
    if (!kind) throw new UsageError(`solve: --generate expects er or ba, got '${v.generate}'`);
    graph = { kind };
  }
  only("format", v.graph !== undefined, "--graph FILE");
  only("base", graph.kind === "file", "--graph FILE");
  only("density", graph.kind === "erdos_renyi", "--generate er");
  only("m", graph.kind === "barabasi_albert", "--generate ba");
  for (const f of ["nodes", "graph-seed"]) only(f, v.generate !== undefined, "--generate er|ba");
  if (v.nodes !== undefined) [graph.nMin, graph.nMax] = nodeRange(String(v.nodes));
  if (v.density !== undefined) graph.p = num("density");
  if (v.m !== undefined) graph.m = num("m");
  if (v["graph-seed"] !== undefined) graph.seed = num("graph-seed");
  if (graph.kind === undefined) {
    throw new UsageError("solve: no graph: give --graph FILE or --generate er|ba --nodes N");
  }
  raw.graph = graph;

  const rawSampler = obj(raw.sampler);
  const samplerName = v.sampler ?? rawSampler.name ?? "pas";
  raw.sampler = samplerName === rawSampler.name
    ? { ...coSamplerConfig(String(samplerName)), ...rawSampler }
    : coSamplerConfig(String(samplerName));

  const schedule = obj(raw.schedule);
  if (v.schedule !== undefined) {
    if (schedule.kind !== v.schedule) { for (const k of Object.keys(schedule)) delete schedule[k]; }
    schedule.kind = v.schedule;
  }
  schedule.kind ??= "exp_decay";
  only("decay", schedule.kind === "exp_decay", "--schedule exp_decay");
  only("t-min", schedule.kind === "exp_decay", "--schedule exp_decay");
  only("t1", schedule.kind === "linear", "--schedule linear");
  const scheduleFlags: [string, string][] = [["t0", "t0"], ["decay", "decay"], ["t-min", "tMin"], [
    "t1",
    "t1",
  ]];
  for (const [flag, field] of scheduleFlags) if (v[flag] !== undefined) schedule[field] = num(flag);
  raw.schedule = schedule;

  const direct: [string, string][] = [
    ["chains", "chains"],
    ["steps", "steps"],
    ["seed", "seed"],
    ["reference", "reference"],
    ["log-every", "logEvery"],
  ];
  for (const [flag, field] of direct) if (v[flag] !== undefined) raw[field] = num(flag);
  if (v.backend !== undefined) raw.backend = v.backend;
  return { raw, source };
}

/** Loads or generates the configured graph; file problems become one-line usage errors. */
async function graphOf(cfg: SolveConfig, baseDir: string): Promise<Graph> {
  const g = cfg.graph;
  if (g.kind !== "file") {
    try {
      return generateGraph(g);
    } catch (e) {
      throw new UsageError(`solve: cannot generate the graph: ${(e as Error).message}`);
    }
  }
  const path = isAbsolute(g.path) || baseDir === "." ? g.path : join(baseDir, g.path);
  try {
    return await loadGraph(path, { format: g.format, base: g.base });
  } catch (e) {
    if (e instanceof GraphFormatError) throw new UsageError(e.message);
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(`solve: graph file ${path}: cannot read it (${(e as Error).name})`);
    }
    if (e instanceof Error && e.name === "InvalidData") {
      throw new UsageError(`solve: graph file ${path}: not UTF-8 text`);
    }
    throw e;
  }
}

/** Picks the backend as `sample` does: CPU fallback (with a notice) on llvmpipe's loop limit. */
export async function backendFor(
  cfg: SolveConfig,
  problem: CoProblem,
  sampler: ReturnType<typeof buildSampler>,
  io: CliIo,
): Promise<GpuContext | null> {
  const backend = await resolveBackend(cfg.backend, io.notice);
  const limit = backend.gpu ? gpuLimitReason(withLoopCost(problem), sampler, backend.gpu) : null;
  if (limit && cfg.backend === "webgpu") throw new UsageError(`--backend webgpu: ${limit}`);
  if (limit) {
    io.notice(`notice: ${limit}; running on the CPU backend`);
    return null;
  }
  return backend.gpu;
}

/** Runs `solve`. Returns the process exit code. */
export async function solveCommand(parsed: Parsed, argv: string[], io: CliIo): Promise<number> {
  if (parsed.positionals.length > 0) {
    throw new UsageError(`solve: unexpected argument '${parsed.positionals[0]}'`);
  }
  const { raw, source } = await solveConfigFrom(parsed);
  const cfg = parseConfig(SolveConfig, raw, source);
  const baseDir = parsed.values.config ? dirname(String(parsed.values.config)) : ".";
  const { graph, problem, sampler } = await solveParts(cfg, baseDir);
  const gpu = await backendFor(cfg, problem, sampler, io);
  const onProgress = parsed.values.json ? undefined : progressBar("annealing");
  const store = new RunStore(String(parsed.values["runs-dir"] ?? "runs"));
  const config = { ...cfg, reference: cfg.reference ?? null, resolvedBaseDir: resolve(baseDir) };
  const { runId: id, result: r } = await solveToRun(store, {
    command: ["solve", ...argv],
    config,
    problem,
    sampler,
    options: { ...solveOptions(cfg), onProgress },
  }, gpu);
  reportSolve(io, parsed, store, id, graph, problem, sampler.name, r, gpu);
  return 0;
}

/** The graph, problem and sampler a validated configuration names. */
export async function solveParts(cfg: SolveConfig, baseDir: string) {
  const graph = await graphOf(cfg, baseDir);
  let problem: CoProblem;
  try {
    problem = problemOf(cfg.problem, graph);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`solve: ${e.message}`);
    throw e;
  }
  return { graph, problem, sampler: buildSampler(cfg.sampler) };
}

/** The solver options of a validated configuration. */
export function solveOptions(cfg: SolveConfig) {
  return {
    chains: cfg.chains,
    steps: cfg.steps,
    seed: cfg.seed,
    schedule: cfg.schedule,
    reference: cfg.reference ?? "exact" as const,
    logEvery: cfg.logEvery,
    blockSteps: cfg.blockSteps,
  };
}

/**
 * Continues a stored `solve` run from its last checkpoint (`runs resume`): the same problem,
 * graph, sampler and schedule from its manifest; the remaining blocks with the uninterrupted
 * run's bits.
 */
export async function resumeSolve(
  store: RunStore,
  manifest: RunManifest,
  parsed: Parsed,
  io: CliIo,
): Promise<number> {
  const {
    resolvedProblem: _p,
    resolvedSampler: _s,
    resolvedBaseDir,
    adapt: _a,
    reference,
    ...rest
  } = manifest.config;
  const raw = { ...rest, ...(reference === null || reference === undefined ? {} : { reference }) };
  const cfg = parseConfig(SolveConfig, raw, `run '${manifest.id}' configuration`);
  const { graph, problem, sampler } = await solveParts(cfg, String(resolvedBaseDir ?? "."));
  const from = await readCheckpoint(store.runDir(manifest.id), manifest.id);
  const gpu = await backendFor(cfg, problem, sampler, io);
  const run = await store.resume(manifest.id);
  const onProgress = parsed.values.json ? undefined : progressBar("annealing");
  const input = {
    command: manifest.command,
    config: manifest.config,
    problem,
    sampler,
    options: { ...solveOptions(cfg), onProgress },
  };
  const r = await streamSolve(run, input, gpu, from);
  io.notice(`resumed run ${manifest.id} at step ${from?.meta.step ?? 0} of ${cfg.steps}`);
  reportSolve(io, parsed, store, manifest.id, graph, problem, sampler.name, r, gpu);
  return 0;
}

function reportSolve(
  io: CliIo,
  parsed: Parsed,
  store: RunStore,
  id: string,
  graph: Graph,
  problem: CoProblem,
  samplerName: string,
  r: SolveResult,
  gpu: GpuContext | null,
): void {
  const sampler = { name: samplerName };
  const summary = {
    run: id,
    problem: problem.name,
    nodes: graph.n,
    edges: numEdges(graph),
    sampler: sampler.name,
    chains: r.chains,
    steps: r.steps,
    bestObjective: r.bestObjective,
    repairedObjective: r.repairedObjective,
    feasibleChains: r.feasibleChains,
    reference: r.reference,
    referenceExact: r.referenceExact,
    ratio: r.ratio,
    seconds: r.seconds,
    backend: r.backend,
    adapter: gpu?.adapter.description ?? null,
    adapt: r.adapt,
  };
  if (parsed.values.json) io.out(JSON.stringify(summary));
  else {
    const ref = r.reference === null
      ? "no reference (give --reference X)"
      : `${r.referenceExact ? "exact optimum" : "reference"} ${r.reference}, ratio ${
        r.ratio?.toFixed(4)
      }`;
    io.out(
      `run ${id}: ${problem.name} on ${graph.n} nodes / ${summary.edges} edges x ${sampler.name} ` +
        `on ${r.backend}\n  ${r.chains} chains x ${r.steps} steps in ${r.seconds.toFixed(2)} s; ` +
        `best penalised objective ${fmt(r.bestObjective)}, best repaired ${
          fmt(r.repairedObjective)
        } (${r.feasibleChains}/${r.chains} chains feasible)\n  ${ref}\n` +
        `  stored in ${store.root}/${id}/`,
    );
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}
