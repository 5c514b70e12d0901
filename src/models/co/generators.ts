/**
 * Seeded random graphs as in DISCS's CO datasets: Erdos-Renyi G(n, p) with n drawn from a
 * range, and Barabasi-Albert preferential attachment with m edges per new node (networkx's
 * construction). Randomness is Philox keyed by the seed, so a graph is the same everywhere.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { philox4x32Words } from "../../random/philox.ts";
import { type Graph, graphFromEdges } from "./graph.ts";

/** Zod schema of an Erdos-Renyi graph source (DISCS MIS ER-[700-800], p = 0.15 by default). */
export const ErdosRenyiConfig = z.object({
  kind: z.literal("erdos_renyi"),
  nMin: z.number().int().positive().default(700),
  nMax: z.number().int().positive().default(800),
  p: z.number().min(0).max(1).default(0.15),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** Zod schema of a Barabasi-Albert graph source (DISCS MaxCut BA, m = 4). */
export const BarabasiAlbertConfig = z.object({
  kind: z.literal("barabasi_albert"),
  nMin: z.number().int().positive().default(16),
  nMax: z.number().int().positive().default(20),
  m: z.number().int().positive().default(4),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/**
 * A sequential stream of float64 uniforms in [0, 1) from Philox (counter (k, 2, 0, stream)),
 * for generators whose number of draws is not known in advance.
 */
export function uniformStream(seed: number, stream: number): () => number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`seed must be an integer in [0, 2^53), got ${seed}`);
  }
  const k0 = seed >>> 0, k1 = Math.floor(seed / 2 ** 32) >>> 0;
  const words = new Uint32Array(4);
  let counter = 0, slot = 2;
  return () => {
    if (slot === 2) {
      philox4x32Words(counter++, 2, 0, stream, k0, k1, words);
      slot = 0;
    }
    const hi = words[2 * slot], lo = words[2 * slot + 1];
    slot++;
    return (hi * 2 ** 21 + (lo >>> 11)) / 2 ** 53;
  };
}

function drawSize(nMin: number, nMax: number, u: number): number {
  if (!Number.isInteger(nMin) || !Number.isInteger(nMax) || nMin < 1 || nMax < nMin) {
    throw new Error(
      `node range [${nMin}, ${nMax}] is invalid: expected integers 1 <= nMin <= nMax`,
    );
  }
  return nMin + Math.floor(u * (nMax - nMin + 1));
}

/** Growable u32 pair buffer. */
class EdgeBuffer {
  src: Uint32Array;
  dst: Uint32Array;
  size = 0;
  constructor(capacity: number) {
    this.src = new Uint32Array(Math.max(16, capacity));
    this.dst = new Uint32Array(Math.max(16, capacity));
  }
  push(u: number, v: number) {
    if (this.size === this.src.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.src = grow(this.src);
      this.dst = grow(this.dst);
    }
    this.src[this.size] = u;
    this.dst[this.size++] = v;
  }
}

/** Options of {@link erdosRenyi}: n uniform in [nMin, nMax] (or fixed `n`), edge probability p. */
export interface ErdosRenyiOptions {
  n?: number;
  nMin?: number;
  nMax?: number;
  p: number;
  seed?: number;
}

/**
 * Erdos-Renyi G(n, p) by geometric skipping over the pairs (Batagelj & Brandes 2005), O(n + m):
 * 10,000 nodes and 1,000,000 edges take well under a second.
 *
 * @example
 * ```ts
 * const g = erdosRenyi({ n: 100, p: 0.1, seed: 1 });
 * console.log(g.n); // 100
 * ```
 */
export function erdosRenyi(opts: ErdosRenyiOptions): Graph {
  const { p } = opts;
  const seed = opts.seed ?? 0;
  if (!(p >= 0 && p <= 1)) throw new Error(`edge probability p must be in [0, 1], got ${p}`);
  const rand = uniformStream(seed, 0x45520000);
  const n = opts.n ?? drawSize(opts.nMin ?? 700, opts.nMax ?? 800, rand());
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer, got ${n}`);
  const pairs = n * (n - 1) / 2;
  const mean = pairs * p;
  const edges = new EdgeBuffer(Math.ceil(mean + 6 * Math.sqrt(mean) + 16));
  if (p >= 1) {
    for (let v = 1; v < n; v++) for (let w = 0; w < v; w++) edges.push(v, w);
  } else if (p > 0) {
    const logq = Math.log1p(-p);
    // Pairs (v, w) with w < v in row-major order; each skip is a geometric gap.
    let v = 1, w = -1;
    while (v < n) {
      w += 1 + Math.floor(Math.log1p(-rand()) / logq);
      while (w >= v && v < n) {
        w -= v;
        v++;
      }
      if (v < n) edges.push(v, w);
    }
  }
  return graphFromEdges({
    n,
    src: edges.src.subarray(0, edges.size),
    dst: edges.dst.subarray(0, edges.size),
  });
}

/** Options of {@link barabasiAlbert}: n (or a range) and m edges per new node. */
export interface BarabasiAlbertOptions {
  n?: number;
  nMin?: number;
  nMax?: number;
  m: number;
  seed?: number;
}

/**
 * Barabasi-Albert preferential attachment as networkx 2.6 builds it (DISCS's BA datasets): the
 * first new node m joins nodes 0..m-1; every later node joins m distinct nodes drawn with
 * probability proportional to degree.
 *
 * @example
 * ```ts
 * const g = barabasiAlbert({ n: 20, m: 4, seed: 0 });
 * console.log(g.n); // 20
 * ```
 */
export function barabasiAlbert(opts: BarabasiAlbertOptions): Graph {
  const { m } = opts;
  const seed = opts.seed ?? 0;
  const rand = uniformStream(seed, 0x42410000);
  const n = opts.n ?? drawSize(opts.nMin ?? 16, opts.nMax ?? 20, rand());
  if (!Number.isInteger(m) || m < 1 || m >= n) {
    throw new Error(`barabasiAlbert needs an integer 1 <= m < n, got m = ${m}, n = ${n}`);
  }
  const edges = new EdgeBuffer(m * (n - m));
  const repeated: number[] = [];
  let targets = Array.from({ length: m }, (_, i) => i);
  for (let source = m; source < n; source++) {
    for (const t of targets) {
      edges.push(source, t);
      repeated.push(t);
    }
    for (let k = 0; k < m; k++) repeated.push(source);
    const chosen = new Set<number>();
    while (chosen.size < m) chosen.add(repeated[Math.floor(rand() * repeated.length)]);
    targets = [...chosen];
  }
  return graphFromEdges({
    n,
    src: edges.src.subarray(0, edges.size),
    dst: edges.dst.subarray(0, edges.size),
  });
}

/** A graph from an {@link ErdosRenyiConfig} or {@link BarabasiAlbertConfig}. */
export function generateGraph(
  config: z.input<typeof ErdosRenyiConfig> | z.input<typeof BarabasiAlbertConfig>,
): Graph {
  if (config.kind === "erdos_renyi") {
    const c = ErdosRenyiConfig.parse(config);
    return erdosRenyi({ nMin: c.nMin, nMax: c.nMax, p: c.p, seed: c.seed });
  }
  const c = BarabasiAlbertConfig.parse(config);
  return barabasiAlbert({ nMin: c.nMin, nMax: c.nMax, m: c.m, seed: c.seed });
}
