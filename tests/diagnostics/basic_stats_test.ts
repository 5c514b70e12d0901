import { assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  averageRanks,
  normalQuantile,
  quantile,
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
