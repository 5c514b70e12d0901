import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  autocorrelation,
  autocovariance,
  fftInPlace,
  laggedSums,
  nextPowerOfTwo,
} from "../../src/diagnostics/fft.ts";
import { makeRng } from "./_rng.ts";

/** O(n^2) lagged sums S_k = sum_t (x_t - xbar)(x_{t+k} - xbar). */
function directSums(x: Float64Array): Float64Array {
  const n = x.length;
  let m = 0;
  for (const v of x) m += v / n;
  const s = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t + k < n; t++) s[k] += (x[t] - m) * (x[t + k] - m);
  }
  return s;
}

Deno.test("fftInPlace matches the direct DFT and inverts", () => {
  const rng = makeRng(7);
  const m = 16;
  const re = Float64Array.from({ length: m }, () => rng.normal());
  const im = Float64Array.from({ length: m }, () => rng.normal());
  const r0 = re.slice(), i0 = im.slice();
  fftInPlace(re, im);
  for (let k = 0; k < m; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < m; t++) {
      const a = (-2 * Math.PI * k * t) / m;
      sr += r0[t] * Math.cos(a) - i0[t] * Math.sin(a);
      si += r0[t] * Math.sin(a) + i0[t] * Math.cos(a);
    }
    assertClose(re[k], sr, 1e-12, `Re X_${k}`);
    assertClose(im[k], si, 1e-12, `Im X_${k}`);
  }
  fftInPlace(re, im, true);
  for (let t = 0; t < m; t++) assertClose(re[t] / m, r0[t], 1e-13, `x_${t}`);
  assertThrows(() => fftInPlace(new Float64Array(6), new Float64Array(6)), /power of two/);
});

Deno.test("FFT autocovariance equals the direct O(n^2) sum, odd and even n, paired series", () => {
  const rng = makeRng(11);
  for (const n of [1, 2, 3, 5, 64, 257, 1000]) {
    const x = Float64Array.from({ length: n }, () => 3 + rng.normal());
    const y = Float64Array.from({ length: n }, (_, t) => Math.sin(t) + rng.normal());
    const [fx, fy] = laggedSums(x, y);
    const dx = directSums(x), dy = directSums(y);
    const scale = dx[0] + dy[0] + 1;
    for (let k = 0; k < n; k++) {
      assertClose(fx[k], dx[k], 1e-11 * scale, `S_${k} (x, n=${n})`);
      assertClose(fy![k], dy[k], 1e-11 * scale, `S_${k} (y, n=${n})`);
    }
  }
});

Deno.test("paired transform: series of wildly different scales do not pollute each other", () => {
  const rng = makeRng(13);
  const x = Float64Array.from({ length: 300 }, () => 1e6 * rng.normal());
  const y = Float64Array.from({ length: 300 }, (_, t) => 5 + 1e-6 * Math.cos(t));
  const [, fy] = laggedSums(x, y);
  const dy = directSums(y);
  for (let k = 0; k < 300; k++) assertClose(fy![k], dy[k], 1e-9 * dy[0], `S_${k} (small series)`);
  const [, fc] = laggedSums(x, new Float64Array(300).fill(0.1));
  assertEquals(Array.from(fc!).every((v) => v === 0), true);
});

Deno.test("autocovariance by hand: [1, 2, 3, 4]", () => {
  // Deviations -1.5, -0.5, 0.5, 1.5: S = [5, 1.25, -1.5, -2.25].
  const b = autocovariance(new Float64Array([1, 2, 3, 4]));
  [1.25, 0.3125, -0.375, -0.5625].forEach((v, k) => assertClose(b[k], v, 1e-14, `biased c_${k}`));
  const u = autocovariance(new Float64Array([1, 2, 3, 4]), { normalization: "unbiased" });
  [1.25, 1.25 / 3, -0.75, -2.25].forEach((v, k) => assertClose(u[k], v, 1e-14, `unbiased c_${k}`));
  assertEquals(autocovariance(new Float64Array([1, 2, 3, 4]), { maxLag: 1 }).length, 2);
});

Deno.test("autocorrelation: alternating series and the constant-series convention", () => {
  const r = autocorrelation(new Float64Array([1, -1, 1, -1]));
  [1, -0.75, 0.5, -0.25].forEach((v, k) => assertClose(r[k], v, 1e-14, `rho_${k}`));
  assertEquals(Array.from(autocorrelation(new Float64Array(5).fill(2))), [1, 0, 0, 0, 0]);
});

Deno.test("nextPowerOfTwo", () => {
  assertEquals([1, 2, 3, 5, 1024, 1025].map(nextPowerOfTwo), [1, 2, 4, 8, 1024, 2048]);
  assertThrows(() => nextPowerOfTwo(0), /positive integer/);
  assert(true);
});
