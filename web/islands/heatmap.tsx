/**
 * Island: a matrix (e.g. the pairwise risk matrix of a basin run) as a canvas heatmap with a
 * sequential colour ramp and a hover read-out.
 * @module
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { ramp } from "../components/colors.ts";

/** Props of {@linkcode Heatmap}. */
export type HeatmapProps = {
  id: string;
  title: string;
  /** URL of a raw 2-D array (`/api/runs/<id>/arrays/<name>?raw=1`). */
  url: string;
  size?: number;
};

type Raw = { shape: number[]; data: (number | null)[] };

/** Canvas heatmap; sets `data-rendered` and `data-cells` when drawn. */
export function Heatmap(props: HeatmapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [status, setStatus] = useState("loading…");
  const [matrix, setMatrix] = useState<Raw | null>(null);
  useEffect(() => {
    fetch(props.url).then(async (r) => {
      if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
      return r.json() as Promise<Raw>;
    }).then((m) => {
      if (m.shape.length !== 2) throw new Error(`expected a 2-D array, got shape [${m.shape}]`);
      const [rows, cols] = m.shape;
      const vals = m.data.filter((v): v is number => v !== null);
      const lo = Math.min(...vals), hi = Math.max(...vals);
      const c = canvas.current!;
      const size = props.size ?? 360;
      const ctx = c.getContext("2d")!;
      const cw = size / cols, ch = size / rows;
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, c.width, c.height);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const v = m.data[i * cols + j];
          ctx.fillStyle = v === null ? "#ccc" : ramp(hi > lo ? (v - lo) / (hi - lo) : 0.5);
          ctx.fillRect(j * cw, i * ch, Math.ceil(cw), Math.ceil(ch));
        }
      }
      // Colour bar on the right.
      for (let y = 0; y < size; y++) {
        ctx.fillStyle = ramp(1 - y / size);
        ctx.fillRect(size + 12, y, 14, 1);
      }
      ctx.fillStyle = "#333";
      ctx.font = "11px sans-serif";
      ctx.fillText(hi.toPrecision(3), size + 30, 10);
      ctx.fillText(lo.toPrecision(3), size + 30, size);
      setMatrix(m);
      const fig = c.closest("figure")!;
      fig.dataset.cells = String(rows * cols);
      fig.dataset.rendered = "true";
      setStatus(`${rows} × ${cols}, range ${lo.toPrecision(3)} … ${hi.toPrecision(3)}`);
    }).catch((e) => setStatus(`could not draw: ${e.message}`));
  }, [props.url]);
  const size = props.size ?? 360;
  const onMove = (e: MouseEvent) => {
    if (!matrix) return;
    const [rows, cols] = matrix.shape;
    const r = (e.target as HTMLCanvasElement).getBoundingClientRect();
    const j = Math.floor(((e.clientX - r.left) / size) * cols);
    const i = Math.floor(((e.clientY - r.top) / size) * rows);
    if (i >= 0 && i < rows && j >= 0 && j < cols) {
      setStatus(`[${i}, ${j}] = ${matrix.data[i * cols + j]}`);
    }
  };
  return (
    <figure class="chart heatmap" id={props.id} data-rendered="false">
      <figcaption>{props.title}</figcaption>
      <canvas ref={canvas} class="plain" width={size + 80} height={size + 2} onMouseMove={onMove} />
      <p class="chart-status">{status}</p>
    </figure>
  );
}
