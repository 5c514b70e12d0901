/**
 * The three DISCS findings (shared/reference/discs.md section 4) measured on result rows:
 * which sampler leads on each classical model (DLMC in the paper), how fast ESS falls with
 * dimension in the size sweep (RWM, block Gibbs and Hamming ball fastest in the paper), and
 * sqrt(t) against t/(t+1) on each side of the critical temperature. Facts and numbers only;
 * reading them is left to the report's author. Also reads `discs.csv` back into rows.
 * @module
 */
import { CRITICAL_BETA, SUITE_NAMES, type SuiteName } from "./suites.ts";
import { CSV_COLUMNS, type DiscsRow, formatSig, mdTable } from "./tables.ts";

/** A malformed DISCS CSV: the message is `<source>:<line>: <what>; expected <what>`. */
export class DiscsCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiscsCsvError";
  }
}

const TEXT_COLUMNS = new Set<keyof DiscsRow>(["suite", "model", "sampler", "backend", "run"]);
/** Counts that every row has; the figures may be empty (non-finite when written). */
const COUNT_COLUMNS = new Set<keyof DiscsRow>([
  "numSites",
  "chains",
  "steps",
  "keptDraws",
  "energyEvals",
]);

/** Splits CSV text into records of fields, with the 1-based line each record starts on. */
function csvRecords(text: string, source: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [], field = "", line = 1, start = 1, quoted = false, i = 0;
  let touched = false;
  const endRecord = () => {
    fields.push(field);
    if (touched || fields.length > 1 || field !== "") out.push({ line: start, fields });
    fields = [];
    field = "";
    touched = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = touched = true;
    } else if (c === '"') {
      throw new DiscsCsvError(
        `${source}:${line}: stray quote inside a field; expected "..." quoting`,
      );
    } else if (c === ",") {
      fields.push(field);
      field = "";
      touched = true;
    } else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      if (c === "\r") i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) {
    throw new DiscsCsvError(`${source}:${start}: unterminated quoted field; expected a closing "`);
  }
  endRecord();
  return out;
}

/**
 * Reads `discs.csv` text back into rows: the inverse of `rowsToCsv` (quoted fields, empty x ->
 * null, empty figure -> NaN as `rowsToCsv` writes non-finite numbers empty). Columns are found
 * by header name; extra columns are ignored. A malformed file throws a {@link DiscsCsvError}
 * whose one-line message names `source`, the line and what was expected.
 *
 * @example
 * ```ts
 * import { discsRow, parseDiscsCsv, PRESETS, rowsToCsv, runDiscsCell, suiteCells } from "./mod.ts";
 * const cell = suiteCells("classical", PRESETS.quick, { steps: 40, models: ["bernoulli"] })[0];
 * const csv = rowsToCsv([discsRow(await runDiscsCell(cell, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null }))]);
 * const rows = parseDiscsCsv(csv, "discs.csv");
 * console.log(rows[0].sampler, rows[0].essPerEval);
 * ```
 */
export function parseDiscsCsv(text: string, source = "csv"): DiscsRow[] {
  const records = csvRecords(text.replace(/^\uFEFF/, ""), source);
  if (!records.length) {
    throw new DiscsCsvError(`${source}:1: empty file; expected a header line ${CSV_COLUMNS}`);
  }
  const [header, ...body] = records;
  const index = new Map(header.fields.map((name, k) => [name.trim(), k]));
  for (const col of CSV_COLUMNS) {
    if (!index.has(col)) {
      throw new DiscsCsvError(
        `${source}:${header.line}: header lacks column '${col}'; expected ${CSV_COLUMNS}`,
      );
    }
  }
  return body.map(({ line, fields }) => {
    if (fields.length !== header.fields.length) {
      throw new DiscsCsvError(
        `${source}:${line}: ${fields.length} fields; expected ${header.fields.length} as in the header`,
      );
    }
    const row: Record<string, unknown> = {};
    for (const col of CSV_COLUMNS) {
      const raw = fields[index.get(col)!];
      if (TEXT_COLUMNS.has(col)) {
        row[col] = raw;
        continue;
      }
      const t = raw.trim();
      if (t === "" && !COUNT_COLUMNS.has(col)) {
        row[col] = col === "x" ? null : NaN;
        continue;
      }
      const n = Number(t);
      if (t === "" || !Number.isFinite(n)) {
        throw new DiscsCsvError(
          `${source}:${line}: ${col} is '${raw}'; expected a finite number` +
            (COUNT_COLUMNS.has(col) ? "" : " or an empty field"),
        );
      }
      row[col] = n;
    }
    if (!SUITE_NAMES.includes(row.suite as SuiteName)) {
      throw new DiscsCsvError(
        `${source}:${line}: suite is '${row.suite}'; expected ${SUITE_NAMES.join(" | ")}`,
      );
    }
    return row as unknown as DiscsRow;
  });
}

/**
 * The rows of one suite with one row per cell (suite, model, sampler, x): where merged files
 * hold a cell more than once, the last row counts (at the place of the first).
 */
function cellsOf(rows: readonly DiscsRow[], suite: SuiteName): DiscsRow[] {
  const byCell = new Map<string, DiscsRow>();
  for (const r of rows) {
    if (r.suite !== suite) continue;
    const key = JSON.stringify([r.model, r.sampler, r.x]);
    byCell.set(key, r);
  }
  return [...byCell.values()];
}

/** Standard error of a row's essMean: essStd / sqrt(chains). */
function essSe(r: DiscsRow): number {
  return r.essStd / Math.sqrt(r.chains);
}

/**
 * Margin of `a` over `b` in standard errors, z = (m_a - m_b) / sqrt(se_a^2 + se_b^2), for two
 * estimates with independent errors.
 *
 * @example
 * ```ts
 * zMargin(12, 1.5, 10, 2); // 0.8
 * ```
 */
export function zMargin(meanA: number, seA: number, meanB: number, seB: number): number {
  return (meanA - meanB) / Math.hypot(seA, seB);
}

/** One sampler's place in a classical model's ranking. */
export interface RankedSampler {
  sampler: string;
  essPerEval: number;
  essMean: number;
  /** Standard error of essMean: essStd / sqrt(chains). */
  essSe: number;
}

/** The ranking on one classical model. */
export interface ClassicalLeader {
  model: string;
  /** Samplers by ESS per energy evaluation, best first (non-finite figures last). */
  ranking: RankedSampler[];
  best: RankedSampler;
  /** null when the model has one sampler. */
  runnerUp: RankedSampler | null;
  /** Margin of best over runner-up in ESS standard errors on essMean (NaN without runner-up). */
  zEss: number;
  /**
   * The same margin on ESS per evaluation: each sampler's standard error scaled by
   * essPerEval / essMean (its evaluation count is fixed). Equals zEss when both samplers spend
   * the same evaluations per step.
   */
  zPerEval: number;
}

/**
 * Per classical model: samplers ranked by ESS per energy evaluation, the leader, the runner-up
 * and the leader's margin in standard errors (zEss on essMean, zPerEval on ESS per evaluation).
 *
 * @example
 * ```ts
 * import { discsRow, PRESETS, runDiscsCell, suiteCells } from "./mod.ts";
 * const cells = suiteCells("classical", PRESETS.quick, { steps: 40, models: ["bernoulli"] });
 * const rows = [];
 * for (const c of cells) {
 *   rows.push(discsRow(await runDiscsCell(c, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null })));
 * }
 * import { classicalLeaders } from "./findings.ts";
 * for (const l of classicalLeaders(rows)) console.log(l.model, l.best.sampler, l.zEss);
 * ```
 */
export function classicalLeaders(rows: readonly DiscsRow[]): ClassicalLeader[] {
  const cells = cellsOf(rows, "classical");
  const models = [...new Set(cells.map((r) => r.model))];
  return models.map((model) => {
    const ranking = cells.filter((r) => r.model === model).map((r) => ({
      sampler: r.sampler,
      essPerEval: r.essPerEval,
      essMean: r.essMean,
      essSe: essSe(r),
    }));
    const key = (s: RankedSampler) => (Number.isFinite(s.essPerEval) ? s.essPerEval : -Infinity);
    ranking.sort((a, b) => key(b) - key(a));
    const [best, runnerUp = null] = ranking;
    const perEvalSe = (s: RankedSampler) => s.essSe * s.essPerEval / s.essMean;
    return {
      model,
      ranking,
      best,
      runnerUp,
      zEss: runnerUp ? zMargin(best.essMean, best.essSe, runnerUp.essMean, runnerUp.essSe) : NaN,
      zPerEval: runnerUp
        ? zMargin(best.essPerEval, perEvalSe(best), runnerUp.essPerEval, perEvalSe(runnerUp))
        : NaN,
    };
  });
}

/** How one sampler's ESS per step scales with dimension in the size suite. */
export interface SizeSlope {
  sampler: string;
  /** Least-squares slope of ln(essPerStep) against ln(numSites). */
  slope: number;
  /** Points in the fit (sizes with a positive, finite essPerStep). */
  points: number;
  minSites: number;
  maxSites: number;
}

/**
 * Per sampler of the size suite: the least-squares slope of ln(essPerStep) against
 * ln(numSites) (ESS ~ D^slope), steepest (most negative) first. Points with a non-positive or
 * non-finite essPerStep are left out; samplers with fewer than 2 distinct sizes are skipped.
 *
 * @example
 * ```ts
 * import { discsRow, PRESETS, runDiscsCell, suiteCells } from "./mod.ts";
 * import { sizeSlopes } from "./findings.ts";
 * const cells = suiteCells("size", PRESETS.quick, { steps: 40, samplers: ["rwm", "gwg"], sizes: [4, 6] });
 * const rows = [];
 * for (const c of cells) {
 *   rows.push(discsRow(await runDiscsCell(c, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null })));
 * }
 * for (const s of sizeSlopes(rows)) console.log(s.sampler, s.slope.toFixed(2));
 * ```
 */
export function sizeSlopes(rows: readonly DiscsRow[]): SizeSlope[] {
  const cells = cellsOf(rows, "size").filter((r) =>
    Number.isFinite(r.essPerStep) && r.essPerStep > 0 && r.numSites > 0
  );
  const out: SizeSlope[] = [];
  for (const sampler of new Set(cells.map((r) => r.sampler))) {
    const mine = cells.filter((r) => r.sampler === sampler);
    const sites = mine.map((r) => r.numSites);
    if (new Set(sites).size < 2) continue;
    const xs = sites.map(Math.log), ys = mine.map((r) => Math.log(r.essPerStep));
    const mx = mean(xs), my = mean(ys);
    let sxy = 0, sxx = 0;
    for (let k = 0; k < xs.length; k++) {
      sxy += (xs[k] - mx) * (ys[k] - my);
      sxx += (xs[k] - mx) ** 2;
    }
    out.push({
      sampler,
      slope: sxy / sxx,
      points: mine.length,
      minSites: Math.min(...sites),
      maxSites: Math.max(...sites),
    });
  }
  return out.sort((a, b) => a.slope - b.slope);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** sqrt(t) against t/(t+1) for one sampler at one beta. */
export interface TemperaturePoint {
  /** Base sampler label, e.g. "gwg" for "gwg-sqrt" / "gwg-ratio". */
  sampler: string;
  model: string;
  beta: number;
  essSqrt: number;
  essRatio: number;
  /** essSqrt / essRatio. */
  ratio: number;
  /** (essSqrt - essRatio) / sqrt(se_sqrt^2 + se_ratio^2): positive when sqrt is ahead. */
  z: number;
}

/** One sampler on one side of the critical point. */
export interface TemperatureSide {
  sampler: string;
  model: string;
  side: "high temperature" | "low temperature";
  /** Betas where sqrt(t) has the larger ESS. */
  sqrtAhead: number;
  betas: number;
  /** Mean of z over the side's betas. */
  meanZ: number;
}

/** The temperature-suite contrasts: per beta and per side of beta_c. */
export interface TemperatureContrasts {
  criticalBeta: number;
  points: TemperaturePoint[];
  sides: TemperatureSide[];
}

/**
 * sqrt(t) against t/(t+1) in the temperature suite: per base sampler (label before "-sqrt" /
 * "-ratio"; per model when there are several) and beta, both ESS, their ratio and z; and per
 * sampler and side of `criticalBeta` (beta < beta_c high temperature, beta > beta_c low; beta ==
 * beta_c in neither) the betas where sqrt is ahead, the betas with both, and the mean z. Betas
 * with only one of the pair are left out.
 *
 * @example
 * ```ts
 * import { discsRow, PRESETS, runDiscsCell, suiteCells } from "./mod.ts";
 * import { temperatureContrasts } from "./findings.ts";
 * const cells = suiteCells("temperature", PRESETS.quick, { steps: 40, betas: [0.3, 0.6], temperatureSide: 4 });
 * const rows = [];
 * for (const c of cells) {
 *   rows.push(discsRow(await runDiscsCell(c, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null })));
 * }
 * const { sides } = temperatureContrasts(rows);
 * for (const s of sides) console.log(s.sampler, s.side, `${s.sqrtAhead}/${s.betas}`);
 * ```
 */
export function temperatureContrasts(
  rows: readonly DiscsRow[],
  criticalBeta: number = CRITICAL_BETA,
): TemperatureContrasts {
  const cells = cellsOf(rows, "temperature").filter((r) => r.x !== null);
  const find = (model: string, sampler: string, beta: number) =>
    cells.find((r) => r.model === model && r.sampler === sampler && r.x === beta);
  const points: TemperaturePoint[] = [];
  const seen = new Set<string>();
  for (const r of cells) {
    const m = /^(.*)-(sqrt|ratio)$/.exec(r.sampler);
    if (!m) continue;
    const key = JSON.stringify([r.model, m[1], r.x]);
    if (seen.has(key)) continue;
    seen.add(key);
    const a = find(r.model, `${m[1]}-sqrt`, r.x!), b = find(r.model, `${m[1]}-ratio`, r.x!);
    if (!a || !b) continue;
    points.push({
      sampler: m[1],
      model: r.model,
      beta: r.x!,
      essSqrt: a.essMean,
      essRatio: b.essMean,
      ratio: a.essMean / b.essMean,
      z: zMargin(a.essMean, essSe(a), b.essMean, essSe(b)),
    });
  }
  points.sort((p, q) => p.beta - q.beta);
  const sides: TemperatureSide[] = [];
  const groups = [...new Set(points.map((p) => JSON.stringify([p.sampler, p.model])))];
  for (const g of groups) {
    const [sampler, model] = JSON.parse(g) as [string, string];
    const mine = points.filter((p) => p.sampler === sampler && p.model === model);
    for (const side of ["high temperature", "low temperature"] as const) {
      const on = mine.filter((p) =>
        side === "high temperature" ? p.beta < criticalBeta : p.beta > criticalBeta
      );
      sides.push({
        sampler,
        model,
        side,
        sqrtAhead: on.filter((p) => p.essSqrt > p.essRatio).length,
        betas: on.length,
        meanZ: on.length ? mean(on.map((p) => p.z)) : NaN,
      });
    }
  }
  return { criticalBeta, points, sides };
}

/** z with sign and two decimals ("+1.23"), "–" when undefined. */
function fmtZ(z: number): string {
  if (!Number.isFinite(z)) return "–";
  return `${z >= 0 ? "+" : ""}${z.toFixed(2)}`;
}

function classicalSection(rows: readonly DiscsRow[]): string | null {
  const leaders = classicalLeaders(rows);
  if (!leaders.length) return null;
  const counts = new Map<string, number>();
  for (const l of leaders) counts.set(l.best.sampler, (counts.get(l.best.sampler) ?? 0) + 1);
  const tally = [...counts].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(", ");
  const body = leaders.map((l) => {
    const dlmc = l.ranking.findIndex((s) => s.sampler === "dlmc");
    return [
      l.model,
      l.best.sampler,
      formatSig(l.best.essPerEval),
      l.runnerUp?.sampler ?? "–",
      l.runnerUp ? formatSig(l.runnerUp.essPerEval) : "–",
      fmtZ(l.zPerEval),
      fmtZ(l.zEss),
      dlmc < 0 ? "–" : `${dlmc + 1} of ${l.ranking.length}`,
    ];
  });
  return `## 1. DLMC best on the classical models\n\n` +
    `Leader by ESS per energy evaluation on each model: ${tally} (of ${leaders.length} models). ` +
    `Margin z = (leader - runner-up) / sqrt(se_a^2 + se_b^2), se = ESS std / sqrt(chains); ` +
    `"z ESS/eval" scales each se by ESS/eval over ESS.\n\n` +
    mdTable(
      [
        "model",
        "leader",
        "ESS/eval",
        "runner-up",
        "ESS/eval",
        "z ESS/eval",
        "z ESS",
        "dlmc rank",
      ],
      body,
    ) + "\n";
}

function sizeSection(rows: readonly DiscsRow[]): string | null {
  if (!rows.some((r) => r.suite === "size")) return null;
  const slopes = sizeSlopes(rows);
  const body = slopes.map((s, k) => [
    String(k + 1),
    s.sampler,
    s.slope.toFixed(3),
    String(s.points),
    `${s.minSites}–${s.maxSites}`,
  ]);
  const ranks = ["rwm", "block_gibbs", "hamming_ball"].map((name) => {
    const k = slopes.findIndex((s) => s.sampler === name);
    return `${name} ${k < 0 ? "–" : k + 1}`;
  });
  return `## 2. RWM, block Gibbs and Hamming ball lose ESS fastest with dimension\n\n` +
    `Least-squares slope of ln(ESS per step) against ln(D), D = number of sites (ESS ~ D^slope), ` +
    `steepest first. Steepness rank among ${slopes.length} samplers: ${ranks.join(", ")}.\n\n` +
    (slopes.length
      ? mdTable(["rank", "sampler", "slope", "points", "D"], body)
      : "No sampler has two or more sizes.") +
    "\n";
}

function temperatureSection(rows: readonly DiscsRow[]): string | null {
  if (!rows.some((r) => r.suite === "temperature")) return null;
  const { criticalBeta, points, sides } = temperatureContrasts(rows);
  const models = new Set(points.map((p) => p.model));
  const label = (sampler: string, model: string) =>
    models.size > 1 ? `${sampler} (${model})` : sampler;
  const groups = [...new Set(sides.map((s) => JSON.stringify([s.sampler, s.model])))].map((g) =>
    JSON.parse(g) as [string, string]
  );
  const side = (sampler: string, model: string, which: TemperatureSide["side"]) =>
    sides.find((s) => s.sampler === sampler && s.model === model && s.side === which)!;
  const summary = groups.map(([sampler, model]) => {
    const hi = side(sampler, model, "high temperature"),
      lo = side(sampler, model, "low temperature");
    return [
      label(sampler, model),
      `${hi.sqrtAhead} of ${hi.betas}`,
      fmtZ(hi.meanZ),
      `${lo.sqrtAhead} of ${lo.betas}`,
      fmtZ(lo.meanZ),
    ];
  });
  const betas = [...new Set(points.map((p) => p.beta))];
  const perBeta = betas.map((beta) => [
    String(beta),
    ...groups.map(([sampler, model]) => {
      const p = points.find((q) => q.beta === beta && q.sampler === sampler && q.model === model);
      return p ? `${formatSig(p.essSqrt)}/${formatSig(p.essRatio)} (${fmtZ(p.z)})` : "–";
    }),
  ]);
  if (!points.length) {
    return `## 3. sqrt(t) better above the critical temperature, t/(t+1) below\n\n` +
      `No beta has both a -sqrt and a -ratio row of one sampler.\n`;
  }
  return `## 3. sqrt(t) better above the critical temperature, t/(t+1) below\n\n` +
    `beta_c = ln(1 + sqrt 2) / 2 = ${criticalBeta.toFixed(5)}; beta < beta_c is high ` +
    `temperature, beta > beta_c low temperature. "sqrt ahead" counts the betas where g = sqrt(t) ` +
    `has the larger mean ESS than g = t/(t+1); z = (ESS_sqrt - ESS_ratio) / sqrt(se_sqrt^2 + ` +
    `se_ratio^2), se = ESS std / sqrt(chains).\n\n` +
    mdTable(
      ["sampler", "high T: sqrt ahead", "high T: mean z", "low T: sqrt ahead", "low T: mean z"],
      summary,
    ) +
    `\n\nPer beta, ESS sqrt/ratio (z):\n\n` +
    mdTable(["beta", ...groups.map(([s, m]) => label(s, m))], perBeta) + "\n";
}

/**
 * Markdown of the three DISCS findings with their numbers: (1) the leader per classical model
 * and its margin, (2) the size-sweep slopes, steepest first, (3) sqrt(t) against t/(t+1) per
 * side of beta_c and per beta. A section appears only when its suite has rows.
 *
 * @example
 * ```ts
 * import { discsRow, PRESETS, runDiscsCell, suiteCells } from "./mod.ts";
 * const cells = suiteCells("classical", PRESETS.quick, { steps: 40, models: ["bernoulli"] });
 * const rows = [];
 * for (const c of cells) {
 *   rows.push(discsRow(await runDiscsCell(c, { chains: 8, seed: 0, burnInFraction: 0.5, gpu: null })));
 * }
 * import { findingsMarkdown } from "./findings.ts";
 * console.log(findingsMarkdown(rows).split("\n")[0]);
 * ```
 */
export function findingsMarkdown(rows: readonly DiscsRow[]): string {
  const sections = [classicalSection(rows), sizeSection(rows), temperatureSection(rows)]
    .filter((s): s is string => s !== null);
  return `# DISCS findings\n\n` +
    `The three findings of the DISCS paper (Goshvadi et al., NeurIPS 2023), measured on ` +
    `${rows.length} rows. Where a cell (suite, model, sampler, x) appears more than once, the ` +
    `last row counts.\n\n` +
    (sections.length ? sections.join("\n") : "No rows.\n");
}
