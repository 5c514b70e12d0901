/**
 * Body of a `bind score --save` run's page: the complex in three orthographic views (the
 * ligand's principal axes, so the first view looks at its flattest face) with the pocket atoms,
 * the ligand, the predicted force on each ligand atom (red arrows) and the ligand after the
 * predicted rigid correction (outlined). Server-rendered SVG: no island, no client code.
 * @module
 */

import type { RunManifest } from "../../src/io/manifest.ts";
import { KeyFigures } from "./key_figures.tsx";
import { hasComplexView } from "../utils/bind_runs.ts";

/** The arrays of a bind-score run, flat [n * 3]. */
export type BindArrays = {
  ligand: Float32Array;
  pocket: Float32Array;
  forces: Float32Array;
  corrected: Float32Array;
};

function axes(ligand: Float32Array): number[][] {
  // Principal axes of the ligand by power iteration on its 3x3 covariance (largest first).
  const n = ligand.length / 3, c = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += ligand[3 * i + k] / n;
  const cov = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        cov[3 * a + b] += (ligand[3 * i + a] - c[a]) * (ligand[3 * i + b] - c[b]);
      }
    }
  }
  const out: number[][] = [];
  for (let k = 0; k < 2; k++) {
    let v = k === 0 ? [1, 0.3, 0.1] : [0.2, 1, 0.4];
    for (let it = 0; it < 60; it++) {
      let w = [0, 1, 2].map((a) =>
        cov[3 * a] * v[0] + cov[3 * a + 1] * v[1] + cov[3 * a + 2] * v[2]
      );
      for (const u of out) {
        const d = w[0] * u[0] + w[1] * u[1] + w[2] * u[2];
        w = w.map((x, j) => x - d * u[j]);
      }
      const norm = Math.hypot(w[0], w[1], w[2]) || 1;
      v = w.map((x) => x / norm);
    }
    out.push(v);
  }
  const [a, b] = out;
  out.push([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]);
  return out;
}

function View(
  { data, u, v, title }: { data: BindArrays; u: number[]; v: number[]; title: string },
) {
  const size = 320, pad = 16;
  const proj = (x: Float32Array, i: number) => {
    const p = [x[3 * i], x[3 * i + 1], x[3 * i + 2]];
    return [p[0] * u[0] + p[1] * u[1] + p[2] * u[2], p[0] * v[0] + p[1] * v[1] + p[2] * v[2]];
  };
  const all = [data.pocket, data.ligand].flatMap((x) =>
    Array.from({ length: x.length / 3 }, (_, i) => proj(x, i))
  );
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs), y0 = Math.min(...ys);
  const span = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0, 1e-6);
  const sx = (p: number[]) => pad + (p[0] - x0) / span * (size - 2 * pad);
  const sy = (p: number[]) => size - pad - (p[1] - y0) / span * (size - 2 * pad);
  let fmax = 1e-12;
  for (let i = 0; i < data.forces.length / 3; i++) {
    fmax = Math.max(
      fmax,
      Math.hypot(data.forces[3 * i], data.forces[3 * i + 1], data.forces[3 * i + 2]),
    );
  }
  const arrow = 3 / fmax; // the largest force is drawn 3 A long
  const nL = data.ligand.length / 3;
  return (
    <figure>
      <figcaption>{title}</figcaption>
      <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img">
        {Array.from({ length: data.pocket.length / 3 }, (_, j) => {
          const p = proj(data.pocket, j);
          return <circle key={`p${j}`} cx={sx(p)} cy={sy(p)} r={2.5} fill="#bbb" />;
        })}
        {Array.from({ length: nL }, (_, i) => {
          const p = proj(data.corrected, i);
          return <circle key={`c${i}`} cx={sx(p)} cy={sy(p)} r={4} fill="none" stroke="#2a9d8f" />;
        })}
        {Array.from({ length: nL }, (_, i) => {
          const p = proj(data.ligand, i);
          const f = [data.forces[3 * i], data.forces[3 * i + 1], data.forces[3 * i + 2]];
          const tip = [
            p[0] + arrow * (f[0] * u[0] + f[1] * u[1] + f[2] * u[2]),
            p[1] + arrow * (f[0] * v[0] + f[1] * v[1] + f[2] * v[2]),
          ];
          return (
            <g key={`l${i}`}>
              <circle cx={sx(p)} cy={sy(p)} r={4} fill="#1d4ed8" />
              <line
                x1={sx(p)}
                y1={sy(p)}
                x2={sx(tip)}
                y2={sy(tip)}
                stroke="#dc2626"
                stroke-width={1.5}
              />
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** The bind-score run page body. */
export function BindView({ m, data }: { m: RunManifest; data: BindArrays }) {
  const [a, b, c] = axes(data.ligand);
  return (
    <>
      <KeyFigures
        items={[
          ["complex", m.summary.complex as string],
          ["energy", m.summary.score_energy as number],
          ["max |force|", m.summary.max_force as number],
          ["correction RMSD (A)", m.summary.correction_rmsd as number],
        ]}
      />
      <p class="muted">
        Grey: pocket atoms. Blue: ligand. Red: predicted force per ligand atom (largest drawn 3 A
        long). Outlined: ligand after the predicted rigid correction.{" "}
        {hasComplexView(m) && (
          <a href={`/bind?view=${encodeURIComponent(m.id)}`}>Rotatable 3-D view</a>
        )}
      </p>
      <div class="grid">
        <View data={data} u={a} v={b} title="view along the ligand's smallest axis" />
        <View data={data} u={a} v={c} title="view along its middle axis" />
        <View data={data} u={b} v={c} title="view along its largest axis" />
      </div>
    </>
  );
}
