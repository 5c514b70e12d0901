import { assert, assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import {
  createEmbedding,
  embedWgsl,
  haarOrthogonal,
  OuNoise,
  swissRollLift,
  tanhLift,
} from "../../../src/models/continuous/mod.ts";
import { SplitMix32 } from "../../../src/random/splitmix.ts";

function maxOrthError(q: Float64Array, D: number): number {
  let err = 0;
  for (let a = 0; a < D; a++) {
    for (let b = a; b < D; b++) {
      let s = 0;
      for (let i = 0; i < D; i++) s += q[i * D + a] * q[i * D + b];
      err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return err;
}

Deno.test("Haar Q is orthogonal to 1e-10 and determined by its seed", () => {
  for (const D of [1, 2, 7, 150]) {
    const q = haarOrthogonal(D, 3);
    assert(maxOrthError(q, D) < 1e-10, `D=${D}: |Q^T Q - I| = ${maxOrthError(q, D)}`);
  }
  assertEquals(haarOrthogonal(5, 9), haarOrthogonal(5, 9));
  assert(haarOrthogonal(5, 9)[0] !== haarOrthogonal(5, 10)[0]);
  assertThrows(() => haarOrthogonal(0, 1), /positive integer/);
});

Deno.test("Haar Q has the Haar first-moment: E[Q_11^2] = 1/D and E[Q_11] = 0", () => {
  // Q_11^2 ~ Beta(1/2, (D-1)/2): mean 1/D, variance 2(D-1)/(D^2 (D+2)).
  const D = 4;
  const n = 4000;
  let s1 = 0;
  let s2 = 0;
  for (let seed = 0; seed < n; seed++) {
    const q = haarOrthogonal(D, seed);
    s1 += q[0];
    s2 += q[0] * q[0];
  }
  const sdMean2 = Math.sqrt((2 * (D - 1)) / (D * D * (D + 2)) / n);
  assertClose(s2 / n, 1 / D, 4 * sdMean2, "E[Q11^2]");
  assertClose(s1 / n, 0, 4 * Math.sqrt(1 / D / n), "E[Q11]");
});

Deno.test("identity embedding preserves core distances when the noise parts are equal", () => {
  const e = createEmbedding({ coreDim: 2, ambientDim: 60, seed: 1 });
  assertEquals([e.liftDim, e.noiseDim], [2, 58]);
  const rng = new SplitMix32(4);
  const x = Float32Array.from({ length: 4 }, () => rng.normal());
  const z1 = Float32Array.from({ length: 58 }, () => rng.normal());
  const z = new Float32Array(116);
  z.set(z1, 0);
  z.set(z1, 58);
  const y = e.embedFrames(x, z);
  let dy = 0;
  for (let i = 0; i < 60; i++) dy += (y[i] - y[60 + i]) ** 2;
  const dx = Math.hypot(x[0] - x[2], x[1] - x[3]);
  assertClose(Math.sqrt(dy), dx, 1e-5 * (1 + dx), "|y1 - y2|");
  // And norms are preserved: |y| = |[x; z]|.
  let ny = 0;
  for (let i = 0; i < 60; i++) ny += y[i] ** 2;
  const nv = x[0] ** 2 + x[1] ** 2 + z1.reduce((a, v) => a + v * v, 0);
  assertClose(ny, nv, 1e-5 * nv, "|y|^2");
});

Deno.test("embedFrames is y = Q v with v = [phi(x); z], entry by entry", () => {
  const e = createEmbedding({ coreDim: 2, ambientDim: 8, lift: swissRollLift(), seed: 2 });
  const x = Float32Array.of(7.5, 1.25);
  const z = Float32Array.of(0.1, -0.2, 0.3, -0.4, 0.5);
  const v = [7.5 * Math.cos(7.5), 1.25, 7.5 * Math.sin(7.5), ...z];
  const y = e.embedFrames(x, z);
  for (let i = 0; i < 8; i++) {
    let s = 0;
    for (let j = 0; j < 8; j++) s += e.q[i * 8 + j] * v[j];
    assertClose(y[i], s, 1e-6, `y[${i}]`);
  }
  const lifted = e.liftFrames(x);
  assertClose(lifted[2], 7.5 * Math.sin(7.5), 1e-6, "lifted");
  // z = null means z = 0.
  const y0 = e.embedFrames(x, null);
  assertClose(y0[3], e.q[24] * v[0] + e.q[25] * v[1] + e.q[26] * v[2], 1e-6, "y0[3]");
  assertThrows(() => e.embedFrames(x, new Float32Array(4)), /noise has 4 values, expected 1 x 5/);
  assertThrows(
    () => createEmbedding({ coreDim: 2, ambientDim: 2, lift: swissRollLift(), seed: 1 }),
    />= 3/,
  );
});

Deno.test("tanh lift is deterministic, bounded and injective on distinct points", () => {
  const a = tanhLift(2, 16, 5);
  const b = tanhLift(2, 16, 5);
  const u = new Float64Array(16);
  const w = new Float64Array(16);
  a.apply(Float64Array.of(0.3, -1), u);
  b.apply(Float64Array.of(0.3, -1), w);
  assertEquals(u, w);
  assert(u.every((v) => Math.abs(v) < 1));
  b.apply(Float64Array.of(0.31, -1), w);
  assert(u.some((v, i) => v !== w[i]));
  assertThrows(() => tanhLift(3, 2, 1), /width must be >= d/);
});

Deno.test("OU noise has stationary variance sigma^2 and lag-1 correlation a = exp(-dt/tau)", () => {
  const dim = 200;
  const n = 500;
  const sigma = 0.7;
  const ou = new OuNoise({ dim, sigma, tau: 5, dt: 1, seed: 8 });
  const a = Math.exp(-1 / 5);
  assertClose(ou.a, a, 1e-15, "a");
  const z = ou.frames(n);
  let s2 = 0;
  let c1 = 0;
  for (let f = 0; f < n; f++) {
    for (let i = 0; i < dim; i++) {
      const v = z[f * dim + i];
      s2 += v * v;
      if (f > 0) c1 += v * z[(f - 1) * dim + i];
    }
  }
  const N = n * dim;
  const variance = s2 / N;
  const rho = c1 / ((n - 1) * dim) / variance;
  // AR(1) sampling error: sd(var) ~ sigma^2 sqrt(2 (1+a^2) / ((1-a^2) N)); sd(rho) ~ sqrt((1-a^2)/N).
  const sdVar = sigma ** 2 * Math.sqrt((2 * (1 + a * a)) / ((1 - a * a) * N));
  assertClose(variance, sigma ** 2, 4 * sdVar, "stationary variance");
  assertClose(rho, a, 4 * Math.sqrt((1 - a * a) / N), "lag-1 correlation");
});

Deno.test("OU with tau = 0 is white noise; zero start relaxes; bad options throw", () => {
  const w = new OuNoise({ dim: 100, sigma: 2, tau: 0, dt: 1, seed: 1 });
  assertEquals(w.a, 0);
  const z = w.frames(200);
  let c1 = 0;
  let s2 = 0;
  for (let k = 0; k < z.length; k++) {
    s2 += z[k] * z[k];
    if (k >= 100) c1 += z[k] * z[k - 100];
  }
  const N = z.length;
  assertClose(s2 / N, 4, 4 * 4 * Math.sqrt(2 / N), "white variance");
  assertClose(c1 / (N - 100) / (s2 / N), 0, 4 / Math.sqrt(N - 100), "white lag-1 correlation");
  const zero = new OuNoise({ dim: 3, sigma: 1, tau: 1, dt: 0.1, seed: 1, start: "zero" });
  assertEquals(Array.from(zero.state), [0, 0, 0]);
  // Same seed, same stream.
  const a = new OuNoise({ dim: 4, sigma: 1, tau: 2, dt: 1, seed: 7 }).frames(3);
  const b = new OuNoise({ dim: 4, sigma: 1, tau: 2, dt: 1, seed: 7 }).frames(3);
  assertEquals(a, b);
  assertThrows(() => new OuNoise({ dim: 2, sigma: 1, tau: 1, dt: 0, seed: 1 }), /dt must be > 0/);
  assertThrows(
    () => new OuNoise({ dim: 2, sigma: -1, tau: 1, dt: 1, seed: 1 }),
    /sigma must be >= 0/,
  );
});

Deno.test("embedWgsl declares the five bindings and one entry point", () => {
  const code = embedWgsl(32);
  for (const [i, name] of ["dims", "q", "core", "noise", "out"].entries()) {
    assert(code.includes(`@group(0) @binding(${i})`) && code.includes(`model_embed_${name}`), name);
  }
  assert(code.includes("@compute @workgroup_size(32)\nfn main("));
});
