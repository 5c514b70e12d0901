/**
 * Body of a run page for runs of no known kind: a table of arrays and a chart for each 1-D or
 * 2-D array (at most six).
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import { Island } from "./island.tsx";

/** The generic run page body. */
export function GenericView({ m }: { m: RunManifest }) {
  const entries = Object.entries(m.arrays);
  const plottable = entries.filter(([, a]) => a.shape.length >= 1 && a.shape.length <= 2).slice(
    0,
    6,
  );
  return (
    <>
      <table>
        <thead>
          <tr>
            <th>array</th>
            <th>dtype</th>
            <th>shape</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, a]) => (
            <tr key={name}>
              <td>{name}</td>
              <td>{a.dtype}</td>
              <td>[{a.shape.join(", ")}]</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="grid">
        {plottable.map(([name]) => (
          <Island
            key={name}
            name="SeriesChart"
            props={{
              id: `chart-${name}`,
              title: name,
              url: `/api/runs/${encodeURIComponent(m.id)}/arrays/${name}`,
            }}
          />
        ))}
      </div>
    </>
  );
}
