/**
 * Nearest products by Tanimoto similarity of Morgan bits, through an inverted index (bit ->
 * products that have it), so one query costs the summed lengths of its bits' posting lists
 * instead of a pass over every product.
 * @module
 */

/**
 * An inverted index over fingerprint bit lists.
 *
 * @example
 * ```ts
 * const index = new BitIndex([[1, 2, 3], [2, 3, 4], [7]], 8);
 * index.nearest([1, 2, 3], 2).map((n) => n.item); // [0, 1]
 * ```
 */
export class BitIndex {
  #postings: Int32Array[];
  #sizes: Int32Array;
  #counts: Int32Array;

  constructor(items: number[][], nBits: number) {
    const lists: number[][] = Array.from({ length: nBits }, () => []);
    items.forEach((bits, i) => {
      for (const b of bits) lists[b].push(i);
    });
    this.#postings = lists.map((l) => Int32Array.from(l));
    this.#sizes = Int32Array.from(items.map((b) => b.length));
    this.#counts = new Int32Array(items.length);
  }

  /** The `k` most similar items (Tanimoto), best first; `exclude` is skipped (leave-one-out). */
  nearest(bits: number[], k: number, exclude = -1): { item: number; sim: number }[] {
    const counts = this.#counts;
    const touched: number[] = [];
    for (const b of bits) {
      const list = this.#postings[b];
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        const it = list[i];
        if (counts[it] === 0) touched.push(it);
        counts[it]++;
      }
    }
    const out: { item: number; sim: number }[] = [];
    for (const it of touched) {
      const c = counts[it];
      counts[it] = 0;
      if (it === exclude) continue;
      out.push({ item: it, sim: c / (bits.length + this.#sizes[it] - c) });
    }
    out.sort((a, b) => b.sim - a.sim || a.item - b.item);
    return out.slice(0, k);
  }
}
