/**
 * The DISCS benchmark suites as lists of cells (model x sampler settings), at four scales:
 * `quick` (minutes on 2 CPU cores through the WebGPU software adapter), `medium` (about half an
 * hour there), `large` (about 75 minutes there for all three suites) and `paper` (the DISCS
 * settings, shared/reference/discs.md sections 2-3; days on a
 * CPU). Every cell is run with 100 chains, 50% burn-in and adaptation never frozen, as in DISCS.
 * @module
 */
import {
  BALANCED_SAMPLERS as REGISTRY_BALANCED,
  INNER_SAMPLER_NAMES,
  samplerSupports,
} from "../samplers/registry.ts";

/** The three suites of `cli.ts discs`. */
export type SuiteName = "classical" | "temperature" | "size";

/** All suites, in run order. */
export const SUITE_NAMES: readonly SuiteName[] = ["classical", "temperature", "size"];

/** Scale presets. */
export type PresetName = "quick" | "medium" | "large" | "paper";

/** Names of the presets. */
export const PRESET_NAMES: readonly PresetName[] = ["quick", "medium", "large", "paper"];

/** The zero-field square-lattice Ising critical inverse temperature ln(1 + sqrt 2) / 2. */
export const CRITICAL_BETA: number = Math.log(1 + Math.SQRT2) / 2;

/**
 * The DISCS temperature sweep: beta = 0.1607, 0.2007, ..., 0.7607 (16 values, step 0.04,
 * centred on the critical 0.4407).
 *
 * @example
 * ```ts
 * console.log(DISCS_BETAS.length, DISCS_BETAS[7]); // 16 0.4407
 * ```
 */
export const DISCS_BETAS: readonly number[] = Array.from(
  { length: 16 },
  (_, k) => Math.round((0.1607 + 0.04 * k) * 1e4) / 1e4,
);

/**
 * All samplers of the classical and size suites: the registry's, without wrapping ones (pt);
 * each cell keeps only the samplers whose descriptor supports its model family.
 */
export const ALL_SAMPLERS: readonly string[] = INNER_SAMPLER_NAMES;

/**
 * The locally balanced samplers (descriptors with `balanced`), run with both g(t) = sqrt(t) and
 * t/(t+1) in the sweep.
 */
export const BALANCED_SAMPLERS: readonly string[] = REGISTRY_BALANCED;

/** A raw (unvalidated) model or sampler configuration with its `name`. */
export type RawConfig = { name: string } & Record<string, unknown>;

/** The settings of one scale. */
export interface DiscsPreset {
  name: PresetName;
  /** Steps per chain of each suite. */
  steps: Record<SuiteName, number>;
  /** Classical suite: label -> model configuration. */
  classical: Record<string, RawConfig>;
  /** Temperature sweep: lattice side, betas, samplers (each with sqrt and ratio). */
  temperature: { size: number; betas: readonly number[]; samplers: readonly string[] };
  /** Size sweep: Ising lattice sides (DISCS default Ising parameters). */
  sizes: readonly number[];
}

/** The presets. `paper` is DISCS's own configuration (RBMs there are trained; ours random). */
export const PRESETS: Readonly<Record<PresetName, DiscsPreset>> = {
  quick: {
    name: "quick",
    steps: { classical: 400, temperature: 400, size: 400 },
    classical: {
      bernoulli: { name: "bernoulli", numSites: 100 },
      categorical: { name: "categorical", numSites: 50, numCategories: 4 },
      ising: { name: "ising", size: 8 },
      potts: { name: "potts", size: 6, numCategories: 4 },
      fhmm: { name: "fhmm", numSteps: 20, numChains: 5 },
      rbm: { name: "rbm", numVisible: 25, numHidden: 5 },
    },
    temperature: { size: 8, betas: [0.2407, 0.3207, 0.4407, 0.5607, 0.6407], samplers: ["dlmc"] },
    sizes: [4, 8, 16],
  },
  medium: {
    name: "medium",
    steps: { classical: 2000, temperature: 3000, size: 2000 },
    classical: {
      bernoulli: { name: "bernoulli", numSites: 400 },
      categorical: { name: "categorical", numSites: 100, numCategories: 4 },
      ising: { name: "ising", size: 12 },
      potts: { name: "potts", size: 8, numCategories: 4 },
      fhmm: { name: "fhmm", numSteps: 40, numChains: 5 },
      rbm: { name: "rbm", numVisible: 25, numHidden: 5 },
    },
    temperature: { size: 12, betas: DISCS_BETAS, samplers: BALANCED_SAMPLERS },
    sizes: [5, 10, 20, 30],
  },
  large: {
    name: "large",
    steps: { classical: 5000, temperature: 6000, size: 4000 },
    classical: {
      bernoulli: { name: "bernoulli", numSites: 1000 },
      categorical: { name: "categorical", numSites: 250, numCategories: 4 },
      ising: { name: "ising", size: 20 },
      potts: { name: "potts", size: 12, numCategories: 4 },
      fhmm: { name: "fhmm", numSteps: 60, numChains: 6 },
      // Gradient samplers on larger RBMs exceed llvmpipe's per-invocation loop limit.
      rbm: { name: "rbm", numVisible: 25, numHidden: 5 },
    },
    temperature: { size: 16, betas: DISCS_BETAS, samplers: BALANCED_SAMPLERS },
    sizes: [5, 10, 20, 30, 40, 50],
  },
  paper: {
    name: "paper",
    steps: { classical: 100_000, temperature: 400_000, size: 1_000_000 },
    classical: {
      bernoulli: { name: "bernoulli", numSites: 10_000 },
      categorical: { name: "categorical", numSites: 2000, numCategories: 4 },
      ising: { name: "ising", size: 50 },
      potts: { name: "potts", size: 30, numCategories: 4 },
      fhmm: { name: "fhmm", numSteps: 200, numChains: 50 },
      rbm: { name: "rbm", numVisible: 784, numHidden: 25 },
    },
    temperature: { size: 50, betas: DISCS_BETAS, samplers: BALANCED_SAMPLERS },
    sizes: [25, 50, 100, 250],
  },
};

/** One cell of a suite: a model, a sampler, and the sweep coordinate. */
export interface DiscsCell {
  suite: SuiteName;
  /** Model label (classical: family; sweeps: e.g. "ising-16x16"). */
  model: string;
  /** Sampler label (sweep: "dlmc-sqrt" / "dlmc-ratio"). */
  sampler: string;
  /** The sweep coordinate: beta (temperature), lattice side (size), null (classical). */
  x: number | null;
  steps: number;
  modelConfig: RawConfig;
  samplerConfig: RawConfig;
}

/** Overrides of a preset (from CLI flags). */
export interface SuiteOverrides {
  /** Steps per chain for every suite. */
  steps?: number;
  /** Keep only these samplers (registry names). */
  samplers?: readonly string[];
  /** Classical suite: keep only these model labels. */
  models?: readonly string[];
  betas?: readonly number[];
  sizes?: readonly number[];
  /** Lattice side of the temperature sweep (default: the preset's). */
  temperatureSide?: number;
}

/**
 * The cells of one suite under a preset and overrides.
 *
 * @example
 * ```ts
 * const cells = suiteCells("temperature", PRESETS.quick, { betas: [0.3, 0.6] });
 * console.log(cells.map((c) => `${c.sampler}@${c.x}`)); // dlmc-sqrt@0.3, dlmc-ratio@0.3, ...
 * ```
 */
export function suiteCells(
  suite: SuiteName,
  preset: DiscsPreset,
  o: SuiteOverrides = {},
): DiscsCell[] {
  const steps = o.steps ?? preset.steps[suite];
  const keep = (s: string) => !o.samplers || o.samplers.includes(s);
  const samplers = ALL_SAMPLERS.filter(keep);
  const cells: DiscsCell[] = [];
  if (suite === "classical") {
    for (const [label, modelConfig] of Object.entries(preset.classical)) {
      if (o.models && !o.models.includes(label)) continue;
      for (const s of samplers.filter((s) => samplerSupports(s, modelConfig.name))) {
        cells.push({
          suite,
          model: label,
          sampler: s,
          x: null,
          steps,
          modelConfig,
          samplerConfig: { name: s },
        });
      }
    }
  } else if (suite === "temperature") {
    const p = o.temperatureSide ?? preset.temperature.size;
    for (const beta of o.betas ?? preset.temperature.betas) {
      for (const s of preset.temperature.samplers.filter(keep)) {
        for (const balancing of ["sqrt", "ratio"]) {
          cells.push({
            suite,
            model: `ising-${p}x${p}-nofield`,
            sampler: `${s}-${balancing}`,
            x: beta,
            steps,
            // DISCS's sweep sets lambda = beta with no field (mu = sigma = 0) at beta = 1.
            modelConfig: { name: "ising", size: p, lambda: beta, mu: 0, sigma: 0 },
            samplerConfig: { name: s, balancing },
          });
        }
      }
    }
  } else {
    for (const p of o.sizes ?? preset.sizes) {
      for (const s of samplers.filter((s) => samplerSupports(s, "ising"))) {
        cells.push({
          suite,
          model: `ising-${p}x${p}`,
          sampler: s,
          x: p,
          steps,
          modelConfig: { name: "ising", size: p },
          samplerConfig: { name: s },
        });
      }
    }
  }
  return cells;
}
