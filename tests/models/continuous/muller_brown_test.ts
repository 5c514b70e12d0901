import { assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import { MULLER_BROWN, mullerBrown } from "../../../src/models/continuous/mod.ts";

// Tabulated in shared/reference/basins.md section 3.3 (3 decimals for positions, 2 for energies).
const MINIMA = [[-0.558, 1.442, -146.70], [0.623, 0.028, -108.17], [-0.05, 0.467, -80.77]];
const SADDLES = [[-0.822, 0.624, -40.66], [0.212, 0.293, -72.25]];

Deno.test("Müller–Brown minima and saddles match the tabulated values", () => {
  const p = mullerBrown();
  assertEquals([p.minima.length, p.saddles!.length], [3, 2]);
  p.minima.forEach((m, i) => {
    assertClose(m[0], MINIMA[i][0], 6e-4, `minimum ${i} x`);
    assertClose(m[1], MINIMA[i][1], 6e-4, `minimum ${i} y`);
    assertClose(p.energy(m), MINIMA[i][2], 6e-3, `minimum ${i} V`);
  });
  p.saddles!.forEach((s, i) => {
    assertClose(s[0], SADDLES[i][0], 6e-4, `saddle ${i} x`);
    assertClose(s[1], SADDLES[i][1], 6e-4, `saddle ${i} y`);
    assertClose(p.energy(s), SADDLES[i][2], 6e-3, `saddle ${i} V`);
  });
});

Deno.test("Müller–Brown energy equals the defining sum at a hand-computed point", () => {
  // At (0, 0): sum_k A_k exp(a_k x_k^2 - b_k x_k y_k + c_k y_k^2).
  const { A, a, b, c, x0, y0 } = MULLER_BROWN;
  let want = 0;
  for (let k = 0; k < 4; k++) {
    want += A[k] * Math.exp(a[k] * x0[k] ** 2 + b[k] * x0[k] * y0[k] + c[k] * y0[k] ** 2);
  }
  assertClose(mullerBrown().energy(Float64Array.of(0, 0)), want, 1e-12, "V(0,0)");
  // First term alone: -200 e^{-1} ~ -73.58; the coefficients are MSMBuilder's.
  assertEquals([A, a, b, c, x0, y0].map((v) => [...v]), [
    [-200, -100, -170, 15],
    [-1, -1, -6.5, 0.7],
    [0, 0, 11, 0.6],
    [-10, -10, -6.5, 0.7],
    [1, 0, -0.5, -1],
    [0, 0.5, 1.5, 1],
  ]);
});

Deno.test("Müller–Brown scale multiplies V and keeps the critical points", () => {
  const p = mullerBrown();
  const q = mullerBrown({ scale: 0.05 });
  p.minima.forEach((m, i) => {
    assertClose(q.minima[i][0], m[0], 1e-9, "x");
    assertClose(q.minima[i][1], m[1], 1e-9, "y");
    assertClose(q.energy(m), 0.05 * p.energy(m), 1e-12, "scaled V");
  });
  const g = new Float64Array(2);
  const h = new Float64Array(2);
  p.gradient(Float64Array.of(0.1, 0.7), g);
  q.gradient(Float64Array.of(0.1, 0.7), h);
  assertClose(h[0], 0.05 * g[0], 1e-10, "scaled gradient");
  assertThrows(() => mullerBrown({ scale: 0 }), /scale/);
});
