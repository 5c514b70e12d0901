import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  bernoulli,
  categoricalGumbelMax,
  gumbel,
  normal2,
  philox4x32Words,
  philoxWords,
  seedToKey,
  uniform01,
  uniformOpen,
} from "../../src/random/mod.ts";

const N = 1 << 16;
const KEY = seedToKey(20240601);

/** N Philox words (counter (i, 0, 0, stream)), seeded, so the tests are deterministic. */
function words(stream: number, n = N): Uint32Array {
  const out = new Uint32Array(n);
  const w = new Uint32Array(4);
  for (let i = 0; i < n / 4; i++) {
    philox4x32Words(i, 0, 0, stream, KEY[0], KEY[1], w);
    out.set(w, 4 * i);
  }
  return out;
}

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

Deno.test("uniforms: exact endpoints, inside [0,1) and (0,1)", () => {
  assertEquals(uniform01(0), 0);
  assertEquals(uniform01(0xffffffff), 1 - 2 ** -24);
  assertEquals(uniformOpen(0), 2 ** -24);
  assertEquals(uniformOpen(0xffffffff), 1 - 2 ** -24);
  assertEquals(Math.fround(uniformOpen(0x12345678)), uniformOpen(0x12345678));
});

Deno.test("uniform01 has mean 1/2 and variance 1/12 (5 standard errors)", () => {
  const u = Array.from(words(1), uniform01);
  const { mean, variance } = moments(u);
  assertClose(mean, 0.5, 5 * Math.sqrt(1 / 12 / N), "uniform mean");
  // Var of the sample variance of U(0,1): (1/80 - 1/144) / N.
  assertClose(variance, 1 / 12, 5 * Math.sqrt((1 / 80 - 1 / 144) / N), "uniform variance");
});

Deno.test("normal2 has mean 0, variance 1, fourth moment 3 and uncorrelated pairs", () => {
  const a = words(2);
  const b = words(3);
  const z = new Float64Array(2 * N);
  const pair = [0, 0];
  let cross = 0;
  for (let i = 0; i < N; i++) {
    normal2(a[i], b[i], pair);
    z[2 * i] = pair[0];
    z[2 * i + 1] = pair[1];
    cross += pair[0] * pair[1];
  }
  const n = 2 * N;
  const { mean, variance } = moments(z);
  let m4 = 0;
  for (const x of z) m4 += x ** 4;
  assertClose(mean, 0, 5 / Math.sqrt(n), "normal mean");
  assertClose(variance, 1, 5 * Math.sqrt(2 / n), "normal variance");
  assertClose(m4 / n, 3, 5 * Math.sqrt(96 / n), "normal fourth moment");
  assertClose(cross / N, 0, 5 / Math.sqrt(N), "normal pair correlation");
});

Deno.test("gumbel has mean Euler-gamma and variance pi^2/6", () => {
  const g = Array.from(words(4), gumbel);
  const { mean, variance } = moments(g);
  const v = Math.PI ** 2 / 6;
  assertClose(mean, 0.5772156649015329, 5 * Math.sqrt(v / N), "gumbel mean");
  // Gumbel excess kurtosis is 12/5, so Var(sample variance) ~ (2 + 12/5) v^2 / N.
  assertClose(variance, v, 5 * Math.sqrt(4.4 * v * v / N), "gumbel variance");
});

Deno.test("bernoulli(p) frequency matches p", () => {
  const w = words(5);
  let hits = 0;
  for (const x of w) if (bernoulli(x, 0.3)) hits++;
  assertClose(hits / N, 0.3, 5 * Math.sqrt(0.3 * 0.7 / N), "bernoulli frequency");
  assert(bernoulli(0, 1e-9) && !bernoulli(0xffffffff, 0.999));
});

Deno.test("categoricalGumbelMax frequencies match softmax(logits) (chi-square, 4 df)", () => {
  const logits = [0.3, -1.2, 2.0, 0.0, 1.1];
  const z = logits.reduce((s, l) => s + Math.exp(l), 0);
  const p = logits.map((l) => Math.exp(l) / z);
  const n = 20000;
  const counts = new Array(logits.length).fill(0);
  const w = new Uint32Array(logits.length);
  for (let i = 0; i < n; i++) {
    philoxWords(KEY, i, 0, 0, 6, w);
    counts[categoricalGumbelMax(logits, w)]++;
  }
  const chi2 = counts.reduce((s, c, j) => s + (c - n * p[j]) ** 2 / (n * p[j]), 0);
  assert(chi2 < 18.47, `chi-square ${chi2.toFixed(2)} exceeds the 0.1% critical value 18.47`);
  assertThrows(() => categoricalGumbelMax(logits, [1, 2]), /at least 5 words/);
});
