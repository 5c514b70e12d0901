/**
 * Body of an optimisation run's page: objective against steps and against time, and the best
 * solution found.
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import type { OptimiseView as View } from "../utils/run_views.ts";
import { Island } from "./island.tsx";
import { KeyFigures } from "./key_figures.tsx";
import { SOLVE_ARRAYS as O } from "../../src/runs/solve.ts";

/** The optimisation run page body. */
export function OptimiseView({ m, v }: { m: RunManifest; v: View }) {
  const api = `/api/runs/${encodeURIComponent(m.id)}/arrays`;
  const has = (n: string) => n in m.arrays;
  const stepNames = [O.objective.name, O.bestObjective.name].filter(has).join(",");
  return (
    <>
      <KeyFigures
        items={[
          ["problem", (m.summary.problem ?? m.summary.model) as string],
          ["optimiser", (m.summary.optimiser ?? m.summary.sampler) as string],
          ["steps", v.steps],
          ["chains", v.chains],
          ["best objective", v.bestObjective],
          ["reached at step", v.bestStep],
          ["seconds", v.seconds],
        ]}
      />
      <div class="grid">
        {stepNames && (
          <Island
            name="SeriesChart"
            props={{
              id: "chart-objective-steps",
              title: "Objective against steps",
              url: `${api}/${stepNames}`,
              yLabel: "objective",
            }}
          />
        )}
        {has(O.time.name) && stepNames && (
          <Island
            name="SeriesChart"
            props={{
              id: "chart-objective-time",
              title: "Objective against time",
              url: `${api}/${stepNames}?x=time`,
              yLabel: "objective",
            }}
          />
        )}
        {v.bestSolution && (
          <div class="card" id="best-solution">
            <h2>Best solution</h2>
            <p class="muted">
              {v.bestSolution.length} values
              {v.bestSolution.length > v.bestSolution.values.length
                ? ` (first ${v.bestSolution.values.length} shown)`
                : ""}
            </p>
            <code style={{ wordBreak: "break-all" }}>{v.bestSolution.values.join(" ")}</code>
          </div>
        )}
      </div>
    </>
  );
}
