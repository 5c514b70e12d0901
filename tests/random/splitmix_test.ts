import { assert, assertClose, assertEquals } from "../_assert.ts";
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
