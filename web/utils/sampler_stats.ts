/**
 * Sampler diagnostics for a sampling run, computed on the server from its arrays with
 * `src/diagnostics`: per-chain ESS (the DISCS protocol), ESS per second and per energy
 * evaluation, R-hat, and the autocorrelation of the statistic per chain.
 * @module
 */

import type { RunReader } from "../../src/io/run_store.ts";
import { autocorrelation, discsEss, rhat } from "../../src/diagnostics/mod.ts";
import { column, rowsCols, type SeriesData } from "./series.ts";
import { SAMPLE_ARRAYS } from "../../src/runs/sample.ts";

const S = SAMPLE_ARRAYS;

/** Diagnostics of one sampling run. */
export type SamplerDiagnostics = {
  id: string;
  model: string;
  sampler: string;
  /** Array the ESS and autocorrelation are computed on (`hamming` if present, else `energy`). */
  statistic: string;
  chains: number;
  steps: number;
  /** Draws per chain after dropping the first half (DISCS burn-in). */
  keptDraws: number;
  essPerChain: number[];
  essMean: number;
  essStd: number;
  /** Sampling seconds (phase `sampling`, else steps / stepsPerSecond); null if unknown. */
  seconds: number | null;
  /** Mean per-chain ESS over sampling seconds. */
  essPerSecond: number | null;
  /** Mean per-chain ESS over energy evaluations per chain. */
  essPerEval: number | null;
  /** Rank-normalised split R-hat of the energy after burn-in; null if too short. */
  rhat: number | null;
  /** Final acceptance rate per chain, if stored. */
  acceptance: number[] | null;
  /** Autocorrelation of the statistic per chain, lags 0..maxLag. */
  autocorr: SeriesData;
};

/** Diagnostics use at most this many (latest) kept draws per chain, to bound the FFT. */
export const MAX_DIAGNOSTIC_DRAWS = 1 << 20;

function chainsOf(data: ArrayLike<number>, rows: number, cols: number): Float64Array[] {
  const keep0 = Math.floor(rows / 2);
  const first = Math.max(keep0, rows - MAX_DIAGNOSTIC_DRAWS);
  return Array.from({ length: cols }, (_, c) => column(data, rows, cols, c).subarray(first));
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/**
 * Computes {@linkcode SamplerDiagnostics} for a run holding `energy` `[steps, chains]` (and
 * optionally `hamming`, `acceptance`).
 *
 * @example
 * ```ts
 * const d = await samplerDiagnostics(await store.open(id));
 * console.log(d.essMean, d.essPerSecond, d.rhat);
 * ```
 */
export async function samplerDiagnostics(
  reader: RunReader,
  maxLag = 100,
): Promise<SamplerDiagnostics> {
  const m = reader.manifest;
  const statistic = S.hamming.name in m.arrays ? S.hamming.name : S.energy.name;
  const stat = await reader.readArray(statistic);
  const [rows, cols] = rowsCols(stat, statistic);
  if (rows < 2) throw new Error(`run '${m.id}' has ${rows} steps: expected at least 2`);
  // discsEss drops the first half itself; pass whole chains (capped to the latest draws).
  const whole = Array.from({ length: cols }, (_, c) => {
    const col = column(stat.data, rows, cols, c);
    return col.subarray(Math.max(0, rows - 2 * MAX_DIAGNOSTIC_DRAWS));
  });
  const ess = discsEss(whole, 0.5);
  const kept = whole.map((c) => c.subarray(Math.floor(c.length / 2)));
  const lags = Math.min(maxLag, kept[0].length - 1);
  const acfs = kept.map((c) => autocorrelation(c, lags));
  const autocorr: SeriesData = {
    xLabel: "lag",
    x: Array.from({ length: lags + 1 }, (_, k) => k),
    series: acfs.map((a, c) => ({ label: `chain ${c}`, values: Array.from(a) })),
    rows: lags + 1,
    decimated: false,
  };
  let r: number | null = null;
  try {
    const energy = statistic === S.energy.name ? stat : await reader.readArray(S.energy.name);
    const [er, ec] = rowsCols(energy, "energy");
    const v = rhat(chainsOf(energy.data, er, ec));
    r = Number.isFinite(v) ? v : null;
  } catch {
    r = null; // too few draws or no energy array: R-hat is not defined
  }
  const s = m.summary;
  const steps = num(s.steps) ?? rows;
  const sps = num(s.stepsPerSecond);
  const seconds = m.timings.phases.sampling ?? (sps ? steps / sps : null);
  const evals = num(s.energyEvals);
  const acceptance = S.acceptance.name in m.arrays
    ? Array.from((await reader.readArray(S.acceptance.name)).data)
    : null;
  return {
    id: m.id,
    model: String(s.model ?? ""),
    sampler: String(s.sampler ?? ""),
    statistic,
    chains: cols,
    steps: rows,
    keptDraws: ess.keptDraws,
    essPerChain: Array.from(ess.perChain),
    essMean: ess.mean,
    essStd: ess.std,
    seconds,
    essPerSecond: seconds && seconds > 0 ? ess.mean / seconds : null,
    essPerEval: evals && evals > 0 ? ess.mean / (evals / cols) : null,
    rhat: r,
    acceptance,
    autocorr,
  };
}
