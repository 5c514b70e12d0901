import { assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  argsortFloat64,
  averageRanks,
  normalQuantile,
  quantile,
  rankAverage,
  sortedCopy,
  variance,
} from "../../src/diagnostics/basic_stats.ts";

Deno.test("normalQuantile matches tabulated values", () => {
  // Reference values of Phi^{-1} (SciPy's ndtri, printed to full precision).
  const table: [number, number][] = [
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.8413447460685429, 1],
    [0.001, -3.090232306167813],
    [1e-10, -6.361340902404056],
    [0.3, -0.5244005127080407],
    [0.05, -1.6448536269514729],
    [0.9, 1.2815515655446004],
  ];
  for (const [p, z] of table) assertClose(normalQuantile(p), z, 1e-13, `ppf(${p})`);
  assertEquals(normalQuantile(0), -Infinity);
  assertEquals(normalQuantile(1), Infinity);
  assertClose(normalQuantile(1e-300), -37.0470962993612, 1e-11, "ppf(1e-300)");
  assertThrows(() => normalQuantile(1.5), /\[0, 1\]/);
});

Deno.test("quantile (type 7), variance and average ranks", () => {
  assertClose(quantile([3, 1, 2, 4], 0.5), 2.5, 0, "median");
  assertClose(quantile([3, 1, 2, 4], 0.05), 1.15, 1e-15, "q05");
  assertClose(variance([1, 2, 3, 4], 1), 5 / 3, 1e-15, "var ddof 1");
  const r = averageRanks([10, 20, 20, 5], sortedCopy([10, 20, 20, 5]));
  assertEquals(Array.from(r), [2, 3.5, 3.5, 1]);
});

Deno.test("radix argsort, sorted copy and average ranks agree with native sorting", () => {
  // Negatives, -0/+0, ties, tiny and huge magnitudes; > 4096 values takes the radix path.
  const base = [-1e300, -2.5, -0, 0, 1e-300, 2.5, 2.5, 7, 1e300];
  const x = Float64Array.from(
    { length: 10_007 },
    (_, i) => base[(i * 7919) % base.length] * (1 + (i % 3)),
  );
  const order = argsortFloat64(x);
  const native = Float64Array.from(x).sort();
  assertEquals(Array.from(sortedCopy(x)), Array.from(native));
  for (let i = 1; i < order.length; i++) {
    if (!(x[order[i - 1]] <= x[order[i]])) throw new Error(`argsort out of order at ${i}`);
    if (Object.is(x[order[i - 1]], x[order[i]]) && !(order[i - 1] < order[i])) {
      throw new Error("not stable");
    }
  }
  const r = rankAverage(x);
  assertEquals(Array.from(r), Array.from(averageRanks(x, native)));
  assertEquals(Array.from(rankAverage(new Float64Array([10, 20, 20, 5]))), [2, 3.5, 3.5, 1]);
});
