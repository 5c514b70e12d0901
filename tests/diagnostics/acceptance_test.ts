import { assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { acceptanceRates, summarizeAcceptance } from "../../src/diagnostics/acceptance.ts";

Deno.test("acceptance rates and their summary, by hand", () => {
  assertEquals(Array.from(acceptanceRates([50, 80, 0], 100)), [0.5, 0.8, 0]);
  assertEquals(Array.from(acceptanceRates([1, 3], [4, 4])), [0.25, 0.75]);
  const s = summarizeAcceptance([0.1, 0.2, 0.3, 0.4, 0.5]);
  assertEquals(s.chains, 5);
  assertClose(s.mean, 0.3, 1e-15, "mean");
  assertClose(s.std, Math.sqrt(0.02), 1e-15, "std (ddof 0)");
  assertEquals([s.min, s.max, s.median], [0.1, 0.5, 0.3]);
  assertClose(s.q05, 0.12, 1e-15, "q05 = 0.1 + 0.2 * 0.1"); // h = 4 * 0.05 = 0.2
  assertClose(s.q25, 0.2, 1e-15, "q25");
  assertClose(s.q75, 0.4, 1e-15, "q75");
  assertClose(s.q95, 0.48, 1e-15, "q95");
});

Deno.test("acceptance input errors", () => {
  assertThrows(() => acceptanceRates([5], 4), /expected 0 <= accepted <= proposed/);
  assertThrows(() => acceptanceRates([1, 2], [4]), /one per chain/);
  assertThrows(() => summarizeAcceptance([]), /no rates/);
  assertThrows(() => summarizeAcceptance([1.5]), /\[0, 1\]/);
  assertThrows(() => summarizeAcceptance([NaN]), /NaN/);
});
