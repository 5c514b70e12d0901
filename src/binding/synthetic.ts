/**
 * Synthetic protein-ligand complexes with a known answer. Random typed pockets (a cup of
 * pseudo-atoms around the origin) and rigid typed ligands interact by a fixed pairwise
 * potential, deliberately not of the network's form:
 *
 *   u_ab(d) = A (rho / d)^12 - eps_ab exp(-(d - r0)^2 / (2 w^2)),
 *   A = 1, rho = 3.2 A, r0 = 4 A, w = 0.6 A, eps (3 ligand x 3 pocket types) = SYNTH_EPS.
 *
 * The "crystal" pose is one draw from exp(-U/kT) restricted to the bound region (ligand
 * centroid within `boundRadius` of the pocket centre) by Metropolis-adjusted rigid-body
 * Langevin. The true affinity is dG = -kT log(Z_bound / Z_ref), Z_bound the integral of
 * exp(-U/kT) over the bound region and SO(3) (Haar, total mass 1), Z_ref = `refVolume`
 * (1661 A^3, the 1 M standard state, for a ligand that feels no potential); Z_bound is
 * estimated by Monte Carlo with uniform centroids in the bound ball and uniform rotations.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { BindingExample } from "./complex.ts";
import { centroid, expSO3, rigidMotion } from "./rigid.ts";
import { rigidLangevin, type RigidPotential } from "./rigid_langevin.ts";
import { SplitMix32 } from "../random/splitmix.ts";
import { uniformIn, uniformIndex, unitVector3 } from "../random/seeded_draws.ts";

/** Well depths eps_ab (ligand type a, pocket type b): apolar-apolar, donor-acceptor attract. */
export const SYNTH_EPS: number[][] = [
  [1.0, 0.3, 0.3],
  [0.3, -0.4, 1.4],
  [0.3, 1.4, -0.4],
];
const RHO = 3.2, R0 = 4.0, W = 0.6, TYPES = 3;

/** Settings of the synthetic set. */
export const SyntheticConfig = z.object({
  complexes: z.number().int().positive().default(200),
  ligandMin: z.number().int().min(2).default(5),
  ligandMax: z.number().int().min(2).default(9),
  pocketAtoms: z.number().int().positive().default(36),
  kT: z.number().positive().default(0.6),
  boundRadius: z.number().positive().default(2.0),
  refVolume: z.number().positive().default(1661),
  mcSamples: z.number().int().positive().default(50000),
  langevinSteps: z.number().int().positive().default(1500),
  /**
   * Poses per complex: the crystal pose, then `poses - 1` more from the same chain continued
   * (`poseSpacing` steps apart, its own generator, so the crystal pose and dG do not change).
   */
  poses: z.number().int().positive().default(1),
  poseSpacing: z.number().int().positive().default(200),
  seed: z.number().int().nonnegative().default(0),
  /** Index of the first complex (each complex is seeded by its index, so a range regenerates). */
  first: z.number().int().nonnegative().default(0),
}).strict();
/** The parsed synthetic configuration. */
export type SyntheticConfig = z.infer<typeof SyntheticConfig>;

/** One synthetic complex with its ground truth. */
export interface SyntheticComplex {
  example: BindingExample;
  ligandTypes: Int32Array;
  pocketTypes: Int32Array;
  /** True affinity dG (kT units times kT; lower binds tighter). */
  dG: number;
  /** Monte Carlo standard error of dG (delta method). */
  dGError: number;
  /** U at the crystal pose. */
  nativeU: number;
  /** Further unlabelled poses from the equilibrium chain (training data only). */
  extraPoses: Float64Array[];
}

/**
 * U and forces of a ligand pose against a pocket under the synthetic potential.
 *
 * @example
 * ```ts
 * import { syntheticPotential } from "./mod.ts";
 * const u = syntheticPotential(new Int32Array([0]), new Float64Array([4, 0, 0]), new Int32Array([0]));
 * console.log(u(new Float64Array([0, 0, 0])).energy); // -1 + (3.2/4)^12
 * ```
 */
export function syntheticPotential(
  ligandTypes: Int32Array,
  pocket: Float64Array,
  pocketTypes: Int32Array,
): RigidPotential {
  const nP = pocket.length / 3;
  return (x) => {
    const f = new Float64Array(x.length);
    let e = 0;
    for (let i = 0; i < x.length / 3; i++) {
      const row = SYNTH_EPS[ligandTypes[i]];
      for (let j = 0; j < nP; j++) {
        const dx = x[3 * i] - pocket[3 * j], dy = x[3 * i + 1] - pocket[3 * j + 1];
        const dz = x[3 * i + 2] - pocket[3 * j + 2];
        const d2 = dx * dx + dy * dy + dz * dz, d = Math.sqrt(d2);
        const s6 = (RHO * RHO / d2) ** 3, rep = s6 * s6;
        const g = Math.exp(-((d - R0) ** 2) / (2 * W * W)), eps = row[pocketTypes[j]];
        e += rep - eps * g;
        // dU/dd, then force = -dU/dd * (x - p)/d.
        const dud = -12 * rep / d + eps * g * (d - R0) / (W * W);
        const k = -dud / d;
        f[3 * i] += k * dx;
        f[3 * i + 1] += k * dy;
        f[3 * i + 2] += k * dz;
      }
    }
    return { energy: e, forces: f };
  };
}

function randomLigand(rng: SplitMix32, n: number): Float64Array {
  const pts: number[][] = [[0, 0, 0]];
  while (pts.length < n) {
    const from = pts[uniformIndex(rng, pts.length)], u = unitVector3(rng);
    const p = [from[0] + 1.5 * u[0], from[1] + 1.5 * u[1], from[2] + 1.5 * u[2]];
    if (pts.every((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) > 1.45)) pts.push(p);
  }
  const x = Float64Array.from(pts.flat()), c = centroid(x);
  return x.map((v, i) => v - c[i % 3]);
}

function randomPocket(rng: SplitMix32, n: number): Float64Array {
  const x = new Float64Array(3 * n);
  for (let j = 0; j < n; j++) {
    let u = unitVector3(rng);
    while (u[2] < -0.5) u = unitVector3(rng); // an open cup: no atoms below the opening
    const r = uniformIn(rng, 5.0, 6.5);
    for (let k = 0; k < 3; k++) x[3 * j + k] = u[k] * r;
  }
  return x;
}

function oneHot(types: Int32Array): Float32Array {
  const f = new Float32Array(types.length * TYPES);
  types.forEach((t, i) => f[i * TYPES + t] = 1);
  return f;
}

/** Uniform random rotation vector (Haar): angle density (1 - cos t)/pi by rejection. */
function haarRotation(rng: SplitMix32): [number, number, number] {
  for (;;) {
    const t = uniformIn(rng, 0, Math.PI);
    if (rng.uniform() * 2 < 1 - Math.cos(t)) {
      const a = unitVector3(rng);
      return [a[0] * t, a[1] * t, a[2] * t];
    }
  }
}

/**
 * Monte Carlo estimate of dG = -kT log(Z_bound / Z_ref) and its standard error.
 */
export function trueAffinity(
  ligand: Float64Array,
  potential: RigidPotential,
  cfg: SyntheticConfig,
  rng: SplitMix32,
): { dG: number; error: number } {
  const ws = new Float64Array(cfg.mcSamples);
  let maxLog = -Infinity;
  for (let s = 0; s < cfg.mcSamples; s++) {
    let c: number[];
    do c = [uniformIn(rng, -1, 1), uniformIn(rng, -1, 1), uniformIn(rng, -1, 1)]; while (
      Math.hypot(c[0], c[1], c[2]) > 1
    );
    const t = c.map((v) => v * cfg.boundRadius);
    const x = rigidMotion(ligand, expSO3(haarRotation(rng)), [0, 0, 0], t);
    ws[s] = -potential(x).energy / cfg.kT;
    maxLog = Math.max(maxLog, ws[s]);
  }
  let m = 0, m2 = 0;
  for (let s = 0; s < ws.length; s++) {
    const w = Math.exp(ws[s] - maxLog);
    m += w;
    m2 += w * w;
  }
  m /= ws.length;
  m2 /= ws.length;
  const se = Math.sqrt(Math.max(m2 - m * m, 0) / ws.length);
  const vBound = 4 / 3 * Math.PI * cfg.boundRadius ** 3;
  const logZ = Math.log(m) + maxLog + Math.log(vBound / cfg.refVolume);
  return { dG: -cfg.kT * logZ, error: cfg.kT * se / m };
}

/**
 * Generates the synthetic set: complexes, crystal poses and true affinities.
 *
 * @example
 * ```ts
 * import { generateSynthetic, SyntheticConfig } from "./mod.ts";
 * const set = generateSynthetic(SyntheticConfig.parse({ complexes: 2, mcSamples: 100, langevinSteps: 20 }));
 * ```
 */
export function generateSynthetic(cfg: SyntheticConfig): SyntheticComplex[] {
  const out: SyntheticComplex[] = [];
  for (let c = cfg.first; c < cfg.first + cfg.complexes; c++) {
    const rng = new SplitMix32(cfg.seed * 100003 + c);
    const nL = cfg.ligandMin + uniformIndex(rng, cfg.ligandMax - cfg.ligandMin + 1);
    const ligand0 = randomLigand(rng, nL);
    const ligandTypes = Int32Array.from({ length: nL }, () => uniformIndex(rng, TYPES));
    // Pocket composition varies per complex so affinities spread.
    const wts = [rng.uniform() + 0.2, rng.uniform() + 0.2, rng.uniform() + 0.2];
    const tot = wts[0] + wts[1] + wts[2];
    const pocketTypes = Int32Array.from({ length: cfg.pocketAtoms }, () => {
      const u = rng.uniform() * tot;
      return u < wts[0] ? 0 : u < wts[0] + wts[1] ? 1 : 2;
    });
    const pocket = randomPocket(rng, cfg.pocketAtoms);
    const pot = syntheticPotential(ligandTypes, pocket, pocketTypes);
    const allowed = (x: Float64Array) => {
      const ct = centroid(x);
      return Math.hypot(ct[0], ct[1], ct[2]) <= cfg.boundRadius;
    };
    const start = rigidMotion(ligand0, expSO3(haarRotation(rng)), [0, 0, 0], [0, 0, 0]);
    const { x, energy, dt } = rigidLangevin(start, pot, {
      steps: cfg.langevinSteps,
      dt: 0.01,
      kT: cfg.kT,
      allowed,
    }, rng);
    const { dG, error } = trueAffinity(ligand0, pot, cfg, rng);
    const extraPoses: Float64Array[] = [];
    const poseRng = new SplitMix32((cfg.seed * 100003 + c) ^ 0x2545f491);
    for (let k = 1, at = x; k < cfg.poses; k++) {
      at = rigidLangevin(at, pot, {
        steps: cfg.poseSpacing,
        dt,
        kT: cfg.kT,
        adaptSteps: 0,
        allowed,
      }, poseRng).x;
      extraPoses.push(at);
    }
    out.push({
      example: {
        name: `synth${cfg.seed}_${c}`,
        ligand: x,
        ligandFeatures: oneHot(ligandTypes),
        ligandDim: TYPES,
        pocket,
        pocketFeatures: oneHot(pocketTypes),
        pocketDim: TYPES,
      },
      ligandTypes,
      pocketTypes,
      dG,
      dGError: error,
      nativeU: energy,
      extraPoses,
    });
  }
  return out;
}

/** Pearson correlation. */
export function pearson(a: number[], b: number[]): number {
  const n = a.length, ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman rank correlation (average ranks for ties). */
export function spearman(a: number[], b: number[]): number {
  return pearson(ranks(a), ranks(b));
}

function ranks(v: number[]): number[] {
  const idx = v.map((_, i) => i).sort((i, j) => v[i] - v[j]), r = new Array(v.length);
  for (let s = 0; s < idx.length;) {
    let e = s;
    while (e + 1 < idx.length && v[idx[e + 1]] === v[idx[s]]) e++;
    for (let k = s; k <= e; k++) r[idx[k]] = (s + e) / 2;
    s = e + 1;
  }
  return r;
}
