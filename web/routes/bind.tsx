/**
 * `GET /bind?ids=a,b&view=c`: binding runs (`bind train`, `bind bench`, `bind score --save`):
 * their loss curves overlaid (per epoch: one curve per train run and one per method and seed of
 * a bench run; per step: train runs), a table of key figures, and the 3-D view of the complex
 * run `view` stores (default: the first listed run that stores one). Without `ids`, every
 * binding run (newest first, at most 12). `GET /api/bind` returns the same data as JSON.
 * @module
 */

import { renderPage } from "../components/layout.tsx";
import { Island } from "../components/island.tsx";
import { KeyFigures } from "../components/key_figures.tsx";
import { bucketMeans, overlay } from "./lm.tsx";
import { bindRunIds, type BindRunView, bindRunView } from "../utils/bind_runs.ts";
import { type DashState, NotFound } from "../utils/state.ts";

/** Most runs listed when no ids are given. */
export const BIND_PAGE_MAX_RUNS = 12;
/** Most points per step-loss curve (bucket means beyond that). */
export const BIND_STEP_POINTS = 500;

/** The page's data: the runs and which one the 3-D view shows (null: none stores a complex). */
export interface BindPageData {
  runs: BindRunView[];
  view: string | null;
}

/** `GET /api/bind`: the chosen binding runs (404 when one is not a binding run). */
export async function bindPageData(
  state: DashState,
  ids: string[],
  view?: string,
): Promise<BindPageData> {
  const chosen = ids.length > 0 ? ids : await bindRunIds(state, BIND_PAGE_MAX_RUNS);
  const runs = await Promise.all(chosen.map((id) => bindRunView(state, id)));
  if (view !== undefined) {
    const v = runs.find((r) => r.id === view) ?? await bindRunView(state, view);
    if (!v.hasView) throw new NotFound(`run '${view}' stores no scored complex`);
    if (!runs.includes(v)) runs.push(v);
  }
  return { runs, view: view ?? runs.find((r) => r.hasView)?.id ?? null };
}

const fig = (v: unknown, digits: number) =>
  typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : "–";

/** What the table shows of each kind: a figure of merit and its label. */
function headline(r: BindRunView): string {
  const s = r.summary;
  if (r.kind === "train") return `final loss ${fig(s.final_loss, 4)}`;
  if (r.kind === "score") return `E ${fig(s.score_energy, 4)}`;
  const methods = Object.keys(s).filter((k) => k.endsWith("_spearman") && k !== "ceiling_spearman");
  return [
    `ceiling ρ ${fig(s.ceiling_spearman, 3)}`,
    ...methods.map((k) => `${k.slice(0, -"_spearman".length)} ρ ${fig(s[k], 3)}`),
  ].join(", ");
}

/** Renders the binding page. */
export async function bindPage(state: DashState, ids: string[], view?: string): Promise<string> {
  const { runs, view: shown } = await bindPageData(state, ids, view);
  const epochData = overlay("epoch", runs.flatMap((r) => r.curves));
  const trains = runs.filter((r) => r.stepLoss.length > 0);
  const stepData = overlay(
    "step",
    trains.map((r) => ({ label: r.label, ...bucketMeans(r.stepLoss, BIND_STEP_POINTS) })),
  );
  // Methods' losses differ by orders of magnitude: a log axis when every value is positive.
  const positive = (d: typeof epochData) =>
    d.series.length > 1 && d.series.every((c) => c.values.every((v) => v === null || v > 0));
  const logEpoch = positive(epochData), logStep = positive(stepData);
  const viewRun = runs.find((r) => r.id === shown);
  const s = viewRun?.summary ?? {};
  const idsQuery = ids.length > 0 ? `ids=${ids.map(encodeURIComponent).join(",")}&` : "";
  return renderPage(
    "Binding",
    <>
      <h1>Binding runs</h1>
      <p class="muted">
        Loss curves of {runs.length} binding run{runs.length === 1 ? "" : "s"}{" "}
        (bind train, bind bench, bind score --save), overlaid. Choose runs with{" "}
        <code>?ids=a,b</code> and the complex shown with <code>?view=id</code>.
      </p>
      {runs.length === 0 && <p>No binding runs yet (cli.ts bind train --data synthetic).</p>}
      {epochData.series.length > 0 && (
        <div class="grid">
          <Island
            name="SeriesChart"
            props={{
              id: "chart-bind-epoch",
              title: `loss per epoch${logEpoch ? " (log scale)" : ""}`,
              data: epochData,
              logY: logEpoch,
            }}
          />
          {trains.length > 0 && (
            <Island
              name="SeriesChart"
              props={{
                id: "chart-bind-step",
                title: `training loss per step (bucket means${logStep ? ", log scale" : ""})`,
                data: stepData,
                logY: logStep,
              }}
            />
          )}
        </div>
      )}
      <h2>Runs</h2>
      <table id="bind-table">
        <thead>
          <tr>
            {["run", "label", "command", "status", "figures", "complex"].map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-run={r.id}>
              <td>
                <a href={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</a>
              </td>
              <td>{r.label}</td>
              <td>bind {r.kind}</td>
              <td>{r.status}</td>
              <td>{headline(r)}</td>
              <td>
                {r.hasView
                  ? r.id === shown
                    ? "shown"
                    : <a href={`/bind?${idsQuery}view=${encodeURIComponent(r.id)}`}>view</a>
                  : "–"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {viewRun && (
        <>
          <h2>
            Complex {String(s.view_complex ?? s.complex ?? "")} of run <code>{viewRun.id}</code>
          </h2>
          <p class="muted">
            {viewRun.kind === "train"
              ? "The run's first complex, moved by a seeded rigid perturbation, scored by the trained network; " +
                "RMSD to the crystal pose before and after the predicted correction below."
              : "The scored pose with the network's forces and predicted rigid correction."}
          </p>
          <KeyFigures
            items={[
              ["energy", (s.view_energy ?? s.score_energy) as number | undefined],
              ["RMSD to crystal (A)", s.view_rmsd_before as number | undefined],
              ["after correction (A)", s.view_rmsd_after as number | undefined],
              ["correction RMSD (A)", s.correction_rmsd as number | undefined],
            ]}
          />
          <Island name="ComplexView" props={{ id: "chart-complex", runId: viewRun.id }} />
        </>
      )}
    </>,
  );
}
