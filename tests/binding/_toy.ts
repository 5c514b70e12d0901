import type { BindingExample } from "../../src/binding/complex.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import { uniformIn, uniformIndex, unitVector3 } from "../../src/random/seeded_draws.ts";

/** A random typed toy complex: a ligand blob inside a shell of pocket atoms. */
export function toyExample(seed: number, nL = 6, nP = 24): BindingExample {
  const rng = new SplitMix32(seed), dl = 4, dp = 5;
  const ligand = Float64Array.from({ length: 3 * nL }, () => rng.normal() * 1.2);
  const pocket = new Float64Array(3 * nP);
  for (let j = 0; j < nP; j++) {
    const u = unitVector3(rng), r = uniformIn(rng, 3.5, 6);
    for (let k = 0; k < 3; k++) pocket[3 * j + k] = u[k] * r;
  }
  const oneHot = (n: number, d: number) => {
    const f = new Float32Array(n * d);
    for (let i = 0; i < n; i++) f[i * d + uniformIndex(rng, d)] = 1;
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
