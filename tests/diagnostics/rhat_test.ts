import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  essBulk,
  essMean,
  essQuantile,
  essTail,
  rhat,
  rhatBulk,
  rhatCore,
  rhatFolded,
  rhatSplit,
  zScale,
} from "../../src/diagnostics/rhat.ts";
import { ar1, makeRng } from "./_rng.ts";

Deno.test("two chains stuck in different modes (means 0 and 5): R-hat flags them", () => {
  const rng = makeRng(3);
  const chains = [ar1(5000, 0.5, rng), ar1(5000, 0.5, rng, 5)];
  // Raw values: 4 split halves with means 0, 0, 5, 5 and unit variance give
  // B/n = var(means) = 25/3, W = 1, so split R-hat ~ sqrt(1 + 25/3) = 3.06.
  assert(rhat(chains) > 1.5, `rank R-hat ${rhat(chains)}`);
  assertClose(rhatSplit(chains), Math.sqrt(1 + 25 / 3), 0.1, "split R-hat");
  assert(rhatBulk(chains) > 1.5, `bulk R-hat ${rhatBulk(chains)}`);
  // Flat input form gives the same answer.
  const flat = new Float64Array(10_000);
  flat.set(chains[0]);
  flat.set(chains[1], 5000);
  assertEquals(rhat({ data: flat, chains: 2, draws: 5000 }), rhat(chains));
});

Deno.test("identically distributed chains: R-hat < 1.01", () => {
  const rng = makeRng(4);
  // 4 chains x 10k AR(1), phi = 0.9 (tau = 19): R-hat - 1 ~ tau chi2_7/7 / (2 n_split) <~ 0.006.
  const chains = Array.from({ length: 4 }, () => ar1(10_000, 0.9, rng));
  for (const [name, f] of [["rank", rhat], ["split", rhatSplit], ["folded", rhatFolded]] as const) {
    const r = f(chains);
    assert(r < 1.01 && r > 0.99, `${name} R-hat ${r}`);
  }
});

Deno.test("folded R-hat flags chains that differ only in scale", () => {
  const rng = makeRng(8);
  const a = ar1(4000, 0, rng);
  const b = ar1(4000, 0, rng).map((v) => 4 * v);
  assert(rhatBulk([a, b]) < 1.05, "bulk R-hat should not see a pure scale difference");
  assert(rhatFolded([a, b]) > 1.1, `folded R-hat ${rhatFolded([a, b])}`);
  assertEquals(rhat([a, b]), Math.max(rhatBulk([a, b]), rhatFolded([a, b])));
});

Deno.test("rhatCore by hand and its constant-chain conventions", () => {
  // Chains [0,2] and [4,6]: means 1, 5; W = 2; B = 2 * 8 = 16; R = sqrt((16/2 + 1) / 2).
  assertClose(
    rhatCore([new Float64Array([0, 2]), new Float64Array([4, 6])]),
    Math.sqrt(4.5),
    1e-14,
    "R",
  );
  assertEquals(rhatCore([new Float64Array(4).fill(1), new Float64Array(4).fill(1)]), 1);
  assertEquals(rhatCore([new Float64Array(4).fill(1), new Float64Array(4).fill(2)]), Infinity);
  assertEquals(rhat([new Float64Array(10).fill(1), new Float64Array(10).fill(2)]), Infinity);
  assertEquals(rhat([new Float64Array(10).fill(3), new Float64Array(10).fill(3)]), 1);
});

Deno.test("zScale: Blom-offset normal scores of average ranks", () => {
  // Ranks 3, 1, 2 of 3 values: Phi^{-1}((r - 3/8) / 3.25); the middle value maps to 0.
  const [z] = zScale([new Float64Array([3, 1, 2])]);
  assertClose(z[2], 0, 1e-15, "middle");
  assertClose(z[0], -z[1], 1e-15, "symmetry");
  assertClose(z[0], 0.8694237732888861, 1e-12, "top"); // SciPy ndtri(2.625 / 3.25)
});

Deno.test("bulk, tail, mean ESS on AR(1) chains", () => {
  const rng = makeRng(12);
  const phi = 0.5, tau = 3;
  const chains = Array.from({ length: 4 }, () => ar1(25_000, phi, rng));
  const n = 100_000;
  // Gaussian AR(1): rank normalisation is nearly monotone-linear, so bulk ESS ~ n / tau.
  // Relative sd ~ 0.02 (measured, 100k draws in all); 5 sd.
  assertClose((essBulk(chains) * tau) / n, 1, 0.1, "bulk ESS");
  assertClose((essMean(chains) * tau) / n, 1, 0.1, "mean ESS");
  // Indicator series of a Gaussian AR(1) mix faster than x itself: tail ESS >= n / tau, <= n.
  const t = essTail(chains);
  assert(t > n / tau && t < n, `tail ESS ${t}`);
  assert(essQuantile(chains, 0.5) > n / tau, "median ESS");
  // Constant input: the ArviZ convention returns the total size, never NaN.
  assertEquals(essBulk([new Float64Array(10).fill(1), new Float64Array(10).fill(1)]), 20);
  assertEquals(essTail([new Float64Array(10).fill(1)]), 10);
});

Deno.test("rank diagnostics reject short or non-finite input", () => {
  assertThrows(() => rhat([new Float64Array(7), new Float64Array(7)]), /at least 8/);
  assertThrows(() => essBulk([Float64Array.from([1, 2, 3, 4, 5, 6, 7, Infinity])]), /Infinity/);
  assertThrows(() => rhat({ data: [1, 2, 3], chains: 2, draws: 2 }), /does not match/);
});
