/** Min/max decimation: exact small cases and the envelope property on random data. */

import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { decimateMinMax } from "../../web/utils/decimate.ts";
import { rng } from "./_fixtures.ts";

Deno.test("decimateMinMax: known small case keeps each bucket's min and max in order", () => {
  const d = decimateMinMax(new Float64Array([0, 5, 1, 2, -3, 0]), 6, 1, 4);
  assert(d.decimated);
  assertEquals(Array.from(d.index), [0, 2, 3, 5]);
  assertEquals(d.columns[0], [0, 5, 2, -3]);
});

Deno.test("decimateMinMax: short ranges pass through; NaN becomes null", () => {
  const d = decimateMinMax(new Float32Array([1, NaN, 3, 4, 5, 6]), 3, 2, 10, 1, 3);
  assertEquals(d.decimated, false);
  assertEquals(Array.from(d.index), [1, 2]);
  assertEquals(d.columns, [[3, 5], [4, 6]]);
  assertEquals(decimateMinMax(new Float64Array([NaN, 1]), 2, 1, 10).columns[0], [null, 1]);
  assertThrows(() => decimateMinMax(new Float64Array(4), 4, 1, 1), /maxPoints/);
  assertThrows(() => decimateMinMax(new Float64Array(4), 4, 1, 2, 3, 5), /row range/);
});

Deno.test("decimateMinMax: every bucket's exact min and max over 10^6 rows x 3 columns", () => {
  const rows = 1_000_000, cols = 3, u = rng(3);
  const data = Float32Array.from({ length: rows * cols }, () => u());
  const d = decimateMinMax(data, rows, cols, 2000);
  assertEquals(d.index.length, 2000);
  for (let b = 0; b < 1000; b += 97) {
    const b0 = d.index[2 * b], b1 = d.index[2 * b + 1] + 1;
    for (let c = 0; c < cols; c++) {
      let lo = Infinity, hi = -Infinity;
      for (let r = b0; r < b1; r++) {
        lo = Math.min(lo, data[r * cols + c]);
        hi = Math.max(hi, data[r * cols + c]);
      }
      const pair = [d.columns[c][2 * b], d.columns[c][2 * b + 1]] as number[];
      assertEquals([Math.min(...pair), Math.max(...pair)], [lo, hi]);
    }
  }
  // Buckets tile the rows without gaps.
  assertEquals(d.index[0], 0);
  assertEquals(d.index[1999], rows - 1);
  for (let b = 1; b < 1000; b++) assertEquals(d.index[2 * b], d.index[2 * b - 1] + 1);
});
