import { assert, assertClose } from "../_assert.ts";
import { loadTf } from "../../src/nn/tf.ts";
import { EnergyNet, scorePose } from "../../src/binding/energy.ts";
import type { BindingExample } from "../../src/binding/complex.ts";
import { centroid, expSO3, matVec3, rigidMotion, rotateVectors } from "../../src/binding/rigid.ts";

import { exampleOf, loadReal, REAL_NAMES } from "./_real.ts";
import { toyExample } from "./_toy.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import { uniformIn, unitVector3 } from "../../src/random/seeded_draws.ts";

/** Applies one rigid motion (about the origin) to the whole complex. */
function moveComplex(ex: BindingExample, r: number[], t: number[]): BindingExample {
  return {
    ...ex,
    ligand: rigidMotion(ex.ligand, r, [0, 0, 0], t),
    pocket: rigidMotion(ex.pocket, r, [0, 0, 0], t),
  };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

async function checkEquivariance(ex: BindingExample, seed: number): Promise<void> {
  const tf = await loadTf();
  const net = new EnergyNet(tf, { ligandDim: ex.ligandDim, pocketDim: ex.pocketDim, seed });
  try {
    const base = await scorePose(tf, net, ex, ex.ligand);
    assert(Math.abs(base.energy) > 1e-4 && maxAbs(base.forces) > 1e-4, "a non-trivial energy");
    const rng = new SplitMix32(seed + 100);
    for (let k = 0; k < 3; k++) {
      const r = expSO3(unitVector3(rng).map((a) => a * uniformIn(rng, 0.3, Math.PI)));
      const t = [rng.normal() * 10, rng.normal() * 10, rng.normal() * 10];
      const moved = moveComplex(ex, r, t);
      const out = await scorePose(tf, net, moved, moved.ligand);
      const scale = Math.max(1, Math.abs(base.energy));
      assertClose(
        out.energy,
        base.energy,
        2e-5 * scale + 5e-5 * Math.sqrt(ex.pocket.length),
        "E invariant",
      );
      const fs = maxAbs(base.forces);
      const rf = rotateVectors(base.forces, r);
      for (let i = 0; i < rf.length; i++) assertClose(out.forces[i], rf[i], 2e-4 * fs, "f rotates");
      for (const key of ["translation", "torque", "omega"] as const) {
        const want = matVec3(r, base[key]), m = maxAbs(base[key]);
        for (let i = 0; i < 3; i++) {
          assertClose(out[key][i], want[i], 5e-4 * m + 1e-6, `${key} rotates`);
        }
      }
    }
  } finally {
    net.dispose();
  }
}

Deno.test("energy is invariant and forces, torque, omega rotate with the complex (toy)", async () => {
  await checkEquivariance(toyExample(1), 1);
});

Deno.test("forces equal central finite differences of the energy", async () => {
  const tf = await loadTf();
  const ex = toyExample(2);
  const net = new EnergyNet(tf, { ligandDim: ex.ligandDim, pocketDim: ex.pocketDim, seed: 2 });
  try {
    const base = await scorePose(tf, net, ex, ex.ligand);
    const h = 1e-2;
    for (let i = 0; i < ex.ligand.length; i++) {
      const xp = Float64Array.from(ex.ligand), xm = Float64Array.from(ex.ligand);
      xp[i] += h;
      xm[i] -= h;
      const fd =
        -((await scorePose(tf, net, ex, xp)).energy - (await scorePose(tf, net, ex, xm)).energy) /
        (2 * h);
      assertClose(base.forces[i], fd, 2e-3 * maxAbs(base.forces) + 1e-4, `force ${i}`);
    }
    // Translation and torque are the rigid-body derivatives of -E: d/ds E(x + s u) = -u . sum f.
    const c = centroid(ex.ligand), w = [0.3, -0.5, 0.8];
    const eAt = async (s: number) =>
      (await scorePose(
        tf,
        net,
        ex,
        rigidMotion(ex.ligand, expSO3(w.map((a) => a * s)), c, [0, 0, 0]),
      )).energy;
    const dRot = -(await eAt(h) - await eAt(-h)) / (2 * h);
    const tauW = base.torque.reduce((a, v, k) => a + v * w[k], 0);
    assertClose(
      tauW,
      dRot,
      3e-3 * Math.max(Math.abs(dRot), maxAbs(base.torque)),
      "torque is -dE/d(rotation)",
    );
  } finally {
    net.dispose();
  }
});

Deno.test("energy invariance and force equivariance on real complexes", async () => {
  for (const name of REAL_NAMES) {
    const c = await loadReal(name);
    if (!c) continue;
    await checkEquivariance(exampleOf(c, 20), 3);
  }
});
