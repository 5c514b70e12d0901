/**
 * A tiny seeded generator with normal draws for deterministic construction (mixture centres,
 * random rotations, noise in CPU references, the basin estimators' splits and initialisations).
 * Separate from the Philox streams on purpose: what it builds must not change when the
 * project's Philox streams evolve.
 * @module
 */

/** A {@link SplitMix32}'s saved state. */
export interface SplitMixState {
  readonly state: number;
  readonly spare: number | null;
}

/**
 * SplitMix32 (a 32-bit variant of Steele, Lea & Flood's SplitMix): one 32-bit state, golden-ratio
 * increment, murmur-style finalizer. Fast, full period 2^32, good enough for building models.
 *
 * @example
 * ```ts
 * const rng = new SplitMix32(42);
 * const u = rng.uniform(); // in (0, 1)
 * const z = rng.normal();  // standard normal
 * ```
 */
export class SplitMix32 {
  #state: number;
  #spare: number | null = null;

  /**
   * A generator continuing from a saved {@link SplitMix32.saveState} (checkpoints of seeded
   * training): it draws what the saved one would have drawn next.
   */
  static fromState(saved: SplitMixState): SplitMix32 {
    const { state, spare } = saved;
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new Error(`SplitMix32 state must be a 32-bit unsigned integer, got ${state}`);
    }
    if (spare !== null && !Number.isFinite(spare)) {
      throw new Error(`SplitMix32 spare normal must be finite or null, got ${spare}`);
    }
    const rng = new SplitMix32(state);
    rng.#spare = spare;
    return rng;
  }

  /** The current state: the 32-bit word and the cached second normal (JSON-safe). */
  saveState(): SplitMixState {
    return { state: this.#state, spare: this.#spare };
  }

  /** Seeds the generator; any finite number is accepted (its low 32 bits after truncation). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`SplitMix32 seed must be finite, got ${seed}`);
    this.#state = Math.trunc(seed) >>> 0;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in the open interval (0, 1), with 2^-32 resolution. */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Standard normal by the Box–Muller transform (the second value is cached). */
  normal(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  /** Fills `out` with independent standard normals and returns it. */
  fillNormal<T extends Float64Array | Float32Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }
}
