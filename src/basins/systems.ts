/**
 * Benchmark ensembles for basin detection: candidates drawn around the known minima of a
 * Landscape system (several per basin, labelled by steepest descent), overdamped Langevin
 * trajectories of the low-dimensional core from each (`simulate` from src/dynamics, CPU twin),
 * and the embedding y = Q1 x + (I - Q1 Q1^T) w into D dimensions (the law of Q [x; z], Haar Q;
 * basins.md section 3.4) with white or slow Ornstein–Uhlenbeck noise w of standard deviation
 * sigma, started stationary and independent per trajectory.
 *
 * Embedded frames are produced on demand for chosen frames and trajectories (OU noise moves
 * between the chosen frames by its exact transition), so 10^4 trajectories at D = 1000 never
 * need all frames in memory.
 * @module
 */
import { simulate } from "../dynamics/langevin.ts";
import { labelByDescent } from "../models/continuous/basins_truth.ts";
import { SplitMix32 } from "../random/splitmix.ts";
import type { Potential } from "../models/continuous/potential.ts";
import { continuousSystems } from "../models/continuous/registry.ts";
import type { Lift } from "../models/continuous/embedding.ts";
import { BENCH_LANDSCAPES, waveLift } from "./bench_potentials.ts";

/** Dynamics settings of a benchmark system (chosen so every listed minimum is metastable at the horizon). */
export interface SystemSetup {
  /** Registry name in `continuousSystems` or a key of `BENCH_LANDSCAPES`. */
  readonly system: string;
  readonly systemOptions?: Record<string, unknown>;
  readonly beta: number;
  readonly dt: number;
  /** Steps between saved frames. */
  readonly stride: number;
  /** Saved frames after the start (the horizon is frames * stride * dt). */
  readonly frames: number;
  /** Candidate jitter radius around each minimum (standard deviation per coordinate). */
  readonly jitter: number;
  /** Nonlinear lift of the core before the embedding (default none: y = Q1 x + noise). */
  readonly lift?: "wave";
}

/**
 * The benchmark sweep's systems (basins.md section 3): each keeps all listed minima as basins at
 * its horizon. Müller–Brown is scaled by 0.1 (barrier out of the middle well 0.85, i.e. 4.3 kT).
 */
export const BENCH_SYSTEMS: Readonly<Record<string, SystemSetup>> = Object.freeze({
  "quadruple-well": {
    system: "quadruple-well",
    beta: 5,
    dt: 1e-3,
    stride: 100,
    frames: 10,
    jitter: 0.25,
  },
  "muller-brown": {
    system: "muller-brown",
    systemOptions: { scale: 0.1 },
    beta: 5,
    dt: 1e-4,
    stride: 200,
    frames: 10,
    jitter: 0.08,
  },
  "triple-well-2d": {
    system: "triple-well-2d",
    beta: 6,
    dt: 1e-3,
    stride: 200,
    frames: 10,
    jitter: 0.2,
  },
  "folding-5d": { system: "folding-5d", beta: 5, dt: 1e-2, stride: 200, frames: 10, jitter: 0.2 },
  "gaussian-mixture": {
    system: "gaussian-mixture",
    systemOptions: { dim: 10, k: 6, seed: 1 },
    beta: 2,
    dt: 1e-2,
    stride: 40,
    frames: 10,
    jitter: 0.3,
  },
  // Geometry and dynamics disagree (src/basins/bench_potentials.ts). The horizon (10 frames of
  // 1 time unit) lets the valleys mix along their length (relaxation ~3) while no basin is left.
  "close-wells-valley": {
    system: "close-wells-valley",
    beta: 2,
    dt: 4e-3,
    stride: 250,
    frames: 10,
    jitter: 0.1,
    lift: "wave",
  },
  "parallel-valleys": {
    system: "parallel-valleys",
    beta: 2,
    dt: 3e-3,
    stride: 333,
    frames: 10,
    jitter: 0.1,
  },
  "thin-barrier": {
    system: "thin-barrier",
    beta: 2,
    dt: 5e-4,
    stride: 200,
    frames: 10,
    jitter: 0.05,
  },
  "entropic": {
    system: "entropic",
    beta: 2,
    dt: 1e-3,
    stride: 200,
    frames: 10,
    jitter: 0.1,
  },
});

/**
 * The potential of a setup's system and its candidate sites (the minima, or the landscape's
 * named sites).
 */
export function resolveSystem(
  s: SystemSetup,
): { potential: Potential; sites: readonly (readonly number[])[] | null; lift: Lift | null } {
  const lift = s.lift === "wave" ? waveLift() : null;
  const land = BENCH_LANDSCAPES[s.system];
  if (land) return { potential: land.potential(), sites: land.sites, lift };
  const factory = continuousSystems[s.system];
  if (!factory) {
    throw new Error(
      `unknown system '${s.system}', expected one of ${
        [...Object.keys(continuousSystems), ...Object.keys(BENCH_LANDSCAPES)].join(", ")
      }`,
    );
  }
  return { potential: factory(s.systemOptions as never), sites: null, lift };
}

/** Options of {@link simulateSystem}. */
export interface EnsembleOptions {
  readonly setup: SystemSetup;
  /** Number of candidates (spread evenly over the minima; default 20). */
  readonly candidates?: number;
  /** Trajectories per candidate. */
  readonly trajectories: number;
  /** Ambient dimension D (>= the core dimension). */
  readonly ambientDim: number;
  readonly noise: "white" | "ou";
  /** Noise standard deviation per coordinate (default 1). */
  readonly noiseSigma?: number;
  /** OU correlation time in frames (default 20). */
  readonly noiseTau?: number;
  readonly seed: number;
}

/** A simulated ensemble with on-demand embedding. */
export interface SystemEnsemble {
  readonly potential: Potential;
  readonly coreDim: number;
  readonly ambientDim: number;
  /** Candidates [K, d]. */
  readonly candidates: Float64Array;
  readonly numCandidates: number;
  /** Ground-truth basin of each candidate (index of the minimum steepest descent reaches). */
  readonly labelsTrue: Int32Array;
  /** Core frames [numFrames, T, d] (frame 0 = the candidates). */
  readonly core: Float32Array;
  readonly numFrames: number;
  readonly trajectories: number;
  readonly startIndex: Int32Array;
  /** Fraction of trajectories whose last frame descends to another basin than its start. */
  readonly exitFraction: number;
  readonly simulateSeconds: number;
  /** Embedded frames [frames.length, trajs.length, D] for increasing frame indices. */
  embed(frames: readonly number[], trajs: ArrayLike<number>): Float32Array;
}

function candidatesFor(
  p: Potential,
  k: number,
  jitter: number,
  rng: SplitMix32,
  sites: readonly (readonly number[])[] | null,
): { x: Float64Array; labels: Int32Array } {
  const d = p.dim, nm = sites?.length ?? p.minima.length;
  const x = new Float64Array(k * d), labels = new Int32Array(k);
  const isFolding = p.name.startsWith("folding");
  const siteLabel = sites?.map((s) => labelByDescent(p, s));
  for (let c = 0; c < k; c++) {
    const site = c % nm;
    const target = siteLabel ? siteLabel[site] : site;
    const centre = sites ? sites[site] : p.minima[target];
    for (let attempt = 0; attempt < 1000; attempt++) {
      const y = new Float64Array(d);
      if (isFolding && target === 1) {
        // The unfolded "minimum" is a shell: spread candidates over it.
        const r = Math.hypot(...p.minima[1]);
        let s = 0;
        for (let i = 0; i < d; i++) s += (y[i] = rng.normal()) ** 2;
        for (let i = 0; i < d; i++) y[i] = (y[i] / Math.sqrt(s)) * r + jitter * rng.normal();
      } else for (let i = 0; i < d; i++) y[i] = centre[i] + jitter * rng.normal();
      if (labelByDescent(p, y) === target) {
        x.set(y, c * d);
        labels[c] = target;
        break;
      }
      if (attempt === 999) {
        throw new Error(`candidates: could not place one in basin ${target} of ${p.name}`);
      }
    }
  }
  return { x, labels };
}

/**
 * The simulated part of an ensemble (candidates and core frames): what a stored run keeps so
 * that `runs resume` skips the simulation. {@link ensembleFromCore} rebuilds the ensemble.
 */
export interface SimulatedCore {
  /** Candidates [K, d]. */
  readonly candidates: Float64Array;
  readonly labelsTrue: Int32Array;
  /** Core frames [numFrames, T, d] (frame 0 = the candidates). */
  readonly core: Float32Array;
  readonly numFrames: number;
  readonly trajectories: number;
  readonly startIndex: Int32Array;
  readonly simulateSeconds: number;
}

/** Places the candidates and simulates their trajectories in the system's own dimension. */
export async function simulateCore(opts: EnsembleOptions): Promise<SimulatedCore> {
  const s = opts.setup;
  const { potential: p, sites } = resolveSystem(s);
  checkAmbient(opts);
  const k = opts.candidates ?? 20;
  const rng = new SplitMix32(opts.seed);
  const cand = candidatesFor(p, k, s.jitter, rng, sites);
  const r = await simulate(p, {
    starts: cand.x,
    trajectoriesPerStart: opts.trajectories,
    steps: s.frames * s.stride,
    stride: s.stride,
    dt: s.dt,
    beta: s.beta,
    seed: opts.seed,
  }, null);
  return {
    candidates: cand.x,
    labelsTrue: cand.labels,
    core: r.frames!,
    numFrames: r.numFrames,
    trajectories: r.trajectories,
    startIndex: r.startIndex,
    simulateSeconds: r.seconds,
  };
}

function checkAmbient(opts: EnsembleOptions): void {
  const { potential: p, lift } = resolveSystem(opts.setup);
  const m = lift?.outDim ?? p.dim, D = opts.ambientDim;
  if (!(Number.isInteger(D) && D >= m)) {
    throw new Error(
      `ambient dimension ${D} must be an integer >= the ${
        lift ? "lifted" : "core"
      } dimension ${m} of ${opts.setup.system}`,
    );
  }
}

/**
 * Simulates an ensemble.
 *
 * @example
 * ```ts
 * const e = await simulateSystem({
 *   setup: BENCH_SYSTEMS["quadruple-well"], candidates: 8, trajectories: 16, ambientDim: 50,
 *   noise: "ou", seed: 1,
 * });
 * const y = e.embed([e.numFrames - 1], Int32Array.from({ length: e.trajectories }, (_, i) => i));
 * ```
 */
export async function simulateSystem(opts: EnsembleOptions): Promise<SystemEnsemble> {
  return ensembleFromCore(opts, await simulateCore(opts));
}

/** The ensemble of simulated `core` frames: exit diagnostic and on-demand embedding. */
export function ensembleFromCore(opts: EnsembleOptions, r: SimulatedCore): SystemEnsemble {
  checkAmbient(opts);
  const { potential: p, lift } = resolveSystem(opts.setup);
  const d = p.dim, D = opts.ambientDim, m = lift?.outDim ?? d;
  const k = r.labelsTrue.length;
  const cand = { x: r.candidates, labels: r.labelsTrue };
  const T = r.trajectories, nf = r.numFrames;
  // Exit diagnostic on a subsample of trajectories.
  let exits = 0, checked = 0;
  for (let t = 0; t < T; t += Math.max(1, Math.floor(T / 400))) {
    // The last frame is the final state (steps are a multiple of the stride).
    const last = r.core.subarray(((nf - 1) * T + t) * d, ((nf - 1) * T + t) * d + d);
    if (labelByDescent(p, last) !== cand.labels[r.startIndex[t]]) exits++;
    checked++;
  }
  // Q1: the first m columns of a Haar matrix (Gram–Schmidt of m Gaussian columns), column-major.
  const qrng = new SplitMix32(opts.seed ^ 0x51ab);
  const q1 = qrng.fillNormal(new Float64Array(m * D));
  for (let j = 0; j < m; j++) {
    for (let l = 0; l < j; l++) {
      let dot = 0;
      for (let i = 0; i < D; i++) dot += q1[l * D + i] * q1[j * D + i];
      for (let i = 0; i < D; i++) q1[j * D + i] -= dot * q1[l * D + i];
    }
    let nrm = 0;
    for (let i = 0; i < D; i++) nrm += q1[j * D + i] ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < D; i++) q1[j * D + i] /= nrm;
  }
  const sigma = opts.noiseSigma ?? 1;
  const tau = opts.noise === "ou" ? (opts.noiseTau ?? 20) : 0;
  const core = r.core;
  return {
    potential: p,
    coreDim: d,
    ambientDim: D,
    candidates: cand.x,
    numCandidates: k,
    labelsTrue: cand.labels,
    core,
    numFrames: nf,
    trajectories: T,
    startIndex: r.startIndex,
    exitFraction: exits / checked,
    simulateSeconds: r.simulateSeconds,
    embed(frames, trajs) {
      const out = new Float32Array(frames.length * trajs.length * D);
      const w = new Float64Array(D), c = new Float64Array(m);
      const xin = new Float64Array(d), phi = new Float64Array(m);
      for (let ti = 0; ti < trajs.length; ti++) {
        const t = trajs[ti];
        // Per-trajectory noise stream: same trajectory, same noise path for the same frames.
        const nr = new SplitMix32((opts.seed * 1000003 + t * 7919 + 17) >>> 0);
        let prev = -1;
        frames.forEach((f, fi) => {
          if (prev < 0 || tau === 0) { for (let i = 0; i < D; i++) w[i] = sigma * nr.normal(); }
          else {
            const a = Math.exp(-(f - prev) / tau), b = sigma * Math.sqrt(1 - a * a);
            for (let i = 0; i < D; i++) w[i] = a * w[i] + b * nr.normal();
          }
          prev = f;
          xin.set(core.subarray((f * T + t) * d, (f * T + t) * d + d));
          if (lift) lift.apply(xin, phi);
          else phi.set(xin);
          for (let j = 0; j < m; j++) {
            let sdot = 0;
            for (let i = 0; i < D; i++) sdot += q1[j * D + i] * w[i];
            c[j] = sdot - phi[j];
          }
          const o = (fi * trajs.length + ti) * D;
          for (let i = 0; i < D; i++) {
            let v = w[i];
            for (let j = 0; j < m; j++) v -= q1[j * D + i] * c[j];
            out[o + i] = v;
          }
        });
      }
      return out;
    },
  };
}
