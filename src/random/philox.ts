/**
 * Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC11; Random123). The TypeScript twin of `rng_philox` in
 * `src/wgsl/rng.ts`: both map the same (counter, key) to the same four 32-bit words.
 *
 * Key/counter convention used across Landscape:
 * - key = (seed_lo, seed_hi): the low and high 32 bits of a non-negative integer seed
 *   (a JavaScript number up to 2^53 - 1), see {@link seedToKey}.
 * - counter = (c0, c1, c2, c3) = (index, step, chain, stream): `index` is a site or sub-draw
 *   index, `step` the sampler step, `chain` the chain id, `stream` names the purpose of the
 *   draw (proposal, acceptance, ...). When one (index, step, chain, stream) needs more than
 *   four words, block b of them uses stream word `stream | (b << 16)`, so streams stay below
 *   2^16 and blocks below 2^16 (see {@link philoxWords}).
 *
 * @module
 */

/** Philox4x32 round multipliers. */
export const PHILOX_M0 = 0xd2511f53;
/** Philox4x32 round multipliers. */
export const PHILOX_M1 = 0xcd9e8d57;
/** Weyl key increments (golden ratio, sqrt(3) - 1). */
export const PHILOX_W0 = 0x9e3779b9;
/** Weyl key increments (golden ratio, sqrt(3) - 1). */
export const PHILOX_W1 = 0xbb67ae85;
/** Rounds of Philox4x32-10. */
export const PHILOX_ROUNDS = 10;

const M0_HI = PHILOX_M0 >>> 16;
const M0_LO = PHILOX_M0 & 0xffff;
const M1_HI = PHILOX_M1 >>> 16;
const M1_LO = PHILOX_M1 & 0xffff;

/**
 * Philox4x32 on scalar words, writing the four output words into `out` (no allocation).
 * `rounds` defaults to 10; other values exist only for the Random123 7-round vectors.
 * @example
 * ```ts
 * const out = new Uint32Array(4);
 * philox4x32Words(0, 0, 0, 0, 0, 0, out); // out = 6627e8d5 e169c58d bc57ac4c 9b00dbd8
 * ```
 */
export function philox4x32Words(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  rounds: number = PHILOX_ROUNDS,
): Uint32Array {
  c0 >>>= 0;
  c1 >>>= 0;
  c2 >>>= 0;
  c3 >>>= 0;
  k0 >>>= 0;
  k1 >>>= 0;
  for (let r = 0; r < rounds; r++) {
    // hi(M * c) exactly in doubles: c * M_hi and c * M_lo are < 2^48.
    const hi0 = Math.floor((c0 * M0_HI + Math.floor(c0 * M0_LO / 65536)) / 65536);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = Math.floor((c2 * M1_HI + Math.floor(c2 * M1_LO / 65536)) / 65536);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) >>> 0;
    k1 = (k1 + PHILOX_W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/**
 * Philox4x32-10 of a 4-word counter and a 2-word key. Pass `out` to avoid allocating.
 * @example
 * ```ts
 * philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]);
 * // Uint32Array [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]
 * ```
 */
export function philox4x32(
  ctr: ArrayLike<number>,
  key: ArrayLike<number>,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  if (ctr.length !== 4 || key.length !== 2) {
    throw new Error(
      `philox4x32: expected a 4-word counter and a 2-word key, got ${ctr.length} and ${key.length}`,
    );
  }
  return philox4x32Words(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
}

/**
 * The Philox key (seed_lo, seed_hi) of an integer seed in [0, 2^53 - 1].
 * @example
 * ```ts
 * seedToKey(2 ** 32 + 5); // [5, 1]
 * ```
 */
export function seedToKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`seedToKey: expected an integer seed in [0, 2^53 - 1], got ${seed}`);
  }
  return [seed % 0x100000000, Math.floor(seed / 0x100000000)];
}

/**
 * Fills `out` with `out.length` words for one (index, step, chain, stream): word j is word
 * j % 4 of Philox at counter (index, step, chain, stream | (j >> 2) << 16). The same words as
 * WGSL `rng_word(key, vec4(index, step, chain, stream), j)`.
 * @example
 * ```ts
 * const words = philoxWords(seedToKey(1), 3, 0, 0, 1, new Uint32Array(8));
 * ```
 */
export function philoxWords(
  key: ArrayLike<number>,
  index: number,
  step: number,
  chain: number,
  stream: number,
  out: Uint32Array,
): Uint32Array {
  if (out.length > 4 * 0x10000 || stream >>> 0 > 0xffff) {
    throw new Error(
      `philoxWords: expected stream < 2^16 and at most 2^18 words, got stream ${stream} and ${out.length} words`,
    );
  }
  const block = new Uint32Array(4);
  for (let j = 0; j < out.length; j += 4) {
    philox4x32Words(index, step, chain, (stream | ((j >>> 2) << 16)) >>> 0, key[0], key[1], block);
    for (let i = 0; i < 4 && j + i < out.length; i++) out[j + i] = block[i];
  }
  return out;
}
