/**
 * The merge history of a basin run as a server-rendered SVG dendrogram (no client code).
 * @module
 */

import type { DendrogramLayout } from "../utils/basin_stats.ts";

/** Props of {@linkcode Dendrogram}. */
export type DendrogramProps = { layout: DendrogramLayout; width?: number; height?: number };

/** Draws one U-shaped link per merge, leaves along the bottom. */
export function Dendrogram({ layout, width = 560, height = 260 }: DendrogramProps) {
  const padL = 44, padR = 10, padT = 10, padB = 28;
  const w = width - padL - padR, h = height - padT - padB;
  const n = Math.max(1, layout.leaves);
  const sx = (x: number) => padL + (n === 1 ? w / 2 : (x / (n - 1)) * w);
  const top = layout.maxHeight > 0 ? layout.maxHeight : 1;
  const sy = (y: number) => padT + h - (y / top) * h;
  const ticks = [0, 0.5, 1].map((f) => f * top);
  return (
    <svg
      class="dendrogram"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      data-links={layout.links.length}
      role="img"
      aria-label="merge history dendrogram"
    >
      <line x1={padL} y1={padT} x2={padL} y2={padT + h} stroke="#888" />
      {ticks.map((t) => (
        <text key={t} x={padL - 4} y={sy(t) + 4} text-anchor="end" font-size="10" fill="#555">
          {Number(t.toPrecision(3))}
        </text>
      ))}
      {layout.links.map((l, k) => (
        <path
          key={k}
          class="link"
          d={`M${sx(l.x1)},${sy(l.y1)}V${sy(l.height)}H${sx(l.x2)}V${sy(l.y2)}`}
          fill="none"
          stroke="#2463eb"
          stroke-width="1.5"
        />
      ))}
      {n <= 60 &&
        layout.order.map((leaf, i) => (
          <text
            key={leaf}
            x={sx(i)}
            y={padT + h + 14}
            text-anchor="middle"
            font-size="10"
            fill="#333"
          >
            {leaf}
          </text>
        ))}
      <text x={padL + w / 2} y={height - 2} text-anchor="middle" font-size="10" fill="#555">
        candidate (leaf)
      </text>
    </svg>
  );
}
