/**
 * Nearest products by Tanimoto similarity of Morgan bits, through an inverted index (bit ->
 * products that have it), so one query costs the summed lengths of its bits' posting lists
 * instead of a pass over every product.
 * @module
 */

/**
 * An inverted index over fingerprint bit lists.
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
    // Keep the best k in a small sorted buffer: most items fall below its last entry at once.
    const out: { item: number; sim: number }[] = [];
    const better = (a: { item: number; sim: number }, b: { item: number; sim: number }) =>
      a.sim > b.sim || (a.sim === b.sim && a.item < b.item);
    for (const it of touched) {
      const c = counts[it];
      counts[it] = 0;
      if (it === exclude || k <= 0) continue;
      const cand = { item: it, sim: c / (bits.length + this.#sizes[it] - c) };
      if (out.length === k && !better(cand, out[k - 1])) continue;
      let pos = out.length < k ? out.length : k - 1;
      while (pos > 0 && better(cand, out[pos - 1])) pos--;
      out.splice(pos, 0, cand);
      if (out.length > k) out.pop();
    }
    return out;
  }
}
