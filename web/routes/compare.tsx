/**
 * `GET /compare?ids=a,b`: several sampling runs side by side: ESS per second and per energy
 * evaluation as bars (as in the DISCS figures), and a table of the figures.
 * @module
 */

import { renderPage } from "../components/layout.tsx";
import { Island } from "../components/island.tsx";
import { formatFigure } from "../utils/run_rows.ts";
import type { DashState } from "../utils/state.ts";
import { compareRows } from "../utils/run_views.ts";

/** Renders the compare page. */
export async function comparePage(state: DashState, ids: string[]): Promise<string> {
  const { rows, skipped } = await compareRows(state, ids);
  const bars = (pick: (r: (typeof rows)[number]) => number | null) =>
    rows.filter((r) => pick(r) !== null).map((r) => ({
      label: r.label,
      value: pick(r)!,
      group: r.sampler,
    }));
  const f = (v: number | null) => (v === null ? "–" : formatFigure(v));
  return renderPage(
    "Compare",
    <>
      <h1>Compare sampling runs</h1>
      <p class="muted">
        ESS is the mean per-chain ESS of the statistic over the second half of each chain (DISCS
        protocol); ESS/s divides by the sampling time.
      </p>
      {rows.length === 0 && <p>No sampling runs to compare.</p>}
      {rows.length > 0 && (
        <div class="grid">
          <Island
            name="BarChart"
            props={{
              id: "chart-ess-per-second",
              title: "ESS per second",
              bars: bars((r) => r.essPerSecond),
              yLabel: "ESS / s",
            }}
          />
          <Island
            name="BarChart"
            props={{
              id: "chart-ess-per-eval",
              title: "ESS per energy evaluation",
              bars: bars((r) => r.essPerEval),
              yLabel: "ESS / eval",
            }}
          />
        </div>
      )}
      <h2>Figures</h2>
      <table id="compare-table">
        <thead>
          <tr>
            {["run", "model", "sampler", "chains", "steps", "ESS", "ESS/s", "ESS/eval", "R-hat"]
              .map((
                h,
              ) => <th key={h}>{h}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-run={r.id}>
              <td>
                <a href={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</a>
              </td>
              <td>{r.model}</td>
              <td>{r.sampler}</td>
              <td class="num">{r.chains}</td>
              <td class="num">{r.steps}</td>
              <td class="num">{f(r.essMean)}</td>
              <td class="num">{f(r.essPerSecond)}</td>
              <td class="num">{f(r.essPerEval)}</td>
              <td class="num">{f(r.rhat)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {skipped.length > 0 && (
        <ul>
          {skipped.map((s) => (
            <li key={s.id}>
              <code>{s.id}</code> skipped: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </>,
  );
}
