/**
 * Chain input handling shared by the multi-chain diagnostics: validation, the flat
 * [chains x draws] form, splitting each chain in half.
 * @module
 */

/** A flat row-major [chains x draws] array with its shape. */
export interface FlatChains {
  /** Values, chain-major: data[c * draws + t]. */
  data: ArrayLike<number>;
  /** Number of chains. */
  chains: number;
  /** Number of draws per chain. */
  draws: number;
}

/** Multi-chain input: one Float64Array per chain (equal lengths), or a flat array with shape. */
export type ChainsInput = readonly Float64Array[] | FlatChains;

function isFlat(input: ChainsInput): input is FlatChains {
  return !Array.isArray(input);
}

/** Throws a one-line error unless every value of x is finite. */
export function assertFinite(x: ArrayLike<number>, what: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new Error(`${what}: value at index ${i} is ${x[i]}, expected finite numbers only`);
    }
  }
}

/**
 * Validates multi-chain input and returns it as one Float64Array per chain (views into flat
 * data when possible, never copies of Float64Array chains).
 *
 * @example
 * ```ts
 * const cs = toChains({ data: [1, 2, 3, 4, 5, 6], chains: 2, draws: 3 }); // [[1,2,3],[4,5,6]]
 * ```
 */
export function toChains(input: ChainsInput, minDraws = 1, what = "chains"): Float64Array[] {
  let out: Float64Array[];
  if (isFlat(input)) {
    const { data, chains, draws } = input;
    if (!Number.isInteger(chains) || chains < 1 || !Number.isInteger(draws) || draws < 0) {
      throw new Error(
        `${what}: shape must be positive integers, got chains=${chains} draws=${draws}`,
      );
    }
    if (data.length !== chains * draws) {
      throw new Error(
        `${what}: data length ${data.length} does not match chains*draws = ${chains * draws}`,
      );
    }
    const flat = data instanceof Float64Array ? data : Float64Array.from(data);
    out = [];
    for (let c = 0; c < chains; c++) out.push(flat.subarray(c * draws, (c + 1) * draws));
  } else {
    if (input.length < 1) throw new Error(`${what}: no chains given, expected at least one`);
    out = input.slice();
    const n = out[0].length;
    for (let c = 1; c < out.length; c++) {
      if (out[c].length !== n) {
        throw new Error(
          `${what}: chain ${c} has ${out[c].length} draws, expected ${n} like chain 0`,
        );
      }
    }
  }
  if (out[0].length < minDraws) {
    throw new Error(`${what}: ${out[0].length} draws per chain, expected at least ${minDraws}`);
  }
  for (let c = 0; c < out.length; c++) assertFinite(out[c], `${what} (chain ${c})`);
  return out;
}

/**
 * Splits every chain into its first and last floor(n/2) draws (the middle draw of an odd chain
 * is dropped, as in ArviZ), giving 2m chains. Returns views, no copies.
 */
export function splitChains(chains: readonly Float64Array[]): Float64Array[] {
  const n = chains[0].length;
  const half = Math.floor(n / 2);
  const out: Float64Array[] = [];
  for (const c of chains) out.push(c.subarray(0, half));
  for (const c of chains) out.push(c.subarray(n - half, n));
  return out;
}

/** Concatenates chains into one Float64Array (chain-major). */
export function concatChains(chains: readonly Float64Array[]): Float64Array {
  let total = 0;
  for (const c of chains) total += c.length;
  const out = new Float64Array(total);
  let o = 0;
  for (const c of chains) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Cuts the first floor(burnInFraction * n) draws from every chain (views, no copies). */
export function dropBurnIn(
  chains: readonly Float64Array[],
  burnInFraction: number,
): Float64Array[] {
  if (!(burnInFraction >= 0 && burnInFraction < 1)) {
    throw new Error(`burnInFraction must be in [0, 1), got ${burnInFraction}`);
  }
  return chains.map((c) => c.subarray(Math.floor(burnInFraction * c.length)));
}
