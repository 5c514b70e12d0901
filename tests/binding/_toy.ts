import type { BindingExample } from "../../src/binding/complex.ts";
import { Rng } from "../../src/binding/rng.ts";

/** A random typed toy complex: a ligand blob inside a shell of pocket atoms. */
export function toyExample(seed: number, nL = 6, nP = 24): BindingExample {
  const rng = new Rng(seed), dl = 4, dp = 5;
  const ligand = Float64Array.from({ length: 3 * nL }, () => rng.normal() * 1.2);
  const pocket = new Float64Array(3 * nP);
  for (let j = 0; j < nP; j++) {
    const u = rng.unitVector(), r = rng.range(3.5, 6);
    for (let k = 0; k < 3; k++) pocket[3 * j + k] = u[k] * r;
  }
  const oneHot = (n: number, d: number) => {
    const f = new Float32Array(n * d);
    for (let i = 0; i < n; i++) f[i * d + rng.int(d)] = 1;
    return f;
  };
  return {
    name: `toy${seed}`,
    ligand,
    ligandFeatures: oneHot(nL, dl),
    ligandDim: dl,
    pocket,
    pocketFeatures: oneHot(nP, dp),
    pocketDim: dp,
  };
}
