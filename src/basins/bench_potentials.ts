/**
 * Benchmark landscapes where geometry and dynamics disagree (issue 18), built from Gaussian
 * terms (`gaussianTerms`):
 * - `close-wells-valley`: two close narrow wells (distinct basins, 1.0 apart), a long flat
 *   valley sampled at both ends (one basin, ends 5 apart) and a wide well;
 * - `parallel-valleys`: three long valleys 1.4 apart, each sampled at both ends 5 apart;
 * - `thin-barrier`: a wide well cut in two by a high thin ridge (minima 0.6 apart, 12 kT at
 *   beta 2), plus a third well;
 * - `entropic`: two rooms joined by a narrow gap in a wall; the energy barrier through the gap
 *   is under 1 kT, the rooms are metastable because the gap is hard to find.
 *
 * Each also names its candidate sites (points the candidates are jittered around; several per
 * basin where a basin is elongated). The nonlinear lift of `close-wells-valley` is {@link waveLift}.
 * @module
 */
import type { Lift } from "../models/continuous/embedding.ts";
import { diagPrecision, gaussianTerms } from "../models/continuous/gaussian_terms.ts";
import type { Potential } from "../models/continuous/potential.ts";

const well = (amplitude: number, center: number[], sd: number[]) => ({
  amplitude,
  center,
  precision: diagPrecision(sd),
});

/** A benchmark landscape: its potential and the sites candidates are drawn around. */
export interface BenchLandscape {
  readonly potential: () => Potential;
  /** Candidate sites (each descends to a listed minimum). */
  readonly sites: readonly (readonly number[])[];
}

/** The landscapes by name. */
export const BENCH_LANDSCAPES: Readonly<Record<string, BenchLandscape>> = Object.freeze({
  "close-wells-valley": {
    potential: () =>
      gaussianTerms({
        name: "close-wells-valley",
        terms: [
          well(-6, [-0.5, 1.5], [0.2, 0.2]),
          well(-6, [0.5, 1.5], [0.2, 0.2]),
          well(-3, [0, -1.5], [3, 0.25]),
          well(-4.5, [3.5, 1.5], [0.7, 0.7]),
        ],
        quartic: [0.002, 0.005],
        minimaGuesses: [[-0.5, 1.5], [0.5, 1.5], [0, -1.5], [3.5, 1.5]],
        box: { lo: [-4, -3], hi: [5, 3] },
      }),
    sites: [[-0.5, 1.5], [0.5, 1.5], [-2.5, -1.5], [2.5, -1.5], [3.5, 1.5]],
  },
  "parallel-valleys": {
    potential: () =>
      gaussianTerms({
        name: "parallel-valleys",
        terms: [-1.4, 0, 1.4].map((y) => well(-5, [0, y], [3, 0.15])),
        quartic: [0.002, 0.01],
        minimaGuesses: [[0, -1.4], [0, 0], [0, 1.4]],
        box: { lo: [-4, -2.5], hi: [4, 2.5] },
      }),
    sites: [[-2.5, -1.4], [2.5, -1.4], [-2.5, 0], [2.5, 0], [-2.5, 1.4], [2.5, 1.4]],
  },
  "thin-barrier": {
    potential: () =>
      gaussianTerms({
        name: "thin-barrier",
        terms: [
          well(-3, [0, 0], [0.6, 0.6]),
          { amplitude: 6, center: [0, 0], precision: diagPrecision([0.08, Infinity]) },
          well(-3, [2.5, 0], [0.6, 0.6]),
        ],
        quartic: [0.01, 0.01],
        minimaGuesses: [[-0.35, 0], [0.35, 0], [2.5, 0]],
        box: { lo: [-2, -2], hi: [4, 2] },
      }),
    sites: [[-0.35, 0], [0.35, 0], [2.5, 0]],
  },
  "entropic": {
    potential: () =>
      gaussianTerms({
        name: "entropic",
        terms: [
          well(-1, [-1.2, 0], [0.8, 0.8]),
          well(-1, [1.2, 0], [0.8, 0.8]),
          { amplitude: 8, center: [0, 0], precision: diagPrecision([0.1, Infinity]) },
          well(-8, [0, 0], [0.1, 0.08]),
        ],
        quartic: [0.15, 0.3],
        minimaGuesses: [[-1.2, 0], [1.2, 0]],
        box: { lo: [-2.5, -2], hi: [2.5, 2] },
      }),
    sites: [[-1.2, 0], [1.2, 0]],
  },
});

/**
 * A nonlinear injective lift R^2 -> R^5: (x, y, sin 2x, sin 2y, xy / 4).
 *
 * @example
 * ```ts
 * const out = new Float64Array(5);
 * waveLift().apply(Float64Array.of(0, 1), out); // [0, 1, 0, sin 2, 0]
 * ```
 */
export function waveLift(): Lift {
  return {
    name: "wave",
    inDim: 2,
    outDim: 5,
    apply: (x, out) => {
      out[0] = x[0];
      out[1] = x[1];
      out[2] = Math.sin(2 * x[0]);
      out[3] = Math.sin(2 * x[1]);
      out[4] = 0.25 * x[0] * x[1];
    },
  };
}
