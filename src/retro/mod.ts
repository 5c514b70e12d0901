/**
 * Retrosynthesis as energy-based models (issue 21): RDKit/Indigo chemistry, template extraction
 * and application, the backward/forward/prior energies, the dual re-ranker and the pipeline.
 *
 * @example
 * ```ts
 * import { applyTemplate, canonicalSet, loadRdkit, TemplateCache } from "./mod.ts";
 * const RDKit = await loadRdkit();
 * const cache = new TemplateCache(RDKit);
 * const product = canonicalSet(RDKit, "OC1=CC=C(NC(C)=O)C=C1");
 * applyTemplate(cache, "[C:1](=[O:2])[NH1:3]>>[C:1](=[O:2])O.[N:3]", product); // ["CC(=O)O.Nc1ccc(O)cc1"]
 * cache.dispose();
 * ```
 * @module
 */
export {
  canonicalSet,
  canonicalSmiles,
  InvalidSmilesError,
  loadRdkit,
  morganBits,
  type RDKitModule,
} from "./rdkit.ts";
export { parseReactionCsv, type ReactionRow, readReactionCsv } from "./data.ts";
export { automapReaction, loadIndigo, type MappedEntry, mapReactions } from "./indigo_map.ts";
export { ExtractionError, extractTemplate, SPECIAL_GROUPS } from "./template_extract.ts";
export { applyTemplate, TemplateCache } from "./template_apply.ts";
export { buildLibrary, type ExtractedReaction, type TemplateLibrary } from "./library.ts";
export { BackwardConfig, propose, templateLogProbs, trainBackward } from "./backward.ts";
export { ScorerConfig, trainScorer } from "./rerank.ts";
export { dualEnergy, type DualWeights, type EnergyTerms, fitDual, rankByDual } from "./dual.ts";
export { type Prediction, type RankedReactants, RetroModel } from "./model.ts";
export {
  evaluate as evaluateRetro,
  mappingAgreement,
  prepare as prepareRetro,
  RetroTrainConfig,
  trainAll as trainRetro,
} from "./pipeline.ts";
