/**
 * From structures to a binding example: ligand selection by residue name (complexes stored in
 * one PDB file), the pocket (receptor residues nearest the ligand) and featurisation by atom and
 * residue type. Hydrogens and waters are dropped.
 * @module
 */
import { ConfigError } from "../io/config.ts";
import { type Structure, subset } from "./structure.ts";

/** Element classes for atom features: C, N, O, S, P, halogen, other. */
export const ELEMENT_CLASSES = ["C", "N", "O", "S", "P", "halogen", "other"] as const;
/** Residue classes for pocket features: the 20 standard amino acids, then other. */
export const RESIDUE_CLASSES = [
  "ALA",
  "ARG",
  "ASN",
  "ASP",
  "CYS",
  "GLN",
  "GLU",
  "GLY",
  "HIS",
  "ILE",
  "LEU",
  "LYS",
  "MET",
  "PHE",
  "PRO",
  "SER",
  "THR",
  "TRP",
  "TYR",
  "VAL",
  "other",
] as const;
const WATERS = new Set(["HOH", "WAT", "DOD", "H2O"]);

/** Index of an element in {@link ELEMENT_CLASSES}. */
export function elementClass(element: string): number {
  const i = ["C", "N", "O", "S", "P"].indexOf(element);
  if (i >= 0) return i;
  return ["F", "Cl", "Br", "I"].includes(element) ? 5 : 6;
}

/** Index of a residue name in {@link RESIDUE_CLASSES} (HIS variants map to HIS). */
export function residueClass(resName: string): number {
  const r = ["HID", "HIE", "HIP"].includes(resName) ? "HIS" : resName;
  const i = (RESIDUE_CLASSES as readonly string[]).indexOf(r);
  return i >= 0 ? i : RESIDUE_CLASSES.length - 1;
}

/**
 * A protein-ligand complex ready for the energy network: coordinates and one-hot feature rows
 * (row-major, `ligandDim` / `pocketDim` columns).
 */
export interface BindingExample {
  name: string;
  ligand: Float64Array;
  ligandFeatures: Float32Array;
  ligandDim: number;
  pocket: Float64Array;
  pocketFeatures: Float32Array;
  pocketDim: number;
}

function heavy(s: Structure, keep: (i: number) => boolean): Structure {
  const idx: number[] = [];
  s.atoms.forEach((a, i) => {
    if (a.element !== "H" && !WATERS.has(a.resName) && keep(i)) idx.push(i);
  });
  return subset(s, idx);
}

/**
 * Splits a complex stored in one file into ligand (heavy atoms of the first residue named
 * `resName`) and receptor (every other non-water, non-hetero heavy atom).
 *
 * @example
 * ```ts
 * import { parsePdb, selectLigand } from "./mod.ts";
 * const pdb = [
 *   "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C",
 *   "HETATM    2  C1  LIG A 100       3.000   0.000   0.000  1.00  0.00           C",
 * ].join("\n");
 * const { ligand, receptor } = selectLigand(parsePdb(pdb, "toy.pdb"), "LIG");
 * ```
 */
export function selectLigand(
  s: Structure,
  resName: string,
): { ligand: Structure; receptor: Structure } {
  const first = s.atoms.find((a) => a.resName === resName);
  if (!first) {
    const het = [
      ...new Set(s.atoms.filter((a) => a.hetero && !WATERS.has(a.resName)).map((a) => a.resName)),
    ];
    throw new ConfigError(
      `${s.file}: no atoms with residue name '${resName}' (hetero residues here: ${
        het.join(", ") || "none"
      })`,
    );
  }
  const sameRes = (i: number) => {
    const a = s.atoms[i];
    return a.resName === resName && a.chain === first.chain && a.resSeq === first.resSeq;
  };
  const ligand = heavy(s, sameRes);
  if (ligand.atoms.length === 0) {
    throw new ConfigError(`${s.file}:${first.line}: ligand '${resName}' has no heavy atoms`);
  }
  const receptor = heavy(s, (i) => !s.atoms[i].hetero);
  return { ligand, receptor };
}

/** Options of {@link pocketOf}. */
export interface PocketOptions {
  /** Residues with an atom within this distance (angstrom) of a ligand atom qualify (default 10). */
  cutoff?: number;
  /** Keep at most this many residues, nearest first (default 50, as the authors' code). */
  maxResidues?: number;
}

/**
 * The pocket: heavy atoms of the receptor residues nearest the ligand (by minimum atom
 * distance), at most `maxResidues` within `cutoff`.
 *
 * @example
 * ```ts
 * import { parsePdb, pocketOf, selectLigand } from "./mod.ts";
 * const pdb = [
 *   "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C",
 *   "HETATM    2  C1  LIG A 100       3.000   0.000   0.000  1.00  0.00           C",
 * ].join("\n");
 * const { ligand, receptor } = selectLigand(parsePdb(pdb, "toy.pdb"), "LIG");
 * const pocket = pocketOf(receptor, ligand.coords, { cutoff: 8 }); // residue ALA 1
 * ```
 */
export function pocketOf(
  receptor: Structure,
  ligandCoords: ArrayLike<number>,
  options: PocketOptions = {},
): Structure {
  const cutoff = options.cutoff ?? 10, maxResidues = options.maxResidues ?? 50;
  const rec = heavy(receptor, () => true);
  const key = (i: number) => {
    const a = rec.atoms[i];
    return `${a.chain}:${a.resSeq}:${a.iCode}:${a.resName}`;
  };
  const best = new Map<string, number>();
  const nL = ligandCoords.length / 3;
  for (let i = 0; i < rec.atoms.length; i++) {
    let m = Infinity;
    for (let j = 0; j < nL; j++) {
      const dx = rec.coords[3 * i] - ligandCoords[3 * j];
      const dy = rec.coords[3 * i + 1] - ligandCoords[3 * j + 1];
      const dz = rec.coords[3 * i + 2] - ligandCoords[3 * j + 2];
      m = Math.min(m, dx * dx + dy * dy + dz * dz);
    }
    const k = key(i);
    best.set(k, Math.min(best.get(k) ?? Infinity, m));
  }
  const chosen = [...best.entries()].filter(([, d2]) => d2 <= cutoff * cutoff)
    .sort((a, b) => a[1] - b[1]).slice(0, maxResidues).map(([k]) => k);
  if (chosen.length === 0) {
    throw new ConfigError(
      `${receptor.file}: no receptor residue within ${cutoff} A of the ligand (expected the ligand in the binding site)`,
    );
  }
  const set = new Set(chosen), idx: number[] = [];
  for (let i = 0; i < rec.atoms.length; i++) if (set.has(key(i))) idx.push(i);
  return subset(rec, idx);
}

/**
 * Featurises a ligand and pocket: ligand rows one-hot element class (7), pocket rows one-hot
 * element class (7) then one-hot residue class (21). Throws on non-finite coordinates.
 *
 * @example
 * ```ts
 * import { featurizeComplex, parsePdb, selectLigand } from "./mod.ts";
 * const pdb = [
 *   "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C",
 *   "HETATM    2  C1  LIG A 100       3.000   0.000   0.000  1.00  0.00           C",
 * ].join("\n");
 * const { ligand, receptor } = selectLigand(parsePdb(pdb, "toy.pdb"), "LIG");
 * const ex = featurizeComplex("toy", ligand, receptor); // 7 + 28 feature columns
 * ```
 */
export function featurizeComplex(
  name: string,
  ligand: Structure,
  pocket: Structure,
): BindingExample {
  const nE = ELEMENT_CLASSES.length, nR = RESIDUE_CLASSES.length;
  const lf = new Float32Array(ligand.atoms.length * nE);
  ligand.atoms.forEach((a, i) => lf[i * nE + elementClass(a.element)] = 1);
  const pd = nE + nR, pf = new Float32Array(pocket.atoms.length * pd);
  pocket.atoms.forEach((a, i) => {
    pf[i * pd + elementClass(a.element)] = 1;
    pf[i * pd + nE + residueClass(a.resName)] = 1;
  });
  for (const s of [ligand, pocket]) {
    for (let i = 0; i < s.coords.length; i++) {
      if (!Number.isFinite(s.coords[i])) {
        const atom = s.atoms[Math.floor(i / 3)];
        throw new ConfigError(`${s.file}:${atom.line}: coordinate is not finite`);
      }
    }
  }
  return {
    name,
    ligand: Float64Array.from(ligand.coords),
    ligandFeatures: lf,
    ligandDim: nE,
    pocket: Float64Array.from(pocket.coords),
    pocketFeatures: pf,
    pocketDim: pd,
  };
}
