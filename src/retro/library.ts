/**
 * The template library: templates extracted from mapped training reactions (cached per reaction
 * as JSON lines, resumable), each kept only if it gives back its own recorded reactants, then
 * de-duplicated with counts.
 * @module
 */
import { canonicalSet, type RDKitModule } from "./rdkit.ts";
import { type ExtractOptions, extractTemplate } from "./template_extract.ts";
import { applyTemplate, TemplateCache } from "./template_apply.ts";

/** One training reaction after extraction. */
export interface ExtractedReaction {
  id: string;
  /** Canonical product (isomeric). */
  product: string;
  /** Canonical reactant set (isomeric). */
  reactants: string;
  /** The retro template, or null with `error`. */
  template: string | null;
  /** The template applied to the product gives the recorded reactants back (stereo ignored). */
  selfCheck?: boolean;
  error?: string;
}

/**
 * Extracts and self-checks one mapped reaction (`mappedReactants>>mappedProduct`); the recorded
 * reactants/product default to the mapped ones with maps stripped.
 */
export function extractReaction(
  RDKit: RDKitModule,
  cache: TemplateCache,
  id: string,
  mapped: string,
  opts: ExtractOptions = {},
): ExtractedReaction {
  const sides = mapped.split(">");
  const [mr, mp] = [sides[0], sides[sides.length - 1]];
  let product = "", reactants = "";
  try {
    product = canonicalSet(RDKit, mp);
    reactants = canonicalSet(RDKit, mr);
    const template = extractTemplate(RDKit, mr, mp, opts);
    const flat = canonicalSet(RDKit, mr, { isomeric: false });
    const selfCheck = applyTemplate(cache, template, product, { isomeric: false }).includes(flat);
    return { id, product, reactants, template, selfCheck };
  } catch (e) {
    return { id, product, reactants, template: null, error: (e as Error).message.slice(0, 120) };
  }
}

/** A de-duplicated template library. */
export interface TemplateLibrary {
  templates: string[];
  /** Training reactions per template. */
  counts: number[];
}

/**
 * Builds the library from extracted reactions: templates that pass their self-check, with counts,
 * most frequent first (ties by string), keeping those seen at least `minCount` times.
 *
 * @example
 * ```ts
 * import { buildLibrary } from "./library.ts";
 * const lib = buildLibrary([{ id: "a", product: "P", reactants: "R", template: "t", selfCheck: true }]);
 * lib.templates; // ["t"]
 * ```
 */
export function buildLibrary(reactions: ExtractedReaction[], minCount = 1): TemplateLibrary {
  const counts = new Map<string, number>();
  for (const r of reactions) {
    if (r.template && r.selfCheck) counts.set(r.template, (counts.get(r.template) ?? 0) + 1);
  }
  const sorted = [...counts].filter(([, c]) => c >= minCount).sort((a, b) =>
    b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  );
  return { templates: sorted.map(([t]) => t), counts: sorted.map(([, c]) => c) };
}
