import { assert, assertClose, assertEquals } from "../../_assert.ts";
import {
  descend,
  findMinima,
  foldingModel,
  labelByDescent,
  labelByDescentBatch,
  mullerBrown,
  quadrupleWell,
  refineSaddle,
  tripleWell2d,
} from "../../../src/models/continuous/mod.ts";
import { SplitMix32 } from "../../../src/random/splitmix.ts";
import { allPotentials, boxPoints, tag } from "./_systems.ts";

Deno.test("labelByDescent returns each minimum's own index from small perturbations", () => {
  const rng = new SplitMix32(9);
  for (const p of allPotentials()) {
    p.minima.forEach((m, k) => {
      for (let rep = 0; rep < 5; rep++) {
        const x = m.map((v) => v + 0.02 * (2 * rng.uniform() - 1));
        assertEquals(labelByDescent(p, x), k, `${tag(p)} minimum ${k} from [${Array.from(x)}]`);
      }
    });
  }
});

Deno.test("descent converges to the minimum (gradient small) and lowers the energy", () => {
  const p = mullerBrown();
  for (const x of boxPoints(p, 20, 3)) {
    const r = descend(p, x);
    assert(r.converged, `descent from [${Array.from(x)}] did not converge`);
    assert(r.energy <= p.energy(x));
    const k = labelByDescent(p, x);
    assertClose(r.x[0], p.minima[k][0], 1e-6, "end x");
    assertClose(r.x[1], p.minima[k][1], 1e-6, "end y");
  }
});

Deno.test("quadruple well basins are the four quadrants (exact, by symmetry)", () => {
  const p = quadrupleWell();
  const pts = boxPoints(p, 200, 5);
  const flat = new Float32Array(pts.length * 2);
  pts.forEach((x, i) => flat.set(x, 2 * i));
  const labels = labelByDescentBatch(p, flat);
  pts.forEach((_, i) => {
    // Labels refer to the Float32 copies, whose signs are the same.
    const want = (flat[2 * i] > 0 ? 1 : 0) + (flat[2 * i + 1] > 0 ? 2 : 0);
    assertEquals(labels[i], want, `point ${i}`);
  });
});

Deno.test("points on either side of a Müller–Brown saddle descend to different minima", () => {
  const p = mullerBrown();
  for (const s of p.saddles!) {
    // Step along the unstable direction: the line to each adjacent minimum.
    const labels = p.minima.map((m) => {
      const d = [m[0] - s[0], m[1] - s[1]];
      const n = Math.hypot(d[0], d[1]);
      return labelByDescent(p, Float64Array.of(s[0] + 0.02 * d[0] / n, s[1] + 0.02 * d[1] / n));
    });
    assert(new Set(labels).size >= 2, `saddle [${Array.from(s)}] separates nothing: ${labels}`);
  }
});

Deno.test("folding model labels are radial (ball vs shell)", () => {
  const p = foldingModel();
  const rng = new SplitMix32(2);
  for (let i = 0; i < 40; i++) {
    const dir = new Float64Array(5).map(() => rng.normal());
    const n = Math.hypot(...dir);
    const rho = 0.2 + 6 * rng.uniform();
    const x = dir.map((v) => (v / n) * rho);
    if (Math.abs(rho - 3) < 0.01) continue;
    assertEquals(labelByDescent(p, x), rho < 3 ? 0 : 1, `rho=${rho}`);
  }
});

Deno.test("findMinima quenches, refines and deduplicates", () => {
  const p = tripleWell2d();
  const found = findMinima(p, boxPoints(p, 60, 8));
  assertEquals(found.length, 3);
  for (const m of p.minima) {
    assert(
      found.some((f) => Math.hypot(f[0] - m[0], f[1] - m[1]) < 1e-8),
      `missed [${Array.from(m)}]`,
    );
  }
  assertEquals(findMinima(quadrupleWell(), [[0.5, 0.5], [0.6, 0.4], [-0.5, 0.5]]).length, 2);
});

Deno.test("labelByDescent maxDistance flags unlisted minima", () => {
  const p = tripleWell2d();
  // Pretend only the deep minima are known: a start in the shallow well must not be labelled.
  const partial = { ...p, minima: p.minima.slice(0, 2) };
  assertEquals(labelByDescent(partial, Float64Array.of(0, 1.5), { maxDistance: 1e-3 }), -1);
  assertEquals(labelByDescent(partial, Float64Array.of(-1, 0), { maxDistance: 1e-3 }), 0);
});

Deno.test("refineSaddle finds Müller–Brown saddles from rough guesses and rejects minima", () => {
  const p = mullerBrown();
  const s = refineSaddle(p, Float64Array.of(0.2, 0.3));
  assertClose(s[0], p.saddles![1][0], 1e-9, "saddle x");
  let threw = false;
  try {
    refineSaddle(p, Float64Array.of(-0.55, 1.44));
  } catch (e) {
    threw = /index 0, expected 1/.test((e as Error).message);
  }
  assert(threw, "refineSaddle must reject a minimum");
});

Deno.test("Müller–Brown labels are stable under a 1000x tighter flow tolerance", () => {
  const p = mullerBrown();
  const pts = boxPoints(p, 60, 12);
  const coarse = pts.map((x) => labelByDescent(p, x));
  const fine = pts.map((x) => labelByDescent(p, x, { pathTol: 1e-7 }));
  assertEquals(coarse, fine);
  assertEquals(new Set(coarse).size, 3);
});
