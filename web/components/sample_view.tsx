/**
 * Body of a sampling run's page: energy and statistic traces per chain, adaptive parameter and
 * acceptance, autocorrelation, ESS per chain and R-hat.
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import type { SamplerDiagnostics } from "../utils/sampler_stats.ts";
import { Island } from "./island.tsx";
import { KeyFigures } from "./key_figures.tsx";
import { SAMPLE_ARRAYS as S } from "../../src/runs/sample.ts";

/** Props of {@linkcode SampleView}. */
export type SampleViewProps = { m: RunManifest; diag: SamplerDiagnostics | null; error?: string };

/** The sampler run page body. */
export function SampleView({ m, diag, error }: SampleViewProps) {
  const api = `/api/runs/${encodeURIComponent(m.id)}/arrays`;
  const has = (n: string) => n in m.arrays;
  const s = m.summary;
  return (
    <>
      <KeyFigures
        items={[
          ["model", s.model as string],
          ["sampler", s.sampler as string],
          ["chains", diag?.chains],
          ["steps", diag?.steps],
          ["steps / s", s.stepsPerSecond],
          ["mean acceptance", s.meanAcceptance],
          [
            "ESS (mean ± sd)",
            diag ? `${diag.essMean.toFixed(1)} ± ${diag.essStd.toFixed(1)}` : null,
          ],
          ["ESS / s", diag?.essPerSecond],
          ["ESS / eval", diag?.essPerEval],
          ["R-hat", diag?.rhat],
        ]}
      />
      {error && <p class="status-failed">diagnostics unavailable: {error}</p>}
      <div class="grid">
        {has(S.energy.name) && (
          <Island
            name="SeriesChart"
            props={{
              id: "chart-energy",
              title: "Energy per chain",
              url: `${api}/${S.energy.name}`,
              yLabel: "E(x)",
            }}
          />
        )}
        {has(S.hamming.name) && (
          <Island
            name="SeriesChart"
            props={{
              id: "chart-hamming",
              title: "Statistic per chain (Hamming distance to reference)",
              url: `${api}/${S.hamming.name}`,
            }}
          />
        )}
        {has(S.param.name) && (
          <Island
            name="SeriesChart"
            props={{
              id: "chart-param",
              title: "Adaptive parameter over time",
              url: `${api}/${S.param.name}`,
            }}
          />
        )}
        {has("acceptance_trace") && (
          <Island
            name="SeriesChart"
            props={{
              id: "chart-acceptance-trace",
              title: "Acceptance over time",
              url: `${api}/acceptance_trace`,
            }}
          />
        )}
        {diag && (
          <Island
            name="SeriesChart"
            props={{
              id: "chart-autocorr",
              title: `Autocorrelation of ${diag.statistic} (second half)`,
              data: diag.autocorr,
              yLabel: "ρ(k)",
            }}
          />
        )}
        {diag && (
          <Island
            name="BarChart"
            props={{
              id: "chart-ess",
              title:
                `ESS per chain (${diag.statistic}, DISCS protocol, ${diag.keptDraws} kept draws)`,
              bars: diag.essPerChain.map((v, c) => ({ label: `chain ${c}`, value: v })),
              yLabel: "ESS",
            }}
          />
        )}
        {diag?.acceptance && (
          <Island
            name="BarChart"
            props={{
              id: "chart-acceptance",
              title: "Acceptance rate per chain",
              bars: diag.acceptance.map((v, c) => ({ label: `chain ${c}`, value: v })),
              yLabel: "acceptance",
            }}
          />
        )}
      </div>
      <p>
        <a href={`/compare?ids=${encodeURIComponent(m.id)}`}>Open in the compare view</a>
      </p>
    </>
  );
}
