/**
 * The CEM study: every variant (config.ts VARIANTS) in two settings, "same_width" (CEM keeps
 * fewer parameters) and "matched" (the CEM MLP widened to the baseline's non-embedding count),
 * several seeds, the same token budget, as stored runs with fixed ids so that an interrupted
 * study resumes where it stopped; the results page is recomputed from the stored runs alone.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";
import { ConfigError, parseConfig } from "../io/config.ts";
import type { RunStore } from "../io/run_store.ts";
import type { RunManifest } from "../io/manifest.ts";
import { matchMlpHidden, parameterCount, VARIANTS } from "./config.ts";
import { CHECKPOINT_FILE, readCheckpoint } from "./checkpoint.ts";
import { codeVersion } from "../io/code_version.ts";
import {
  loadCorpus,
  modelOf,
  resumeLm,
  type TrainConfig,
  TrainConfigSchema,
  trainLm,
} from "./train.ts";
import { vocabSize } from "./tokenizer.ts";

/** Study settings. */
export type Setting = "same_width" | "matched";

/** Options of {@link runStudy}. */
export interface StudyOptions {
  /** Train-config fields shared by every run (e.g. dModel, steps). */
  base: Record<string, unknown>;
  seeds: number;
  /** Variants to run (default: all). */
  variants?: string[];
  settings: Setting[];
  /** The results page. */
  out: string;
  /** Only recompute the page from stored runs. */
  reportOnly?: boolean;
  command: string[];
  log?: (line: string) => void;
}

/** FNV-1a of a string as 8 hex digits (the study tag of a base config). */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** One cell of the grid. */
export interface StudyCell {
  id: string;
  setting: Setting;
  variant: string;
  seed: number;
  cfg: TrainConfig;
}

/**
 * The grid's cells in run order (seed-major, so a partial study has whole seeds). The baseline
 * is the same model in both settings and runs once (under same_width).
 */
export async function studyCells(opts: StudyOptions): Promise<{ tag: string; cells: StudyCell[] }> {
  const base = parseConfig(TrainConfigSchema, opts.base, "lm study --set");
  // Workers change how a step is computed, not what: a study may continue with another count.
  const { seed: _s, variant: _v, arch: _a, study: _st, workers: _w, ...shared } = base;
  const tag = fnv1a(JSON.stringify(shared));
  const variants = opts.variants ?? Object.keys(VARIANTS);
  for (const v of variants) {
    if (!(v in VARIANTS)) {
      throw new ConfigError(
        `lm study: variant '${v}': expected one of ${Object.keys(VARIANTS).join(", ")}`,
      );
    }
  }
  const corpus = await loadCorpus(base);
  const vocab = vocabSize(corpus.tokenizer);
  const baselineCount =
    parameterCount(modelOf({ ...base, variant: "baseline" }, vocab)).nonEmbedding;
  const cells: StudyCell[] = [];
  for (let seed = 0; seed < opts.seeds; seed++) {
    for (const setting of opts.settings) {
      for (const variant of variants) {
        if (setting === "matched" && variant === "baseline") continue;
        const arch = variant === "baseline" ? "llama" : "cem";
        let cfg: TrainConfig = { ...base, arch, variant, seed, study: { tag, setting } };
        if (setting === "matched") {
          cfg = { ...cfg, mlpHidden: matchMlpHidden(modelOf(cfg, vocab), baselineCount) };
        }
        cells.push({
          id: `cem-${tag}-${setting}-${variant}-s${seed}`,
          setting,
          variant,
          seed,
          cfg,
        });
      }
    }
  }
  return { tag, cells };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs (or resumes) every cell not yet done, then writes the results page. */
export async function runStudy(store: RunStore, opts: StudyOptions): Promise<string> {
  const log = opts.log ?? (() => {});
  const { tag, cells } = await studyCells(opts);
  if (!opts.reportOnly) {
    for (const [i, cell] of cells.entries()) {
      const dir = `${store.root}/${cell.id}`;
      const prefix = `[${i + 1}/${cells.length}] ${cell.id}`;
      let status: string | undefined;
      if (await exists(`${dir}/run.json`)) status = (await store.open(cell.id)).manifest.status;
      if (status === "done") continue;
      const command = [...opts.command, "#", cell.id];
      const ckPath = `${dir}/${CHECKPOINT_FILE}`;
      // A cell cut off under other code cannot continue its bits: it starts again (a study spans
      // sessions, and the code moves between them).
      const stale = status !== undefined && (await exists(ckPath)) &&
        (await readCheckpoint(ckPath)).codeVersion !== await codeVersion();
      if (stale) log(`${prefix}: checkpoint of other code, starting the cell again`);
      if (status !== undefined && !stale && (await exists(ckPath))) {
        log(`${prefix}: resuming`);
        await resumeLm(store, cell.id, { command, log: (l) => log(`${prefix}: ${l}`) });
      } else {
        // A folder without a checkpoint stopped before its first one: nothing to keep.
        if (await exists(dir)) await Deno.remove(dir, { recursive: true });
        log(`${prefix}: training`);
        await trainLm(store, cell.cfg, {
          command,
          id: cell.id,
          log: (l) => log(`${prefix}: ${l}`),
        });
      }
    }
  }
  const page = await studyReport(store, tag, opts);
  await Deno.mkdir(opts.out.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  await writeFileAtomic(opts.out, page);
  log(`wrote ${opts.out}`);
  return page;
}

/** The `lm study` command line that reproduces `opts`. */
export function studyCommand(opts: StudyOptions): string {
  const sets = Object.entries(opts.base).map(([k, v]) => `--set ${k}=${v}`).join(" ");
  const variants = opts.variants ? ` --variants ${opts.variants.join(",")}` : "";
  return `deno task cli lm study --seeds ${opts.seeds} --settings ${opts.settings.join(",")}` +
    `${variants} ${sets}`.trimEnd();
}

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1
    ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1))
    : NaN;
  return { mean, sd };
}

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

/** The results page from the stored runs of study `tag`. */
export async function studyReport(
  store: RunStore,
  tag: string,
  opts: StudyOptions,
): Promise<string> {
  const { runs } = await store.list();
  const mine = runs.filter((r) => (r.config.study as { tag?: string } | undefined)?.tag === tag);
  const done = mine.filter((r) => r.status === "done");
  const groups = new Map<string, RunManifest[]>();
  for (const r of done) {
    const setting = (r.config.study as { setting: Setting }).setting;
    const key = `${setting}/${r.config.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const num = (r: RunManifest, k: string) => Number(r.summary[k]);
  const cfg = done[0]?.config ?? parseConfig(TrainConfigSchema, opts.base, "base");
  const unit = done[0] ? String(done[0].summary.unit) : "bits/char";
  const tokensPerRun = Number(cfg.steps) * Number(cfg.batch) * Number(cfg.context);
  const trainTokens = Number(done[0]?.config.trainTokens ?? NaN);
  const passes = tokensPerRun / trainTokens;
  const wall = done.reduce(
    (s, r) =>
      s +
      (Date.parse(r.timings.finishedAt ?? r.timings.createdAt) - Date.parse(r.timings.createdAt)) /
        1000,
    0,
  );
  const baseline = groups.get("same_width/baseline") ?? [];
  const baseBits = meanSd(baseline.map((r) => num(r, "val_bits")));
  const lines: string[] = [];
  const variants = opts.variants ?? Object.keys(VARIANTS);
  const table = (setting: Setting) => {
    lines.push(
      `| variant | runs | val ${unit} (mean ± sd) | Δ vs baseline | non-emb. params | tokens/s | train FLOP/token |`,
    );
    lines.push("|---|---|---|---|---|---|---|");
    for (const v of variants) {
      const rs = groups.get(`${v === "baseline" ? "same_width" : setting}/${v}`) ?? [];
      if (rs.length === 0) {
        lines.push(`| ${v} | 0 | not run yet | | | | |`);
        continue;
      }
      const bits = meanSd(rs.map((r) => num(r, "val_bits")));
      const tps = meanSd(rs.map((r) => num(r, "tokens_per_s")));
      lines.push(
        `| ${v} | ${rs.length} | ${fmt(bits.mean, 4)} ± ${fmt(bits.sd, 4)} | ${
          fmt(bits.mean - baseBits.mean, 4)
        } | ` +
          `${num(rs[0], "params_non_embedding").toLocaleString("en-US")} | ${fmt(tps.mean, 0)} | ` +
          `${(num(rs[0], "train_flops_per_token") / 1e6).toFixed(2)} M |`,
      );
    }
  };
  const budgetNote = passes < 1
    ? `**This is a pilot, not the study the issue asks for:** each run sees ` +
      `${(100 * passes).toPrecision(2)} % of one pass over the training text (the study asks for ` +
      `at least one pass), so these are early-training differences, not converged ones.`
    : `Each run sees ${fmt(passes, 2)} passes over the training text.`;
  lines.unshift(
    "# CEM study: validation bits per character, Llama-style baseline vs CEM layers",
    "",
    "Recomputed from the stored runs by `deno task cli lm study --report-only` (same `--set` flags). " +
      "Models, energies and their proofs: `src/lm/`, `tests/lm/`; the open choices are settled in " +
      "`src/lm/layers.ts`. Curves (training loss, validation bits) and samples: the dashboard's " +
      "language-model page (`/lm`) or `runs show <id>`.",
    "",
    "## Budget",
    "",
    budgetNote,
    "",
    "Command (rerun it to resume; add `--report-only` to recompute this page only):",
    "",
    "```sh",
    studyCommand(opts),
    "```",
    "",
    `- text: \`${cfg.text}\`, ${cfg.tokenizer} tokeniser, first 90 % train (${
      trainTokens.toLocaleString("en-US")
    } tokens), last 10 % validation (${
      cfg.evalWindows || "all"
    } windows of ${cfg.context} at each evaluation);`,
    `- d = ${cfg.dModel}, ${cfg.nHeads} heads, ${cfg.nLayers} layers, context ${cfg.context}, batch ${cfg.batch}, ${cfg.steps} steps (${
      tokensPerRun.toLocaleString("en-US")
    } tokens per run), AdamW lr ${cfg.lr}, warm-up ${cfg.warmup}, cosine to ${cfg.minLrFraction} lr, clip ${cfg.clip}, weight decay ${cfg.weightDecay}, backend ${
      done[0]?.config.tfBackend ?? cfg.backend
    };`,
    `- ${done.length} finished runs of ${mine.length} stored for this study (tag \`${tag}\`), ${
      fmt(wall / 60, 1)
    } min of wall-clock time in all, on a shared 2-core machine (tokens/s are therefore noisy).`,
    "",
    "## Same width (CEM keeps fewer parameters)",
    "",
  );
  table("same_width");
  lines.push(
    "",
    "## Matched parameters (CEM MLP widened to the baseline's non-embedding count)",
    "",
  );
  table("matched");
  const diffLine = (name: string, a: string, b: string) => {
    const ra = groups.get(a) ?? [], rb = groups.get(b) ?? [];
    if (!ra.length || !rb.length) return `- ${name}: not measured yet.`;
    const ma = meanSd(ra.map((r) => num(r, "val_bits"))),
      mb = meanSd(rb.map((r) => num(r, "val_bits")));
    const delta = ma.mean - mb.mean;
    // Standard error of a difference of two means; "beyond noise" = more than 2 of them.
    const se = Math.sqrt(ma.sd ** 2 / ra.length + mb.sd ** 2 / rb.length);
    const verdict = !Number.isFinite(se)
      ? "one seed, no noise estimate"
      : Math.abs(delta) <= 2 * se
      ? "within seed noise (|Δ| ≤ 2 s.e.)"
      : delta < 0
      ? "first better, beyond seed noise"
      : "first worse, beyond seed noise";
    return `- ${name}: Δ = ${fmt(delta, 4)} ${unit}, s.e. ${fmt(se, 4)} (sd ${fmt(ma.sd, 4)} and ` +
      `${fmt(mb.sd, 4)}; ${ra.length} and ${rb.length} seeds): **${verdict}**.`;
  };
  lines.push(
    "",
    "## Against the paper's claims (negative = CEM better)",
    "",
    diffLine(
      "full CEM − baseline, matched parameters (target ≤ 0)",
      "matched/full_cem",
      "same_width/baseline",
    ),
    diffLine(
      "full CEM − baseline, same width (target within 0.03)",
      "same_width/full_cem",
      "same_width/baseline",
    ),
    diffLine(
      "tied attention − baseline, same width (about half the attention parameters)",
      "same_width/tied_attn",
      "same_width/baseline",
    ),
    diffLine("tied MLP − baseline, same width", "same_width/tied_mlp", "same_width/baseline"),
    diffLine(
      "recursion T = 2 − tied base (recursion's gain)",
      "same_width/cem_t2",
      "same_width/cem_base",
    ),
    diffLine("preconditioner − tied base", "same_width/cem_precond", "same_width/cem_base"),
    diffLine("diag(d_k) − tied base", "same_width/cem_diag", "same_width/cem_base"),
    "",
    ...await curveTables(store, groups, variants, unit),
    "## Resuming and scaling",
    "",
    "Runs are stored under fixed ids: rerunning the command above (without `--report-only`) skips " +
      "finished runs, continues an interrupted one from its last checkpoint (a cell cut off under " +
      "other code starts again), and rewrites this page, so the study spans sessions. " +
      "`--set workers=2` trains each run on both cores. Larger models are other `--set` values " +
      "(e.g. dModel=128, context=128, batch=16, steps=2000: about 4 passes over the text and some " +
      "40 h of one core for the grid at the throughputs of docs/PERFORMANCE.md).",
    "",
  );
  return lines.join("\n");
}

/**
 * The validation curves as tables: mean validation bits at each evaluation step, per variant and
 * setting, over the variant's finished seeds (each run's `val_bpc` rows: step, bits).
 */
async function curveTables(
  store: RunStore,
  groups: Map<string, RunManifest[]>,
  variants: string[],
  unit: string,
): Promise<string[]> {
  const curves = new Map<string, Map<number, number[]>>();
  const steps = new Set<number>();
  for (const [key, rs] of groups) {
    const byStep = new Map<number, number[]>();
    for (const r of rs) {
      const rows = (await (await store.open(r.id)).readArray("val_bpc")).data;
      for (let i = 0; i + 1 < rows.length; i += 2) {
        const step = Number(rows[i]);
        steps.add(step);
        byStep.set(step, [...(byStep.get(step) ?? []), Number(rows[i + 1])]);
      }
    }
    curves.set(key, byStep);
  }
  if (steps.size === 0) return [];
  const cols = [...steps].sort((a, b) => a - b);
  const out = [
    "## Validation curves",
    "",
    `Mean validation ${unit} over the finished seeds at each evaluation step (per-run curves, ` +
    "training loss included, on the dashboard's `/lm` page).",
    "",
  ];
  for (const setting of ["same_width", "matched"] as Setting[]) {
    out.push(
      `${setting === "same_width" ? "Same width" : "Matched parameters"}:`,
      "",
      `| variant | ${cols.map((c) => `step ${c}`).join(" | ")} |`,
      `|---|${cols.map(() => "---").join("|")}|`,
    );
    for (const v of variants) {
      const byStep = curves.get(`${v === "baseline" ? "same_width" : setting}/${v}`);
      if (!byStep) continue;
      const cells = cols.map((c) => {
        const xs = byStep.get(c);
        return xs?.length ? fmt(xs.reduce((a, b) => a + b, 0) / xs.length, 3) : "";
      });
      out.push(`| ${v} | ${cells.join(" | ")} |`);
    }
    out.push("");
  }
  return out;
}
