/**
 * The continuous GPU programs do not grow with the dimension: for every size-generic built-in
 * potential (and the user and test potentials), the integrator and sampler programs at D = 2 and
 * D = 1000 are the same text, and so are the embedding programs for any (d, D); on the adapter
 * a second size compiles nothing new.
 */
import { assert, assertEquals } from "../_assert.ts";
import { gpuOrSkip } from "../_gpu.ts";
import {
  createGpuFrameEmbedder,
  type DynamicsPotential,
  haarFrameEmbedding,
  integratorProgram,
  samplerProgram,
  simulate,
} from "../../src/dynamics/mod.ts";
import { embedPrograms } from "../../src/dynamics/embed_gpu.ts";
import {
  diagPrecision,
  foldingModel,
  gaussianMixture,
  gaussianTerms,
  userPotential,
} from "../../src/models/continuous/mod.ts";
import { quadratic, separableQuartic } from "./_potentials.ts";

const bowlWgsl = `fn model_grad_energy(x: u32, g: u32) -> f32 {
  var v = 0.0;
  for (var i = 0u; i < model_dim(); i++) { let xi = model_x(x, i); model_g_set(g, i, xi); v += 0.5 * xi * xi; }
  return v;
}`;

/** Each size-generic family at dimension d. */
const FAMILIES: Record<string, (d: number) => DynamicsPotential> = {
  folding: (d) => foldingModel({ dim: d }),
  "gaussian-mixture": (d) => gaussianMixture({ dim: d, k: d === 2 ? 3 : 5, seed: 1 }),
  // One diagonal well and a ridge: quenching stays cheap at any size.
  "gaussian-terms": (d) =>
    gaussianTerms({
      name: `terms-${d}`,
      terms: [
        {
          amplitude: -2,
          center: new Array(d).fill(0),
          precision: diagPrecision(new Array(d).fill(1)),
        },
        {
          amplitude: 1,
          center: new Array(d).fill(3),
          precision: diagPrecision(new Array(d).fill(2)),
        },
      ],
      quartic: new Array(d).fill(0.01),
      minimaGuesses: [new Array(d).fill(0)],
    }),
  user: (d) =>
    userPotential({
      name: "bowl",
      dim: d,
      energy: (x) => 0.5 * x.reduce((a, v) => a + v * v, 0),
      gradient: (x, g) => g.set(x),
      wgsl: { code: bowlWgsl },
    }),
  quadratic: (d) => quadratic(diagPrecision(new Array(d).fill(1)), new Array(d).fill(0)),
  "separable-quartic": (d) => separableQuartic(d),
};

Deno.test("integrator and sampler programs are the same text at D = 2 and D = 1000", () => {
  // gaussian-terms stores a dim x dim precision per term: D = 200 keeps the fixture fast.
  const large = (name: string) => (name === "gaussian-terms" ? 200 : 1000);
  let pairs = 0;
  for (const [name, make] of Object.entries(FAMILIES)) {
    const a = make(2), b = make(large(name));
    assertEquals([a.dim, b.dim], [2, large(name)]);
    const programs = (p: DynamicsPotential) => [
      ...(["euler-maruyama", "baoab"] as const).flatMap((i) => [
        integratorProgram(p, i, false),
        integratorProgram(p, i, true),
      ]),
      ...(["ula", "mala", "hmc"] as const).map((s) => samplerProgram(p, s)),
    ];
    const pa = programs(a), pb = programs(b);
    pa.forEach((p, k) => {
      assert(p.code === pb[k].code, `${name}: program ${p.label} differs between sizes`);
      assert(!/array<f32,\s*\d/.test(p.code), `${name}: ${p.label} keeps a sized array`);
      pairs++;
    });
  }
  assertEquals(pairs, Object.keys(FAMILIES).length * 7);
});

Deno.test("embedding programs take no size: no D or d constant in their text", () => {
  for (const noise of ["white", "ou"] as const) {
    for (const p of embedPrograms(noise)) {
      assert(!/const (AMBIENT|CORE|NB)\b|array<f32,\s*\w+>\(/.test(p.code), p.label);
      assert(p.code.includes("embed_params.core"), `${p.label} reads d from the uniform`);
    }
  }
});

Deno.test("on the adapter a second size compiles nothing new (integrator, embedding)", async () => {
  const gpu = await gpuOrSkip("compile once per program");
  if (!gpu) return;
  const run = (d: number) =>
    simulate(foldingModel({ dim: d }), {
      starts: [new Array(d).fill(0.1)],
      trajectoriesPerStart: 4,
      steps: 2,
      stride: 1,
      dt: 1e-3,
      beta: 1,
      seed: 3,
    }, gpu);
  await run(3);
  const before = gpu.cache.compiles;
  await run(1000);
  assertEquals(gpu.cache.compiles, before, "D = 1000 reuses the D = 3 integrator");
  const embed = async (d: number, D: number) => {
    const spec = haarFrameEmbedding({
      coreDim: d,
      ambientDim: D,
      trajectories: 2,
      noise: "ou",
      sigma: 0.1,
      tau: 5,
      seed: 1,
    });
    (await createGpuFrameEmbedder(gpu, spec)).destroy();
  };
  await embed(1, 8);
  const e0 = gpu.cache.compiles;
  await embed(3, 300);
  assertEquals(gpu.cache.compiles, e0, "another (d, D) reuses the embedding programs");
});
