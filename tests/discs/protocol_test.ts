import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { makeRng } from "../diagnostics/_rng.ts";
import { discsMetrics, statisticByChain } from "../../src/discs/protocol.ts";
import { PRESETS, runDiscsCell, suiteCells } from "../../src/discs/mod.ts";

/** A step-major [steps, chains] trace from per-chain functions of t. */
function trace(steps: number, chains: ((t: number) => number)[]): Float32Array {
  const out = new Float32Array(steps * chains.length);
  for (let t = 0; t < steps; t++) chains.forEach((f, c) => (out[t * chains.length + c] = f(t)));
  return out;
}

function figures(hamming: Float32Array, steps: number, chains: number) {
  return {
    hamming,
    steps,
    chains,
    energyEvals: 4 * steps,
    seconds: 2,
    acceptance: Float64Array.from({ length: chains }, (_, c) => c / chains),
    params: Float32Array.from({ length: steps }, (_, t) => t),
  };
}

Deno.test("statisticByChain transposes a step-major trace and checks its length", () => {
  const chains = statisticByChain(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 2);
  assertEquals(chains.map((c) => [...c]), [[1, 3, 5], [2, 4, 6]]);
  assertThrows(() => statisticByChain(new Float32Array(5), 3, 2), /expected steps\*chains = 6/);
});

Deno.test("discsMetrics: exact ESS and normalisations on antithetic and constant chains", () => {
  // After 50% burn-in each chain keeps N = 500 draws. An alternating chain has rho_1 < 0, so
  // the TFP sum stops at lag 0 and ESS = N exactly; a constant chain gets the DISCS value 1.
  const steps = 1000, n = 500;
  const run = figures(trace(steps, [(t) => t % 2, () => 7]), steps, 2);
  const m = discsMetrics(run);
  assertEquals(m.keptDraws, n);
  assertClose(m.essMean, (n + 1) / 2, 1e-9, "mean ESS");
  assertClose(m.essStd, (n - 1) / 2, 1e-9, "std ESS (ddof 0)");
  assertClose(m.essPerStep, m.essMean / n, 1e-12, "ESS per step");
  // 4 evaluations per step over the whole chain, half of them after burn-in (DISCS: * 0.5).
  assertClose(m.essPerEval, m.essMean / (4 * steps * 0.5), 1e-12, "ESS per evaluation");
  // 2 s for the whole loop, 1 s of it after burn-in.
  assertClose(m.essPerSecond, m.essMean / 1, 1e-9, "ESS per second");
  assertClose(m.meanAcceptance, 0.25, 1e-12, "mean acceptance");
  assertEquals(m.finalParam, steps - 1);
});

Deno.test("discsMetrics: AR(1) statistic has ESS close to N (1 - phi) / (1 + phi)", () => {
  // 100 chains of a stationary AR(1), phi = 0.5: integrated autocorrelation time 3, so the
  // per-chain ESS of N = 4000 kept draws is about N/3. Per-chain noise is ~10% (1% over 100
  // chains); truncating at the first negative lag plus the mean-subtraction bias of the sample
  // autocovariances cost a few percent at this N (-2.5% measured at this seed), so 5%.
  const rng = makeRng(11);
  const steps = 8000, chains = 100, phi = 0.5;
  const x = Float64Array.from({ length: chains }, () => rng.normal() / Math.sqrt(1 - phi * phi));
  const h = new Float32Array(steps * chains);
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < chains; c++) {
      x[c] = phi * x[c] + rng.normal();
      h[t * chains + c] = x[c];
    }
  }
  const m = discsMetrics(figures(h, steps, chains));
  const expected = 4000 * (1 - phi) / (1 + phi);
  assertClose(m.essMean, expected, 0.05 * expected, "AR(1) mean ESS");
  assert(m.essStd > 0 && m.essStd < 0.25 * expected, `per-chain spread ${m.essStd}`);
});

Deno.test("runDiscsCell: exact block Gibbs on a 2-site Bernoulli model gives i.i.d. draws", async () => {
  // Block Gibbs with block 2 on D = 2 redraws the whole state exactly every step, so the
  // statistic is i.i.d. and ESS per step is about 1 (TFP's first-negative-lag rule keeps a few
  // noise lags of size ~1/sqrt(N), so slightly below 1), with 2^2 = 4 evaluations per step.
  const [cell] = suiteCells("classical", PRESETS.quick, {
    models: ["bernoulli"],
    samplers: ["block_gibbs"],
    steps: 1000,
  });
  cell.modelConfig = { name: "bernoulli", numSites: 2, sigma: 1 };
  const r = await runDiscsCell(cell, { chains: 100, seed: 3, burnInFraction: 0.5, gpu: null });
  assertEquals(r.result.backend, "cpu");
  assertEquals(r.metrics.energyEvals, 4 * 1000);
  assert(
    r.metrics.essPerStep > 0.85 && r.metrics.essPerStep <= 1,
    `ESS/step ${r.metrics.essPerStep}`,
  );
  assertClose(r.metrics.essPerEval, r.metrics.essPerStep / 4, 1e-12, "ESS per evaluation");
  assertEquals(r.metrics.meanAcceptance, 1);
});
