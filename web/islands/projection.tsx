/**
 * Island: 2-D projection of trajectory frames (PCA or two chosen coordinates) coloured by
 * start candidate or by detected basin, with a time slider over frames.
 * @module
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { colorAt } from "../components/colors.ts";
import type { Projection as ProjectionData } from "../utils/basin_stats.ts";

/** Props of {@linkcode Projection}. */
export type ProjectionProps = {
  id: string;
  runId: string;
  dim: number;
  /** Whether detected basin labels exist (`labels_pred`), enabling colour by basin. */
  hasBasins: boolean;
  width?: number;
  height?: number;
};

type Payload = ProjectionData & { startIndex: number[] | null; labelsPred: number[] | null };

/** Canvas scatter with a frame slider; sets `data-rendered`, `data-series` (colour groups). */
export function Projection(props: ProjectionProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [mode, setMode] = useState<"pca" | "coords">("pca");
  const [ci, setCi] = useState(0);
  const [cj, setCj] = useState(Math.min(1, props.dim - 1));
  const [colorBy, setColorBy] = useState<"start" | "basin">(props.hasBasins ? "basin" : "start");
  const [frame, setFrame] = useState(-1); // -1: the last frame
  const [data, setData] = useState<Payload | null>(null);
  const [status, setStatus] = useState("loading…");
  const W = props.width ?? 560, H = props.height ?? 380;

  useEffect(() => {
    const q = mode === "pca" ? "mode=pca" : `mode=coords&i=${ci}&j=${cj}`;
    fetch(`/api/runs/${encodeURIComponent(props.runId)}/projection?${q}`)
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
        return r.json() as Promise<Payload>;
      })
      .then((d) => setData(d))
      .catch((e) => setStatus(`could not draw: ${e.message}`));
  }, [mode, ci, cj]);

  useEffect(() => {
    if (!data || !canvas.current) return;
    const ctx = canvas.current.getContext("2d")!;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const pts of data.points) {
      for (let q = 0; q < pts.length; q += 2) {
        x0 = Math.min(x0, pts[q]), x1 = Math.max(x1, pts[q]);
        y0 = Math.min(y0, pts[q + 1]), y1 = Math.max(y1, pts[q + 1]);
      }
    }
    const pad = 30;
    const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
    const sy = (y: number) => H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
    const groupOf = (t: number) => {
      const s = data.startIndex?.[t] ?? t;
      return colorBy === "basin" && data.labelsPred ? data.labelsPred[s] ?? -1 : s;
    };
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    ctx.strokeStyle = "#bbb";
    ctx.strokeRect(pad, pad, W - 2 * pad, H - 2 * pad);
    ctx.fillStyle = "#555";
    ctx.font = "11px sans-serif";
    ctx.fillText(data.axes[0], W / 2, H - 8);
    ctx.fillText(data.axes[1], 4, pad - 8);
    const k = frame < 0 ? data.points.length - 1 : Math.min(frame, data.points.length - 1);
    // Faint trails of the previous frames show where each trajectory came from.
    ctx.globalAlpha = 0.15;
    for (let p = Math.max(0, k - 20); p < k; p++) {
      const pts = data.points[p];
      for (let t = 0; t < data.trajectories; t++) {
        ctx.fillStyle = colorAt(groupOf(t));
        ctx.fillRect(sx(pts[2 * t]) - 1, sy(pts[2 * t + 1]) - 1, 2, 2);
      }
    }
    ctx.globalAlpha = 1;
    const pts = data.points[k];
    const groups = new Set<number>();
    for (let t = 0; t < data.trajectories; t++) {
      const g = groupOf(t);
      groups.add(g);
      ctx.fillStyle = colorAt(g);
      ctx.beginPath();
      ctx.arc(sx(pts[2 * t]), sy(pts[2 * t + 1]), 3.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    const fig = canvas.current.closest("figure")!;
    fig.dataset.series = String(groups.size);
    fig.dataset.points = String(data.trajectories);
    fig.dataset.frame = String(data.frameIndex[k]);
    fig.dataset.rendered = "true";
    const ex = data.explained
      ? ` (PC1 ${(100 * data.explained[0]).toFixed(1)}%, PC2 ${
        (100 * data.explained[1]).toFixed(1)
      }% of variance)`
      : "";
    setStatus(
      `frame ${data.frameIndex[k]} · ${data.trajectories} trajectories · ${groups.size} ${
        colorBy === "basin" ? "basins" : "start candidates"
      }${ex}`,
    );
  }, [data, frame, colorBy]);

  const coord = (value: number, set: (v: number) => void, label: string) => (
    <label>
      {label}{" "}
      <input
        type="number"
        min={0}
        max={props.dim - 1}
        value={value}
        onInput={(e) => set(Number((e.target as HTMLInputElement).value))}
        style={{ width: "4em" }}
      />
    </label>
  );
  return (
    <figure class="chart projection" id={props.id} data-rendered="false">
      <figcaption>Trajectory frames, 2-D projection</figcaption>
      <div class="controls">
        <label>
          projection{" "}
          <select
            value={mode}
            onChange={(e) => setMode((e.target as HTMLSelectElement).value as "pca" | "coords")}
          >
            <option value="pca">PCA</option>
            <option value="coords">coordinates</option>
          </select>
        </label>
        {mode === "coords" && coord(ci, setCi, "x")}
        {mode === "coords" && coord(cj, setCj, "y")}
        <label>
          colour by{" "}
          <select
            name="colorBy"
            value={colorBy}
            onChange={(e) => setColorBy((e.target as HTMLSelectElement).value as "start" | "basin")}
          >
            <option value="start">start candidate</option>
            {props.hasBasins && <option value="basin">detected basin</option>}
          </select>
        </label>
        <label>
          time{" "}
          <input
            type="range"
            name="frame"
            min={0}
            max={Math.max(0, (data?.frameIndex.length ?? 1) - 1)}
            value={frame < 0 ? Math.max(0, (data?.frameIndex.length ?? 1) - 1) : frame}
            onInput={(e) => setFrame(Number((e.target as HTMLInputElement).value))}
          />
        </label>
      </div>
      <canvas ref={canvas} class="plain" width={W} height={H} />
      <p class="chart-status">{status}</p>
    </figure>
  );
}
