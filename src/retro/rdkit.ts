/**
 * The chemistry seam on RDKit MinimalLib (WASM, `npm:@rdkit/rdkit`): loading once, parsing with a
 * typed error, canonical SMILES, canonical reactant sets and Morgan fingerprints. Every Mol is
 * freed before returning, so long loops do not leak WASM memory.
 * @module
 */
import rdkit from "npm:@rdkit/rdkit@2026.9.1";
import type { MainModule, Mol as JSMol } from "npm:@rdkit/rdkit@2026.9.1";

/** The RDKit MinimalLib module type. */
export type RDKitModule = MainModule;

/** A SMILES (or SMARTS) string that RDKit could not parse. */
export class InvalidSmilesError extends Error {
  constructor(readonly smiles: string, what = "SMILES") {
    super(`invalid ${what} '${smiles.length > 80 ? smiles.slice(0, 77) + "..." : smiles}'`);
    this.name = "InvalidSmilesError";
  }
}

let rdkitPromise: Promise<RDKitModule> | null = null;

/**
 * Loads RDKit MinimalLib once per process (about 0.2 s).
 *
 * @example
 * ```ts
 * import { canonicalSet, canonicalSmiles, loadRdkit, morganBits, withMol } from "./rdkit.ts";
 * const RDKit = await loadRdkit();
 * RDKit.version(); // "2026.09.1"
 * ```
 */
export function loadRdkit(): Promise<RDKitModule> {
  // The package is CommonJS with an ESM-style .d.ts: `.default` is the typed factory.
  rdkitPromise ??= (rdkit as unknown as { default: () => Promise<RDKitModule> }).default();
  return rdkitPromise;
}

/**
 * Parses `smiles`, runs `fn` on the Mol and frees it; throws {@link InvalidSmilesError} when
 * RDKit rejects the input.
 *
 * @example
 * ```ts
 * import { canonicalSet, canonicalSmiles, loadRdkit, morganBits, withMol } from "./rdkit.ts";
 * const RDKit = await loadRdkit();
 * withMol(RDKit, "CCO", (m) => m.get_num_atoms()); // 3
 * ```
 */
export function withMol<T>(RDKit: RDKitModule, smiles: string, fn: (mol: JSMol) => T): T {
  if (smiles.trim() === "") throw new InvalidSmilesError(smiles);
  const mol = RDKit.get_mol(smiles);
  if (!mol) throw new InvalidSmilesError(smiles);
  try {
    if (!mol.is_valid()) throw new InvalidSmilesError(smiles);
    return fn(mol);
  } finally {
    mol.delete();
  }
}

/** Options of {@link canonicalSmiles}. */
export interface CanonicalOptions {
  /** Keep stereo (default true). */
  isomeric?: boolean;
  /** Remove atom-map numbers first (default true). */
  stripMaps?: boolean;
}

const MAP_RE = /:\d+\]/g;

/** Removes atom-map numbers from a SMILES string (`[CH3:4]` -> `[CH3]`). */
export function stripAtomMaps(smiles: string): string {
  return smiles.replace(MAP_RE, "]");
}

/**
 * RDKit's canonical SMILES of `smiles`; maps are stripped unless `stripMaps` is false.
 *
 * @example
 * ```ts
 * import { canonicalSet, canonicalSmiles, loadRdkit, morganBits, withMol } from "./rdkit.ts";
 * const RDKit = await loadRdkit();
 * canonicalSmiles(RDKit, "OC1=CC=C(NC(C)=O)C=C1"); // "CC(=O)Nc1ccc(O)cc1"
 * ```
 */
export function canonicalSmiles(
  RDKit: RDKitModule,
  smiles: string,
  opts: CanonicalOptions = {},
): string {
  const input = opts.stripMaps === false ? smiles : stripAtomMaps(smiles);
  return withMol(
    RDKit,
    input,
    (m) =>
      opts.isomeric === false
        ? m.get_smiles(JSON.stringify({ doIsomericSmiles: false }))
        : m.get_smiles(),
  );
}

/**
 * The canonical form of a set of molecules written as one dot-separated SMILES: each fragment
 * canonicalised, sorted, joined by ".". Two reactant sets are the same answer iff their keys match.
 *
 * @example
 * ```ts
 * import { canonicalSet, canonicalSmiles, loadRdkit, morganBits, withMol } from "./rdkit.ts";
 * const RDKit = await loadRdkit();
 * canonicalSet(RDKit, "OC(C)=O.Nc1ccc(O)cc1"); // "CC(=O)O.Nc1ccc(O)cc1"
 * ```
 */
export function canonicalSet(
  RDKit: RDKitModule,
  smiles: string,
  opts: CanonicalOptions = {},
): string {
  const whole = canonicalSmiles(RDKit, smiles, opts);
  return whole.split(".").sort().join(".");
}

/**
 * Morgan (ECFP-like) fingerprint of `smiles` as the sorted indices of its on bits.
 *
 * @example
 * ```ts
 * import { canonicalSet, canonicalSmiles, loadRdkit, morganBits, withMol } from "./rdkit.ts";
 * const RDKit = await loadRdkit();
 * morganBits(RDKit, "CC(=O)Nc1ccc(O)cc1", 2, 2048).length; // 20
 * ```
 */
export function morganBits(
  RDKit: RDKitModule,
  smiles: string,
  radius = 2,
  nBits = 2048,
): number[] {
  return withMol(RDKit, smiles, (m) => {
    const bytes = m.get_morgan_fp_as_uint8array(JSON.stringify({ radius, nBits }));
    const on: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0) continue;
      for (let k = 0; k < 8; k++) if (b & (1 << k)) on.push(i * 8 + k);
    }
    return on;
  });
}

/**
 * Morgan count-free bits of a product parsed once: checks bit order against `get_morgan_fp`.
 * Exposed for tests; `morganBits` is the fast path.
 */
export function morganBitString(
  RDKit: RDKitModule,
  smiles: string,
  radius = 2,
  nBits = 2048,
): string {
  return withMol(RDKit, smiles, (m) => m.get_morgan_fp(JSON.stringify({ radius, nBits })));
}

/** RDKit's SVG drawing of `smiles` (dashboard). */
export function moleculeSvg(RDKit: RDKitModule, smiles: string, width = 300, height = 200): string {
  return withMol(RDKit, smiles, (m) => m.get_svg(width, height));
}
