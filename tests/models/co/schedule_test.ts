import { assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import {
  bestOfChains,
  exponentialDecay,
  linear,
  ratioToReference,
  scheduleFromConfig,
} from "../../../src/models/co/mod.ts";

Deno.test("exponential decay: T0 r^(t/L) with a floor, beta = 1/T", () => {
  const s = exponentialDecay({ t0: 1, decay: 0.1, tMin: 0.05, steps: 100 });
  assertEquals(s.temperature(0), 1);
  assertClose(s.temperature(50), Math.sqrt(0.1), 1e-15, "T(L/2)");
  assertClose(s.temperature(100), 0.1, 1e-15, "T(L)");
  assertEquals(s.temperature(200), 0.05);
  assertClose(s.beta(100), 10, 1e-12, "beta(L)");
  const b = s.betas(98, 4);
  assertEquals(Array.from(b), [98, 99, 100, 101].map((t) => Math.fround(1 / s.temperature(t))));
});

Deno.test("linear: T0 -> T1 over L steps, then constant; config round trip", () => {
  const s = linear({ t0: 1, t1: 0.5, steps: 10 });
  assertEquals([s.temperature(0), s.temperature(5), s.temperature(10), s.temperature(99)], [
    1,
    0.75,
    0.5,
    0.5,
  ]);
  const c = scheduleFromConfig({ kind: "exp_decay", decay: 0.01 }, 1000);
  assertClose(c.temperature(1000), 0.01, 1e-15, "config exp");
  assertEquals(scheduleFromConfig({ kind: "linear" }, 4).temperature(4), 0.5);
  assertThrows(() => exponentialDecay({ t0: 1, decay: 2, steps: 5 }), /decay must be in \(0, 1\]/);
  assertThrows(() => linear({ t0: 1, t1: 0, steps: 5 }), /t1 must be a finite number > 0/);
  assertThrows(() => s.temperature(-1), /step must be >= 0/);
});

Deno.test("best-of-chains running maximum and reference ratio", () => {
  // 3 steps x 2 chains: energies -> penalised values 1,3 | 2,2 | 5,0
  const e = Float32Array.of(-1, -3, -2, -2, -5, 0);
  assertEquals(Array.from(bestOfChains(e, 2)), [3, 3, 5]);
  assertEquals(Array.from(bestOfChains(e, 2, 2)), [-Infinity, 2, 2]);
  assertEquals(ratioToReference(5, 4), 1.25);
  assertEquals(ratioToReference(5, 4, "min"), 0.8);
  assertThrows(() => bestOfChains(e, 4), /not \[steps, 4\]/);
});
