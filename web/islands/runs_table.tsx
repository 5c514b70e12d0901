/**
 * Island: the runs index table with a text filter, a status filter, sortable columns, a
 * selection for the compare view, and live status through server-sent events (`/api/events`).
 * @module
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import type { RunRow } from "../utils/run_rows.ts";

/** Props of {@linkcode RunsTable}. */
export type RunsTableProps = { rows: RunRow[] };

type SortKey = "createdAt" | "id" | "command" | "model" | "sampler" | "backend" | "status" | "kind";

const COLUMNS: [SortKey, string][] = [
  ["id", "run"],
  ["kind", "kind"],
  ["command", "command"],
  ["model", "model / system"],
  ["sampler", "sampler"],
  ["backend", "backend"],
  ["status", "status"],
  ["createdAt", "created"],
];

/** Filterable, sortable runs table with live status. */
export function RunsTable({ rows: initial }: RunsTableProps) {
  const [rows, setRows] = useState(initial);
  const [text, setText] = useState("");
  const [status, setStatus] = useState("all");
  const [sort, setSort] = useState<[SortKey, 1 | -1]>(["createdAt", -1]);
  const [picked, setPicked] = useState<string[]>([]);
  const [live, setLive] = useState("connecting");

  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const es = new EventSource("/api/events");
    es.onopen = () => setLive("live");
    es.onerror = () => setLive("reconnecting");
    es.addEventListener("snapshot", (e) => setRows(JSON.parse((e as MessageEvent).data)));
    es.addEventListener("run", (e) => {
      const row: RunRow = JSON.parse((e as MessageEvent).data);
      setRows((rs) => [row, ...rs.filter((r) => r.id !== row.id)]);
    });
    es.addEventListener("removed", (e) => {
      const { id } = JSON.parse((e as MessageEvent).data);
      setRows((rs) => rs.filter((r) => r.id !== id));
    });
    return () => es.close();
  }, []);

  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const [key, dir] = sort;
    return rows
      .filter((r) => status === "all" || r.status === status)
      .filter((r) =>
        !needle ||
        [r.id, r.command, r.model, r.sampler, r.backend, r.kind].some((v) =>
          v.toLowerCase().includes(needle)
        )
      )
      .sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : 0));
  }, [rows, text, status, sort]);

  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  return (
    <div class="runs" data-live={live}>
      <div class="controls">
        <input
          type="search"
          name="filter"
          placeholder="filter: id, command, model, sampler…"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          style={{ width: "22em" }}
        />
        <select
          name="status"
          value={status}
          onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}
        >
          {["all", "running", "done", "failed"].map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <a
          id="compare-link"
          href={`/compare${picked.length ? `?ids=${picked.join(",")}` : ""}`}
        >
          compare {picked.length ? `${picked.length} selected` : "all sampling runs"}
        </a>
        <span class="muted" id="live-state">{live}</span>
        <span class="muted" id="run-count">{shown.length} of {rows.length} runs</span>
      </div>
      <table id="runs-table">
        <thead>
          <tr>
            <th></th>
            {COLUMNS.map(([key, label]) => (
              <th
                key={key}
                class="sortable"
                data-sort={key}
                onClick={() => setSort(([k, d]) => [key, k === key ? (-d as 1 | -1) : 1])}
              >
                {label}
                {sort[0] === key ? (sort[1] > 0 ? " ▲" : " ▼") : ""}
              </th>
            ))}
            <th>key figures</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.id} data-run={r.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`select ${r.id}`}
                  checked={picked.includes(r.id)}
                  onChange={() => toggle(r.id)}
                />
              </td>
              <td>
                <a href={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</a>
              </td>
              <td>{r.kind}</td>
              <td>
                <code>{r.command}</code>
              </td>
              <td>{r.model}</td>
              <td>{r.sampler}</td>
              <td>{r.backend}</td>
              <td class="status" data-status={r.status} title={r.error ?? ""}>
                <span class={`badge status-${r.status}`}>{r.status}</span>
              </td>
              <td>{r.createdAt.replace("T", " ").slice(0, 19)}</td>
              <td class="muted">{r.figures.map(([k, v]) => `${k} ${v}`).join(" · ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
