/**
 * Swendsen-Wang cluster updates (Swendsen & Wang, PRL 58, 86, 1987) for the square-lattice
 * Ising and Potts models, through the Fortuin-Kasteleyn / Edwards-Sokal joint representation
 * (Edwards & Sokal, PRD 38, 2009, 1988). A step:
 *
 * 1. Bonds. Every lattice edge <ij> of the energy (each site's down and right neighbour) whose
 *    endpoints agree is opened with probability p = 1 - exp(-beta K), K the energy an unequal
 *    pair costs over an equal one: Ising (s = 2x - 1, E = -lambda sum s_i s_j + ...) K = 2 lambda;
 *    Potts (E = -lambda sum 1[x_i = x_j] + ...) K = lambda. Needs lambda >= 0 (ferromagnetic).
 * 2. Clusters. Rem's union-find with splicing over the open bonds (parent pointers only ever
 *    point to smaller sites, so each cluster's root is its smallest site, whatever the order).
 * 3. Values. Each cluster takes a new value from its exact conditional given the bonds:
 *    P(v) proportional to exp(-beta sum_{i in cluster} b_{i,v}), b the external field (Ising:
 *    b_{i,1} = b_i, b_{i,0} = -b_i); uniform without a field. Draws are keyed by the root.
 *
 * Labelling cost. Step 2 runs as one flat loop (one edge or one union-find step per iteration)
 * capped at `labelBudget` iterations per site, so a GPU invocation stays under llvmpipe's loop
 * limit. When the cap is hit the step keeps the state (acceptance 0 instead of 1). That keeps
 * the target exact: whether the cap is hit depends on the bonds alone, and given the bonds the
 * current state is already a draw from the clusters' conditional, as is the new one.
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { DiscreteModel } from "../models/discrete/model.ts";
import type { IsingModel } from "../models/discrete/ising.ts";
import { neighbours } from "../models/discrete/lattice.ts";
import { ConfigError } from "../io/config.ts";
import { gumbel, uniform01 } from "../random/draws.ts";
import { madF32, mathExp } from "../random/f32math.ts";
import type { CpuChain, DiscreteSampler } from "./sampler.ts";
import { SW_STREAM_BOND, SW_STREAM_VALUE, swWgsl } from "./sw_wgsl.ts";
import { defineSampler } from "./descriptor.ts";

/** Model families Swendsen-Wang runs on. */
export const SW_MODELS: readonly string[] = ["ising", "potts"];

/** Zod schema of the Swendsen-Wang configuration. */
export const SwConfig = z.object({
  name: z.literal("sw"),
  /**
   * Labelling iterations per site (2 per site examine the edges, the rest are union-find
   * steps) before a step is skipped.
   */
  labelBudget: z.number().int().min(3).max(64).default(6),
}).strict();

/** Swendsen-Wang options. */
export type SwOptions = Partial<Omit<z.infer<typeof SwConfig>, "name">>;

/** What a step needs of the lattice model. */
interface SwLattice {
  p: number;
  periodic: boolean;
  /** K of the bond probability 1 - exp(-beta K), rounded to f32. */
  coupling: number;
  /** The field per site and value, `[D, C]` (Ising: -b_i, b_i); null when it is zero. */
  field: Float32Array | null;
}

const f = Math.fround;
const lattices = new WeakMap<DiscreteModel, SwLattice>();

/**
 * The lattice of an Ising or Potts model, or a one-line {@link ConfigError}: other families and
 * antiferromagnetic couplings (lambda < 0) have no Swendsen-Wang representation here.
 */
function swLattice(model: DiscreteModel): SwLattice {
  const known = lattices.get(model);
  if (known) return known;
  if (!SW_MODELS.includes(model.name)) {
    throw new ConfigError(
      `sampler sw supports models ${SW_MODELS.join(", ")}: got '${model.name}'`,
    );
  }
  const m = model as IsingModel;
  if (!(m.lambda >= 0)) {
    throw new ConfigError(
      `sampler sw needs a ferromagnetic coupling: expected ${model.name} lambda >= 0, got ${m.lambda}`,
    );
  }
  const d = model.numSites, c = model.numCategories;
  let field: Float32Array | null = null;
  if (m.field.some((b) => b !== 0)) {
    field = model.name === "ising"
      ? Float32Array.from({ length: 2 * d }, (_, k) => (k & 1 ? 1 : -1) * m.field[k >> 1])
      : m.field.slice(0, d * c);
  }
  const lattice = {
    p: m.size,
    periodic: m.periodic,
    coupling: model.name === "ising" ? f(2 * m.lambda) : m.lambda,
    field,
  };
  lattices.set(model, lattice);
  return lattice;
}

/**
 * Creates a Swendsen-Wang sampler (Ising and Potts models with lambda >= 0).
 *
 * @example
 * ```ts
 * import { isingModel } from "../models/discrete/ising.ts";
 * import { runSampler } from "./engine.ts";
 * import { swSampler } from "./sw.ts";
 * const model = isingModel({ size: 4, mu: 0, sigma: 0, lambda: 0.44 });
 * const r = await runSampler(model, swSampler(), { chains: 4, steps: 20, seed: 1 }, null);
 * console.log(r.acceptance[0]); // 1
 * ```
 */
export function swSampler(opts: SwOptions = {}): DiscreteSampler {
  const cfg = SwConfig.parse({ name: "sw", ...opts });
  const budget = (model: DiscreteModel) => cfg.labelBudget * model.numSites;
  // Per-chain work arrays of the CPU twin (the GPU keeps them in the engine's scratch).
  let parent = new Uint32Array(0), value = new Uint32Array(0), sums = new Float32Array(0);
  const nb = new Int32Array(4);
  return {
    name: "sw",
    config: { sampler: "sw", ...cfg },
    checkModel: (model) => void swLattice(model),
    // A bond pass and an energy pass: two energy evaluations' worth of edge visits.
    evalsPerStep: () => 2,
    // Bonds (D / 2 blocks of 2), labelling (capped), field sums (C per site), field values (C
    // per root), values (D / 4 blocks of 4), energy.
    loopsPerStep: (model) => budget(model) + (5 + 2 * model.numCategories) * model.numSites + 8,
    typicalLoopsPerStep: (model) => 9 * model.numSites,
    initialParam: () => 0,
    cpuStep(model: DiscreteModel, ch: CpuChain): number {
      const lat = swLattice(model);
      const d = model.numSites, c = model.numCategories, x = ch.x, base = ch.base;
      if (parent.length < d) {
        parent = new Uint32Array(d);
        value = new Uint32Array(d);
        sums = new Float32Array(d * c);
      }
      const q = mathExp(-f(ch.beta * lat.coupling));
      // Bonds of every site's down and right edge (bits 0, 1; kept in `value` until the values
      // are drawn), keyed by edge e = 2 i + dir: word e % 4 of Philox block e / 4. One pass with
      // no data-dependent branches, so SIMD lanes (chains) stay together on the GPU.
      let w: Uint32Array = new Uint32Array(4);
      for (let i = 0; i < d; i++) {
        parent[i] = i;
        if ((i & 1) === 0) w = ch.draw(i >> 1, SW_STREAM_BOND);
        neighbours(i, lat.p, lat.periodic, nb);
        let bits = 0;
        for (let dir = 0; dir < 2; dir++) {
          const j = nb[dir === 0 ? 1 : 3];
          const equal = j >= 0 && x[base + i] === x[base + j];
          if (equal && uniform01(w[(2 * i + dir) & 3]) >= q) bits |= 1 << dir;
        }
        value[i] = bits;
      }
      // Labelling: one flat loop, each iteration examines one edge or takes one Rem step.
      let e = 0, a = 0, b = 0, busy = false, done = false;
      const limit = budget(model);
      for (let it = 0; it < limit; it++) {
        if (!busy) {
          if (e >= 2 * d) {
            done = true;
            break;
          }
          const i = e >> 1, dir = e & 1;
          e++;
          if (((value[i] >> dir) & 1) === 0) continue;
          neighbours(i, lat.p, lat.periodic, nb);
          const j = nb[dir === 0 ? 1 : 3];
          a = i;
          b = j;
          busy = true;
          continue;
        }
        const pa = parent[a], pb = parent[b];
        if (pa === pb) {
          busy = false;
          continue;
        }
        // Rem's step on the side whose parent is larger: splice it under the other's parent.
        if (pa < pb) {
          const t = a;
          a = b;
          b = t;
        }
        const hi = Math.max(pa, pb), lo = Math.min(pa, pb);
        parent[a] = lo;
        if (a === hi) busy = false;
        else a = hi;
      }
      if (!done && !busy && e >= 2 * d) done = true;
      if (!done) return 0;
      if (lat.field) {
        // Flatten (parents are smaller, so already flat) and sum the field per root; a root is
        // its cluster's first site, so it starts the sums.
        for (let i = 0; i < d; i++) {
          const r = parent[parent[i]];
          parent[i] = r;
          for (let v = 0; v < c; v++) {
            const bv = lat.field[i * c + v];
            sums[r * c + v] = r === i ? bv : f(sums[r * c + v] + bv);
          }
        }
      }
      // Without a field a root's value is word r % 4 of Philox block r / 4, drawn every fourth
      // site whether or not a root is there (lanes stay together on the GPU).
      let u: Uint32Array = new Uint32Array(4);
      for (let i = 0; i < d; i++) {
        const r = parent[parent[i]];
        parent[i] = r;
        if (!lat.field && (i & 3) === 0) u = ch.draw(i >> 2, SW_STREAM_VALUE);
        if (r === i) {
          value[i] = lat.field
            ? clusterValue(ch, i, c, sums)
            : Math.floor((u[i & 3] * c) / 2 ** 32);
        }
        const v = value[r];
        if (v !== x[base + i]) ch.set(i, v);
      }
      ch.energy = model.energy(x, base);
      return 1;
    },
    wgsl: (model) => {
      swLattice(model);
      return swWgsl(model.name);
    },
    wgslSizes: (model) => {
      const lat = swLattice(model);
      return {
        SAMPLER_SW_COUPLING: { type: "f32", value: lat.coupling },
        SAMPLER_SW_BUDGET: { type: "u32", value: budget(model) },
        SAMPLER_SW_FIELD: { type: "u32", value: lat.field ? 1 : 0 },
      };
    },
    // u32: parent [D], value [D]; f32: per-root field sums [D, C] (only with a field).
    scratch: (model) => ({
      f32: swLattice(model).field ? model.numSites * model.numCategories : 0,
      u32: 2 * model.numSites,
    }),
  };
}

/**
 * The new value of the cluster rooted at `root` under a field: Gumbel-max over `-beta F_v`, F
 * the cluster's summed field.
 */
function clusterValue(ch: CpuChain, root: number, c: number, sums: Float32Array): number {
  let best = -Infinity, bestV = 0;
  let w = ch.draw(root, SW_STREAM_VALUE + 1);
  for (let v = 0; v < c; v++) {
    if (v > 0 && (v & 3) === 0) w = ch.draw(root, SW_STREAM_VALUE + 1 + (v >> 2));
    const key = madF32(-ch.beta, sums[root * c + v], gumbel(w[v & 3]));
    if (key > best) {
      best = key;
      bestV = v;
    }
  }
  return bestV;
}

/** The registry entry of `sw`. */
export const swDescriptor = defineSampler({
  name: "sw",
  summary: "Swendsen-Wang: percolate bonds, label clusters, give each cluster a new value.",
  schema: SwConfig,
  build: (c) => swSampler(c),
  cheap: false,
  balanced: false,
  co: { config: {}, adapt: "off" },
  models: SW_MODELS,
});
