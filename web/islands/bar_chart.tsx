/**
 * Island: bar chart drawn with Observable Plot, which is loaded lazily (its chunk, with d3, is
 * fetched only by pages that show bars), e.g. ESS per chain or ESS/s per sampler as in the
 * DISCS figures.
 * @module
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { colorAt } from "../components/colors.ts";

/** One bar. */
export type Bar = { label: string; value: number; group?: string };

/** Props of {@linkcode BarChart}. */
export type BarChartProps = {
  id: string;
  title: string;
  bars: Bar[];
  yLabel?: string;
  height?: number;
  /** Draw a horizontal reference line (e.g. R-hat 1.01). */
  rule?: number;
};

/** An Observable Plot bar chart; sets `data-rendered` and `data-bars` when drawn. */
export function BarChart(props: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState("loading…");
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const Plot = await import("@observablehq/plot");
        if (cancelled || !box.current) return;
        const el = box.current;
        const groups = [...new Set(props.bars.map((b) => b.group ?? b.label))];
        const marks = [
          Plot.barY(props.bars, {
            x: "label",
            y: "value",
            fill: (b: Bar) => colorAt(groups.indexOf(b.group ?? b.label)),
            title: (b: Bar) => `${b.label}: ${b.value.toPrecision(4)}`,
            sort: null,
          }),
          Plot.ruleY([0]),
          ...(props.rule !== undefined ? [Plot.ruleY([props.rule], { stroke: "#d1495b" })] : []),
        ];
        const svg = Plot.plot({
          width: Math.max(300, el.clientWidth || 560),
          height: props.height ?? 240,
          marginBottom: 50,
          x: {
            label: null,
            tickRotate: props.bars.length > 8 ? -30 : 0,
            domain: props.bars.map((b) => b.label),
          },
          y: { label: props.yLabel ?? null, grid: true },
          marks,
        });
        el.textContent = "";
        el.append(svg);
        const fig = el.closest("figure")!;
        fig.dataset.bars = String(props.bars.length);
        fig.dataset.rendered = "true";
        setStatus("");
      } catch (e) {
        if (!cancelled) setStatus(`could not draw: ${(e as Error).message}`);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <figure class="chart bars" id={props.id} data-rendered="false">
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="plot" style={{ minHeight: `${props.height ?? 240}px` }} />
      <p class="chart-status">{status}</p>
    </figure>
  );
}
