/**
 * Title, status, command and config of a run (top of every run page).
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import { StatusBadge } from "./key_figures.tsx";

/** The run page header. */
export function RunHeader({ m, kind }: { m: RunManifest; kind: string }) {
  return (
    <>
      <h1>
        {m.id} <StatusBadge status={m.status} /> <span class="muted">{kind}</span>
      </h1>
      <p>
        <code>{m.command.join(" ")}</code> · backend {m.backend}
        {m.adapter?.description ? ` (${m.adapter.description})` : ""} · seed {m.seed} · created{" "}
        {m.timings.createdAt}
        {m.timings.finishedAt ? ` · finished ${m.timings.finishedAt}` : ""}
      </p>
      {m.error && <p class="status-failed">error: {m.error}</p>}
      <details>
        <summary>config, summary and arrays</summary>
        <pre>{JSON.stringify({ config: m.config, summary: m.summary, arrays: m.arrays }, null, 2)}</pre>
      </details>
    </>
  );
}
