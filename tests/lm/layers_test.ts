import { assert, assertClose, assertEquals } from "../_assert.ts";
import fc from "npm:fast-check@4.11.0";
import type { Tensor } from "npm:@tensorflow/tfjs@4.22.0";
import {
  type BlockConfig,
  buildModelConfig,
  CEM_BLOCK,
  LLAMA_BLOCK,
  matchMlpHidden,
  parameterCount,
  parameterShapes,
  VARIANTS,
} from "../../src/lm/config.ts";
import {
  applyPrecond,
  attentionUpdate,
  blockForward,
  mlpUpdate,
  PRECOND_EPS,
  rmsNorm,
} from "../../src/lm/layers.ts";
import {
  attentionEnergy,
  gaussLegendre,
  mlpEnergy,
  siluAntiderivative,
} from "../../src/lm/energy.ts";
import { layerContext, logits } from "../../src/lm/model.ts";
import { cpuTf, maxAbsDiff, randomParams, randomStates, tinyModel } from "./_setup.ts";

const TIED: BlockConfig = { ...LLAMA_BLOCK, attention: "tied", mlp: "tied" };

/** Every CEM sub-layer variant whose update must be -eta P grad E. */
const CASES: [string, BlockConfig][] = [
  ["tied", TIED],
  ["tied + diag", { ...TIED, diag: true }],
  ["tied + diag P", { ...TIED, precond: "diag", eta: 0.7 }],
  ["tied + diag + low-rank P", { ...TIED, diag: true, precond: "diag_lowrank", precondRank: 3 }],
  ["T = 2, fixed keys", { ...TIED, steps: 2, diag: true, precond: "diag_lowrank", eta: 0.5 }],
  ["T = 3, recomputed keys", { ...TIED, steps: 3, recomputeKeys: true, diag: true, eta: 0.3 }],
  ["full CEM", CEM_BLOCK],
  ["tied + head weights", { ...TIED, headWeights: true }],
  ["T = 2, diag, P, head weights", { ...CEM_BLOCK, headWeights: true, eta: 0.6 }],
];

Deno.test("gauss-legendre: exact on polynomials and phi(z) = int_0^z t sigmoid(t) dt", async () => {
  const { x, w } = gaussLegendre(5);
  // Degree 8 monomial on [-1, 1]: 2/9.
  let s = 0;
  for (let i = 0; i < 5; i++) s += w[i] * x[i] ** 8;
  assertClose(s, 2 / 9, 1e-14, "int x^8");
  const tf = await cpuTf();
  // phi(z) = z^2/2 - z log(1+e^-z)... checked against its known closed form only here, in float64.
  const z = [-6, -1.5, 0, 0.3, 2, 7];
  const phi = await siluAntiderivative(tf, tf.tensor1d(z)).data();
  const li2 = (v: number) => { // dilog Li2(v) for v in [-1, 0] by series of Li2 identity-free sum
    let sum = 0, term = v;
    for (let k = 1; k < 4000; k++, term *= v) sum += term / (k * k);
    return sum;
  };
  z.forEach((zz, i) => {
    // int_0^z t sigmoid(t) dt = z^2/2 + z log(1 + e^-z) - Li2(-e^-z) + Li2(-1)... for z >= 0;
    // for z < 0, t sigmoid(t) = t - t sigmoid(-t) gives phi(-a) = a^2/2 - phi(a).
    const a = Math.abs(zz);
    const pos = a * a / 2 + a * Math.log1p(Math.exp(-a)) - li2(-Math.exp(-a)) + li2(-1);
    const expected = zz >= 0 ? pos : a * a / 2 - pos;
    assertClose(phi[i], expected, 1e-4 * (1 + Math.abs(expected)), `phi(${zz})`);
  });
});

for (const [name, block] of CASES) {
  Deno.test(`closed form = -eta P grad E by autodiff: attention and MLP, ${name}`, async () => {
    const tf = await cpuTf();
    const model = tinyModel(block);
    const params = randomParams(tf, model, 3);
    const ctx = layerContext(tf, model, params, 6);
    const x = randomStates(tf, 2, 6, 8, 5);
    const n = rmsNorm(tf, x, params["b0.attn_norm"]);
    const descend = (
      sub: "attn" | "mlp",
      energy: (u: Tensor, c: Tensor) => Tensor,
    ): Tensor => {
      let u = n;
      for (let s = 0; s < block.steps; s++) {
        const c = sub === "attn" && block.recomputeKeys ? u : n;
        // clone: tfjs tracks tensors by id, so u must not be the context tensor itself.
        const g = tf.grad((v: Tensor) => tf.sum(energy(v, c)))(tf.clone(u));
        const pg = applyPrecond(ctx, `b0.${sub}`, block, tf.reshape(g, [12, 8]));
        u = tf.sub(u, tf.mul(tf.reshape(pg, [2, 6, 8]), block.eta));
      }
      return tf.sub(u, n);
    };
    const attExpected = descend("attn", (u, c) => attentionEnergy(ctx, 0, u, c));
    const attClosed = attentionUpdate(ctx, 0, n);
    const attScale = Math.max(...(await tf.abs(attExpected).data()));
    assert(attScale > 0.05, `attention update is not trivially zero (${attScale})`);
    const da = await maxAbsDiff(attClosed, attExpected);
    assert(da <= 2e-5 * Math.max(1, attScale), `attention: max |closed - autodiff| = ${da}`);
    const mlpExpected = descend("mlp", (u, c) => mlpEnergy(ctx, 0, u, c));
    const mlpClosed = mlpUpdate(ctx, 0, n);
    const mlpScale = Math.max(...(await tf.abs(mlpExpected).data()));
    assert(mlpScale > 0.05, `MLP update is not trivially zero (${mlpScale})`);
    const dm = await maxAbsDiff(mlpClosed, mlpExpected);
    assert(dm <= 2e-5 * Math.max(1, mlpScale), `MLP: max |closed - autodiff| = ${dm}`);
  });
}

Deno.test("closed form differs from autodiff when the energy is perturbed (the check can fail)", async () => {
  const tf = await cpuTf();
  const model = tinyModel({ ...TIED, diag: true });
  const params = randomParams(tf, model, 3);
  const ctx = layerContext(tf, model, params, 6);
  const n = rmsNorm(tf, randomStates(tf, 2, 6, 8, 5), params["b0.attn_norm"]);
  // Dropping the diag term from the energy (a wrong energy) must be detected.
  const noDiag = layerContext(
    tf,
    { ...model, blocks: [{ ...model.blocks[0], diag: false }] },
    params,
    6,
  );
  const g = tf.grad((v: Tensor) => tf.sum(attentionEnergy(noDiag, 0, v, n)))(tf.clone(n));
  const diff = await maxAbsDiff(attentionUpdate(ctx, 0, n), tf.neg(g));
  assert(diff > 1e-2, `a wrong energy went unnoticed (${diff})`);
});

const CAUSAL_BLOCKS: [string, BlockConfig][] = [
  ["llama", LLAMA_BLOCK],
  ["full CEM", CEM_BLOCK],
  ["CEM, recomputed keys, T = 3", { ...CEM_BLOCK, steps: 3, recomputeKeys: true }],
];

for (const [name, block] of CAUSAL_BLOCKS) {
  Deno.test(`causality: changing x_j (j > i) leaves update i unchanged, ${name}`, async () => {
    const tf = await cpuTf();
    const model = tinyModel(block, 2);
    const params = randomParams(tf, model, 11);
    const ctx = layerContext(tf, model, params, 6);
    const x = randomStates(tf, 1, 6, 8, 2);
    const base = await blockForward(ctx, 0, x).data();
    for (const j of [2, 4, 5]) {
      const buf = (await x.data()).slice();
      for (let c = 0; c < 8; c++) buf[j * 8 + c] += 3 * Math.sin(c + j);
      const changed = await blockForward(ctx, 0, tf.tensor(buf, [1, 6, 8])).data();
      // Positions before j are bit-identical; position j itself changes.
      assertEquals(Array.from(changed.slice(0, j * 8)), Array.from(base.slice(0, j * 8)));
      assert(Math.abs(changed[j * 8] - base[j * 8]) > 1e-4, `position ${j} responds`);
    }
    // Whole model on tokens: logits of positions <= 2 ignore tokens 3..5.
    const a = await logits(tf, model, params, tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], "int32"))
      .data();
    const b = await logits(tf, model, params, tf.tensor2d([[1, 2, 3, 9, 0, 7]], [1, 6], "int32"))
      .data();
    assertEquals(Array.from(b.slice(0, 3 * 11)), Array.from(a.slice(0, 3 * 11)));
    assert(Math.abs(b[3 * 11] - a[3 * 11]) > 1e-5);
  });
}

const sumMatching = (m: ReturnType<typeof tinyModel>, re: RegExp) =>
  [...parameterShapes(m)].filter(([k]) => re.test(k)).reduce(
    (s, [, sh]) => s + sh.reduce((a, b) => a * b, 1),
    0,
  );

Deno.test("parameter counts: tied attention is exactly half, tied MLP two thirds", () => {
  for (const [d, h, layers] of [[8, 12, 1], [128, 512, 4], [96, 256, 3]]) {
    const shape = {
      vocabSize: 65,
      dModel: d,
      nHeads: 4,
      nLayers: layers,
      mlpHidden: h,
      context: 16,
    };
    const llama = buildModelConfig(shape, LLAMA_BLOCK);
    const tiedA = buildModelConfig(shape, VARIANTS.tied_attn);
    const tiedM = buildModelConfig(shape, VARIANTS.tied_mlp);
    const att = /\.(wq|wk|wv|wo)$/, mlp = /\.(w_gate|w_up|w_down)$/;
    assertEquals(sumMatching(llama, att), 4 * d * d * layers);
    assertEquals(2 * sumMatching(tiedA, att), sumMatching(llama, att));
    assertEquals(3 * sumMatching(tiedM, mlp), 2 * sumMatching(llama, mlp));
    assertEquals(
      parameterCount(llama).total - parameterCount(tiedA).total,
      2 * d * d * layers,
    );
  }
  // d = 128, h = 4d: full CEM keeps ~60 % of the non-embedding parameters (10 d^2 + extras of 16 d^2).
  const shape = { vocabSize: 65, dModel: 128, nHeads: 4, nLayers: 4, context: 128 };
  const base = parameterCount(buildModelConfig(shape, LLAMA_BLOCK)).nonEmbedding;
  const cem = buildModelConfig(shape, CEM_BLOCK);
  const ratio = parameterCount(cem).nonEmbedding / base;
  assertClose(
    ratio,
    // Per layer plus the final norm (128).
    (4 * (10 * 128 * 128 + 4 * 128 + 2 * (128 + 4 * 128) + 2 * 128) + 128) /
      (4 * (16 * 128 * 128 + 2 * 128) + 128),
    1e-12,
  );
  // Matched parameters: widening the CEM MLP lands within one hidden unit's cost of the baseline.
  const h = matchMlpHidden(cem, base);
  const matched = parameterCount({ ...cem, mlpHidden: h }).nonEmbedding;
  assert(Math.abs(matched - base) <= 128, `matched ${matched} vs ${base}`);
});

Deno.test("P = diag(softplus(raw) + eps) + U U^T is positive-definite for any raw parameters", async () => {
  const tf = await cpuTf();
  const d = 6;
  const block: BlockConfig = { ...TIED, precond: "diag_lowrank", precondRank: 2 };
  const model = buildModelConfig(
    { vocabSize: 4, dModel: d, nHeads: 1, nLayers: 1, context: 2 },
    block,
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.double({ min: -40, max: 40, noNaN: true }), { minLength: d, maxLength: d }),
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2 * d, maxLength: 2 * d }),
      async (raw, u) => {
        const params = { "b0.attn_p": tf.tensor1d(raw), "b0.attn_u": tf.tensor2d(u, [d, 2]) };
        const ctx = { ...layerContext(tf, model, {}, 2), params };
        const p = await applyPrecond(ctx, "b0.attn", block, tf.eye(d)).data();
        // Cholesky of P - (eps/2) I in float64: succeeds only if lambda_min(P) > eps/2.
        const a = Array.from(
          { length: d },
          (_, i) =>
            Array.from(
              { length: d },
              (_, j) => (p[i * d + j] + p[j * d + i]) / 2 - (i === j ? PRECOND_EPS / 2 : 0),
            ),
        );
        for (let j = 0; j < d; j++) {
          for (let k = 0; k < j; k++) a[j][j] -= a[j][k] ** 2;
          if (!(a[j][j] > 0)) return false;
          a[j][j] = Math.sqrt(a[j][j]);
          for (let i = j + 1; i < d; i++) {
            for (let k = 0; k < j; k++) a[i][j] -= a[i][k] * a[j][k];
            a[i][j] /= a[j][j];
          }
        }
        return true;
      },
    ),
    { numRuns: 60, seed: 4 },
  );
});

Deno.test("T = 2 with a small step: the conditional energy does not increase (attention and MLP)", async () => {
  const tf = await cpuTf();
  const block: BlockConfig = { ...TIED, diag: true, precond: "diag_lowrank", eta: 0.05 };
  for (const seed of [1, 2, 3]) {
    const m1 = tinyModel(block), m2 = tinyModel({ ...block, steps: 2 });
    const params = randomParams(tf, m1, seed);
    const c1 = layerContext(tf, m1, params, 6), c2 = layerContext(tf, m2, params, 6);
    const n = rmsNorm(tf, randomStates(tf, 2, 6, 8, seed), params["b0.attn_norm"]);
    for (
      const [update, energy] of [
        [attentionUpdate, attentionEnergy],
        [mlpUpdate, mlpEnergy],
      ] as const
    ) {
      const u1 = tf.add(n, update(c1, 0, n)), u2 = tf.add(n, update(c2, 0, n));
      const [e0, e1, e2] = await Promise.all([n, u1, u2].map((u) => energy(c1, 0, u, n).data()));
      let drop = 0;
      for (let i = 0; i < e0.length; i++) {
        assert(
          e1[i] <= e0[i] + 1e-5 && e2[i] <= e1[i] + 1e-5,
          `energy rose at ${i}: ${e0[i]} ${e1[i]} ${e2[i]}`,
        );
        drop += e0[i] - e2[i];
      }
      assert(drop > 1e-3, `the steps descend (${drop})`);
    }
  }
});
