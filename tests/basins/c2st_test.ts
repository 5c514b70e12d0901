import { assert, assertClose, assertEquals } from "../_assert.ts";
import {
  balancedRisk,
  fitMultiClass,
  groupRisk,
  pairwiseRisk,
  type SampleSet,
} from "../../src/basins/c2st.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

/** Two classes of n rows each in dim d: class 1 shifted by delta along e_1. */
function gaussians(n: number, d: number, delta: number, seed: number): SampleSet {
  const rng = new SplitMix32(seed);
  const x = new Float32Array(2 * n * d);
  const candidate = new Int32Array(2 * n);
  for (let r = 0; r < 2 * n; r++) {
    candidate[r] = r < n ? 0 : 1;
    for (let j = 0; j < d; j++) x[r * d + j] = rng.normal() + (j === 0 && r >= n ? delta : 0);
  }
  return {
    dim: d,
    x,
    candidate,
    trajectory: Int32Array.from({ length: 2 * n }, (_, i) => i),
    numCandidates: 2,
  };
}

// Phi(-1/2): Bayes risk of N(0, 1) vs N(1, 1) with equal priors = (1 - TV) / 2.
const PHI_MINUS_HALF = 0.3085375387259869;
const NET = { seed: 3, backend: "cpu" as const, hidden: [16], maxEpochs: 30, patience: 4 };

Deno.test("balancedRisk: risk and standard error of two error counts", () => {
  const r = balancedRisk(10, 100, 30, 100);
  assertClose(r.risk, 0.2, 1e-12);
  assertClose(r.se, 0.5 * Math.sqrt(0.09 / 100 + 0.21 / 100), 1e-12);
  assertEquals(r.nTest, 200);
});

Deno.test("C2ST on identical Gaussians gives risk 1/2 within its standard error", async () => {
  const s = gaussians(800, 5, 0, 11);
  const r = await pairwiseRisk(s, [0], [1], NET);
  assertEquals(r.nTest, 480);
  assertClose(r.se, 0.5 / Math.sqrt(480), 0.003, "se ~ 1/(2 sqrt(n_te))");
  assertClose(r.risk, 0.5, 2 * r.se, "risk");
});

Deno.test("C2ST on Gaussians one unit apart gives the Bayes risk Phi(-1/2)", async () => {
  const s = gaussians(1500, 4, 1, 12);
  const r = await pairwiseRisk(s, [0], [1], NET);
  // A trained classifier's risk is >= Bayes up to sampling error; allow 3 SE plus 0.02 excess.
  assert(r.risk > PHI_MINUS_HALF - 3 * r.se, `risk ${r.risk} below Bayes ${PHI_MINUS_HALF}`);
  assert(
    r.risk < PHI_MINUS_HALF + 3 * r.se + 0.02,
    `risk ${r.risk} far above Bayes ${PHI_MINUS_HALF}`,
  );
  // The multi-class design on the same data agrees.
  const fit = await fitMultiClass(s, NET);
  const m = groupRisk(fit, [0], [1]);
  fit.classifier.dispose();
  assertClose(m.risk, PHI_MINUS_HALF, 3 * m.se + 0.02, "multi-class risk");
});
