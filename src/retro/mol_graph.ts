/**
 * Atom-mapped molecule graphs read from RDKit: element, aromaticity, total H, charge, degree,
 * chirality and the atom-map number of every atom (map numbers are not in RDKit's JSON, so they
 * are read from the SMILES atom tokens, which RDKit keeps in input order).
 * @module
 */
import { InvalidSmilesError, type RDKitModule, withMol } from "./rdkit.ts";

/** One atom of a mapped graph. */
export interface GraphAtom {
  /** Atomic number. */
  z: number;
  aromatic: boolean;
  /** Total hydrogens (implicit + bracket). */
  hs: number;
  charge: number;
  /** Atom-map number (0: none). */
  map: number;
  /** "cw" | "ccw" | "unspecified". */
  stereo: string;
  /** Neighbours as [atom index, bond index]. */
  nbrs: [number, number][];
  /** Connected component (molecule) index. */
  frag: number;
}

/** One bond: its atoms and its SMARTS symbol ("-", "=", "#", ":"). */
export interface GraphBond {
  a: number;
  b: number;
  order: string;
}

/** A molecule (possibly several fragments) as a graph. */
export interface MolGraph {
  atoms: GraphAtom[];
  bonds: GraphBond[];
  numFrags: number;
}

const ATOM_TOKEN = /\[[^\]]+\]|Br|Cl|[BCNOPSFI]|[bcnops]|\*/g;

/** The atom-map numbers of a SMILES string in atom order (0 for unmapped atoms). */
export function atomMapsOf(smiles: string): number[] {
  const out: number[] = [];
  for (const tok of smiles.match(ATOM_TOKEN) ?? []) {
    const m = /:(\d+)\]$/.exec(tok);
    out.push(m ? Number(m[1]) : 0);
  }
  return out;
}

interface RdkitJsonAtom {
  z?: number;
  impHs?: number;
  chg?: number;
  stereo?: string;
}

/**
 * Reads `smiles` into a {@link MolGraph}; throws {@link InvalidSmilesError} if RDKit rejects it.
 */
export function readMolGraph(RDKit: RDKitModule, smiles: string): MolGraph {
  const json = withMol(RDKit, smiles, (m) => m.get_json());
  const doc = JSON.parse(json);
  const mol = doc.molecules[0];
  const defAtom = doc.defaults.atom, defBond = doc.defaults.bond;
  const ext =
    (mol.extensions ?? []).find((e: { name: string }) => e.name === "rdkitRepresentation") ?? {};
  const aromAtoms = new Set<number>(ext.aromaticAtoms ?? []);
  const aromBonds = new Set<number>(ext.aromaticBonds ?? []);
  const maps = atomMapsOf(smiles);
  const rawAtoms: RdkitJsonAtom[] = mol.atoms ?? [];
  if (maps.length !== rawAtoms.length) throw new InvalidSmilesError(smiles, "mapped SMILES");
  const atoms: GraphAtom[] = rawAtoms.map((a, i) => ({
    z: a.z ?? defAtom.z,
    aromatic: aromAtoms.has(i),
    hs: a.impHs ?? defAtom.impHs,
    charge: a.chg ?? defAtom.chg,
    map: maps[i],
    stereo: a.stereo ?? defAtom.stereo,
    nbrs: [],
    frag: -1,
  }));
  const bonds: GraphBond[] = (mol.bonds ?? []).map(
    (b: { atoms: [number, number]; bo?: number }, i: number) => {
      const bo = b.bo ?? defBond.bo;
      const order = aromBonds.has(i) ? ":" : bo === 2 ? "=" : bo === 3 ? "#" : "-";
      atoms[b.atoms[0]].nbrs.push([b.atoms[1], i]);
      atoms[b.atoms[1]].nbrs.push([b.atoms[0], i]);
      return { a: b.atoms[0], b: b.atoms[1], order };
    },
  );
  let numFrags = 0;
  for (let s = 0; s < atoms.length; s++) {
    if (atoms[s].frag >= 0) continue;
    const stack = [s];
    atoms[s].frag = numFrags;
    while (stack.length) {
      const i = stack.pop()!;
      for (const [j] of atoms[i].nbrs) {
        if (atoms[j].frag < 0) {
          atoms[j].frag = numFrags;
          stack.push(j);
        }
      }
    }
    numFrags++;
  }
  return { atoms, bonds, numFrags };
}

const SYMBOLS = [
  "*",
  "H",
  "He",
  "Li",
  "Be",
  "B",
  "C",
  "N",
  "O",
  "F",
  "Ne",
  "Na",
  "Mg",
  "Al",
  "Si",
  "P",
  "S",
  "Cl",
  "Ar",
  "K",
  "Ca",
  "Sc",
  "Ti",
  "V",
  "Cr",
  "Mn",
  "Fe",
  "Co",
  "Ni",
  "Cu",
  "Zn",
  "Ga",
  "Ge",
  "As",
  "Se",
  "Br",
  "Kr",
  "Rb",
  "Sr",
  "Y",
  "Zr",
  "Nb",
  "Mo",
  "Tc",
  "Ru",
  "Rh",
  "Pd",
  "Ag",
  "Cd",
  "In",
  "Sn",
  "Sb",
  "Te",
  "I",
  "Xe",
  "Cs",
  "Ba",
  "La",
  "Ce",
  "Pr",
  "Nd",
  "Pm",
  "Sm",
  "Eu",
  "Gd",
  "Tb",
  "Dy",
  "Ho",
  "Er",
  "Tm",
  "Yb",
  "Lu",
  "Hf",
  "Ta",
  "W",
  "Re",
  "Os",
  "Ir",
  "Pt",
  "Au",
  "Hg",
  "Tl",
  "Pb",
  "Bi",
];

/** The SMARTS element primitive of an atom: `C`, `c`, `Cl`, `se`, or `#z` for rare elements. */
export function elementSmarts(z: number, aromatic: boolean): string {
  const sym = SYMBOLS[z];
  if (sym === undefined || z === 1) return `#${z}`;
  if (aromatic) {
    return ["B", "C", "N", "O", "P", "S", "Se", "As", "Te"].includes(sym)
      ? sym.toLowerCase()
      : `#${z}`;
  }
  return sym;
}
