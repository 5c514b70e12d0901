import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";

Deno.test("SplitMix32 is deterministic and seeds differ", () => {
  const a = new SplitMix32(1);
  const b = new SplitMix32(1);
  const c = new SplitMix32(2);
  const sa = Array.from({ length: 5 }, () => a.nextU32());
  assertEquals(sa, Array.from({ length: 5 }, () => b.nextU32()));
  assert(sa[0] !== c.nextU32());
  assert(sa.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32));
});

Deno.test("SplitMix32 uniforms and normals have the right first two moments", () => {
  const r = new SplitMix32(123);
  const n = 100000;
  let su = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert(u > 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  assertClose(su / n, 0.5, 4 * Math.sqrt(1 / 12 / n), "E[U]");
  assertClose(sn / n, 0, 4 / Math.sqrt(n), "E[Z]");
  assertClose(sn2 / n, 1, 4 * Math.sqrt(2 / n), "E[Z^2]");
});

Deno.test("SplitMix32.fromState continues a saved generator, cached normal included", () => {
  for (const draws of [0, 1, 3, 4]) {
    const a = new SplitMix32(99);
    // An odd number of normals leaves the second Box-Muller value cached.
    for (let k = 0; k < draws; k++) a.normal();
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    assertEquals(saved.spare === null, draws % 2 === 0);
    const b = SplitMix32.fromState(saved);
    const next = (r: SplitMix32) => [r.normal(), r.uniform(), r.nextU32(), r.normal()];
    assertEquals(next(b), next(a));
  }
  assertThrows(() => SplitMix32.fromState({ state: -1, spare: null }), /32-bit unsigned/);
  assertThrows(() => SplitMix32.fromState({ state: 1, spare: NaN }), /finite or null/);
});
