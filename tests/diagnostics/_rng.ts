/**
 * A small seeded generator for the diagnostics tests only (sfc32 with a splitmix32 seeding,
 * Box-Muller normals), so these tests do not depend on src/random.
 * @module
 */

/** Deterministic uniform / normal source. */
export interface TestRng {
  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
}

/** Seeded sfc32 generator. */
export function makeRng(seed: number): TestRng {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const uniform = () => next() / 4294967296;
  return {
    uniform,
    normal() {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = uniform();
      while (u === 0) u = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      const th = 2 * Math.PI * uniform();
      spare = r * Math.sin(th);
      return r * Math.cos(th);
    },
  };
}

/**
 * Stationary Gaussian AR(1): x_0 ~ N(0,1), x_t = phi x_{t-1} + sqrt(1 - phi^2) e_t, whose
 * integrated autocorrelation time is tau = (1 + phi) / (1 - phi).
 */
export function ar1(n: number, phi: number, rng: TestRng, offset = 0): Float64Array {
  const x = new Float64Array(n);
  const s = Math.sqrt(1 - phi * phi);
  let v = rng.normal();
  for (let t = 0; t < n; t++) {
    if (t > 0) v = phi * v + s * rng.normal();
    x[t] = v + offset;
  }
  return x;
}
