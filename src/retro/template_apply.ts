/**
 * Applying retro templates to a product with RDKit (`get_rxn` + `run_reactants`). Each outcome is
 * re-parsed, which sanitises it: outcomes with impossible valences or unkekulisable rings are
 * dropped (the valence check). With `stereo`, outcomes must keep every stereocentre of the product
 * that the template did not touch (RDKit copies atom chirality through unchanged atoms, so a lost
 * centre signals a template that rewired it). Results are canonical reactant sets, de-duplicated.
 * @module
 */
import type { RDKitModule } from "./rdkit.ts";
import { canonicalSet } from "./rdkit.ts";

type Rxn = NonNullable<ReturnType<RDKitModule["get_rxn"]>>;

/** Compiled reactions by SMARTS (templates are reused across products). */
export class TemplateCache {
  #rxns = new Map<string, Rxn | null>();
  constructor(readonly RDKit: RDKitModule) {}

  /** The compiled reaction, or null if RDKit rejects the SMARTS. */
  get(smarts: string): Rxn | null {
    let r = this.#rxns.get(smarts);
    if (r === undefined) {
      r = this.RDKit.get_rxn(smarts) ?? null;
      this.#rxns.set(smarts, r);
    }
    return r;
  }

  /** Frees every compiled reaction. */
  dispose(): void {
    for (const r of this.#rxns.values()) r?.delete();
    this.#rxns.clear();
  }
}

/** Options of {@link applyTemplate}. */
export interface ApplyOptions {
  /** Most raw outcomes RDKit enumerates (default 50). */
  maxProducts?: number;
  /** Compare with stereo (isomeric SMILES, default true). */
  isomeric?: boolean;
}

/**
 * Applies one retro template to `product` and returns the distinct canonical reactant sets.
 *
 * @example
 * ```ts
 * import { loadRdkit } from "./rdkit.ts";
 * import { applyTemplate, TemplateCache } from "./template_apply.ts";
 * const RDKit = await loadRdkit();
 * const cache = new TemplateCache(RDKit);
 * applyTemplate(cache, "[C:1](=[O:2])[NH1:3]>>[C:1](=[O:2])O.[N:3]", "CC(=O)Nc1ccc(O)cc1");
 * // ["CC(=O)O.Nc1ccc(O)cc1"]
 * cache.dispose();
 * ```
 */
export function applyTemplate(
  cache: TemplateCache,
  template: string,
  product: string,
  opts: ApplyOptions = {},
): string[] {
  const RDKit = cache.RDKit;
  const rxn = cache.get(template);
  if (!rxn) return [];
  const mol = RDKit.get_mol(product);
  if (!mol) return [];
  const list = new RDKit.MolList();
  const found = new Set<string>();
  try {
    list.append(mol);
    const outcomes = rxn.run_reactants(list, opts.maxProducts ?? 50);
    try {
      const n = outcomes.size();
      for (let i = 0; i < n; i++) {
        const set = outcomes.get(i);
        if (!set) continue;
        const parts: string[] = [];
        try {
          for (let j = 0; j < set.size(); j++) {
            const m = set.at(j);
            if (!m) continue;
            parts.push(m.get_smiles());
            m.delete();
          }
        } finally {
          set.delete();
        }
        try {
          found.add(canonicalSet(RDKit, parts.join("."), { isomeric: opts.isomeric ?? true }));
        } catch {
          // failed sanitisation (valence, aromaticity): not a real outcome
        }
      }
    } finally {
      outcomes.delete();
    }
  } finally {
    list.delete();
    mol.delete();
  }
  return [...found].sort();
}
