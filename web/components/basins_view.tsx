/**
 * Body of a basin run's page: frame projection with a time slider, the risk matrix heatmap,
 * the merge dendrogram, and agreement with ground truth.
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import type { BasinView } from "../utils/run_views.ts";
import { Dendrogram } from "./dendrogram.tsx";
import { Island } from "./island.tsx";
import { KeyFigures } from "./key_figures.tsx";
import { BASINS_ARRAYS as B } from "../../src/runs/basins.ts";

/** The basin run page body. */
export function BasinsView({ m, v }: { m: RunManifest; v: BasinView }) {
  const id = encodeURIComponent(m.id);
  const c = v.contingency;
  return (
    <>
      <KeyFigures
        items={[
          ["system", (m.summary.system ?? m.summary.model) as string],
          ["frames", v.frames],
          ["trajectories", v.trajectories],
          ["dimension", v.dim],
          ["candidates", v.candidates],
          ["basins found", v.basinsFound],
          ["basins (truth)", v.basinsTrue],
          ["ARI vs truth", v.ari],
        ]}
      />
      <div class="grid">
        {v.frames !== null && (
          <Island
            name="Projection"
            props={{
              id: "chart-projection",
              runId: m.id,
              dim: v.dim ?? 1,
              hasBasins: B.labelsPred.name in m.arrays,
            }}
          />
        )}
        {v.hasRisk && (
          <Island
            name="Heatmap"
            props={{
              id: "chart-risk",
              title: "Risk matrix (pairwise merge risk)",
              url: `/api/runs/${id}/arrays/risk?raw=1`,
            }}
          />
        )}
        {v.dendrogram && (
          <figure class="chart" id="chart-dendrogram" data-rendered="true">
            <figcaption>Merge history</figcaption>
            <Dendrogram layout={v.dendrogram} />
          </figure>
        )}
        {c && (
          <div class="card" id="ground-truth">
            <h2>Against ground truth (ARI {v.ari?.toFixed(3)})</h2>
            <table>
              <thead>
                <tr>
                  <th>true \ found</th>
                  {c.predLabels.map((l) => <th key={l}>{l}</th>)}
                </tr>
              </thead>
              <tbody>
                {c.trueLabels.map((t, i) => (
                  <tr key={t}>
                    <th>{t}</th>
                    {c.counts[i].map((n, j) => <td key={j} class="num">{n}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!c && v.basinSizes.length > 0 && (
          <div class="card">
            <h2>Detected basins</h2>
            <table>
              <tbody>
                {v.basinSizes.map(([l, n]) => (
                  <tr key={l}>
                    <th>basin {l}</th>
                    <td class="num">{n} candidates</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
