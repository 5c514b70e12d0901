import { assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  DEFAULT_MERGE_RULE,
  formatMergeRule,
  mergeCandidates,
  mergeLevel,
  parseMergeRule,
} from "../../src/basins/merge.ts";
import { balancedRisk, clusteredRisk } from "../../src/basins/c2st.ts";

Deno.test("merge rules: parse, format, and the calibrated level", () => {
  assertEquals(parseMergeRule("0.25"), 0.25);
  assertEquals(parseMergeRule("calibrated"), DEFAULT_MERGE_RULE);
  assertEquals(parseMergeRule("calibrated:0.1:3"), {
    kind: "calibrated",
    delta: 0.1,
    z: 3,
    floor: 0.25,
  });
  assertEquals(formatMergeRule(parseMergeRule("calibrated:0.1:3:0.2")), "calibrated:0.1:3:0.2");
  for (const bad of ["0.7", "-1", "calibrated:x:2", "calibrated:0.1", "NaN", "quarter"]) {
    assertThrows(() => parseMergeRule(bad), /threshold/, bad);
  }
  const r = (se: number) => ({ risk: 0.3, se, nTest: 100 });
  assertEquals(mergeLevel(0.25, r(0.01)), 0.25);
  assertClose(mergeLevel(DEFAULT_MERGE_RULE, r(0.01)), 0.28, 1e-12);
  // A wide standard error falls back to the floor; NaN counts as unknown (the floor).
  assertEquals(mergeLevel(DEFAULT_MERGE_RULE, r(0.1)), 0.25);
  assertEquals(mergeLevel(DEFAULT_MERGE_RULE, r(NaN)), 0.25);
});

Deno.test("calibrated merging keeps a pair at risk 0.26 +- 0.01 apart that the fixed 0.25 merges", async () => {
  // Candidates 0, 1 one basin (0.48), 2 close to 1 (0.26, tight), 3 far (0.02).
  const risk = (a: number, b: number) => {
    const key = [a, b].sort().join("");
    return { "01": 0.48, "12": 0.26, "02": 0.25 }[key] ?? 0.02;
  };
  const oracle = (a: readonly number[], b: readonly number[]) => {
    let s = 0;
    for (const i of a) for (const j of b) s += risk(i, j);
    return Promise.resolve({ risk: s / (a.length * b.length), se: 0.01, nTest: 2000 });
  };
  const fixed = await mergeCandidates(4, oracle, { threshold: 0.25 });
  assertEquals(Array.from(fixed.labels), [0, 0, 0, 1]);
  const cal = await mergeCandidates(4, oracle, { threshold: DEFAULT_MERGE_RULE });
  assertEquals(Array.from(cal.labels), [0, 0, 1, 2]);
  // With a loose estimate (se 0.08) the calibrated rule is the fixed one.
  const loose = (a: readonly number[], b: readonly number[]) =>
    oracle(a, b).then((r) => ({ ...r, se: 0.08 }));
  const cl = await mergeCandidates(4, loose, { threshold: DEFAULT_MERGE_RULE });
  assertEquals(Array.from(cl.labels), [0, 0, 0, 1]);
});

Deno.test("clusteredRisk: one row per trajectory is the binomial estimate; correlated rows widen it", () => {
  // 40 trajectories per side, 1 row each: 10 and 6 errors.
  const one = (errs: number, n: number) =>
    Array.from({ length: n }, (_, i) => [i < errs ? 1 : 0, 1] as [number, number]);
  const c = clusteredRisk(one(10, 40), one(6, 40));
  const b = balancedRisk(10, 40, 6, 40);
  assertClose(c.risk, b.risk, 1e-15);
  assertClose(c.se, b.se, 1e-15);
  // The same rows repeated 5 times inside each trajectory (perfectly correlated frames): same
  // risk, and the standard error of 40 clusters, not of 200 independent rows.
  const five = (errs: number, n: number) =>
    Array.from({ length: n }, (_, i) => [i < errs ? 5 : 0, 5] as [number, number]);
  const c5 = clusteredRisk(five(10, 40), five(6, 40));
  assertClose(c5.risk, b.risk, 1e-15);
  assertClose(c5.se, b.se, 1e-15);
  const naive = balancedRisk(50, 200, 30, 200);
  assertClose(c5.se / naive.se, Math.sqrt(5), 1e-12);
});
