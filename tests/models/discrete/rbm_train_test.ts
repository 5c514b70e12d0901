import { assert, assertClose, assertEquals, assertRejects, assertThrows } from "../../_assert.ts";
import {
  gibbsSweep,
  initPcdChains,
  initRbmParams,
  loadRbmArrays,
  pcdGradient,
  pseudoLogLikelihood,
  rbmFreeEnergy,
  type RbmParams,
  RbmTraining,
  reconstructionError,
  saveRbmArrays,
  trainRbm,
} from "../../../src/models/discrete/rbm_train.ts";
import { rbmModel } from "../../../src/models/discrete/rbm.ts";
import { loadDiscreteModel } from "../../../src/models/discrete/registry.ts";
import { readNpyFile, writeNpyFile } from "../../../src/io/npy_file.ts";
import {
  loadMnistBinary,
  MNIST_LABEL_COUNTS,
  MNIST_PIXELS,
} from "../../../src/models/discrete/mnist.ts";
import { normalArray } from "../../../src/random/params.ts";

const D = 6, H = 3;

/** Random parameters of a tiny RBM (sigma 1), independent of the trainer's initialisation. */
function randomParams(seed: number): RbmParams {
  const z = normalArray(seed, 99, H * D + D + H);
  return {
    numVisible: D,
    numHidden: H,
    weights: Float32Array.from(z.subarray(0, H * D)),
    visibleBias: Float32Array.from(z.subarray(H * D, H * D + D)),
    hiddenBias: Float32Array.from(z.subarray(H * D + D)),
  };
}

/** All 2^D visible states, site 0 fastest. */
function allStates(): Uint8Array {
  const v = new Uint8Array((1 << D) * D);
  for (let s = 0; s < 1 << D; s++) for (let i = 0; i < D; i++) v[s * D + i] = (s >> i) & 1;
  return v;
}

/** Free energy in float64 straight from the definition (log-sum over h of e^{-E(v,h)}). */
function freeEnergy(p: RbmParams, v: Uint8Array, off: number): number {
  let f = 0;
  for (let i = 0; i < D; i++) f -= p.visibleBias[i] * v[off + i];
  for (let j = 0; j < H; j++) {
    let a = p.hiddenBias[j];
    for (let i = 0; i < D; i++) a += p.weights[j * D + i] * v[off + i];
    f -= Math.log(1 + Math.exp(a));
  }
  return f;
}

/** Exact mean log-likelihood of `data` and its exact gradient (enumerating all 2^D states). */
function exactLikelihood(p: RbmParams, data: Uint8Array) {
  const states = allStates();
  const ns = 1 << D;
  const logw = Array.from({ length: ns }, (_, s) => -freeEnergy(p, states, s * D));
  const max = Math.max(...logw);
  const logZ = max + Math.log(logw.reduce((a, l) => a + Math.exp(l - max), 0));
  const grad = new Float64Array(H * D + D + H);
  // d log p(v) / d theta = stats(v) - E_model[stats]; stats = (sigmoid(a_j) v_i, v_i, sigmoid(a_j)).
  const addStats = (v: Uint8Array, off: number, scale: number) => {
    for (let j = 0; j < H; j++) {
      let a = p.hiddenBias[j];
      for (let i = 0; i < D; i++) a += p.weights[j * D + i] * v[off + i];
      const s = 1 / (1 + Math.exp(-a));
      for (let i = 0; i < D; i++) grad[j * D + i] += scale * s * v[off + i];
      grad[H * D + D + j] += scale * s;
    }
    for (let i = 0; i < D; i++) grad[H * D + i] += scale * v[off + i];
  };
  const n = data.length / D;
  let ll = 0;
  for (let r = 0; r < n; r++) {
    ll += -freeEnergy(p, data, r * D) - logZ;
    addStats(data, r * D, 1 / n);
  }
  for (let s = 0; s < ns; s++) addStats(states, s * D, -Math.exp(logw[s] - logZ));
  return { ll: ll / n, grad };
}

/** A small dataset: two complementary 6-pixel patterns and noisy copies. */
function tinyData(): Uint8Array {
  const rows = [
    [1, 1, 1, 0, 0, 0],
    [0, 0, 0, 1, 1, 1],
    [1, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 1],
    [1, 1, 1, 0, 0, 0],
    [0, 0, 0, 1, 1, 1],
    [1, 1, 1, 1, 0, 0],
    [0, 0, 1, 1, 1, 1],
  ];
  return Uint8Array.from(rows.flat());
}

function flat(
  g: { weights: ArrayLike<number>; visibleBias: ArrayLike<number>; hiddenBias: ArrayLike<number> },
) {
  return Float64Array.from([
    ...Array.from(g.weights),
    ...Array.from(g.visibleBias),
    ...Array.from(g.hiddenBias),
  ]);
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += a[k] * b[k];
    aa += a[k] * a[k];
    bb += b[k] * b[k];
  }
  return ab / Math.sqrt(aa * bb);
}

Deno.test("free energy and pseudo-log-likelihood match brute force on a tiny RBM", () => {
  const p = randomParams(1);
  const states = allStates();
  const model = rbmModel({ ...p });
  const x = new Uint32Array(D);
  let pll = 0;
  for (let s = 0; s < 1 << D; s++) {
    const f = freeEnergy(p, states, s * D);
    assertClose(rbmFreeEnergy(p, states, s * D), f, 1e-12, `F(state ${s})`);
    for (let i = 0; i < D; i++) x[i] = states[s * D + i];
    assertClose(model.energy(x, 0), f, 1e-4, `model energy (f32) of state ${s}`);
    // log p(v_i | v_-i) = -log(1 + e^{F(v) - F(v with i flipped)})
    for (let i = 0; i < D; i++) {
      const flipped = states.slice(s * D, s * D + D);
      flipped[i] ^= 1;
      pll -= Math.log1p(Math.exp(f - freeEnergy(p, flipped, 0)));
    }
  }
  assertClose(pseudoLogLikelihood(p, states), pll / (1 << D), 1e-9, "pseudo-log-likelihood");
  // Reconstruction error is a mean of squares of numbers in (-1, 1).
  const re = reconstructionError(p, states);
  assert(re > 0 && re < 1, `reconstruction error ${re}`);
});

Deno.test("PCD gradient with well-mixed chains matches the exact log-likelihood gradient", () => {
  const p = randomParams(2);
  const data = tinyData();
  const { grad: exact } = exactLikelihood(p, data);
  // 8192 chains after 40 block-Gibbs sweeps are close to i.i.d. draws from the model, so the
  // PCD direction is the exact gradient plus Monte Carlo noise of about 0.5 / sqrt(8192) per
  // component (0.006, against exact components of order 0.1-0.5).
  const chains = initPcdChains(data, D, 8192, 7);
  for (let t = 1; t <= 40; t++) gibbsSweep(p, chains, 7, t);
  const est = flat(pcdGradient(p, data, chains));
  const cos = cosine(est, exact);
  assert(cos > 0.995, `cosine similarity ${cos}`);
  let maxErr = 0;
  for (let k = 0; k < exact.length; k++) maxErr = Math.max(maxErr, Math.abs(est[k] - exact[k]));
  assert(maxErr < 0.03, `largest component error ${maxErr} (5 sigma of MC noise is 0.03)`);
  // Before mixing (chains at the data-mean distribution) the direction is visibly worse.
  const fresh = flat(pcdGradient(p, data, initPcdChains(data, D, 8192, 7)));
  assert(cosine(fresh, exact) < 0.9, "unmixed chains should give a visibly different direction");
});

Deno.test("PCD training raises the exact log-likelihood of a small dataset", () => {
  const data = tinyData();
  const before = exactLikelihood(initRbmParams(data, D, H, 3), data).ll;
  const rbm = trainRbm(data, D, {
    numHidden: H,
    epochs: 300,
    batchSize: 4,
    learningRate: 0.1,
    numChains: 64,
    seed: 3,
  });
  const after = exactLikelihood(rbm, data).ll;
  // The data has 6 distinct rows with frequencies 2,2,1,1,1,1 out of 8: its entropy,
  // 1.733 nats, bounds the mean log-likelihood from above (-1.733).
  assert(after <= -1.733 + 1e-9);
  assert(after > before + 2.0, `log-likelihood ${before} -> ${after}`);
  assert(after > -2.2, `log-likelihood after training ${after}`);
  assertEquals(rbm.history.length, 300);
  assert(rbm.history[299].pseudoLogLikelihood > rbm.history[0].pseudoLogLikelihood);
  // Deterministic for a seed.
  const again = trainRbm(data, D, {
    numHidden: H,
    epochs: 300,
    batchSize: 4,
    learningRate: 0.1,
    numChains: 64,
    seed: 3,
  });
  assertEquals(again.weights, rbm.weights);
  // Adam and weight decay also train.
  const adam = trainRbm(data, D, {
    numHidden: H,
    epochs: 100,
    batchSize: 4,
    learningRate: 0.05,
    optimizer: "adam",
    weightDecay: 1e-3,
    seed: 3,
  });
  assert(exactLikelihood(adam, data).ll > before + 0.5);
});

Deno.test("RbmTraining continued from a copied mid-run state gives the uninterrupted bits", () => {
  const data = tinyData();
  const cases = [
    { numHidden: H, epochs: 6, batchSize: 3, numChains: 5, seed: 2 },
    { numHidden: H, epochs: 6, batchSize: 3, optimizer: "adam" as const, cdSteps: 2, seed: 4 },
  ];
  for (const opts of cases) {
    const whole = trainRbm(data, D, opts);
    for (const cut of [0, 1, 4, 6]) {
      const first = new RbmTraining(data, D, opts);
      for (let e = 0; e < cut; e++) first.runEpoch();
      // A deep copy stands for the checkpoint read back from disk.
      const rest = new RbmTraining(data, D, opts, structuredClone(first.state()));
      assertEquals(rest.epochsDone, cut);
      while (!rest.done) rest.runEpoch();
      const got = rest.result();
      assertEquals(got.weights, whole.weights, `${opts.optimizer ?? "sgd"} cut ${cut}`);
      assertEquals(got.visibleBias, whole.visibleBias);
      assertEquals(got.hiddenBias, whole.hiddenBias);
      assertEquals(got.history, whole.history);
    }
    // Skipping the cut's state (a fresh start that claims epoch 2) would not: the state matters.
    const fresh = new RbmTraining(data, D, opts);
    const skipped = new RbmTraining(data, D, opts, { ...structuredClone(fresh.state()), epoch: 2 });
    while (!skipped.done) skipped.runEpoch();
    assert(!skipped.result().weights.every((w, k) => w === whole.weights[k]));
  }
  const state = new RbmTraining(data, D, cases[1]).state();
  assertThrows(
    () => new RbmTraining(data, D, { ...cases[1], optimizer: "sgd" }, state),
    /training state: 3 Adam moments: expected 0/,
  );
  assertThrows(
    () => new RbmTraining(data, D, cases[1], { ...state, order: new Int32Array(3) }),
    /order has 3 entries: expected 8/,
  );
  assertThrows(() => new RbmTraining(data, D, cases[1], { ...state, epoch: 7 }), /epoch 7/);
});

Deno.test("trainRbm rejects bad data and options with one-line errors", () => {
  const data = tinyData();
  assertThrows(() => trainRbm(data, 5, { numHidden: 2 }), /multiple of numVisible 5/);
  assertThrows(() => trainRbm(Uint8Array.of(0, 2), 2, { numHidden: 2 }), /binary values/);
  assertThrows(() => trainRbm(data, D, { numHidden: 0 }), /numHidden must be a positive integer/);
  assertThrows(() => trainRbm(data, D, { numHidden: 2, learningRate: -1 }), /learningRate/);
  assertThrows(() => trainRbm(data, D, { numHidden: 2, weightDecay: -1 }), /weightDecay/);
});

Deno.test("save/load round trip gives the same model energies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = trainRbm(tinyData(), D, { numHidden: H, epochs: 5, batchSize: 4, seed: 1 });
    await saveRbmArrays(dir, p);
    const w = await readNpyFile(`${dir}/weights.npy`);
    assertEquals([w.dtype, w.shape], ["f32", [H, D]]);
    assertEquals((await readNpyFile(`${dir}/visible_bias.npy`)).shape, [D]);
    assertEquals((await readNpyFile(`${dir}/hidden_bias.npy`)).shape, [H]);
    const direct = rbmModel({ ...p });
    const loaded = await loadRbmArrays(dir);
    const viaConfig = await loadDiscreteModel({
      name: "rbm",
      numVisible: D,
      numHidden: H,
      numCategories: 2,
      sigma: 1,
      seed: 0,
      arrays: {
        weights: "weights.npy",
        visibleBias: "visible_bias.npy",
        hiddenBias: "hidden_bias.npy",
      },
    }, dir);
    const states = allStates();
    const x = new Uint32Array(D);
    for (let s = 0; s < 1 << D; s++) {
      for (let i = 0; i < D; i++) x[i] = states[s * D + i];
      const e = direct.energy(x, 0);
      assertEquals(loaded.energy(x, 0), e);
      assertEquals(viaConfig.energy(x, 0), e);
    }
    // A transposed weights file is refused with the shapes named.
    await writeNpyFile(`${dir}/weights.npy`, { dtype: "f32", shape: [D, H], data: p.weights });
    await assertRejects(
      () => loadRbmArrays(dir),
      /shapes \[6,3\], \[6\], \[3\]: expected \[H, D\]/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MNIST loader: binary 28x28 digits, label-interleaved, known label counts", async () => {
  const all = await loadMnistBinary();
  assertEquals(all.count, 10_000);
  assertEquals(all.images.length, 10_000 * MNIST_PIXELS);
  const counts = new Array(10).fill(0);
  for (const l of all.labels) counts[l]++;
  assertEquals(counts, [...MNIST_LABEL_COUNTS]);
  let on = 0;
  for (const px of all.images) {
    assert(px === 0 || px === 1);
    on += px;
  }
  // About 13% of binarised MNIST pixels are on.
  const frac = on / all.images.length;
  assert(frac > 0.1 && frac < 0.16, `fraction of on pixels ${frac}`);
  const some = await loadMnistBinary({ samples: 100 });
  assertEquals(Array.from(some.labels.subarray(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  for (let d = 0; d < 10; d++) assertEquals(some.labels.filter((l) => l === d).length, 10);
  assertEquals(some.images, all.images.subarray(0, 100 * MNIST_PIXELS));
  // Each digit has a plausible amount of ink, and almost none lies on the outer frame of the
  // image (MNIST centres digits in 20 x 20 boxes), which a wrong row length or offset would break.
  let frame = 0, ink = 0;
  for (let k = 0; k < 100; k++) {
    const before = ink;
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const px = some.images[k * MNIST_PIXELS + r * 28 + c];
        ink += px;
        if (r === 0 || r === 27 || c === 0 || c === 27) frame += px;
      }
    }
    assert(ink - before >= 30 && ink - before <= 300, `digit ${k}: ink ${ink - before}`);
  }
  assert(frame < 0.002 * ink, `${frame} of ${ink} ink pixels on the frame`);
  await assertRejects(() => loadMnistBinary({ samples: 0 }), /samples must be an integer/);
  await assertRejects(() => loadMnistBinary({ samples: 10_001 }), /samples must be an integer/);
});
