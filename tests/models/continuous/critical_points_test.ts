import { assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import {
  refineCritical,
  solveLinear,
  symmetricEigenvalues,
  userPotential,
} from "../../../src/models/continuous/mod.ts";

Deno.test("symmetricEigenvalues: known spectra", () => {
  const ev = symmetricEigenvalues([Float64Array.of(2, 1), Float64Array.of(1, 2)]);
  assertClose(ev[0], 1, 1e-14, "lambda_1");
  assertClose(ev[1], 3, 1e-14, "lambda_2");
  // Tridiagonal (2, -1) of size 5: eigenvalues 2 - 2 cos(k pi / 6).
  const n = 5;
  const T = Array.from(
    { length: n },
    (_, i) =>
      Float64Array.from({ length: n }, (_, j) => (i === j ? 2 : Math.abs(i - j) === 1 ? -1 : 0)),
  );
  const got = symmetricEigenvalues(T);
  for (let k = 1; k <= n; k++) {
    assertClose(got[k - 1], 2 - 2 * Math.cos((k * Math.PI) / 6), 1e-12, `k=${k}`);
  }
});

Deno.test("solveLinear solves with pivoting and rejects singular systems", () => {
  const x = solveLinear([Float64Array.of(0, 1), Float64Array.of(2, 0)], Float64Array.of(3, 4));
  assertEquals(Array.from(x), [2, 3]);
  assertThrows(
    () => solveLinear([Float64Array.of(1, 2), Float64Array.of(2, 4)], Float64Array.of(1, 1)),
    /singular/,
  );
});

Deno.test("refineCritical converges quadratically to a known critical point", () => {
  // V = x^4/4 - x + y^2: critical point (1, 0).
  const p = userPotential({
    name: "q",
    dim: 2,
    energy: (x) => x[0] ** 4 / 4 - x[0] + x[1] ** 2,
    gradient: (x, g) => {
      g[0] = x[0] ** 3 - 1;
      g[1] = 2 * x[1];
    },
  });
  const c = refineCritical(p, Float64Array.of(1.3, 0.4));
  assertClose(c[0], 1, 1e-10, "x");
  assertClose(c[1], 0, 1e-10, "y");
  assertThrows(
    () => refineCritical(p, Float64Array.of(1.3, 0.4), { maxIter: 1 }),
    /did not converge/,
  );
});
