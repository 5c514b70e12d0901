/**
 * The chains x sites layout of the discrete engine: one workgroup of {@link SITES_WG}
 * invocations steps one chain, each invocation owning the quads of sites `q = lid, lid +
 * SITES_WG, ...` (sites 4q..4q+3). Per-chain sums (energy, log-sum-exp, proposal
 * log-probabilities) are formed per invocation in its site order, then combined by a workgroup
 * tree with strides SITES_WG / 2, ..., 1; the CPU twin forms the same partials and the same tree,
 * so it replays a GPU run bit for bit. Maxima (Gumbel-max) and integer counts (Hamming) use a total
 * order or exact arithmetic, so any order gives the same answer.
 *
 * Per invocation the loop work of a step is about (sites per invocation) x (model call cost),
 * a 1 / SITES_WG share of the per-chain layout's, which lifts llvmpipe's 65,535-iteration limit
 * for paper-scale models (MIS on ER-[700-800] graphs). The engine picks this layout where the
 * per-chain one would be refused ({@link chooseLayout}) and records it in the run's result.
 * @module
 */
import {
  assembleProgram,
  type GpuContext,
  hasLoopLimit,
  LLVMPIPE_LOOP_LIMIT,
  type Program,
  sizeFields,
  sizeVarsWgsl,
  type TypedScalar,
  UniformLayout,
} from "../gpu/mod.ts";
import { rngWgsl } from "../wgsl/mod.ts";
import { type DiscreteModel, modelSizes } from "../models/discrete/model.ts";
import { madF32, mathExp, mathLog } from "../random/f32math.ts";
import type { DiscreteSampler } from "./sampler.ts";
import { adaptMain, ENGINE_FIELDS, ENGINE_HELPERS, engineBindingGroups } from "./engine_wgsl.ts";
import {
  SITES_INIT_MAIN,
  SITES_REFRESH_MAIN,
  SITES_STEP_MAIN,
  sitesHelpersWgsl,
} from "./engine_sites_wgsl.ts";

/** Invocations per chain (workgroup size) of the chains x sites layout; fixes the tree order. */
export const SITES_WG = 128;

/** How the engine lays out work: one invocation per chain, or one workgroup per chain. */
export type EngineLayout = "chains" | "sites";

const f = Math.fround;
const TREE_DEPTH = Math.log2(SITES_WG);

/** Sites one invocation owns at most: whole quads, ceil(D / 4 / SITES_WG) of them. */
export function sitesPerInvocation(numSites: number): number {
  return 4 * Math.ceil(Math.ceil(numSites / 4) / SITES_WG);
}

/** Calls `fn(i)` for every site invocation `lid` owns, in its order. */
export function forInvocationSites(d: number, lid: number, fn: (i: number) => void): void {
  for (let q = lid; q * 4 < d; q += SITES_WG) {
    for (let i = q * 4; i < q * 4 + 4 && i < d; i++) fn(i);
  }
}

/** The workgroup tree over SITES_WG f32 partials (in place): `sites_sum2` in WGSL. */
export function sitesTreeSum(parts: Float32Array): number {
  for (let s = SITES_WG >> 1; s > 0; s >>= 1) {
    for (let l = 0; l < s; l++) parts[l] = f(parts[l] + parts[l + s]);
  }
  return parts[0];
}

const PARTS = new Float32Array(SITES_WG);
const PARTS_S = new Float32Array(SITES_WG);

/** Sum of `value(i)` over sites: per-invocation partials in site order, then the tree. */
export function sitesSum(d: number, value: (i: number) => number): number {
  for (let lid = 0; lid < SITES_WG; lid++) {
    let s = 0;
    forInvocationSites(d, lid, (i) => s = f(s + value(i)));
    PARTS[lid] = s;
  }
  return sitesTreeSum(PARTS);
}

/**
 * log sum exp of `w(i)` over sites: each invocation's online log-sum-exp (the CPU form of
 * `lseUnitWgsl`), merged by the tree of `sites_lse`.
 */
export function sitesLse(d: number, w: (i: number) => number): number {
  for (let lid = 0; lid < SITES_WG; lid++) {
    let m = -Infinity, s = 0;
    forInvocationSites(d, lid, (i) => {
      const l = w(i);
      if (l > m) s = madF32(s, mathExp(f(m - l)), 1), m = l;
      else if (l > -Infinity) s = f(s + mathExp(f(l - m)));
    });
    PARTS[lid] = m;
    PARTS_S[lid] = s;
  }
  for (let st = SITES_WG >> 1; st > 0; st >>= 1) {
    for (let l = 0; l < st; l++) {
      const m1 = PARTS[l], s1 = PARTS_S[l], m2 = PARTS[l + st], s2 = PARTS_S[l + st];
      const swap = m2 > m1;
      const hm = swap ? m2 : m1, hs = swap ? s2 : s1, lm = swap ? m1 : m2, ls = swap ? s1 : s2;
      PARTS[l] = hm;
      PARTS_S[l] = lm === -Infinity ? hs : madF32(ls, mathExp(f(lm - hm)), hs);
    }
  }
  return f(PARTS[0] + mathLog(PARTS_S[0]));
}

/** E(x) of the chain at `base` as the layout computes it: the tree sum of site energies. */
export function sitesEnergy(model: DiscreteModel, x: Uint32Array, base: number): number {
  const se = model.siteEnergy;
  if (!se) throw new Error(`${model.name} has no site energy: the chains x sites layout needs one`);
  // Count models sum integers (exact in any order): their energy is the model's own.
  if (se.counts) return model.energy(x, base);
  return sitesSum(model.numSites, (i) => se.energy(x, base, i));
}

/** Loop iterations of one model call (`model_grad`, `model_site_energy`) on this model. */
function callCost(model: DiscreteModel): number {
  return model.wgsl.loopCost?.call ?? 0;
}

/**
 * Loop iterations per invocation of one step (sampler, Hamming recount, trace) and of the
 * init program, in the chains x sites layout.
 */
export function sitesLoops(
  model: DiscreteModel,
  sampler: DiscreteSampler,
): { step: number; init: number } {
  const n = sitesPerInvocation(model.numSites), c = callCost(model);
  const stepLoops = sampler.sites?.loopsPerStep(model, n, c) ?? Infinity;
  // 10% over the samplers' counts: on MIS ER-762 at density 0.25 (degree ~190) llvmpipe's
  // limiter first changed DMALA's results at 1.3x the unpadded count's steps per dispatch.
  return {
    step: Math.ceil(1.1 * (stepLoops + 2 * n + TREE_DEPTH + 8)),
    init: 2 * n + n * (2 + c) + 3 * TREE_DEPTH + 8,
  };
}

/** Why this model and sampler have no chains x sites program (independent of the adapter). */
export function sitesProblem(model: DiscreteModel, sampler: DiscreteSampler): string | null {
  const what = `${model.name} x ${sampler.name}`;
  if (!sampler.sites) return `${what}: ${sampler.name} has no chains x sites step`;
  if (!model.siteEnergy) return `${what}: ${model.name} has no site energy`;
  if (sampler.exchange) return `${what}: exchanging chains are not available`;
  return sampler.sites.unsupported?.(model) ?? null;
}

/**
 * Why the chains x sites layout cannot run this model and sampler on this adapter, or null:
 * no program for the pair, or (on llvmpipe) one step of one invocation over the loop limit.
 */
export function sitesLimitReason(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: GpuContext | null,
): string | null {
  const problem = sitesProblem(model, sampler);
  if (problem || !gpu || !hasLoopLimit(gpu)) return problem;
  const { step, init } = sitesLoops(model, sampler);
  const worst = Math.max(step, init);
  if (worst <= 0.9 * LLVMPIPE_LOOP_LIMIT) return null;
  return `${model.name} x ${sampler.name} needs about ${worst} loop iterations per invocation ` +
    `even with ${SITES_WG} invocations per chain, over llvmpipe's limit of ${LLVMPIPE_LOOP_LIMIT}`;
}

/**
 * Why `"auto"` does not take the chains x sites layout for this pair on this adapter, or null:
 * {@link sitesLimitReason}, or the step is for explicit use only (`SitesStep.explicitOnly`).
 */
export function sitesAutoReason(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: GpuContext | null,
): string | null {
  const only = sampler.sites?.explicitOnly;
  if (only) return `${model.name} x ${sampler.name}: taken only when asked for (${only})`;
  return sitesLimitReason(model, sampler, gpu);
}

/** Steps of one chain per dispatch under the loop budget (Infinity without a limit). */
export function sitesStepsPerDispatch(
  model: DiscreteModel,
  sampler: DiscreteSampler,
  gpu: GpuContext,
): number {
  if (!hasLoopLimit(gpu)) return Infinity;
  const { step } = sitesLoops(model, sampler);
  return Math.max(1, Math.floor((0.9 * LLVMPIPE_LOOP_LIMIT - 16) / step));
}

/** Every size the layout's programs read: the model's, the scratch stride, the sampler's. */
export function sitesSizes(
  model: DiscreteModel,
  sampler: DiscreteSampler,
): Record<string, TypedScalar> {
  const sizes: Record<string, TypedScalar> = {
    ...modelSizes(model),
    SITES_WORDS: { type: "u32", value: sampler.sites?.scratchWords(model) ?? 0 },
    // The per-chain helpers' scratch offset (unused by this layout's programs).
    SCRATCH_U0: { type: "u32", value: 0 },
  };
  for (const [name, v] of Object.entries(sampler.wgslSizes?.(model) ?? {})) {
    if (name in sizes) throw new Error(`sampler size '${name}' clashes with a model size`);
    sizes[name] = v;
  }
  return sizes;
}

/** The uniform block of the layout's programs: the engine's fields, then every size. */
export function sitesLayout(sizes: Record<string, TypedScalar>): UniformLayout {
  return new UniformLayout("EngineParams", [...ENGINE_FIELDS, ...sizeFields(sizes)]);
}

/**
 * The WGSL sources of the layout's programs, in the order init, refresh, step, adapt (the
 * adapt program is the per-chain layout's: one thread averages `accept`). Like the per-chain
 * programs, the text depends on the model's family and the options, never on its size.
 */
export function sitesEngineSources(model: DiscreteModel, sampler: DiscreteSampler): Program[] {
  const problem = sitesProblem(model, sampler);
  if (problem) throw new Error(problem);
  const sizes = sitesSizes(model, sampler);
  const groups = engineBindingGroups(model.wgsl.params);
  const constants = {
    WG: { type: "u32" as const, value: 1 },
    SITES_WG: { type: "u32" as const, value: SITES_WG },
  };
  const snippets = [
    sitesLayout(sizes).wgsl(),
    sizeVarsWgsl(sizes, "params", "engine_load_sizes"),
    rngWgsl(),
    ENGINE_HELPERS,
    model.wgsl.code,
    model.siteEnergy!.wgsl,
    model.siteEnergy!.counts ?? "",
    sitesHelpersWgsl(Boolean(model.siteEnergy!.counts)),
    sampler.sites!.wgsl(model),
  ];
  const make = (label: string, body: string, workgroupSize: number) =>
    assembleProgram({
      label: `${model.name}/${sampler.name}/sites-${label}`,
      groups,
      constants,
      snippets,
      body,
      workgroupSize,
    });
  return [
    make("init", SITES_INIT_MAIN, SITES_WG),
    make("refresh", SITES_REFRESH_MAIN, SITES_WG),
    make("step", SITES_STEP_MAIN, SITES_WG),
    make("adapt", adaptMain(Boolean(sampler.adaptation)), 1),
  ];
}
