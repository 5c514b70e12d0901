import { assert, assertClose, assertEquals } from "../_assert.ts";
import { loadTf } from "../../src/nn/tf.ts";
import type * as TfNs from "npm:@tensorflow/tfjs@4.22.0";
import { batchOf, EnergyNet, scorePose, scorePoses } from "../../src/binding/energy.ts";
import {
  energyForcesBatch,
  energyForcesWasm,
  pairBudgetGroups,
} from "../../src/binding/energy_forces.ts";
import { toyExample } from "./_toy.ts";

// Padded batch of random complexes; the ligands spread out so that some pairs lie beyond the
// cutoff (cut = 0, its derivative switches off) and the rest inside.
const EXAMPLES = [toyExample(21, 5, 14), toyExample(22, 8, 20), toyExample(23, 3, 9)].map(
  (ex, b) => ({ ...ex, ligand: ex.ligand.map((v) => v * (1 + b)) }),
);

async function autodiff(
  tf: Awaited<ReturnType<typeof loadTf>>,
  net: EnergyNet,
): Promise<Float32Array[]> {
  const { inputs, poses } = batchOf(tf, EXAMPLES);
  const ts = tf.tidy(() => {
    let e: TfNs.Tensor | undefined;
    const g = tf.grad((l: TfNs.Tensor) => {
      e = tf.keep(net.energyBatch(l as TfNs.Tensor3D, inputs));
      return tf.sum(e);
    })(poses(EXAMPLES.map((ex) => ex.ligand)));
    return [e!, tf.neg(g)];
  });
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  ts.forEach((t) => t.dispose());
  Object.values(inputs).forEach((t) => t?.dispose());
  return out;
}

async function closedForm(
  tf: Awaited<ReturnType<typeof loadTf>>,
  net: EnergyNet,
  xs: ArrayLike<number>[],
  direct = false,
): Promise<Float32Array[]> {
  const { inputs, poses } = batchOf(tf, EXAMPLES);
  if (direct) {
    const lig = poses(xs);
    const r = energyForcesWasm(tf, net, lig, inputs);
    lig.dispose();
    Object.values(inputs).forEach((t) => t?.dispose());
    return [r.energies, r.forces];
  }
  const ts = tf.tidy(() => {
    const r = energyForcesBatch(tf, net, poses(xs), inputs);
    return [r.energies, r.forces];
  });
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  ts.forEach((t) => t.dispose());
  Object.values(inputs).forEach((t) => t?.dispose());
  return out;
}

Deno.test("closed-form energies and forces (engine ops and direct wasm kernels) equal tf.grad of energyBatch on padded random complexes", async () => {
  const tf = await loadTf();
  assert(tf.getBackend() === "wasm", "the direct path needs the wasm backend");
  const cases = [{ seed: 1 }, { seed: 2, cutoff: 5, hidden: 8, rbf: 6 }].flatMap((cfg) =>
    [false, true].map((direct) => ({ cfg, direct }))
  );
  for (const { cfg, direct } of cases) {
    const net = new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, messages: "pairs", ...cfg });
    try {
      const [ea, fa] = await autodiff(tf, net);
      const [eb, fb] = await closedForm(tf, net, EXAMPLES.map((ex) => ex.ligand), direct);
      const fmax = fa.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert(fmax > 1e-3, "forces are not trivially zero");
      ea.forEach((e, b) => assertClose(eb[b], e, 1e-5 * Math.max(1, Math.abs(e)), `energy ${b}`));
      fa.forEach((f, i) =>
        assertClose(
          fb[i],
          f,
          1e-5 * fmax,
          `force ${i} (cutoff ${net.config.cutoff}, direct ${direct})`,
        )
      );
      // Padded ligand rows get exactly zero force.
      const L = fa.length / (3 * EXAMPLES.length);
      EXAMPLES.forEach((ex, b) => {
        for (let i = ex.ligand.length / 3; i < L; i++) {
          for (let k = 0; k < 3; k++) assertClose(fb[(b * L + i) * 3 + k], 0, 0, "padded row");
        }
      });
    } finally {
      net.dispose();
    }
  }
});

Deno.test("closed-form forces (direct wasm kernels) are minus the central differences of its energies", async () => {
  const tf = await loadTf();
  const net = new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, hidden: 8, rbf: 6, seed: 5 });
  try {
    const xs = EXAMPLES.map((ex) => Float64Array.from(ex.ligand));
    const [, f] = await closedForm(tf, net, xs, true);
    const L = f.length / (3 * EXAMPLES.length), h = 1e-2;
    // One coordinate of each complex at a time: atom 1 of every complex, axes x, y, z.
    for (let k = 0; k < 3; k++) {
      const plus = xs.map((x) => x.map((v, i) => i === 3 + k ? v + h : v));
      const minus = xs.map((x) => x.map((v, i) => i === 3 + k ? v - h : v));
      const [ep] = await closedForm(tf, net, plus, true);
      const [em] = await closedForm(tf, net, minus, true);
      EXAMPLES.forEach((_, b) => {
        const fd = -(ep[b] - em[b]) / (2 * h);
        assertClose(
          f[(b * L + 1) * 3 + k],
          fd,
          2e-3 + 1e-2 * Math.abs(fd),
          `complex ${b} axis ${k}`,
        );
      });
    }
  } finally {
    net.dispose();
  }
});

Deno.test("the direct wasm path frees every intermediate tensor", async () => {
  const tf = await loadTf();
  const net = new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, hidden: 8, rbf: 6, seed: 6 });
  try {
    // deno-lint-ignore no-explicit-any
    const live = () => (tf.backend() as any).dataIdMap.numDataIds() as number;
    await closedForm(tf, net, EXAMPLES.map((ex) => ex.ligand), true);
    const before = live();
    for (let i = 0; i < 3; i++) await closedForm(tf, net, EXAMPLES.map((ex) => ex.ligand), true);
    assertClose(live(), before, 0, "wasm tensors alive");
  } finally {
    net.dispose();
  }
});

Deno.test("pairBudgetGroups keeps each padded pair tensor within the budget, in order", () => {
  const sizes = [[2, 10], [3, 10], [2, 20], [5, 5], [9, 30], [1, 1]];
  const exs = sizes.map(([l, p], i) => ({ ...toyExample(i, l, p), name: `c${i}` }));
  // hidden 2, budget 120 floats: [2,10]+[3,10] -> 2*3*10*2 = 120 fits; adding [2,20] -> 3*3*20*2
  // = 360 does not; [2,20]+[5,5] -> 2*5*20*2 = 400 does not; [5,5] alone; [9,30] over budget
  // alone; [1,1] alone after it (2*9*30*2 would exceed).
  const groups = pairBudgetGroups(exs, 2, 120).map((g) => g.map((e) => e.name).join(","));
  assertEquals(groups, ["c0,c1", "c2", "c3", "c4", "c5"]);
});

Deno.test("scorePoses (closed form, pair messages) equals scorePose (autodiff) for a net that trains with product messages", async () => {
  const tf = await loadTf();
  // 40 x 60 = 2400 pairs per complex: "auto" sums its messages by products there.
  const exs = [toyExample(31, 40, 60), toyExample(32, 33, 52)];
  const net = new EnergyNet(tf, { ligandDim: 4, pocketDim: 5, hidden: 8, rbf: 6, seed: 8 });
  assert(!net.pairMessages(40, 60), "products form at this size");
  try {
    const got = await scorePoses(tf, net, exs);
    for (let b = 0; b < exs.length; b++) {
      const one = await scorePose(tf, net, exs[b], exs[b].ligand);
      const fmax = one.forces.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assertClose(got[b].energy, one.energy, 1e-5 * Math.max(1, Math.abs(one.energy)), "energy");
      one.forces.forEach((f, i) => assertClose(got[b].forces[i], f, 1e-5 * fmax, `force ${i}`));
      for (const k of ["translation", "torque", "omega"] as const) {
        one[k].forEach((v, i) => assertClose(got[b][k][i], v, 1e-4 * Math.max(1, Math.abs(v)), k));
      }
    }
  } finally {
    net.dispose();
  }
});
