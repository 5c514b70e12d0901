/**
 * Hamming ball sampler (Titsias & Yau 2017) as in DISCS (`samplers/hammingball.py`,
 * "HB-k-1"): systematic scan over contiguous blocks of `k` sites (same scan and wrap as
 * `block_gibbs.ts`), Hamming radius 1 within the block. One step:
 * 1. draw an auxiliary state `u` uniformly from the radius-1 ball of `x` restricted to the
 *    block: `x` itself or one of the `(C-1) k` single-site changes, each with probability
 *    `1 / ((C-1) k + 1)`;
 * 2. draw `x'` from the ball around `u` with probability proportional to `exp(-beta E)`
 *    (Gumbel-max over the `(C-1) k + 1` members).
 * This is a Gibbs sweep on the joint `pi(x) U(u | x)` (the ball is symmetric and of fixed
 * size), so it is exact. DISCS draws step 1 with the weights `[1, k (C-1)]` passed as *logits*
 * (P(u = x) ~ 1e-4 instead of 1/11) and shares the draw across chains, which breaks detailed
 * balance; this implementation uses the uniform draw instead.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { gumbel } from "../random/draws.ts";
import { madF32 } from "../random/f32math.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import { blockStart } from "./block_gibbs.ts";
import { hammingBallWgsl } from "./hamming_ball_wgsl.ts";
import { defineSampler } from "./descriptor.ts";

/** Hamming ball configuration (DISCS: block 10, radius 1). */
export const HammingBallConfig = z.object({
  name: z.literal("hamming_ball"),
  blockSize: z.number().int().min(1).default(10),
}).strict();

/** Hamming ball options. */
export interface HammingBallOptions {
  /** Sites per block, k (default 10; capped at D). The radius is fixed to 1. */
  blockSize?: number;
}

/** Ball size `(C-1) k + 1` and the block size used on a model. */
function ballOf(model: DiscreteModel, blockSize: number): { k: number; m: number } {
  const k = Math.min(blockSize, model.numSites);
  return { k, m: (model.numCategories - 1) * k + 1 };
}

/** Uniform integer in [0, n) from a 32-bit word: the high word of w * n (twin of WGSL). */
export function uniformIndex(w: number, n: number): number {
  return Math.floor((w * n) / 4294967296);
}

/**
 * Creates a Hamming ball sampler (radius 1).
 *
 * @example
 * ```ts
 * const sampler = hammingBallSampler({ blockSize: 10 });
 * console.log(sampler.evalsPerStep(bernoulliModel({ numSites: 100 }))); // 11
 * ```
 */
export function hammingBallSampler(opts: HammingBallOptions = {}): DiscreteSampler {
  const blockSize = opts.blockSize ?? 10;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new Error(`hamming_ball blockSize must be a positive integer, got ${blockSize}`);
  }
  return {
    name: "hamming_ball",
    config: { sampler: "hamming_ball", blockSize, radius: 1 },
    evalsPerStep: (model) => ballOf(model, blockSize).m,
    loopsPerStep: (model) => (ballOf(model, blockSize).m + 1) * (blockSize + 2),
    initialParam: () => 0,
    cpuStep(model, ch: CpuChain) {
      const { k, m } = ballOf(model, blockSize);
      const d = model.numSites, c = model.numCategories;
      const start = blockStart(ch.step, k, d);
      // Member e > 0 of a ball: site (start + (e-1) / (C-1)) moved up by 1 + (e-1) % (C-1).
      const aux = uniformIndex(ch.draw(0, 1)[0], m);
      let du = 0;
      if (aux > 0) {
        const i = (start + Math.floor((aux - 1) / (c - 1))) % d;
        const v = (ch.x[ch.base + i] + 1 + (aux - 1) % (c - 1)) % c;
        du = model.delta(ch.x, ch.base, i, v);
        ch.set(i, v);
      }
      // One Philox call gives the Gumbel keys of four members (the array is reused by draw).
      let w = ch.draw(0, 0);
      let best = gumbel(w[0]), bestE = 0, bestDe = 0;
      for (let e = 1; e < m; e++) {
        if ((e & 3) === 0) w = ch.draw(e >>> 2, 0);
        const i = (start + Math.floor((e - 1) / (c - 1))) % d;
        const v = (ch.x[ch.base + i] + 1 + (e - 1) % (c - 1)) % c;
        const de = model.delta(ch.x, ch.base, i, v);
        const key = madF32(-ch.beta, de, gumbel(w[e & 3]));
        if (key > best) {
          best = key;
          bestE = e;
          bestDe = de;
        }
      }
      ch.energy = Math.fround(ch.energy + du);
      if (bestE > 0) {
        const i = (start + Math.floor((bestE - 1) / (c - 1))) % d;
        ch.set(i, (ch.x[ch.base + i] + 1 + (bestE - 1) % (c - 1)) % c);
        ch.energy = Math.fround(ch.energy + bestDe);
      }
      return 1;
    },
    wgsl(model) {
      const { k, m } = ballOf(model, blockSize);
      return hammingBallWgsl(k, m);
    },
  };
}

/** The registry entry of `hamming_ball`. */
export const hammingBallDescriptor = defineSampler({
  name: "hamming_ball",
  summary: "Hamming ball: Gibbs over the states within a Hamming ball of a block.",
  schema: HammingBallConfig,
  build: (c) => hammingBallSampler(c),
  cheap: true,
  balanced: false,
  co: { config: {}, adapt: "always" },
});
