/**
 * Island: line chart of one or more series on a shared x axis, drawn with uPlot (canvas, fast
 * on long traces). Data comes inline or from a `/api/runs/<id>/arrays/...` URL; when the data
 * was decimated on the server, zooming in (drag to select) refetches that range at full
 * resolution.
 * @module
 */

import { useEffect, useRef, useState } from "preact/hooks";
import type uPlotType from "uplot";
import type { SeriesData } from "../utils/series.ts";
import { colorAt } from "../components/colors.ts";

/** Props of {@linkcode SeriesChart}. */
export type SeriesChartProps = {
  /** Element id (tests look charts up by it). */
  id: string;
  title: string;
  /** JSON source returning {@linkcode SeriesData}; or give `data` inline. */
  url?: string;
  data?: SeriesData;
  yLabel?: string;
  height?: number;
  /** Draw points only (no lines), e.g. for sparse series. */
  points?: boolean;
  /** Logarithmic y axis (for positive series of different scales). */
  logY?: boolean;
};

function withRange(url: string, start: number, end: number): string {
  const u = new URL(url, location.href);
  u.searchParams.set("start", String(start));
  u.searchParams.set("end", String(end));
  return u.pathname + u.search;
}

/** A uPlot line chart island; sets `data-rendered`, `data-series` and `data-points` when drawn. */
export function SeriesChart(props: SeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState(props.data ? "" : "loading…");
  useEffect(() => {
    let plot: uPlotType | undefined;
    let cancelled = false;
    (async () => {
      try {
        const data: SeriesData = props.data ??
          await fetch(props.url!).then(async (r) => {
            if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
            return r.json();
          });
        const { default: uPlot } = await import("uplot");
        if (cancelled || !box.current) return;
        const el = box.current;
        el.textContent = "";
        const toCols = (d: SeriesData) =>
          [d.x, ...d.series.map((s) => s.values)] as unknown as uPlotType.AlignedData;
        let zoomed = false;
        const opts: uPlotType.Options = {
          width: Math.max(300, el.clientWidth || 560),
          height: props.height ?? 240,
          scales: { x: { time: false }, ...(props.logY ? { y: { distr: 3 } } : {}) },
          axes: [{ label: data.xLabel }, { label: props.yLabel ?? "" }],
          legend: { show: data.series.length <= 12 },
          series: [
            { label: data.xLabel },
            ...data.series.map((s, i) => ({
              label: s.label,
              stroke: colorAt(i),
              width: 1,
              ...(props.points ? { paths: () => null, points: { show: true, size: 4 } } : {}),
            })),
          ],
          hooks: {
            setSelect: [(u: uPlotType) => {
              if (!data.decimated || !props.url || u.select.width < 5) return;
              const lo = Math.max(0, Math.floor(u.posToVal(u.select.left, "x")));
              const hi = Math.ceil(u.posToVal(u.select.left + u.select.width, "x")) + 1;
              zoomed = true;
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              fetch(withRange(props.url, lo, hi)).then((r) => r.json()).then((d: SeriesData) => {
                u.setData(toCols(d));
                setStatus(
                  `rows ${lo}–${hi}${d.decimated ? " (decimated)" : ""}; double-click resets`,
                );
              });
            }],
          },
          cursor: { drag: { x: true, y: false, setScale: !data.decimated } },
        };
        plot = new uPlot(opts, toCols(data), el);
        el.ondblclick = () => {
          if (zoomed) {
            plot?.setData(toCols(data));
            zoomed = false;
            setStatus("");
          }
        };
        const fig = el.closest("figure")!;
        fig.dataset.series = String(data.series.length);
        fig.dataset.points = String(data.x.length);
        fig.dataset.rendered = "true";
        setStatus(
          data.decimated
            ? `${data.rows} rows, min/max-decimated to ${data.x.length} points; drag to zoom`
            : `${data.rows} rows`,
        );
      } catch (e) {
        if (!cancelled) setStatus(`could not draw: ${(e as Error).message}`);
      }
    })();
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [props.url]);
  return (
    <figure class="chart" id={props.id} data-rendered="false">
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="plot" style={{ minHeight: `${(props.height ?? 240) + 40}px` }} />
      <p class="chart-status">{status}</p>
    </figure>
  );
}
