/**
 * Fixture runs for the dashboard tests, written through the real run store: three finished
 * sampling runs (different samplers), one still running, a basin run, an optimisation run and
 * a long single trace for decimation. Data are seeded and deterministic.
 * @module
 */

import { RunStore, type RunWriter } from "../../src/io/run_store.ts";

/** Fixed versions so manifests do not depend on the Deno running the tests. */
const VERSIONS = { landscape: "0.1.0", deno: "2.9.6", v8: "0", typescript: "0" };

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from `u` (Box-Muller). */
function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** AR(1) traces x_t = rho x_{t-1} + e_t, row-major [steps, chains], shifted by `offset`. */
export function ar1(steps: number, chains: number, rho: number, seed: number, offset = 0) {
  const u = rng(seed);
  const out = new Float32Array(steps * chains);
  const x = new Float64Array(chains);
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < chains; c++) {
      x[c] = rho * x[c] + Math.sqrt(1 - rho * rho) * normal(u);
      out[t * chains + c] = offset + x[c];
    }
  }
  return out;
}

/** Ids of the fixture runs. */
export const IDS = {
  gibbs: "sample-gibbs",
  dlmc: "sample-dlmc",
  hb: "sample-hamming-ball",
  running: "sample-running",
  basins: "basins-double-well",
  optimise: "optimise-maxcut",
  long: "long-trace",
  bindTrain: "bind-train-synth",
  bindBench: "bind-bench-quick",
} as const;

/** Fixture sizes the tests assert on. */
export const SIZES = {
  chains: 4,
  steps: 2000,
  frames: 40,
  trajectories: 30,
  dim: 3,
  candidates: 10,
  optSteps: 500,
  optChains: 3,
  longRows: 200_000,
  bindEpochs: 6,
  bindStepsPerEpoch: 3,
  ligandAtoms: 6,
  pocketAtoms: 24,
};

/** Sampling seconds per sampler (recorded as phase `sampling`). */
export const SECONDS: Record<string, number> = { gibbs: 2, dlmc: 1, hamming_ball: 4 };

async function create(store: RunStore, id: string, command: string[], minute: number) {
  return await store.create({
    id,
    command,
    config: { name: id },
    seed: 7,
    backend: "cpu",
    versions: VERSIONS,
    now: new Date(Date.UTC(2026, 10, 28, 10, minute, 0)),
  });
}

async function sampleRun(
  store: RunStore,
  id: string,
  sampler: string,
  rho: number,
  minute: number,
): Promise<RunWriter> {
  const { chains, steps } = SIZES;
  const run = await create(store, id, ["sample", "--model", "ising", "--sampler", sampler], minute);
  await run.writeArray("energy", {
    dtype: "f32",
    shape: [steps, chains],
    data: ar1(steps, chains, rho, minute + 1, -40),
  });
  await run.writeArray("hamming", {
    dtype: "f32",
    shape: [steps, chains],
    data: ar1(steps, chains, rho, minute + 101, 20),
  });
  await run.writeArray("param", {
    dtype: "f32",
    shape: [steps],
    data: Float32Array.from({ length: steps }, (_, t) => 1 + 0.5 * Math.exp(-t / 300)),
  });
  await run.writeArray("acceptance", {
    dtype: "f64",
    shape: [chains],
    data: Float64Array.from({ length: chains }, (_, c) => 0.5 + 0.05 * c),
  });
  const seconds = SECONDS[sampler] ?? 1;
  await run.recordPhase("sampling", seconds);
  await run.setSummary({
    model: "ising",
    sampler,
    chains,
    steps,
    stepsPerSecond: steps / seconds,
    meanAcceptance: 0.575,
    energyEvals: steps * chains * 2,
  });
  return run;
}

/** Cluster centres of the basin fixture (3 basins in 3-D). */
const CENTRES = [[-2, 0, 0], [2, 0, 0], [0, 3, 0]];
/** Ground-truth basin of each candidate. */
export const LABELS_TRUE = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
/** Detected basin of each candidate (one candidate misassigned). */
export const LABELS_PRED = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2];

async function basinRun(store: RunStore): Promise<void> {
  const { frames, trajectories: T, dim, candidates: C } = SIZES;
  const run = await create(store, IDS.basins, ["basins", "--system", "double-well"], 20);
  const u = rng(99);
  const start = Int32Array.from({ length: T }, (_, t) => t % C);
  const data = new Float32Array(frames * T * dim);
  for (let t = 0; t < T; t++) {
    const centre = CENTRES[LABELS_TRUE[start[t]]];
    const x0 = centre.map((v) => v + 1.5 * normal(u));
    for (let f = 0; f < frames; f++) {
      const w = Math.exp(-f / 8);
      for (let d = 0; d < dim; d++) {
        data[(f * T + t) * dim + d] = centre[d] + w * (x0[d] - centre[d]) + 0.05 * normal(u);
      }
    }
  }
  await run.writeArray("frames", { dtype: "f32", shape: [frames, T, dim], data });
  await run.writeArray("start_index", { dtype: "i32", shape: [T], data: start });
  await run.writeArray("labels_true", {
    dtype: "i32",
    shape: [C],
    data: Int32Array.from(LABELS_TRUE),
  });
  await run.writeArray("labels_pred", {
    dtype: "i32",
    shape: [C],
    data: Int32Array.from(LABELS_PRED),
  });
  const risk = new Float64Array(C * C);
  for (let i = 0; i < C; i++) {
    for (let j = 0; j < C; j++) {
      risk[i * C + j] = LABELS_PRED[i] === LABELS_PRED[j] ? 0.9 - 0.01 * Math.abs(i - j) : 0.05;
    }
  }
  await run.writeArray("risk", { dtype: "f64", shape: [C, C], data: risk });
  // SciPy linkage: (a, b, height, size); leaves 0..9, clusters 10.. .
  const merges = [
    [0, 1, 0.1, 2],
    [10, 2, 0.2, 3],
    [3, 4, 0.15, 2],
    [6, 7, 0.1, 2],
    [13, 8, 0.2, 3],
    [14, 9, 0.25, 4],
    [15, 5, 0.3, 5],
    [12, 16, 0.8, 7],
    [11, 17, 1.0, 10],
  ];
  await run.writeArray("merges", {
    dtype: "f64",
    shape: [merges.length, 4],
    data: Float64Array.from(merges.flat()),
  });
  await run.setSummary({ system: "double-well", basins: 3, ari: 0.0, trajectories: T });
  await run.finish("done");
}

async function optimiseRun(store: RunStore): Promise<void> {
  const { optSteps: S, optChains: K } = SIZES;
  const run = await create(store, IDS.optimise, ["optimise", "--problem", "maxcut"], 30);
  const u = rng(5);
  const obj = new Float32Array(S * K);
  const best = new Float32Array(S);
  let b = Infinity;
  for (let t = 0; t < S; t++) {
    for (let k = 0; k < K; k++) {
      const v = -100 * (1 - Math.exp(-t / 100)) + 5 * u() + k;
      obj[t * K + k] = v;
      b = Math.min(b, v);
    }
    best[t] = b;
  }
  await run.writeArray("objective", { dtype: "f32", shape: [S, K], data: obj });
  await run.writeArray("best_objective", { dtype: "f32", shape: [S], data: best });
  await run.writeArray("time", {
    dtype: "f64",
    shape: [S],
    data: Float64Array.from({ length: S }, (_, t) => 0.01 * t),
  });
  await run.writeArray("best_solution", {
    dtype: "u8",
    shape: [64],
    data: Uint8Array.from({ length: 64 }, (_, i) => (i * 7) % 2),
  });
  await run.setSummary({ problem: "maxcut", optimiser: "annealing", bestObjective: best[S - 1] });
  await run.finish("done");
}

/** Spike positions and values in the long trace (chain 0 max, chain 1 min). */
export const SPIKES = { maxRow: 123_457, maxValue: 100, minRow: 77_777, minValue: -50 };

async function longRun(store: RunStore): Promise<void> {
  const rows = SIZES.longRows;
  const run = await create(store, IDS.long, ["trace"], 40);
  const u = rng(11);
  const data = Float32Array.from({ length: rows * 2 }, () => u() - 0.5);
  data[SPIKES.maxRow * 2 + 0] = SPIKES.maxValue;
  data[SPIKES.minRow * 2 + 1] = SPIKES.minValue;
  await run.writeArray("trace", { dtype: "f32", shape: [rows, 2], data });
  await run.finish("done");
}

/**
 * A `bind train` run as `src/cli/store_bind.ts` stores it: loss curves and one scored complex
 * (a ring ligand in a cup-shaped pocket, element classes, forces pulling towards the pocket).
 */
async function bindTrainRun(store: RunStore): Promise<void> {
  const { bindEpochs: E, bindStepsPerEpoch: S, ligandAtoms: nL, pocketAtoms: nP } = SIZES;
  const run = await store.create({
    id: IDS.bindTrain,
    command: ["bind", "train", "--data", "synthetic"],
    config: { kind: "bind-train", train: { method: "nere" } },
    kind: "bind",
    seed: 3,
    backend: "cpu",
    versions: VERSIONS,
    now: new Date(Date.UTC(2026, 10, 28, 10, 35, 0)),
  });
  const u = rng(21);
  const f32 = (a: number[], shape: number[]) => ({
    dtype: "f32" as const,
    shape,
    data: Float32Array.from(a),
  });
  const step = Array.from({ length: E * S }, (_, t) => 5 * Math.exp(-t / 6) + 0.3 * u());
  const epoch = Array.from(
    { length: E },
    (_, e) => step.slice(e * S, e * S + S).reduce((a, b) => a + b) / S,
  );
  await run.writeArray("epoch_loss", f32(epoch, [E]));
  await run.writeArray("step_loss", f32(step, [E * S]));
  const ring = (r: number, dz: number, phase: number) =>
    Array.from({ length: nL }, (_, i) => {
      const a = (2 * Math.PI * i) / nL + phase;
      return [r * Math.cos(a) + 0.6, r * Math.sin(a), dz];
    }).flat();
  const native = ring(1.4, 0, 0), ligand = ring(1.4, 0.8, 0.3), corrected = ring(1.4, 0.3, 0.1);
  const pocket = Array.from({ length: nP }, (_, j) => {
    const a = (2 * Math.PI * j) / 12, z = j < 12 ? -2.5 : 0.5;
    const r = j < 12 ? 4 : 5;
    return [r * Math.cos(a), r * Math.sin(a), z];
  }).flat();
  const forces = ligand.map((x, k) => (native[k] - x) * 2 + 0.1 * (u() - 0.5));
  await run.writeArray("ligand_xyz", f32(ligand, [nL, 3]));
  await run.writeArray("pocket_xyz", f32(pocket, [nP, 3]));
  await run.writeArray("forces", f32(forces, [nL, 3]));
  await run.writeArray("corrected_xyz", f32(corrected, [nL, 3]));
  await run.writeArray("native_xyz", f32(native, [nL, 3]));
  await run.writeArray("ligand_class", {
    dtype: "i32",
    shape: [nL],
    data: Int32Array.from({ length: nL }, (_, i) => [0, 0, 1, 0, 2, 3][i % 6]),
  });
  await run.writeArray("pocket_class", {
    dtype: "i32",
    shape: [nP],
    data: Int32Array.from({ length: nP }, (_, j) => [0, 1, 2, 0][j % 4]),
  });
  const mean = [0, 1, 2].map((k) =>
    Array.from({ length: nL }, (_, i) => forces[3 * i + k]).reduce((a, b) => a + b) / nL
  );
  const vec = (a: number[]) => ({ dtype: "f64" as const, shape: [3], data: Float64Array.from(a) });
  await run.writeArray("translation", vec(mean));
  await run.writeArray("torque", vec([0.1, -0.2, 0.8]));
  await run.writeArray("omega", vec([0.05, -0.1, 0.4]));
  await run.setSummary({
    atom_classes: "C,N,O,S,P,halogen,other",
    view_complex: "synth3_0",
    view_energy: -4.25,
    view_rmsd_before: 0.9,
    view_rmsd_after: 0.4,
    method: "nere",
    final_loss: epoch[E - 1],
  });
  await run.finish("done");
}

/** A `bind bench` run: one epoch-loss array per method and seed. */
async function bindBenchRun(store: RunStore): Promise<void> {
  const run = await store.create({
    id: IDS.bindBench,
    command: ["bind", "bench", "--quick"],
    config: { kind: "bind-bench" },
    seed: 0,
    backend: "cpu",
    versions: VERSIONS,
    now: new Date(Date.UTC(2026, 10, 28, 10, 36, 0)),
  });
  for (const [name, scale] of [["loss_nere_0", 4], ["loss_decoy_0", 1.5]] as const) {
    await run.writeArray(name, {
      dtype: "f32",
      shape: [SIZES.bindEpochs],
      data: Float32Array.from({ length: SIZES.bindEpochs }, (_, e) => scale * Math.exp(-e / 3)),
    });
  }
  await run.setSummary({ ceiling_spearman: 0.82, nere_spearman: 0.61, decoy_spearman: 0.44 });
  await run.finish("done");
}

/** The fixture store and the writer of the run left running. */
export type Fixtures = { root: string; store: RunStore; running: RunWriter };

/** Writes all fixture runs into a new temporary folder. */
export async function makeFixtures(): Promise<Fixtures> {
  const root = await Deno.makeTempDir({ prefix: "landscape_web_" });
  const store = new RunStore(root);
  for (
    const [id, sampler, rho, minute] of [
      [IDS.gibbs, "gibbs", 0.9, 1],
      [IDS.dlmc, "dlmc", 0.5, 2],
      [IDS.hb, "hamming_ball", 0.95, 3],
    ] as const
  ) {
    await (await sampleRun(store, id, sampler, rho, minute)).finish("done");
  }
  const running = await sampleRun(store, IDS.running, "gibbs", 0.8, 10);
  await basinRun(store);
  await optimiseRun(store);
  await longRun(store);
  await bindTrainRun(store);
  await bindBenchRun(store);
  return { root, store, running };
}
