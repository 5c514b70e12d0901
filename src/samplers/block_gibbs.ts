/**
 * Block Gibbs as in DISCS (`samplers/blockgibbs.py`, "BG-k"): a systematic scan over contiguous
 * blocks of `k` sites; each step enumerates the `C^k` joint values of one block and draws the
 * block exactly from its conditional under `exp(-beta E)` (Gumbel-max over the enumerated
 * log-probabilities). No Metropolis correction, so the acceptance is 1.
 *
 * The block of step `s` starts at `(s k) mod D` and covers `start, start+1, ...` modulo D: when
 * `D % k != 0` blocks wrap around the end (e.g. D = 5, k = 2: {0,1}, {2,3}, {4,0}, {1,2}, ...),
 * unlike DISCS, whose last block reads past D. Every block is a set of distinct sites (k is
 * capped at D), so each step is an exact conditional update and leaves the target invariant.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import { gumbel } from "../random/draws.ts";
import { madF32 } from "../random/f32math.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import { blockGibbsWgsl } from "./block_gibbs_wgsl.ts";
import { defineSampler } from "./descriptor.ts";

/** Block Gibbs configuration (DISCS default block size 2). */
export const BlockGibbsConfig = z.object({
  name: z.literal("block_gibbs"),
  blockSize: z.number().int().min(1).max(16).default(2),
}).strict();

/** Block Gibbs options. */
export interface BlockGibbsOptions {
  /** Sites per block, k (default 2). Capped at D; `C^k` must stay at most 2^16. */
  blockSize?: number;
}

/** Largest number of joint block values enumerated per step. */
const MAX_ASSIGNMENTS = 1 << 16;

/** First site of the block updated at `step`: `(step k) mod D`, overflow-free. */
export function blockStart(step: number, k: number, d: number): number {
  return ((step % d) * k) % d;
}

function blockOf(model: DiscreteModel, blockSize: number): { k: number; n: number } {
  const k = Math.min(blockSize, model.numSites);
  const n = model.numCategories ** k;
  if (n > MAX_ASSIGNMENTS) {
    throw new Error(
      `block_gibbs enumerates C^k = ${model.numCategories}^${k} values: expected at most ${MAX_ASSIGNMENTS}`,
    );
  }
  return { k, n };
}

/**
 * Creates a block Gibbs sampler.
 *
 * @example
 * ```ts
 * const sampler = blockGibbsSampler({ blockSize: 3 });
 * console.log(sampler.evalsPerStep(bernoulliModel({ numSites: 10 }))); // 8
 * ```
 */
export function blockGibbsSampler(opts: BlockGibbsOptions = {}): DiscreteSampler {
  const blockSize = opts.blockSize ?? 2;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new Error(`block_gibbs blockSize must be a positive integer, got ${blockSize}`);
  }
  const orig: number[] = [];
  return {
    name: "block_gibbs",
    config: { sampler: "block_gibbs", blockSize },
    evalsPerStep: (model) => blockOf(model, blockSize).n,
    loopsPerStep: (model) => (blockOf(model, blockSize).n + 1) * (blockSize + 2),
    initialParam: () => 0,
    cpuStep(model, ch: CpuChain) {
      const { k, n } = blockOf(model, blockSize);
      const d = model.numSites, c = model.numCategories;
      const start = blockStart(ch.step, k, d);
      for (let t = 0; t < k; t++) orig[t] = ch.x[ch.base + (start + t) % d];
      let best = -Infinity, bestJ = 0, bestDe = 0;
      let w = ch.draw(0, 0); // four Gumbel keys per Philox call (draw reuses the array)
      for (let j = 0; j < n; j++) {
        if (j > 0 && (j & 3) === 0) w = ch.draw(j >>> 2, 0);
        let de = 0, r = j;
        for (let t = 0; t < k; t++) {
          const i = (start + t) % d, v = r % c;
          r = Math.floor(r / c);
          de = Math.fround(de + model.delta(ch.x, ch.base, i, v));
          ch.x[ch.base + i] = v; // trial value, undone below: no Hamming bookkeeping
        }
        for (let t = k - 1; t >= 0; t--) ch.x[ch.base + (start + t) % d] = orig[t];
        const key = madF32(-ch.beta, de, gumbel(w[j & 3]));
        if (key > best) {
          best = key;
          bestJ = j;
          bestDe = de;
        }
      }
      for (let t = 0, r = bestJ; t < k; t++, r = Math.floor(r / c)) {
        ch.set((start + t) % d, r % c);
      }
      ch.energy = Math.fround(ch.energy + bestDe);
      return 1;
    },
    wgsl(model) {
      const { k, n } = blockOf(model, blockSize);
      return blockGibbsWgsl(k, n, model.numCategories);
    },
  };
}

/** The registry entry of `block_gibbs`. */
export const blockGibbsDescriptor = defineSampler({
  name: "block_gibbs",
  summary: "Block Gibbs: resample a block of sites from its exact conditional.",
  schema: BlockGibbsConfig,
  build: (c) => blockGibbsSampler(c),
  cheap: true,
  balanced: false,
  co: { config: {}, adapt: "always" },
});
