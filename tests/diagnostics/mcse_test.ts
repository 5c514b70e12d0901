import { assertClose, assertEquals } from "../_assert.ts";
import { mcseMean, mcseQuantile } from "../../src/diagnostics/mcse.ts";
import { ar1, makeRng } from "./_rng.ts";

Deno.test("MCSE of the mean of AR(1) chains equals sqrt(tau / N)", () => {
  const rng = makeRng(21);
  const phi = 0.5, tau = 3, N = 100_000;
  const chains = Array.from({ length: 4 }, () => ar1(N / 4, phi, rng));
  // sd = 1; MCSE = sqrt(tau / N). ESS has relative sd ~ 0.02, so MCSE ~ 0.01: 5 sd = 5%.
  const expected = Math.sqrt(tau / N);
  assertClose(mcseMean(chains) / expected, 1, 0.05, "MCSE ratio");
  assertEquals(mcseMean([new Float64Array(16).fill(2)]), 0);
});

Deno.test("MCSE of the median of i.i.d. normals equals sqrt(p(1-p)/N) / phi(0)", () => {
  const rng = makeRng(22);
  const N = 100_000;
  const chains = Array.from({ length: 4 }, () => ar1(N / 4, 0, rng));
  // Asymptotic sd of the sample median: 0.5 sqrt(2 pi / N). The order-statistic estimate spans
  // ~2 sqrt(N p (1-p)) ~ 316 ranks, so its relative sd is ~ 1/sqrt(316) = 5.6%; 4.5 sd = 25%.
  const expected = 0.5 * Math.sqrt((2 * Math.PI) / N);
  assertClose(mcseQuantile(chains, 0.5) / expected, 1, 0.25, "median MCSE ratio");
  assertEquals(mcseQuantile([new Float64Array(16).fill(2)], 0.5), 0);
});
