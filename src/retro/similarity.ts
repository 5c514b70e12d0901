/**
 * A similarity energy in the manner of RetroSim (Coley et al., ACS Cent. Sci. 2017): a candidate
 * reactant set R for product P scores
 *
 *   s_s(P, R) = max over training reactions j whose template gives R of sim(P, P_j) * sim(R, R_j)
 *
 * with Tanimoto similarity of Morgan bits. It is a non-parametric energy (a nearest-neighbour
 * estimate of p(R|P)) whose errors differ from the fingerprint MLP's, which is why it helps in
 * the dual. Only the backward model's training reactions form the database, so held-out products
 * used to fit the dual weights never meet themselves.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";

/** One database reaction: its template's library index and the two fingerprints. */
export interface SimilarityEntry {
  template: number;
  productBits: number[];
  reactantBits: number[];
}

/** Tanimoto similarity of two sorted, distinct bit lists. */
export function tanimoto(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0, j = 0, both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - both;
  return union === 0 ? 0 : both / union;
}

/** Training reactions grouped by template, for {@link SimilarityIndex.score}. */
export class SimilarityIndex {
  /** Per template: indices into the fingerprint lists. */
  readonly #byTemplate = new Map<number, number[]>();
  readonly #pBits: Int32Array[];
  readonly #rBits: Int32Array[];
  readonly #templates: Int32Array;

  constructor(entries: SimilarityEntry[]) {
    const sorted = (b: number[]) => Int32Array.from(new Set(b)).sort();
    this.#pBits = entries.map((e) => sorted(e.productBits));
    this.#rBits = entries.map((e) => sorted(e.reactantBits));
    this.#templates = Int32Array.from(entries.map((e) => e.template));
    entries.forEach((e, i) => {
      const list = this.#byTemplate.get(e.template);
      if (list) list.push(i);
      else this.#byTemplate.set(e.template, [i]);
    });
  }

  /** Database size. */
  get size(): number {
    return this.#templates.length;
  }

  /**
   * s_s(P, R): the best sim(P, P_j) * sim(R, R_j) over database reactions j of `templates` (the
   * templates that give R); 0 when none has any. `pSims` caches sim(P, P_j) across one product's
   * candidates.
   */
  score(
    productBits: number[],
    reactantBits: number[],
    templates: number[],
    pSims = new Map<number, number>(),
  ): number {
    const p = Int32Array.from(new Set(productBits)).sort();
    const r = Int32Array.from(new Set(reactantBits)).sort();
    let best = 0;
    for (const t of new Set(templates)) {
      for (const j of this.#byTemplate.get(t) ?? []) {
        let sp = pSims.get(j);
        if (sp === undefined) {
          sp = tanimoto(p, this.#pBits[j]);
          pSims.set(j, sp);
        }
        // sim(R, R_j) <= 1: skip reactions that cannot beat the best so far.
        if (sp <= best) continue;
        const s = sp * tanimoto(r, this.#rBits[j]);
        if (s > best) best = s;
      }
    }
    return best;
  }

  /** Writes the database as little-endian int32: count, then per entry template, |P|, P, |R|, R. */
  async save(path: string): Promise<void> {
    const words: number[] = [this.size];
    for (let i = 0; i < this.size; i++) {
      words.push(this.#templates[i], this.#pBits[i].length, ...this.#pBits[i]);
      words.push(this.#rBits[i].length, ...this.#rBits[i]);
    }
    await writeFileAtomic(path, new Uint8Array(Int32Array.from(words).buffer));
  }

  /** Reads a database written by {@link SimilarityIndex.save}. */
  static async load(path: string): Promise<SimilarityIndex> {
    const bytes = await Deno.readFile(path);
    const w = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    const entries: SimilarityEntry[] = [];
    let k = 1;
    const take = () => {
      const n = w[k++];
      const out = Array.from(w.subarray(k, k + n));
      k += n;
      return out;
    };
    for (let i = 0; i < w[0]; i++) {
      const template = w[k++];
      const productBits = take();
      entries.push({ template, productBits, reactantBits: take() });
    }
    if (k !== w.length) throw new Error(`${path}: ${w.length} words: expected ${k}`);
    return new SimilarityIndex(entries);
  }
}
