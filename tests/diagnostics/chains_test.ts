import { assertEquals, assertThrows } from "../_assert.ts";
import { dropBurnIn, splitChains, toChains } from "../../src/diagnostics/chains.ts";

Deno.test("toChains: flat and per-chain forms, validation", () => {
  const cs = toChains({ data: [1, 2, 3, 4, 5, 6], chains: 2, draws: 3 });
  assertEquals(cs.map((c) => Array.from(c)), [[1, 2, 3], [4, 5, 6]]);
  assertThrows(() => toChains([]), /no chains/);
  assertThrows(() => toChains({ data: [1, 2], chains: 0, draws: 2 }), /positive integers/);
  assertThrows(() => toChains([new Float64Array([1, NaN])]), /index 1 is NaN/);
  assertThrows(() => toChains([new Float64Array(2)], 3), /at least 3/);
});

Deno.test("splitChains drops the middle draw of odd chains; dropBurnIn floors", () => {
  const s = splitChains([new Float64Array([1, 2, 3, 4, 5]), new Float64Array([6, 7, 8, 9, 10])]);
  assertEquals(s.map((c) => Array.from(c)), [[1, 2], [6, 7], [4, 5], [9, 10]]);
  assertEquals(Array.from(dropBurnIn([new Float64Array([1, 2, 3, 4, 5])], 0.5)[0]), [3, 4, 5]);
  assertThrows(() => dropBurnIn([new Float64Array(3)], 1), /\[0, 1\)/);
});
