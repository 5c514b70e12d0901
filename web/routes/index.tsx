/**
 * `GET /`: the runs index (server-rendered rows, hydrated into a filterable, sortable table
 * with live status).
 * @module
 */

import { renderPage } from "../components/layout.tsx";
import { Island } from "../components/island.tsx";
import type { DashState } from "../utils/state.ts";
import { listRuns } from "./api/runs.ts";

/** Renders the runs index page. */
export async function indexPage(state: DashState): Promise<string> {
  const { runs, skipped } = await listRuns(state);
  return renderPage(
    "Runs",
    <>
      <h1>Runs</h1>
      <p class="muted">
        {runs.length} runs in <code>{state.store.root}</code>. Status updates live.
      </p>
      <Island name="RunsTable" props={{ rows: runs }} />
      {skipped.length > 0 && (
        <details>
          <summary>{skipped.length} folders are not readable runs</summary>
          <ul>
            {skipped.map((s) => (
              <li key={s.id}>
                <code>{s.id}</code>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>,
  );
}
