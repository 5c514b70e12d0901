/**
 * Finite-state Markov chains: a validated row-stochastic transition matrix, seeded simulation
 * of many trajectories, communicating classes (reducible chains allowed), stationary
 * distributions by linear solve or power iteration, hitting probabilities and committors, and
 * deeptime's drunkard's walk (a 2-D grid walk with two absorbing sets).
 * @module
 */
import { philox4x32Words, seedToKey } from "../random/philox.ts";
import { solveDense } from "../linalg/dense.ts";

const ROW_TOL = 1e-10;
const MC_STREAM = 0x4d43;

/**
 * A finite-state Markov chain with transition matrix P (rows sum to 1).
 *
 * @example
 * ```ts
 * const mc = new MarkovChain([[0.9, 0.1], [0.2, 0.8]]);
 * mc.stationaryDistribution(); // [2/3, 1/3]
 * ```
 */
export class MarkovChain {
  /** Number of states. */
  readonly n: number;
  /** P, row-major n x n. */
  readonly p: Float64Array;
  #cdf: Float64Array;
  #classes: number[][] | null = null;

  /** Takes P as rows or row-major flat; rows must be non-negative and sum to 1 (+- 1e-10). */
  constructor(p: readonly (readonly number[])[] | Float64Array, n?: number) {
    if (p instanceof Float64Array) {
      const m = n ?? Math.round(Math.sqrt(p.length));
      if (m * m !== p.length) {
        throw new Error(`MarkovChain: flat matrix has ${p.length} entries, expected n * n`);
      }
      this.n = m;
      this.p = Float64Array.from(p);
    } else {
      this.n = p.length;
      this.p = new Float64Array(this.n * this.n);
      p.forEach((row, i) => {
        if (row.length !== this.n) {
          throw new Error(`MarkovChain: row ${i} has ${row.length} entries, expected ${this.n}`);
        }
        this.p.set(row, i * this.n);
      });
    }
    if (this.n < 1) throw new Error("MarkovChain: expected at least one state");
    this.#cdf = new Float64Array(this.n * this.n);
    for (let i = 0; i < this.n; i++) {
      let s = 0;
      for (let j = 0; j < this.n; j++) {
        const v = this.p[i * this.n + j];
        if (!(v >= 0 && v <= 1)) {
          throw new Error(`MarkovChain: P[${i}][${j}] = ${v}, expected a probability in [0, 1]`);
        }
        s += v;
        this.#cdf[i * this.n + j] = s;
      }
      if (Math.abs(s - 1) > ROW_TOL) {
        throw new Error(`MarkovChain: row ${i} sums to ${s}, expected 1 (row-stochastic)`);
      }
      this.#cdf[i * this.n + this.n - 1] = Infinity; // guards against round-off at the end
    }
  }

  /**
   * Communicating classes (strongly connected components of the transition graph), each
   * sorted, in order of their smallest state.
   */
  communicatingClasses(): number[][] {
    if (this.#classes) return this.#classes.map((c) => [...c]);
    const n = this.n, reach = this.#reachability();
    const seen = new Uint8Array(n);
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      if (seen[i]) continue;
      const c: number[] = [];
      for (let j = i; j < n; j++) {
        if (reach[i * n + j] && reach[j * n + i]) {
          c.push(j);
          seen[j] = 1;
        }
      }
      out.push(c);
    }
    this.#classes = out;
    return out.map((c) => [...c]);
  }

  /** Closed (recurrent) classes: no probability leaves them. */
  closedClasses(): number[][] {
    return this.communicatingClasses().filter((c) => {
      const inC = new Set(c);
      return c.every((i) => {
        for (let j = 0; j < this.n; j++) {
          if (this.p[i * this.n + j] > 0 && !inC.has(j)) return false;
        }
        return true;
      });
    });
  }

  /** True when every state reaches every other. */
  get isIrreducible(): boolean {
    return this.communicatingClasses().length === 1;
  }

  // reach[i * n + j] = 1 when j is reachable from i in >= 0 steps (BFS per state).
  #reachability(): Uint8Array {
    const n = this.n, r = new Uint8Array(n * n);
    for (let s = 0; s < n; s++) {
      const queue = [s];
      r[s * n + s] = 1;
      while (queue.length) {
        const i = queue.pop()!;
        for (let j = 0; j < n; j++) {
          if (this.p[i * n + j] > 0 && !r[s * n + j]) {
            r[s * n + j] = 1;
            queue.push(j);
          }
        }
      }
    }
    return r;
  }

  /**
   * The stationary distribution of an irreducible chain, by solving pi (P - I) = 0 with
   * sum(pi) = 1. Reducible chains have one per closed class: see {@link stationaryDistributions}.
   */
  stationaryDistribution(): Float64Array {
    if (!this.isIrreducible) {
      throw new Error(
        "stationaryDistribution: the chain is reducible; use stationaryDistributions() (one per closed class)",
      );
    }
    return this.#stationaryOn(Array.from({ length: this.n }, (_, i) => i));
  }

  /** One stationary distribution (on all n states) per closed class, in class order. */
  stationaryDistributions(): Float64Array[] {
    return this.closedClasses().map((c) => this.#stationaryOn(c));
  }

  #stationaryOn(states: number[]): Float64Array {
    const m = states.length, n = this.n;
    // Rows of A: (P^T - I) restricted, with the last equation replaced by sum = 1.
    const a = new Float64Array(m * m), b = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) {
        a[r * m + c] = this.p[states[c] * n + states[r]] - (r === c ? 1 : 0);
      }
    }
    for (let c = 0; c < m; c++) a[(m - 1) * m + c] = 1;
    b[m - 1] = 1;
    const x = solveDense(a, b, m);
    const pi = new Float64Array(n);
    states.forEach((s, k) => (pi[s] = Math.max(0, x[k])));
    const z = pi.reduce((s, v) => s + v, 0);
    return pi.map((v) => v / z);
  }

  /**
   * Iterates mu <- mu P from `initial` (default uniform) until the L1 change is below `tol`.
   * Converges to the stationary distribution of an aperiodic irreducible chain; for reducible
   * chains, to the limit law of the given start.
   */
  powerIteration(initial?: ArrayLike<number>, tol = 1e-12, maxIter = 1_000_000): Float64Array {
    const n = this.n;
    let mu = initial ? Float64Array.from(initial) : new Float64Array(n).fill(1 / n);
    if (mu.length !== n) {
      throw new Error(`powerIteration: initial has ${mu.length} entries, expected ${n}`);
    }
    let next = new Float64Array(n);
    for (let it = 0; it < maxIter; it++) {
      next.fill(0);
      for (let i = 0; i < n; i++) {
        const w = mu[i];
        if (w === 0) continue;
        for (let j = 0; j < n; j++) next[j] += w * this.p[i * n + j];
      }
      let d = 0;
      for (let j = 0; j < n; j++) d += Math.abs(next[j] - mu[j]);
      [mu, next] = [next, mu];
      if (d < tol) return mu;
    }
    throw new Error(`powerIteration: no convergence to ${tol} within ${maxIter} iterations`);
  }

  /**
   * Committor q_i = P(hit B before A | X_0 = i): 0 on A, 1 on B; states that reach neither get 0.
   * With A empty this is the probability of ever hitting B.
   */
  committor(a: readonly number[], b: readonly number[]): Float64Array {
    const n = this.n;
    const inA = new Uint8Array(n), inB = new Uint8Array(n);
    for (const s of a) inA[this.#state(s)] = 1;
    for (const s of b) inB[this.#state(s)] = 1;
    for (let i = 0; i < n; i++) {
      if (inA[i] && inB[i]) throw new Error(`committor: state ${i} is in both A and B`);
    }
    // Unknowns: states outside A and B from which B is reachable (others are 0).
    const canReachB = new Uint8Array(n);
    const queue: number[] = [];
    for (let i = 0; i < n; i++) if (inB[i]) (canReachB[i] = 1, queue.push(i));
    while (queue.length) {
      const j = queue.pop()!;
      for (let i = 0; i < n; i++) {
        if (!canReachB[i] && !inA[i] && this.p[i * n + j] > 0) {
          canReachB[i] = 1;
          queue.push(i);
        }
      }
    }
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (canReachB[i] && !inB[i]) free.push(i);
    const idx = new Int32Array(n).fill(-1);
    free.forEach((s, k) => (idx[s] = k));
    const m = free.length, mat = new Float64Array(m * m), rhs = new Float64Array(m);
    free.forEach((i, r) => {
      mat[r * m + r] = 1;
      for (let j = 0; j < n; j++) {
        const pij = this.p[i * n + j];
        if (pij === 0) continue;
        if (inB[j]) rhs[r] += pij;
        else if (idx[j] >= 0) mat[r * m + idx[j]] -= pij;
      }
    });
    const x = m ? solveDense(mat, rhs, m) : new Float64Array(0);
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = inB[i] ? 1 : idx[i] >= 0 ? x[idx[i]] : 0;
    return q;
  }

  #state(s: number): number {
    if (!(Number.isInteger(s) && s >= 0 && s < this.n)) {
      throw new Error(`MarkovChain: state ${s} is out of range [0, ${this.n})`);
    }
    return s;
  }

  /**
   * Simulates `trajectories` paths of `steps` steps, seeded (Philox counter (0, step,
   * trajectory, stream)); returns `[trajectories, steps + 1]` states, column 0 = the start.
   * `starts` is one state for all, or one per trajectory.
   */
  simulate(opts: {
    trajectories: number;
    steps: number;
    starts: number | ArrayLike<number>;
    seed: number;
  }): Int32Array {
    const { trajectories: m, steps } = opts;
    if (!(Number.isInteger(m) && m >= 1)) {
      throw new Error(`simulate: trajectories must be a positive integer, got ${m}`);
    }
    if (!(Number.isInteger(steps) && steps >= 0 && steps < 0xffffffff)) {
      throw new Error(`simulate: steps must be an integer in [0, 2^32 - 1), got ${steps}`);
    }
    const starts = typeof opts.starts === "number" ? null : opts.starts;
    if (starts && starts.length !== m) {
      throw new Error(`simulate: ${starts.length} starts, expected ${m}`);
    }
    const key = seedToKey(opts.seed), w = new Uint32Array(4), n = this.n;
    const out = new Int32Array(m * (steps + 1));
    for (let t = 0; t < m; t++) {
      let s = this.#state(starts ? starts[t] : opts.starts as number);
      out[t * (steps + 1)] = s;
      for (let k = 0; k < steps; k++) {
        philox4x32Words(0, k, t, MC_STREAM, key[0], key[1], w);
        const u = ((w[0] >>> 5) * 67108864 + (w[1] >>> 6)) / 9007199254740992; // 53-bit [0, 1)
        const row = s * n;
        let lo = 0, hi = n - 1; // first j with cdf[j] > u
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.#cdf[row + mid] > u) hi = mid;
          else lo = mid + 1;
        }
        s = lo;
        out[t * (steps + 1) + k + 1] = s;
      }
    }
    return out;
  }
}

/** Options of {@link drunkardsWalk}. Cells are (i, j) with 0 <= i < gridSize[0]. */
export interface DrunkardsWalkOptions {
  /** Grid (n0, n1); cell (i, j) is state i + n0 * j (deeptime's numbering). Default (10, 10). */
  readonly gridSize?: readonly [number, number];
  /** Bar cells (default [(9, 9)]). */
  readonly bar?: readonly (readonly [number, number])[];
  /** Home cells (default [(0, 0)]). */
  readonly home?: readonly (readonly [number, number])[];
  /** Barrier cells; weight w (> 0) makes entering 1/w as likely as a free move, none forbids it. */
  readonly barriers?: readonly {
    readonly cell: readonly [number, number];
    readonly weight?: number;
  }[];
  /**
   * "strict" (default): bar and home sets are closed (moves only within the set, self-weight
   * 100 and neighbours in the set 100, as deeptime). "deeptime": deeptime's exact weights, where
   * an ordinary neighbour keeps weight 1, so the sets leak slightly.
   */
  readonly absorbing?: "strict" | "deeptime";
}

/** The drunkard's walk chain and its sets. */
export interface DrunkardsWalk {
  readonly chain: MarkovChain;
  readonly gridSize: readonly [number, number];
  readonly barStates: number[];
  readonly homeStates: number[];
  /** (i, j) of a state. */
  coordinate(state: number): [number, number];
  /** State of (i, j). */
  state(i: number, j: number): number;
}

/**
 * deeptime's `DrunkardsWalk`: moves to each of the up to 8 neighbours (3 x 3 stencil minus the
 * centre, clipped at the grid edge) with equal weight 1; bar and home cells keep a self-weight
 * 100 and weight 100 towards neighbouring bar/home cells; barriers are entered with weight 1/w
 * or never; a barrier without weight keeps the self-weight 100.
 *
 * @example
 * ```ts
 * const w = drunkardsWalk();
 * const q = w.chain.committor(w.barStates, w.homeStates); // P(home before bar)
 * ```
 */
export function drunkardsWalk(opts: DrunkardsWalkOptions = {}): DrunkardsWalk {
  const [n0, n1] = opts.gridSize ?? [10, 10];
  if (!(Number.isInteger(n0) && Number.isInteger(n1) && n0 >= 1 && n1 >= 1 && n0 * n1 >= 2)) {
    throw new Error(`drunkardsWalk: gridSize must be two positive integers, got ${n0} x ${n1}`);
  }
  const state = (i: number, j: number) => {
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && i < n0 && j >= 0 && j < n1)) {
      throw new Error(`drunkardsWalk: cell (${i}, ${j}) is outside the ${n0} x ${n1} grid`);
    }
    return i + n0 * j;
  };
  const barStates = (opts.bar ?? [[n0 - 1, n1 - 1]]).map(([i, j]) => state(i, j));
  const homeStates = (opts.home ?? [[0, 0]]).map(([i, j]) => state(i, j));
  const special = new Set([...barStates, ...homeStates]);
  const barrier = new Map<number, number | undefined>();
  for (const b of opts.barriers ?? []) barrier.set(state(b.cell[0], b.cell[1]), b.weight);
  const strict = (opts.absorbing ?? "strict") === "strict";
  const n = n0 * n1, p = new Float64Array(n * n);
  for (let j = 0; j < n1; j++) {
    for (let i = 0; i < n0; i++) {
      const s = state(i, j), row = new Map<number, number>();
      const isSpecial = special.has(s);
      for (const di of [-1, 0, 1]) {
        for (const dj of [-1, 0, 1]) {
          if ((di === 0 && dj === 0) || i + di < 0 || i + di >= n0 || j + dj < 0 || j + dj >= n1) {
            continue;
          }
          const t = state(i + di, j + dj);
          let w: number;
          if (barrier.has(t)) {
            const bw = barrier.get(t);
            w = bw === undefined ? 0 : 1 / bw;
          } else if (isSpecial && special.has(t)) w = 100;
          else w = isSpecial && strict ? 0 : 1;
          row.set(t, w);
        }
      }
      const trapped = isSpecial || (barrier.has(s) && barrier.get(s) === undefined);
      row.set(s, trapped ? 100 : 0);
      const z = [...row.values()].reduce((a, b) => a + b, 0);
      for (const [t, w] of row) p[s * n + t] = z > 0 ? w / z : t === s ? 1 : 0;
    }
  }
  // In strict mode a bar cell next to a home cell would join the sets; keep them apart.
  if (strict) {
    const bar = new Set(barStates);
    for (const s of special) {
      let z = 0;
      for (let t = 0; t < n; t++) {
        if (t !== s && special.has(t) && bar.has(t) !== bar.has(s)) p[s * n + t] = 0;
        z += p[s * n + t];
      }
      for (let t = 0; t < n; t++) p[s * n + t] /= z;
    }
  }
  return {
    chain: new MarkovChain(p, n),
    gridSize: [n0, n1],
    barStates,
    homeStates,
    coordinate: (s) => [s % n0, Math.floor(s / n0)],
    state,
  };
}
