/**
 * Island: a scored protein-ligand complex in 3-D on a plain canvas, rotated by dragging. Pocket
 * and ligand atoms are coloured by element class (or synthetic type); red arrows are the
 * predicted force on each ligand atom, the blue arrow at the centroid is the translation score
 * (the mean force, same scale), and the purple axis with its arc is omega (the direction and
 * sense of the predicted rotation). Rings: the ligand after the predicted rigid correction
 * (teal) and the crystal pose when the run perturbed it (green).
 * @module
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { colorAt } from "../components/colors.ts";
import type { ComplexData } from "../utils/bind_runs.ts";
import {
  arrowScale,
  centroidOf,
  ELEMENT_COLORS,
  type Projected,
  projectPoint,
  radiusAbout,
  viewRotation,
} from "../utils/view3d.ts";

/** Props of {@linkcode ComplexView}. */
export type ComplexViewProps = {
  id: string;
  runId: string;
  width?: number;
  height?: number;
};

/** Largest force drawn this long (angstrom). */
const ARROW_A = 3;
/** Omega's axis is drawn this long (angstrom); its size is printed below. */
const OMEGA_A = 4;

function classColor(classes: string[], k: number): string {
  return ELEMENT_COLORS[classes[k]] ?? colorAt(k);
}

/**
 * Canvas 3-D view; sets `data-rendered`, `data-atoms` (ligand + pocket), `data-arrows` (force
 * arrows drawn), `data-yaw` and `data-pitch` (the view's angles, radians to 2 decimals).
 */
export function ComplexView(props: ComplexViewProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [data, setData] = useState<ComplexData | null>(null);
  const [angles, setAngles] = useState<[number, number]>([0.6, 0.35]);
  const [show, setShow] = useState({ pocket: true, forces: true, corrected: true, native: true });
  const [status, setStatus] = useState("loading…");
  const drag = useRef<{ x: number; y: number; yaw: number; pitch: number } | null>(null);
  const W = props.width ?? 760, H = props.height ?? 520;

  useEffect(() => {
    fetch(`/api/bind/${encodeURIComponent(props.runId)}/complex`)
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
        return r.json() as Promise<ComplexData>;
      })
      .then(setData)
      .catch((e) => setStatus(`could not draw: ${e.message}`));
  }, [props.runId]);

  useEffect(() => {
    if (!data || !canvas.current) return;
    const ctx = canvas.current.getContext("2d")!;
    const [yaw, pitch] = angles;
    const r = viewRotation(yaw, pitch);
    const centre = centroidOf(data.ligand);
    const reach = Math.max(
      radiusAbout(centre, data.ligand) + ARROW_A,
      show.pocket ? radiusAbout(centre, data.pocket) : 0,
    );
    const scale = (Math.min(W, H) / 2 - 12) / reach;
    const P = (p: ArrayLike<number>) => projectPoint(r, centre, scale, W / 2, H / 2, p);
    const at = (x: number[], i: number) => x.slice(3 * i, 3 * i + 3);
    const k = arrowScale(data.forces, [data.translation], ARROW_A);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);

    // Atoms far to near so nearer atoms cover farther ones.
    type Atom = { p: Projected; color: string; radius: number; ligand: boolean };
    const atoms: Atom[] = [];
    const nL = data.ligand.length / 3, nP = data.pocket.length / 3;
    if (show.pocket) {
      for (let j = 0; j < nP; j++) {
        atoms.push({
          p: P(at(data.pocket, j)),
          color: classColor(data.classes, data.pocketClass[j]),
          radius: 0.35 * scale,
          ligand: false,
        });
      }
    }
    for (let i = 0; i < nL; i++) {
      atoms.push({
        p: P(at(data.ligand, i)),
        color: classColor(data.classes, data.ligandClass[i]),
        radius: 0.5 * scale,
        ligand: true,
      });
    }
    atoms.sort((a, b) => a.p[2] - b.p[2]);
    for (const a of atoms) {
      ctx.globalAlpha = a.ligand ? 1 : 0.45;
      ctx.fillStyle = a.color;
      ctx.beginPath();
      ctx.arc(a.p[0], a.p[1], Math.max(2, a.radius), 0, 2 * Math.PI);
      ctx.fill();
      if (a.ligand) {
        ctx.strokeStyle = "#1d2430";
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;

    const rings = (x: number[] | null, color: string, dash: number[]) => {
      if (!x) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(dash);
      for (let i = 0; i < nL; i++) {
        const p = P(at(x, i));
        ctx.beginPath();
        ctx.arc(p[0], p[1], Math.max(3, 0.5 * scale), 0, 2 * Math.PI);
        ctx.stroke();
      }
      ctx.setLineDash([]);
    };
    if (show.native) rings(data.native, "#16a34a", [3, 3]);
    if (show.corrected) rings(data.corrected, "#0d9488", []);

    const arrow = (from: Projected, to: Projected, color: string, width: number) => {
      const dx = to[0] - from[0], dy = to[1] - from[1], len = Math.hypot(dx, dy);
      ctx.strokeStyle = ctx.fillStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(from[0], from[1]);
      ctx.lineTo(to[0], to[1]);
      ctx.stroke();
      if (len < 2) return;
      const ux = dx / len, uy = dy / len, h = Math.min(8, 0.4 * len);
      ctx.beginPath();
      ctx.moveTo(to[0], to[1]);
      ctx.lineTo(to[0] - h * ux - 0.5 * h * uy, to[1] - h * uy + 0.5 * h * ux);
      ctx.lineTo(to[0] - h * ux + 0.5 * h * uy, to[1] - h * uy - 0.5 * h * ux);
      ctx.fill();
    };
    const plus = (a: number[], b: ArrayLike<number>, s: number) => a.map((v, q) => v + s * b[q]);
    let arrows = 0;
    if (show.forces) {
      for (let i = 0; i < nL; i++) {
        const a = at(data.ligand, i);
        arrow(P(a), P(plus(a, at(data.forces, i), k)), "#dc2626", 1.5);
        arrows++;
      }
    }
    arrow(P(centre), P(plus(centre, data.translation, k)), "#2463eb", 3);
    const wn = Math.hypot(data.omega[0], data.omega[1], data.omega[2]);
    if (wn > 0) {
      const axis = data.omega.map((v) => v / wn);
      const tip = plus(centre, axis, OMEGA_A);
      arrow(P(centre), P(tip), "#8e44ad", 2.5);
      // The sense of rotation: an arc about the axis near its tip (right-hand rule).
      const e1 = Math.abs(axis[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
      const d = e1[0] * axis[0] + e1[1] * axis[1] + e1[2] * axis[2];
      const u0 = e1.map((v, q) => v - d * axis[q]);
      const un = Math.hypot(u0[0], u0[1], u0[2]);
      const u = u0.map((v) => v / un);
      const v = [
        axis[1] * u[2] - axis[2] * u[1],
        axis[2] * u[0] - axis[0] * u[2],
        axis[0] * u[1] - axis[1] * u[0],
      ];
      const base = plus(centre, axis, 0.75 * OMEGA_A);
      const ring = (t: number) =>
        P(base.map((b, q) => b + 0.8 * (Math.cos(t) * u[q] + Math.sin(t) * v[q])));
      ctx.strokeStyle = "#8e44ad";
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      const steps = 24, end = 1.5 * Math.PI;
      for (let s = 0; s <= steps; s++) {
        const p = ring((s / steps) * end);
        if (s === 0) ctx.moveTo(p[0], p[1]);
        else ctx.lineTo(p[0], p[1]);
      }
      ctx.stroke();
      arrow(ring(end - 0.3), ring(end), "#8e44ad", 1.5);
    }

    const fig = canvas.current.closest("figure")!;
    fig.dataset.atoms = String(nL + (show.pocket ? nP : 0));
    fig.dataset.arrows = String(arrows);
    fig.dataset.yaw = yaw.toFixed(2);
    fig.dataset.pitch = pitch.toFixed(2);
    fig.dataset.rendered = "true";
    const f3 = (x: number[]) => `(${x.map((q) => q.toFixed(3)).join(", ")})`;
    // The rigid correction turns about the centroid, so the centroids differ by its shift.
    const c1 = centroidOf(data.corrected), shift = c1.map((v, q) => v - centre[q]);
    setStatus(
      `${data.complex}: ${nL} ligand atoms, ${nP} pocket atoms` +
        (data.energy !== null ? ` · E ${data.energy.toFixed(4)}` : "") +
        ` · translation ${f3(data.translation)} · omega ${f3(data.omega)} (|omega| ${
          wn.toFixed(3)
        }) · correction shift ${f3(shift)} A · drag to rotate`,
    );
  }, [data, angles, show]);

  const onDown = (e: PointerEvent) => {
    drag.current = { x: e.clientX, y: e.clientY, yaw: angles[0], pitch: angles[1] };
    (e.currentTarget as HTMLCanvasElement).setPointerCapture?.(e.pointerId);
  };
  const onMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const pitch = Math.max(-1.55, Math.min(1.55, d.pitch + (e.clientY - d.y) * 0.01));
    setAngles([d.yaw + (e.clientX - d.x) * 0.01, pitch]);
  };
  const onUp = () => (drag.current = null);
  const toggle = (key: keyof typeof show, label: string) => (
    <label>
      <input
        type="checkbox"
        name={key}
        checked={show[key]}
        onChange={(e) => setShow({ ...show, [key]: (e.target as HTMLInputElement).checked })}
      />{" "}
      {label}
    </label>
  );
  return (
    <figure class="chart complex-view" id={props.id} data-rendered="false">
      <figcaption>Complex and predicted forces (drag to rotate)</figcaption>
      <div class="controls">
        {toggle("pocket", "pocket")}
        {toggle("forces", "forces")}
        {toggle("corrected", "corrected pose")}
        {data?.native && toggle("native", "crystal pose")}
      </div>
      <canvas
        ref={canvas}
        class="plain"
        width={W}
        height={H}
        style={{ cursor: "grab", touchAction: "none" }}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
      />
      <p class="muted legend">
        {(data?.classes ?? []).map((c, i) => (
          <span key={c} style={{ marginRight: "0.8em" }}>
            <span style={{ color: classColor(data!.classes, i) }}>●</span> {c}
          </span>
        ))}
        <span style={{ color: "#dc2626" }}>→ force</span>{" "}
        <span style={{ color: "#2463eb" }}>→ translation</span>{" "}
        <span style={{ color: "#8e44ad" }}>→ omega</span>{" "}
        <span style={{ color: "#0d9488" }}>○ corrected</span>
        {data?.native && <span style={{ color: "#16a34a", marginLeft: "0.3em" }}>○ crystal</span>}
      </p>
      <p class="chart-status">{status}</p>
    </figure>
  );
}
