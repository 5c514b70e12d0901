/**
 * A trained retrosynthesis model on disk (`<dir>/model/`): the template library, the backward
 * MLP, the forward and prior scorers and the dual weights; {@link RetroModel.predict} gives a
 * product's ranked reactant sets with every energy term.
 * @module
 */
import { type Candidate, propose, templateLogProbs } from "./backward.ts";
import { dualEnergy, type DualWeights, type EnergyTerms, rankByDual } from "./dual.ts";
import type { TemplateLibrary } from "./library.ts";
import { canonicalSet, InvalidSmilesError, morganBits, type RDKitModule } from "./rdkit.ts";
import { forwardFeatures, FP, priorFeatures, productBits, score } from "./rerank.ts";
import { SimilarityIndex } from "./similarity.ts";
import { SparseMlp } from "./sparse_mlp.ts";
import { TemplateCache } from "./template_apply.ts";

/** One ranked answer. */
export interface RankedReactants extends EnergyTerms {
  reactants: string;
  /** Dual energy (lower is better). */
  energy: number;
  /** The templates (SMARTS) that give this set. */
  templates: string[];
}

/** A prediction: ranked answers, or none with the reason. */
export interface Prediction {
  product: string;
  ranked: RankedReactants[];
  reason?: string;
}

/** Proposal settings. */
export interface PredictOptions {
  topTemplates?: number;
  maxCandidates?: number;
}

/** The scorers of a model besides the backward MLP (each optional: its term is then 0). */
export interface Scorers {
  forward: SparseMlp | null;
  prior: SparseMlp | null;
  similarity: SimilarityIndex | null;
}

/** Candidate energy terms for a product (also used in training). */
export function candidateTerms(
  RDKit: RDKitModule,
  pBits: number[],
  cands: Candidate[],
  scorers: Scorers,
): EnergyTerms[] {
  const { forward, prior, similarity } = scorers;
  const pSims = new Map<number, number>();
  return cands.map((c) => {
    const rBits = morganBits(RDKit, c.reactants, FP.radius, FP.nBits);
    return {
      logPb: c.logPb,
      forward: forward ? score(forward, forwardFeatures(pBits, rBits)) : 0,
      prior: prior ? score(prior, priorFeatures(rBits, c.reactants.split(".").length)) : 0,
      similarity: similarity ? similarity.score(pBits, rBits, c.templates, pSims) : 0,
    };
  });
}

/** Dual weights of a model that has none (the backward model alone). */
export const BACKWARD_ONLY: DualWeights = { backward: 1, forward: 0, prior: 0, similarity: 0 };

/** The loaded model. */
export class RetroModel {
  readonly cache: TemplateCache;
  constructor(
    readonly RDKit: RDKitModule,
    readonly library: TemplateLibrary,
    readonly backward: SparseMlp,
    readonly forward: SparseMlp | null,
    readonly prior: SparseMlp | null,
    readonly weights: DualWeights,
    readonly similarity: SimilarityIndex | null = null,
  ) {
    this.cache = new TemplateCache(RDKit);
  }

  /** Loads `<dir>/model/` (forward, prior, similarity and dual weights optional). */
  static async load(RDKit: RDKitModule, dir: string): Promise<RetroModel> {
    const lib = JSON.parse(await Deno.readTextFile(`${dir}/library.json`)) as TemplateLibrary;
    const backward = await SparseMlp.load(`${dir}/model/backward.bin`);
    const opt = async (p: string) => (await exists(p)) ? await SparseMlp.load(p) : null;
    const forward = await opt(`${dir}/model/forward.bin`);
    const prior = await opt(`${dir}/model/prior.bin`);
    const simPath = `${dir}/model/similarity.bin`;
    const similarity = (await exists(simPath)) ? await SimilarityIndex.load(simPath) : null;
    // Models trained before the similarity energy have no weight for it.
    const weights: DualWeights = (await exists(`${dir}/model/dual.json`))
      ? {
        ...BACKWARD_ONLY,
        similarity: 0,
        ...JSON.parse(await Deno.readTextFile(`${dir}/model/dual.json`)).weights,
      }
      : BACKWARD_ONLY;
    return new RetroModel(RDKit, lib, backward, forward, prior, weights, similarity);
  }

  /** Backward candidates for a canonical product. */
  candidates(product: string, opts: PredictOptions = {}): { pBits: number[]; cands: Candidate[] } {
    const pBits = productBits(this.RDKit, product);
    const logp = templateLogProbs(this.backward, pBits);
    const cands = propose(this.cache, this.library.templates, logp, product, {
      topTemplates: opts.topTemplates ?? 50,
      maxCandidates: opts.maxCandidates ?? 20,
    });
    return { pBits, cands };
  }

  /**
   * Ranked reactant sets for `smiles` (any SMILES of the product; maps are ignored). Throws
   * {@link InvalidSmilesError} for unparsable input; an empty list comes with a reason.
   */
  predict(smiles: string, opts: PredictOptions & { weights?: DualWeights } = {}): Prediction {
    const product = canonicalSet(this.RDKit, smiles);
    if (product.includes(".")) {
      throw new InvalidSmilesError(
        smiles,
        "single-molecule product SMILES (got several fragments)",
      );
    }
    const { pBits, cands } = this.candidates(product, opts);
    if (cands.length === 0) {
      return {
        product,
        ranked: [],
        reason: `none of the ${
          opts.topTemplates ?? 50
        } most probable templates applies to this product`,
      };
    }
    const terms = candidateTerms(this.RDKit, pBits, cands, this);
    const w = opts.weights ?? this.weights;
    const order = rankByDual(terms, w);
    return {
      product,
      ranked: order.map((i) => ({
        reactants: cands[i].reactants,
        ...terms[i],
        energy: dualEnergy(terms[i], w),
        templates: cands[i].templates.map((t) => this.library.templates[t]),
      })),
    };
  }

  /** Frees compiled templates. */
  dispose(): void {
    this.cache.dispose();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
