import { assert, assertClose, assertEquals } from "../_assert.ts";
import { bitsVec, softmaxXent, SparseMlp, type SparseVec } from "../../src/retro/sparse_mlp.ts";
import { type EnergyTerms, fitDual, rankByDual } from "../../src/retro/dual.ts";
import { BitIndex } from "../../src/retro/knn.ts";
import { forwardFeatures } from "../../src/retro/rerank.ts";
import { buildLibrary } from "../../src/retro/library.ts";
import { BackwardConfig, templateLogProbs, topK, trainBackward } from "../../src/retro/backward.ts";
import { SplitMix32 } from "../../src/random/splitmix.ts";
import { SimilarityIndex, tanimoto } from "../../src/retro/similarity.ts";

function lossOf(mlp: SparseMlp, x: SparseVec, outs: number[], target: number): number {
  const z = mlp.logits(mlp.hidden(x), outs);
  return softmaxXent(z, target, new Float32Array(z.length));
}

Deno.test("sparse MLP gradients match central finite differences", () => {
  const mlp = new SparseMlp({ inputs: 10, hidden: 6, outputs: 5 }, 3);
  const x: SparseVec = { idx: Int32Array.from([1, 4, 7]), val: Float32Array.from([1, -1, 0.5]) };
  const outs = [4, 0, 2];
  const h = mlp.hidden(x);
  const z = mlp.logits(h, outs);
  const dz = new Float32Array(z.length);
  softmaxXent(z, 0, dz);
  const g = mlp.newGrads();
  mlp.backward(x, h, outs, dz, g);
  // Small enough not to cross a ReLU kink (one hidden unit sits at 0.0085).
  const eps = 1e-3;
  const check = (arr: Float32Array, k: number, analytic: number, what: string) => {
    const old = arr[k];
    arr[k] = old + eps;
    const up = lossOf(mlp, x, outs, 0);
    arr[k] = old - eps;
    const down = lossOf(mlp, x, outs, 0);
    arr[k] = old;
    assertClose(analytic, (up - down) / (2 * eps), 2e-3, what);
  };
  for (let j = 0; j < 6; j++) {
    check(mlp.w1, 4 * 6 + j, g.w1.get(4)![j], `w1[4,${j}]`);
    check(mlp.w2, 2 * 6 + j, g.w2.get(2)![j], `w2[2,${j}]`);
    check(mlp.b1, j, g.b1[j], `b1[${j}]`);
  }
  check(mlp.b2, 0, g.b2.get(0)!, "b2[0]");
  // Outputs outside the candidate list get no gradient.
  assertEquals(g.w2.has(1), false);
});

Deno.test("sparse MLP: seeded training is reproducible and save/load is exact", async () => {
  const train = (seed: number) => {
    const mlp = new SparseMlp({ inputs: 8, hidden: 4, outputs: 3 }, seed);
    for (let s = 0; s < 50; s++) {
      const g = mlp.newGrads();
      for (const [bits, t] of [[[0, 1], 0], [[2, 3], 1], [[4, 5], 2]] as [number[], number][]) {
        const x = bitsVec(bits), h = mlp.hidden(x), z = mlp.logits(h);
        const dz = new Float32Array(3);
        softmaxXent(z, t, dz);
        mlp.backward(x, h, [0, 1, 2], dz, g);
      }
      mlp.step(g, 0.05, 3);
    }
    return mlp;
  };
  const a = train(5), b = train(5);
  assertEquals(Array.from(a.w2), Array.from(b.w2));
  // It learned the three classes.
  for (const [bits, t] of [[[0, 1], 0], [[2, 3], 1], [[4, 5], 2]] as [number[], number][]) {
    const z = a.logits(a.hidden(bitsVec(bits)));
    assertEquals(z.indexOf(Math.max(...z)), t);
  }
  const path = await Deno.makeTempFile();
  await a.save(path);
  const c = await SparseMlp.load(path);
  assertEquals(Array.from(c.w1), Array.from(a.w1));
  assertEquals(Array.from(c.b2), Array.from(a.b2));
  await Deno.remove(path);
});

Deno.test("dual ranking with forward, prior and similarity weights at zero equals the backward ranking", () => {
  // Pseudo-random terms, backward scores distinct; any positive backward weight.
  let s = 1;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let trial = 0; trial < 20; trial++) {
    const terms: EnergyTerms[] = Array.from({ length: 12 }, () => ({
      logPb: -5 * r(),
      forward: 10 * r() - 5,
      prior: 10 * r() - 5,
      similarity: r(),
    }));
    const backwardOrder = terms.map((_, i) => i).sort((a, b) => terms[b].logPb - terms[a].logPb);
    const alone = { backward: 0.3 + r(), forward: 0, prior: 0, similarity: 0 };
    assertEquals(rankByDual(terms, alone), backwardOrder);
    // With a forward or similarity weight the order can change (and here does, for some trial).
    if (trial === 0) {
      for (const w of [{ forward: 5, similarity: 0 }, { forward: 0, similarity: 20 }]) {
        assert(
          JSON.stringify(rankByDual(terms, { backward: 1, prior: 0, ...w })) !==
            JSON.stringify(backwardOrder),
        );
      }
    }
  }
});

Deno.test("dual weights: the fit finds the informative energy", async () => {
  // The recorded set is always the forward model's favourite, never the backward model's.
  const groups = Array.from({ length: 40 }, (_, g) => {
    const terms: EnergyTerms[] = Array.from({ length: 5 }, (_, k) => ({
      logPb: -k * 0.5,
      forward: k === (g % 4) + 1 ? 2 : 0,
      prior: 0,
      similarity: 0,
    }));
    return { terms, target: (g % 4) + 1 };
  });
  const { weights } = await fitDual(groups, { agreement: 0, steps: 200 });
  assert(weights.forward > 1, `w_f ${weights.forward}`);
  for (const g of groups) assertEquals(rankByDual(g.terms, weights)[0], g.target);
});

Deno.test("Tanimoto neighbours by inverted index equal brute force", () => {
  let s = 7;
  const r = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const items = Array.from(
    { length: 60 },
    () => [...new Set(Array.from({ length: 8 }, () => Math.floor(r() * 40)))].sort((a, b) => a - b),
  );
  const index = new BitIndex(items, 40);
  const q = items[3];
  const brute = items.map((b, i) => {
    const c = b.filter((x) => q.includes(x)).length;
    return { item: i, sim: c / (q.length + b.length - c) };
  }).filter((x) => x.item !== 3 && x.sim > 0).sort((a, b) => b.sim - a.sim || a.item - b.item)
    .slice(0, 5);
  assertEquals(index.nearest(q, 5, 3), brute);
});

Deno.test("difference fingerprint and library counts", () => {
  const f = forwardFeatures([1, 2, 3], [2, 3, 4]);
  assertEquals(Array.from(f.idx), [1, 4]);
  assertEquals(Array.from(f.val), [1, -1]);
  const lib = buildLibrary([
    { id: "a", product: "", reactants: "", template: "t2", selfCheck: true },
    { id: "b", product: "", reactants: "", template: "t1", selfCheck: true },
    { id: "c", product: "", reactants: "", template: "t2", selfCheck: true },
    { id: "d", product: "", reactants: "", template: "t3", selfCheck: false },
    { id: "e", product: "", reactants: "", template: null },
  ]);
  assertEquals(lib, { templates: ["t2", "t1"], counts: [2, 1] });
});

Deno.test("sparse MLP with dropout: gradients match finite differences under a fixed mask", () => {
  const mlp = new SparseMlp({ inputs: 10, hidden: 8, outputs: 4 }, 11);
  const x: SparseVec = { idx: Int32Array.from([0, 3, 9]), val: Float32Array.from([1, 1, -0.5]) };
  const outs = [2, 0, 1, 3], p = 0.4;
  // The mask comes from a replayable stream, so every loss below sees the same dropped units.
  const stream = (seed: number) => {
    const r = new SplitMix32(seed);
    return () => r.uniform();
  };
  const lossAt = () => {
    const z = mlp.logits(mlp.hidden(x, { p, rand: stream(5) }), outs);
    return softmaxXent(z, 0, new Float32Array(z.length));
  };
  const h = mlp.hidden(x, { p, rand: stream(5) });
  const plain = mlp.hidden(x);
  const dropped = h.filter((v, j) => v === 0 && plain[j] > 0).length;
  assert(dropped > 0 && dropped < 8, `some but not all active units dropped (${dropped})`);
  h.forEach((v, j) => {
    if (v !== 0) assertClose(v, plain[j] / (1 - p), 1e-6, `survivor ${j} scaled by 1/(1-p)`);
  });
  const z = mlp.logits(h, outs);
  const dz = new Float32Array(z.length);
  softmaxXent(z, 0, dz);
  const g = mlp.newGrads();
  mlp.backward(x, h, outs, dz, g, p);
  const eps = 1e-3;
  for (let j = 0; j < 8; j++) {
    const old = mlp.w1[3 * 8 + j];
    mlp.w1[3 * 8 + j] = old + eps;
    const up = lossAt();
    mlp.w1[3 * 8 + j] = old - eps;
    const down = lossAt();
    mlp.w1[3 * 8 + j] = old;
    assertClose(g.w1.get(3)![j], (up - down) / (2 * eps), 2e-3, `w1[3,${j}]`);
  }
});

Deno.test("backward model: full-softmax training with dropout ranks every training template first", async () => {
  // Six products (disjoint bit patterns) over five templates: the whole library is scored, as
  // at prediction, so the learned log p(T|P) must put each product's template on top.
  const ex = [
    { bits: [0, 1, 2], template: 0 },
    { bits: [3, 4, 5], template: 1 },
    { bits: [6, 7, 8], template: 2 },
    { bits: [9, 10, 11], template: 3 },
    { bits: [12, 13, 14], template: 4 },
    { bits: [0, 7, 13], template: 2 },
  ];
  const cfg = BackwardConfig.parse({
    epochs: 60,
    hidden: 16,
    batch: 2,
    lr: 0.02,
    fullSoftmax: true,
    dropout: 0.2,
    seed: 3,
  });
  const mlp = await trainBackward(ex, 5, 16, cfg);
  for (const e of ex) {
    const lp = templateLogProbs(mlp, e.bits);
    assertEquals(topK(lp, 1)[0], e.template, `product ${e.bits} -> template ${e.template}`);
    assert(lp[e.template] > Math.log(0.8), `p(T|P) = ${Math.exp(lp[e.template])} > 0.8`);
  }
  // Seeded: the same config gives the same weights (dropout masks included).
  const again = await trainBackward(ex, 5, 16, cfg);
  assertEquals(Array.from(again.w1), Array.from(mlp.w1));
});

Deno.test("similarity energy: best sim(P, P_j) * sim(R, R_j) over the candidate's templates", async () => {
  assertEquals(tanimoto([1, 2, 3], [2, 3, 4]), 0.5);
  assertEquals(tanimoto([], []), 0);
  const db = new SimilarityIndex([
    { template: 0, productBits: [1, 2, 3, 4], reactantBits: [10, 11] },
    { template: 0, productBits: [1, 2], reactantBits: [10, 11, 12, 13] },
    { template: 1, productBits: [1, 2, 3, 4], reactantBits: [20] },
  ]);
  const p = [1, 2, 3, 4], r = [10, 11, 12, 13];
  // Template 0: entry 0 gives 1 * 0.5, entry 1 gives 0.5 * 1; template 1 shares no reactant bit.
  assertEquals(db.score(p, r, [0]), 0.5);
  assertEquals(db.score(p, r, [1]), 0);
  assertEquals(db.score(p, [10, 11], [0, 1]), 1);
  assertEquals(db.score(p, r, [7]), 0, "a template with no database reaction");
  // Brute force on random data, with and without a shared product cache, and after save/load.
  let s = 11;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const bits = () => Array.from({ length: 6 }, () => Math.floor(rnd() * 30));
  const entries = Array.from({ length: 50 }, () => ({
    template: Math.floor(rnd() * 4),
    productBits: bits(),
    reactantBits: bits(),
  }));
  const index = new SimilarityIndex(entries);
  const path = await Deno.makeTempFile();
  await index.save(path);
  const loaded = await SimilarityIndex.load(path);
  await Deno.remove(path);
  const uniq = (b: number[]) => [...new Set(b)].sort((x, y) => x - y);
  const cache = new Map<number, number>();
  const q = bits();
  for (let trial = 0; trial < 20; trial++) {
    const rq = bits(), ts = [Math.floor(rnd() * 4), Math.floor(rnd() * 4)];
    let best = 0;
    for (const e of entries) {
      if (!ts.includes(e.template)) continue;
      const v = tanimoto(uniq(q), uniq(e.productBits)) * tanimoto(uniq(rq), uniq(e.reactantBits));
      best = Math.max(best, v);
    }
    assertEquals(index.score(q, rq, ts, cache), best);
    assertEquals(loaded.score(q, rq, ts), best);
  }
});
