import { assert, assertClose } from "../_assert.ts";
import { chiSquare, chiSquareQuantile } from "../_stats.ts";
import { rigidLangevin, type RigidPotential } from "../../src/binding/rigid_langevin.ts";
import { centroid, kabsch } from "../../src/binding/rigid.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

// An octahedron of unit arms: its second moment is 2 I, so sum_i (R r_i) . r_i = 2 tr R.
const OCTA = Float64Array.from([1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1]);

/** U = k/2 sum |x_i|^2 - kappa sum x_i . r_i^0: harmonic centroid, rotational well 2 kappa (1 + 2 cos t). */
function potential(k: number, kappa: number): RigidPotential {
  return (x) => {
    let e = 0;
    const f = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      e += 0.5 * k * x[i] * x[i] - kappa * x[i] * OCTA[i];
      f[i] = -k * x[i] + kappa * OCTA[i];
    }
    return { energy: e, forces: f };
  };
}

function sampleAngles(k: number, kappa: number, kT: number, chains: number, seed: number) {
  const rng = new SplitMix32(seed), angles: number[] = [], cx: number[] = [];
  for (let c = 0; c < chains; c++) {
    const { x, acceptance } = rigidLangevin(Float64Array.from(OCTA), potential(k, kappa), {
      steps: 300,
      dt: 0.05,
      kT,
    }, rng);
    assert(acceptance > 0.15 && acceptance < 0.95, `acceptance ${acceptance}`);
    const ctr = centroid(x);
    cx.push(ctr[0]);
    const centred = x.map((v, i) => v - ctr[i % 3]);
    const { r } = kabsch(OCTA, centred);
    angles.push(Math.acos(Math.min(1, Math.max(-1, (r[0] + r[4] + r[8] - 1) / 2))));
  }
  return { angles, cx };
}

function angleTest(angles: number[], density: (t: number) => number, label: string): void {
  const bins = 12, counts = new Array(bins).fill(0);
  for (const a of angles) counts[Math.min(bins - 1, Math.floor(a / Math.PI * bins))]++;
  const m = 4000, w = Math.PI / m, raw = new Array(bins).fill(0);
  for (let i = 0; i < m; i++) raw[Math.floor(i * bins / m)] += density((i + 0.5) * w) * w;
  const total = raw.reduce((a, b) => a + b, 0);
  const { stat, dof } = chiSquare(counts, raw.map((v) => v / total));
  assert(stat < chiSquareQuantile(dof, 4), `${label}: chi2 ${stat} with ${dof} dof`);
}

Deno.test("rigid Langevin: free rotation is Haar-uniform and the centroid is Gaussian with variance kT/(n k)", () => {
  const k = 2, kT = 0.5;
  const { angles, cx } = sampleAngles(k, 0, kT, 1500, 1);
  angleTest(angles, (t) => 1 - Math.cos(t), "Haar");
  const v = cx.reduce((a, b) => a + b * b, 0) / cx.length, want = kT / (6 * k);
  assertClose(v, want, 5 * want * Math.sqrt(2 / cx.length), "centroid variance");
});

Deno.test("rigid Langevin: a rotational well gives the angle density (1 - cos t) exp(4 kappa cos t / kT)", () => {
  const kappa = 0.4, kT = 0.5;
  const { angles } = sampleAngles(1, kappa, kT, 1500, 2);
  angleTest(angles, (t) => (1 - Math.cos(t)) * Math.exp(4 * kappa * Math.cos(t) / kT), "well");
});
