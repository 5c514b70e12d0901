import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { discsEss, summarizeChains } from "../../src/diagnostics/summary.ts";
import { essTfp } from "../../src/diagnostics/ess.ts";
import { essBulk, essTail, rhat } from "../../src/diagnostics/rhat.ts";
import { mcseMean } from "../../src/diagnostics/mcse.ts";
import { ar1, makeRng } from "./_rng.ts";

Deno.test("summarizeChains agrees with the individual diagnostics", () => {
  const rng = makeRng(31);
  const chains = Array.from({ length: 3 }, () => ar1(4001, 0.7, rng, 2));
  const s = summarizeChains(chains);
  assertEquals([s.chains, s.draws], [3, 4001]);
  assertClose(s.essBulk, essBulk(chains), 1e-9, "bulk");
  assertClose(s.essTail, essTail(chains), 1e-9, "tail");
  assertClose(s.rhat, rhat(chains), 1e-12, "rhat");
  assertClose(s.mcse, mcseMean(chains), 1e-15, "mcse");
  chains.forEach((c, i) => assertClose(s.essTfp.perChain[i], essTfp(c), 1e-9, `tfp ${i}`));
  assertClose(s.mean, 2, 5 * Math.sqrt(5.67 / 12003), "mean (tau = 5.67)");
  const b = summarizeChains(chains, { burnInFraction: 0.25 });
  assertEquals(b.draws, 4001 - 1000);
});

Deno.test("discsEss: drop the first half, TFP ESS per chain, mean and std (ddof 0)", () => {
  // Chain 0: the kept half is [1,2,3,4] -> 8/3; chain 1: constant kept half -> 1 (NaN -> 1).
  const r = discsEss([new Float64Array([9, 9, 9, 9, 1, 2, 3, 4]), new Float64Array(8).fill(7)]);
  assertEquals(r.keptDraws, 4);
  assertClose(r.perChain[0], 8 / 3, 1e-14, "chain 0");
  assertEquals(r.perChain[1], 1);
  assertClose(r.mean, (8 / 3 + 1) / 2, 1e-14, "mean");
  assertClose(r.std, (8 / 3 - 1) / 2, 1e-14, "std");
  // Odd length: floor(0.5 * 9) = 4 dropped, 5 kept (DISCS/TFP slice c[int(0.5 L):]).
  assertEquals(
    discsEss({ data: new Float64Array(18).map((_, i) => i % 3), chains: 2, draws: 9 }).keptDraws,
    5,
  );
});

Deno.test("discsEss on AR(1): mean ESS ~ (L/2) / tau", () => {
  const rng = makeRng(32);
  const chains = Array.from({ length: 8 }, () => ar1(40_000, 0.5, rng));
  const r = discsEss(chains);
  // 20k kept draws per chain, tau = 3: relative sd per chain ~ 0.019 * sqrt(5) = 0.042;
  // over 8 chains 0.015; 5 sd + 0.5% bias.
  assertClose((r.mean * 3) / 20_000, 1, 0.08, "DISCS ESS");
  assert(r.std > 0);
});

Deno.test("summary input errors", () => {
  assertThrows(() => summarizeChains([new Float64Array(7)]), /at least 8/);
  assertThrows(() => discsEss([new Float64Array(4)], 1), /burnInFraction/);
  assertThrows(() => summarizeChains([Float64Array.from([1, 2, NaN, 4, 5, 6, 7, 8, 9])]), /NaN/);
});
