import { assert, assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import {
  asymmetricDoubleWell,
  doubleWell,
  foldingModel,
  morseIndex,
  numericGradient,
  numericHessian,
  prinz,
  quadrupleWell,
  quadrupleWellAsymmetric,
  symmetricEigenvalues,
  tripleWell1d,
  tripleWell2d,
} from "../../../src/models/continuous/mod.ts";
import { allPotentials, boxPoints, tag } from "./_systems.ts";

Deno.test("gradient matches central finite differences at random box points", () => {
  for (const p of allPotentials()) {
    const g = new Float64Array(p.dim);
    for (const x of boxPoints(p, 50, 1)) {
      p.gradient(x, g);
      const fd = numericGradient((y) => p.energy(y), x, 1e-6);
      const scale = 1 + Math.abs(p.energy(x)) + Math.max(...fd.map(Math.abs));
      for (let i = 0; i < p.dim; i++) {
        assertClose(g[i], fd[i], 2e-6 * scale, `${tag(p)} dV/dx${i} at [${Array.from(x)}]`);
      }
    }
  }
});

Deno.test("listed minima are critical points with a positive definite Hessian", () => {
  for (const p of allPotentials()) {
    if (p.name.startsWith("folding")) continue; // cusp and shell; checked below
    assert(p.minima.length > 0, `${tag(p)} lists no minima`);
    const g = new Float64Array(p.dim);
    for (const m of p.minima) {
      p.gradient(m, g);
      const scale = Math.max(1, Math.abs(p.energy(m)));
      for (let i = 0; i < p.dim; i++) {
        assertClose(g[i], 0, 1e-8 * scale, `${tag(p)} grad at minimum`);
      }
      const ev = symmetricEigenvalues(numericHessian(p, m));
      assert(ev[0] > 1e-3, `${tag(p)} Hessian at [${Array.from(m)}] has eigenvalue ${ev[0]}`);
    }
  }
});

Deno.test("listed saddles are critical points of Morse index 1", () => {
  for (const p of allPotentials()) {
    const g = new Float64Array(p.dim);
    for (const s of p.saddles ?? []) {
      p.gradient(s, g);
      const scale = Math.max(1, Math.abs(p.energy(s)));
      for (let i = 0; i < p.dim; i++) {
        assertClose(g[i], 0, 1e-8 * scale, `${tag(p)} grad at saddle`);
      }
      assertEquals(morseIndex(p, s), 1, `${tag(p)} saddle [${Array.from(s)}]`);
    }
  }
});

Deno.test("every saddle lies above the minima it separates (energy ordering)", () => {
  for (const p of allPotentials()) {
    const lowestSaddle = Math.min(...(p.saddles ?? []).map((s) => p.energy(s)));
    for (const m of p.minima) assert(p.energy(m) < lowestSaddle || !p.saddles?.length);
  }
});

const E = (p: { energy(x: Float64Array): number }, ...x: number[]) =>
  p.energy(Float64Array.from(x));

Deno.test("double wells: analytic values", () => {
  const p = doubleWell();
  assertEquals([p.dim, E(p, 0), E(p, 1), E(p, 2)], [1, 1, 0, 9]);
  const q = doubleWell({ dim: 2 });
  assertEquals([E(q, 0, 0), E(q, 1, 2)], [1, 4]);
  // Tilted: minima solve 4x^3 - 4x + t = 0.
  const t = doubleWell({ tilt: 0.3 });
  for (const m of t.minima) assertClose(4 * m[0] ** 3 - 4 * m[0] + 0.3, 0, 1e-12, "tilted minimum");
  assert(t.energy(t.minima[0]) < t.energy(t.minima[1]), "tilt 0.3 favours the left well");
  assertThrows(() => doubleWell({ tilt: 2 }), /tilt/);
  // PyEMMA asymmetric: minima 0.190 (-12.54) and 3.642 (-5.62) [basins.md 3.3].
  const a = asymmetricDoubleWell();
  assertClose(a.minima[0][0], 0.19, 5e-4, "x_A");
  assertClose(a.minima[1][0], 3.642, 5e-4, "x_B");
  assertClose(a.energy(a.minima[0]), -12.54, 5e-3, "V_A");
  assertClose(a.energy(a.minima[1]), -5.62, 5e-3, "V_B");
});

Deno.test("quadruple wells: tabulated minima, saddles and energies (basins.md 3.2)", () => {
  const q = quadrupleWell();
  assertEquals(q.minima.map((m) => Array.from(m)), [[-1, -1], [1, -1], [-1, 1], [1, 1]]);
  for (const s of q.saddles!) assertEquals(q.energy(s), 1);
  const a = quadrupleWellAsymmetric();
  assertEquals(a.minima.map((m) => a.energy(m)), [-2.375, -2.125, -1.875, -1.625]);
  // Barriers in x1 from -1 / +1 are 1.129 / 0.879; the 1-D top is at x1 = 3/64, V1 = 0.0044.
  const v1 = (x: number) => x ** 4 - x ** 3 / 16 - 2 * x * x + 3 * x / 16;
  assertClose(v1(3 / 64), 0.0044, 5e-5, "V1 top");
  assertClose(v1(3 / 64) - v1(-1), 1.129, 5e-4, "x1 barrier from -1");
  assertClose(v1(3 / 64) - v1(1), 0.879, 5e-4, "x1 barrier from +1");
  const v2 = (x: number) => x ** 4 - x ** 3 / 8 - 2 * x * x + 3 * x / 8;
  assertClose(v2(3 / 32) - v2(-1), 1.268, 5e-4, "x2 barrier from -1");
  assertClose(v2(3 / 32) - v2(1), 0.768, 5e-4, "x2 barrier from +1");
});

Deno.test("triple well 2-D: tabulated critical points (basins.md 3.2)", () => {
  const p = tripleWell2d();
  const want = [[-1.048, -0.042, -3.995], [1.048, -0.042, -3.995], [0, 1.537, -2.172]];
  p.minima.forEach((m, i) => {
    assertClose(m[0], want[i][0], 6e-4, `min ${i} x`);
    assertClose(m[1], want[i][1], 6e-4, `min ${i} y`);
    assertClose(p.energy(m), want[i][2], 6e-4, `min ${i} V`);
  });
  const ws = [[0, -0.316, -1.38], [-0.617, 1.103, -1.65], [0.617, 1.103, -1.65]];
  p.saddles!.forEach((s, i) => {
    assertClose(s[0], ws[i][0], 6e-4, `saddle ${i} x`);
    assertClose(s[1], ws[i][1], 6e-4, `saddle ${i} y`);
    assertClose(p.energy(s), ws[i][2], 6e-3, `saddle ${i} V`);
  });
  // Barrier shallow -> deep through the upper saddles is 0.52.
  assertClose(p.energy(p.saddles![1]) - p.energy(p.minima[2]), 0.52, 6e-3, "shallow barrier");
});

Deno.test("triple well 1-D and Prinz: tabulated critical points (basins.md 3.2)", () => {
  const t = tripleWell1d();
  assertEquals(t.minima.map((m) => Math.round(m[0] * 1000) / 1000), [0.507, 3.158, 5.424]);
  assertEquals(t.saddles!.map((m) => Math.round(m[0] * 1000) / 1000), [1.564, 4.456]);
  assertClose(t.energy(t.minima[1]), -0.564, 6e-4, "V(3.158)");
  assertClose(t.energy(t.minima[2]), -0.509, 6e-4, "V(5.424)");
  assertClose(t.energy(t.saddles![0]), 2.616, 6e-4, "V(1.564)");
  assertClose(t.energy(t.saddles![1]), 1.178, 6e-4, "V(4.456)");
  const p = prinz();
  const want = [[-0.7394, 0.559], [-0.2237, 0.153], [0.2691, 0.021], [0.6733, 0.241]];
  p.minima.forEach((m, i) => {
    assertClose(m[0], want[i][0], 6e-5, `Prinz minimum ${i}`);
    assertClose(p.energy(m), want[i][1], 6e-4, `Prinz V ${i}`);
  });
  assertEquals(p.saddles!.map((s) => Math.round(s[0] * 1000) / 1000), [-0.502, 0, 0.502]);
  assertClose(p.energy(p.saddles![1]), 3.2, 6e-4, "V(0)");
});

Deno.test("folding model: cusp minimum, shell minimum and radial basins", () => {
  const p = foldingModel();
  assertEquals(p.dim, 5);
  assertEquals(p.energy(p.minima[0]), -22.5);
  assertClose(p.energy(p.minima[1]), -16 / 27, 1e-14, "shell energy");
  // V rises in every direction from the origin (cusp: |grad| -> 15 along rays).
  for (const x of boxPoints(p, 20, 4)) {
    const small = x.map((v) => v * 1e-3);
    assert(p.energy(small) > -22.5);
  }
  // Shell: zero gradient, positive radial curvature V''(r = 4/3) = 3r - 2 = 2.
  const g = new Float64Array(5);
  p.gradient(p.minima[1], g);
  for (const v of g) assertClose(v, 0, 1e-12, "shell gradient");
  const ev = symmetricEigenvalues(numericHessian(p, p.minima[1]));
  assertClose(ev[4], 2, 1e-5, "radial curvature");
  for (let i = 0; i < 4; i++) assertClose(ev[i], 0, 1e-5, "tangential curvature");
  // The ridge |x| = rCut has V = 0 and separates the basins.
  assertEquals(p.energy(Float64Array.of(0, 3, 0, 0, 0)), 0);
  assertEquals([
    p.basinOf!(Float64Array.of(2.9, 0, 0, 0, 0)),
    p.basinOf!(Float64Array.of(0, 0, 0, 3.1, 0)),
  ], [0, 1]);
  assertThrows(() => foldingModel({ dim: 0 }), /dim/);
});

Deno.test("WGSL snippets follow the storage contract; equal keys mean equal text", () => {
  const all = allPotentials();
  for (const p of all) {
    const c = p.wgsl.code;
    assert(/fn model_grad_energy\(x: u32, g: u32\) -> f32/.test(c), `${tag(p)} model_grad_energy`);
    // No vector of its own and no size constant: the host owns the vectors (fixed-size scratch,
    // e.g. the mixture's logits up to a cap, is allowed; the text must not depend on the size).
    assert(!/\bDIM\b|array<f32,\s*\d|\(\*[xg]\)/.test(c), `${tag(p)} keeps no sized vector`);
    assert(!c.includes("--"), `${tag(p)} must not contain the decrement token`);
  }
  // The key becomes part of every program's text: it identifies the text, no more. The mixtures
  // (d = 2, 5, 3; k = 3, 4, 10) share one key and one text, as do folding models of one rCut.
  for (const a of all) {
    for (const b of all) {
      assertEquals(
        a.wgsl.key === b.wgsl.key,
        a.wgsl.code === b.wgsl.code,
        `${tag(a)} vs ${tag(b)}`,
      );
    }
  }
});
