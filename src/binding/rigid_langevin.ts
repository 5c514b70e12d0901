/**
 * Rigid-body Langevin dynamics on SE(3) (the flat integrators in src/dynamics cannot keep a
 * body rigid): overdamped translation of the centroid and rotation about it, driven by the
 * total force and the torque, with a Metropolis correction so the chain samples
 * exp(-U/kT) times the Haar measure exactly. A rotation step exp(w) is proposed with
 * w ~ N((D_r/kT) tau dt, 2 D_r dt I); its reverse is exp(-w), and the Haar Jacobian of the
 * exponential map, 2(1 - cos|w|)/|w|^2, is even in w, so it cancels in the acceptance ratio.
 * @module
 */
import { centroid, cross, expSO3, rigidMotion, type Vec3 } from "./rigid.ts";
import type { SplitMix32 } from "../random/splitmix.ts";

/** A potential of ligand coordinates giving U and the forces -dU/dx. */
export type RigidPotential = (x: Float64Array) => { energy: number; forces: Float64Array };

/** Settings of {@link rigidLangevin}. */
export interface RigidLangevinOptions {
  steps: number;
  /** Time step (adapted during the first `adaptSteps` steps towards 55 % acceptance). */
  dt: number;
  kT: number;
  /** Translational diffusion (A^2 per time unit); rotational is dTrans / (radius of gyration)^2. */
  dTrans?: number;
  adaptSteps?: number;
  /** States outside the allowed region (e.g. centroid beyond the bound radius) are rejected. */
  allowed?: (x: Float64Array) => boolean;
}

function drift(f: Float64Array, x: Float64Array, c: Vec3): { force: Vec3; torque: Vec3 } {
  const force: Vec3 = [0, 0, 0], torque: Vec3 = [0, 0, 0];
  for (let i = 0; i < x.length / 3; i++) {
    const r = [x[3 * i] - c[0], x[3 * i + 1] - c[1], x[3 * i + 2] - c[2]];
    const fi = [f[3 * i], f[3 * i + 1], f[3 * i + 2]];
    const t = cross(r, fi);
    for (let k = 0; k < 3; k++) {
      force[k] += fi[k];
      torque[k] += t[k];
    }
  }
  return { force, torque };
}

/**
 * Runs Metropolis-adjusted rigid-body Langevin from `x0`; returns the final pose, the
 * acceptance rate after adaptation and the final time step.
 *
 * @example
 * ```ts
 * import { rigidLangevin } from "./mod.ts";
 * import { SplitMix32 } from "../random/mod.ts";
 * const x0 = new Float64Array([1, 0, 0, -1, 0, 0]);
 * const harmonic = (x: Float64Array) => ({ energy: x.reduce((s, v) => s + v * v, 0) / 2, forces: x.map((v) => -v) });
 * const { x } = rigidLangevin(x0, harmonic, { steps: 200, dt: 0.01, kT: 0.6 }, new SplitMix32(1));
 * ```
 */
export function rigidLangevin(
  x0: Float64Array,
  potential: RigidPotential,
  options: RigidLangevinOptions,
  rng: SplitMix32,
): { x: Float64Array; acceptance: number; dt: number; energy: number } {
  const { steps, kT } = options;
  const adapt = options.adaptSteps ?? Math.floor(steps / 2);
  const dT = options.dTrans ?? 1;
  let x: Float64Array = Float64Array.from(x0), c = centroid(x);
  let rg2 = 0;
  for (let i = 0; i < x.length / 3; i++) {
    for (let k = 0; k < 3; k++) rg2 += (x[3 * i + k] - c[k]) ** 2;
  }
  rg2 = Math.max(rg2 / (x.length / 3), 0.25);
  const dR = dT / rg2;
  let dt = options.dt, cur = potential(x), d = drift(cur.forces, x, c);
  let accepted = 0, counted = 0;
  for (let s = 0; s < steps; s++) {
    const st = Math.sqrt(2 * dT * dt), sr = Math.sqrt(2 * dR * dt);
    const mt = d.force.map((v) => dT * v / kT * dt) as Vec3;
    const mr = d.torque.map((v) => dR * v / kT * dt) as Vec3;
    const dt3: Vec3 = [0, 0, 0], w: Vec3 = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      dt3[k] = mt[k] + st * rng.normal();
      w[k] = mr[k] + sr * rng.normal();
    }
    const y = rigidMotion(x, expSO3(w), c, dt3);
    let accept = false;
    let next = cur, dn = d, cn = c;
    if (!options.allowed || options.allowed(y)) {
      next = potential(y);
      cn = centroid(y);
      dn = drift(next.forces, y, cn);
      // log q(y -> x) - log q(x -> y), in tangent coordinates (reverse step: -dt3, -w).
      let lq = 0;
      for (let k = 0; k < 3; k++) {
        const rt = -dt3[k] - dT * dn.force[k] / kT * dt, rr = -w[k] - dR * dn.torque[k] / kT * dt;
        lq += -(rt * rt) / (2 * st * st) - (rr * rr) / (2 * sr * sr);
        lq -= -((dt3[k] - mt[k]) ** 2) / (2 * st * st) - ((w[k] - mr[k]) ** 2) / (2 * sr * sr);
      }
      const logA = -(next.energy - cur.energy) / kT + lq;
      accept = Number.isFinite(logA) && Math.log(rng.uniform()) < logA;
    }
    if (accept) {
      x = y;
      cur = next;
      d = dn;
      c = cn;
    }
    if (s < adapt) {
      // Robbins-Monro style step-size adaptation towards 55 % acceptance.
      dt *= Math.exp(((accept ? 1 : 0) - 0.55) * 0.05);
    } else {
      counted++;
      if (accept) accepted++;
    }
  }
  return { x, acceptance: counted ? accepted / counted : NaN, dt, energy: cur.energy };
}
