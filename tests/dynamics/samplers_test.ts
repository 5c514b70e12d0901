import { assert, assertClose } from "../_assert.ts";
import { runContinuousSampler } from "../../src/dynamics/mod.ts";
import { essGeyer } from "../../src/diagnostics/mod.ts";
import { quadratic } from "./_potentials.ts";

// Target N(m, S) with S = [[1, 0.8], [0.8, 1]]: A = S^{-1}.
const m = [1, -1];
const det = 1 - 0.64;
const A = [1 / det, -0.8 / det, -0.8 / det, 1 / det];

/** Checks E[f] = exact within 4.5 Monte Carlo standard errors using ESS over chains. */
function checkStat(
  samples: Float64Array,
  steps: number,
  chains: number,
  f: (x0: number, x1: number) => number,
  exact: number,
  what: string,
) {
  const series = Array.from(
    { length: chains },
    (_, c) =>
      Float64Array.from({ length: steps }, (_, s) => {
        const o = (s * chains + c) * 2;
        return f(samples[o], samples[o + 1]);
      }),
  );
  let mean = 0, sq = 0;
  for (const s of series) for (const v of s) (mean += v, sq += v * v);
  const n = steps * chains;
  mean /= n;
  const sd = Math.sqrt(sq / n - mean * mean);
  const ess = essGeyer(series);
  assert(ess > 200, `${what}: ESS ${ess} too small`);
  assertClose(mean, exact, 4.5 * sd / Math.sqrt(ess), what);
}

for (const sampler of ["mala", "hmc"] as const) {
  Deno.test(`${sampler} samples a correlated 2-D Gaussian exactly`, () => {
    const chains = 16, steps = 1500;
    const r = runContinuousSampler(quadratic(A, m), {
      sampler,
      chains,
      steps,
      burnIn: 500,
      seed: 17,
      stepSize: 0.5,
      leapfrogSteps: 5,
      start: [3, 3],
    });
    const meanAcc = r.acceptance.reduce((a, b) => a + b, 0) / chains;
    // The averaged dual-averaging step is a little conservative: acceptance lands near or above target.
    assertClose(meanAcc, sampler === "mala" ? 0.6 : 0.8, 0.1, "adapted acceptance");
    const s = r.samples;
    checkStat(s, steps, chains, (x) => x, m[0], "mean x0");
    checkStat(s, steps, chains, (_, y) => y, m[1], "mean x1");
    checkStat(s, steps, chains, (x) => (x - m[0]) ** 2, 1, "var x0");
    checkStat(s, steps, chains, (_, y) => (y - m[1]) ** 2, 1, "var x1");
    checkStat(s, steps, chains, (x, y) => (x - m[0]) * (y - m[1]), 0.8, "cov");
  });
}

Deno.test("ULA has the known O(eps^2) bias on a 1-D Gaussian", () => {
  // x' = (1 - eps^2 k / 2) x + eps xi: stationary variance eps^2 / (1 - (1 - eps^2 k / 2)^2).
  const k = 1, eps = 0.8, chains = 32, steps = 2000;
  const r = runContinuousSampler(quadratic([k], [0]), {
    sampler: "ula",
    chains,
    steps,
    burnIn: 100,
    seed: 2,
    stepSize: eps,
  });
  const a = 1 - eps * eps * k / 2, exact = eps * eps / (1 - a * a);
  let v = 0;
  for (const x of r.samples) v += x * x;
  v /= r.samples.length;
  // Lag-1 correlation a = 0.68: ESS ~ n (1 - a) / (1 + a).
  const ess = r.samples.length * (1 - a) / (1 + a);
  assertClose(v, exact, 4.5 * exact * Math.sqrt(2 / ess), "ULA variance");
  assert(Math.abs(exact - 1) > 10 * exact * Math.sqrt(2 / ess), "bias is detectable");
});
