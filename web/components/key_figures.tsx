/**
 * A row of labelled key figures (definition list).
 * @module
 */

import { formatFigure } from "../utils/run_rows.ts";

/** Props of {@linkcode KeyFigures}: label/value pairs; null values are left out. */
export type KeyFiguresProps = { items: [string, number | string | null | undefined][] };

/** Key figures as a definition list of small cards. */
export function KeyFigures({ items }: KeyFiguresProps) {
  return (
    <dl class="figures">
      {items.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => (
        <div key={k} data-figure={k}>
          <dt>{k}</dt>
          <dd>{formatFigure(v as number | string)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A status badge. */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`} data-status={status}>{status}</span>;
}
