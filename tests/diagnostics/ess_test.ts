import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  essBatchMeans,
  essGeyer,
  essGeyerIms,
  essTfp,
  essTfpChains,
} from "../../src/diagnostics/ess.ts";
import { ar1, makeRng } from "./_rng.ts";

// AR(1) known answers. tau = (1 + phi) / (1 - phi), so ESS/n -> 1/tau.
// Tolerances: K = 4 seeded chains of n = 100k each; the per-chain relative sd of ESS*tau/n was
// measured over 20 replicates (TFP: 0.010, 0.019, 0.054; IMS: 0.014, 0.019, 0.041; batch means:
// 0.060, 0.069, 0.084 for phi = 0, 0.5, 0.9), in line with Madras & Sokal (1988),
// var(tau_hat)/tau^2 ~ 2(2M+1)/n for a window M (M ~ 70 at phi = 0.9 gives 0.053). Bounds are
// 5 sd / sqrt(K) plus the estimator's known bias: TFP/IMS truncation (<= 2.5% at phi = 0.9) and
// batch means' (2 phi / (1-phi)^2) / (tau b) ~ 3% at phi = 0.9, b = 316.
const N = 100_000;
const K = 4;
const cases = [
  { phi: 0, sd: { tfp: 0.010, ims: 0.014, bm: 0.060 }, bias: { tfp: 0.006, ims: 0.008, bm: 0 } },
  {
    phi: 0.5,
    sd: { tfp: 0.019, ims: 0.019, bm: 0.069 },
    bias: { tfp: 0.005, ims: 0.005, bm: 0.006 },
  },
  {
    phi: 0.9,
    sd: { tfp: 0.054, ims: 0.041, bm: 0.084 },
    bias: { tfp: 0.025, ims: 0.015, bm: 0.03 },
  },
];

Deno.test("AR(1): TFP, Geyer IMS and batch-means ESS ~ n / tau", () => {
  const rng = makeRng(2024);
  for (const { phi, sd, bias } of cases) {
    const tau = (1 + phi) / (1 - phi);
    const chains = Array.from({ length: K }, () => ar1(N, phi, rng));
    const tfp = essTfpChains(chains);
    const avg = (f: (c: Float64Array, i: number) => number) =>
      chains.reduce((s, c, i) => s + f(c, i), 0) / K;
    const rTfp = avg((_, i) => (tfp[i] * tau) / N);
    const rIms = avg((c) => (essGeyerIms(c) * tau) / N);
    const rBm = avg((c) => (essBatchMeans(c) * tau) / N);
    assertClose(rTfp, 1, 5 * sd.tfp / Math.sqrt(K) + bias.tfp, `TFP ESS*tau/n, phi=${phi}`);
    assertClose(rIms, 1, 5 * sd.ims / Math.sqrt(K) + bias.ims, `IMS ESS*tau/n, phi=${phi}`);
    assertClose(rBm, 1, 5 * sd.bm / Math.sqrt(K) + bias.bm, `batch-means ESS*tau/n, phi=${phi}`);
    // The batched TFP form agrees with the single-chain call.
    assertClose(tfp[1], essTfp(chains[1]), 1e-9 * N, "essTfpChains vs essTfp");
  }
});

Deno.test("TFP ESS by hand", () => {
  // [1,2,3,4]: S = [5, 1.25, -1.5, ...]; rho_2 < 0 stops the sum: ESS = 4 / (-1 + 2 (1 + 0.25)).
  assertClose(essTfp(new Float64Array([1, 2, 3, 4])), 4 / 1.5, 1e-14, "ESS [1,2,3,4]");
  // Alternating: rho_1 < 0 at once, so ESS = n exactly (never above n with threshold 0).
  assertEquals(essTfp(new Float64Array([1, -1, 1, -1])), 4);
  // Without the threshold TFP's denominator is 0 here; the cap n max(1, log10 n) = 4 applies.
  assertEquals(essTfp(new Float64Array([1, -1, 1, -1]), { filterThreshold: null }), 4);
  // Positive-pairs truncation on [1,2,3,4]: rho_k = 4 S_k / ((4-k) S_0) = [1, 1/3, -0.6, -1.8];
  // pair 0 sums to 4/3 (kept, weighted (5 + 1.25)/5), pair 1 to -2.4 (stop): ESS = 4 / 1.5.
  assertClose(
    essTfp(new Float64Array([1, 2, 3, 4]), { filterBeyondPositivePairs: true }),
    4 / 1.5,
    1e-14,
    "pairs",
  );
  // On [1,-1,1,-1] rho = [1,-1,1,-1]: both pair sums are 0 (kept), the weighted sum is
  // (4-3)/4 + (2-1)/4 = 1/2, TFP's denominator is 0 and the cap n = 4 applies.
  assertEquals(essTfp(new Float64Array([1, -1, 1, -1]), { filterBeyondPositivePairs: true }), 4);
  // filterBeyondLag = 1 on [1,2,3,4]: sum = 1 + 0.25.
  assertClose(
    essTfp(new Float64Array([1, 2, 3, 4]), { filterBeyondLag: 1 }),
    4 / 1.5,
    1e-14,
    "lag1",
  );
});

Deno.test("constant, short and antithetic chains: never NaN, never above n (TFP)", () => {
  assertEquals(essTfp(new Float64Array(100).fill(3.5)), 1); // DISCS: NaN -> 1
  assertEquals(essTfp(new Float64Array([2])), 1);
  assertEquals(essGeyerIms(new Float64Array(100).fill(3.5)), 100); // ArviZ: constant -> size
  assertEquals(essBatchMeans(new Float64Array(100).fill(3.5)), 100);
  const rng = makeRng(5);
  const anti = ar1(20_000, -0.9, rng);
  const e = essTfp(anti);
  assertEquals(e, 20_000); // rho_1 < 0: nothing but lag 0 kept
  // Geyer pairs allow ESS > n for antithetic chains, up to n log10 n (tau = 1/19 here).
  const g = essGeyerIms(anti);
  assert(g > 20_000 && g <= 20_000 * Math.log10(20_000), `IMS antithetic ${g}`);
  for (let n = 2; n < 40; n++) {
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const v = essTfp(x);
    assert(v >= 1 && v <= n, `TFP ESS ${v} out of [1, ${n}]`);
  }
});

Deno.test("i.i.d. multi-chain Geyer ESS ~ m n", () => {
  const rng = makeRng(99);
  const chains = Array.from({ length: 4 }, () => ar1(25_000, 0, rng));
  // Relative sd ~ 0.014 for 100k draws in total (measured, see above); 5 sd + 0.8% bias.
  assertClose(essGeyer(chains) / 100_000, 1, 0.08, "essGeyer iid");
});

Deno.test("invalid input: one-line errors", () => {
  assertThrows(() => essTfp(new Float64Array([1, NaN, 2])), /index 1 is NaN/);
  assertThrows(() => essTfp(new Float64Array(0)), /empty chain/);
  assertThrows(() => essGeyer([new Float64Array(3)]), /at least 4/);
  assertThrows(() => essGeyer([new Float64Array(8), new Float64Array(9)]), /chain 1 has 9/);
  assertThrows(() => essBatchMeans(new Float64Array(3), { batchSize: 2 }), /at least 2/);
});
