/**
 * `GET /lm?ids=a,b`: language-model runs (`lm train`, `lm study`) side by side: training loss and
 * validation bits per character (or byte) of several runs overlaid, a table of the key figures,
 * and each run's generated sample. Without `ids`, every language-model run (newest first, at
 * most 12).
 * @module
 */

import { renderPage } from "../components/layout.tsx";
import { Island } from "../components/island.tsx";
import type { RunManifest } from "../../src/io/manifest.ts";
import type { SeriesData } from "../utils/series.ts";
import { type DashState, openRun } from "../utils/state.ts";

/** Most runs overlaid when no ids are given. */
export const LM_PAGE_MAX_RUNS = 12;
/** Most points per training-loss curve (bucket means beyond that). */
export const LM_LOSS_POINTS = 500;

/** Whether a manifest is a language-model run. */
export function isLmRun(m: RunManifest): boolean {
  return (m as { kind?: string }).kind === "lm" || m.config.kind === "lm";
}

/** Bucket means of `values` down to at most `points` (x: the bucket's last step, 1-based). */
export function bucketMeans(
  values: ArrayLike<number>,
  points: number,
): { x: number[]; y: number[] } {
  const n = values.length, size = Math.max(1, Math.ceil(n / points));
  const x: number[] = [], y: number[] = [];
  for (let s = 0; s < n; s += size) {
    const end = Math.min(n, s + size);
    let sum = 0;
    for (let i = s; i < end; i++) sum += values[i];
    x.push(end);
    y.push(sum / (end - s));
  }
  return { x, y };
}

/** Overlays series with different x values on the union of their x (missing points: null). */
export function overlay(
  xLabel: string,
  curves: { label: string; x: number[]; y: number[] }[],
): SeriesData {
  const xs = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const series = curves.map((c) => {
    const values: (number | null)[] = xs.map(() => null);
    c.x.forEach((x, i) => (values[at.get(x)!] = c.y[i]));
    return { label: c.label, values };
  });
  return { xLabel, x: xs, series, rows: xs.length, decimated: false };
}

/** What the page shows of one run. */
export interface LmRunView {
  id: string;
  label: string;
  status: string;
  loss: { x: number[]; y: number[] };
  val: { x: number[]; y: number[] };
  unit: string;
  sample: string;
  summary: RunManifest["summary"];
}

/** Reads the curves and sample of one language-model run. */
export async function lmRunView(state: DashState, id: string): Promise<LmRunView> {
  const run = await openRun(state, id);
  const m = run.manifest;
  const names = run.arrayNames;
  const loss = names.includes("loss")
    ? bucketMeans((await run.readArray("loss")).data as Float32Array, LM_LOSS_POINTS)
    : { x: [], y: [] };
  const val = { x: [] as number[], y: [] as number[] };
  if (names.includes("val_bpc")) {
    const v = (await run.readArray("val_bpc")).data as Float64Array;
    for (let i = 0; i + 1 < v.length; i += 2) {
      val.x.push(v[i]);
      val.y.push(v[i + 1]);
    }
  }
  let sample = typeof m.summary.sample === "string" ? m.summary.sample : "";
  if (!sample) sample = await Deno.readTextFile(`${run.dir}/samples.txt`).catch(() => "");
  const variant = String(m.config.variant ?? m.config.arch ?? "?");
  return {
    id,
    label: `${variant} s${m.seed} (${id.slice(-6)})`,
    status: m.status,
    loss,
    val,
    unit: typeof m.summary.unit === "string"
      ? m.summary.unit
      : (m.config.tokenizer as { kind?: string } | undefined)?.kind === "byte"
      ? "bits/byte"
      : "bits/char",
    sample,
    summary: m.summary,
  };
}

const fig = (v: unknown, digits: number) =>
  typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : "–";

/** Renders the language-model page. */
export async function lmPage(state: DashState, ids: string[]): Promise<string> {
  let chosen = ids;
  if (chosen.length === 0) {
    const { runs } = await state.store.list();
    chosen = runs.filter(isLmRun).slice(0, LM_PAGE_MAX_RUNS).map((r) => r.id);
  }
  const views = await Promise.all(chosen.map((id) => lmRunView(state, id)));
  const unit = views[0]?.unit ?? "bits/char";
  const lossData = overlay("step", views.map((v) => ({ label: v.label, ...v.loss })));
  const valData = overlay("step", views.map((v) => ({ label: v.label, ...v.val })));
  return renderPage(
    "Language models",
    <>
      <h1>Language-model runs</h1>
      <p class="muted">
        Training loss (nats per token, bucket means) and validation {unit} of {views.length}{" "}
        run{views.length === 1 ? "" : "s"}, overlaid. Choose runs with <code>?ids=a,b</code>.
      </p>
      {views.length === 0 && <p>No language-model runs yet (cli.ts lm train).</p>}
      {views.length > 0 && (
        <div class="grid">
          <Island
            name="SeriesChart"
            props={{
              id: "chart-lm-loss",
              title: "training loss",
              data: lossData,
              yLabel: "nats/token",
            }}
          />
          <Island
            name="SeriesChart"
            props={{
              id: "chart-lm-val",
              title: `validation ${unit}`,
              data: valData,
              yLabel: unit,
              points: true,
            }}
          />
        </div>
      )}
      <h2>Runs</h2>
      <table id="lm-table">
        <thead>
          <tr>
            {[
              "run",
              "variant",
              "status",
              `val ${unit}`,
              "params",
              "non-emb.",
              "tokens/s",
              "FLOP/token",
            ].map((h) => <th key={h}>{h}</th>)}
          </tr>
        </thead>
        <tbody>
          {views.map((v) => (
            <tr key={v.id} data-run={v.id}>
              <td>
                <a href={`/runs/${encodeURIComponent(v.id)}`}>{v.id}</a>
              </td>
              <td>{v.label}</td>
              <td>{v.status}</td>
              <td class="num">{fig(v.summary.val_bits, 4)}</td>
              <td class="num">{fig(v.summary.params, 0)}</td>
              <td class="num">{fig(v.summary.params_non_embedding, 0)}</td>
              <td class="num">{fig(v.summary.tokens_per_s, 0)}</td>
              <td class="num">{fig(v.summary.train_flops_per_token, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Samples</h2>
      {views.map((v) => (
        <section key={v.id} class="lm-sample" data-run={v.id}>
          <h3>{v.label}</h3>
          <pre>{v.sample || "(no sample yet)"}</pre>
        </section>
      ))}
    </>,
  );
}
