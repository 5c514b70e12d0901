/**
 * Structure input for binding: PDB, PDBQT and SDF/MOL (V2000) readers giving coordinates,
 * elements, residues and bonds where the format has them. Bad input (a malformed line, a NaN
 * coordinate, an empty file) is a {@link ConfigError} naming the file and line, which the CLI
 * reports in one line with exit code 2.
 * @module
 */
import { ConfigError } from "../io/config.ts";

/** One atom of a structure. */
export interface Atom {
  /** Atom name, e.g. "CA" (trimmed). */
  name: string;
  /** Element symbol, capitalised, e.g. "C", "Cl". */
  element: string;
  /** Residue name ("LIG" for SDF). */
  resName: string;
  /** Residue number. */
  resSeq: number;
  /** Chain id ("" if none). */
  chain: string;
  /** Insertion code ("" if none). */
  iCode: string;
  /** HETATM record (PDB/PDBQT); true for SDF atoms. */
  hetero: boolean;
  /** 1-based line number in the source file, for error messages. */
  line: number;
}

/** A parsed structure: atoms, flat coordinates (3 per atom) and bonds (atom index pairs). */
export interface Structure {
  /** Source file name (for messages). */
  file: string;
  atoms: Atom[];
  coords: Float64Array;
  bonds: [number, number][];
}

const TWO_LETTER = new Set([
  "CL",
  "BR",
  "FE",
  "ZN",
  "MG",
  "MN",
  "CA",
  "NA",
  "CU",
  "CO",
  "NI",
  "SE",
]);
const AD_TYPES: Record<string, string> = {
  A: "C",
  C: "C",
  N: "N",
  NA: "N",
  NS: "N",
  OA: "O",
  OS: "O",
  O: "O",
  S: "S",
  SA: "S",
  H: "H",
  HD: "H",
  HS: "H",
  P: "P",
  F: "F",
  I: "I",
  CL: "Cl",
  BR: "Br",
  MG: "Mg",
  MN: "Mn",
  ZN: "Zn",
  CA: "Ca",
  FE: "Fe",
};

function capitalise(e: string): string {
  return e.length === 0 ? e : e[0].toUpperCase() + e.slice(1).toLowerCase();
}

/** Element from a PDB atom name when the element column is blank (columns 13-16). */
function elementFromName(field: string, hetero: boolean): string {
  const letters = field.replace(/[^A-Za-z]/g, "").toUpperCase();
  if (letters.length === 0) return "";
  // A name starting in column 13 is a two-letter element (" CA " is carbon alpha, "CA  " calcium).
  if (field[0] !== " " && !/[0-9]/.test(field[0]) && letters.length >= 2 && hetero) {
    const two = letters.slice(0, 2);
    if (TWO_LETTER.has(two)) return capitalise(two);
  }
  return letters[0];
}

function parseCoord(text: string, file: string, line: number, what: string): number {
  const t = text.trim();
  const v = Number(t);
  if (t === "" || !Number.isFinite(v)) {
    throw new ConfigError(
      `${file}:${line}: ${what} coordinate '${t}' is not a finite number (expected e.g. 12.345)`,
    );
  }
  return v;
}

/**
 * Reads PDB or PDBQT text: ATOM/HETATM records (first alternate location only, first MODEL
 * only), CONECT bonds. PDBQT atom types (column 78-79) give the element when present.
 *
 * @example
 * ```ts
 * import { parsePdb } from "./mod.ts";
 * const s = parsePdb("ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C", "t.pdb");
 * console.log(s.atoms.length); // 1
 * ```
 */
export function parsePdb(text: string, file: string, pdbqt = false): Structure {
  const atoms: Atom[] = [], xyz: number[] = [], bonds: [number, number][] = [];
  const serialToIndex = new Map<number, number>();
  const conect: [number, number, number][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i], rec = l.slice(0, 6);
    if (rec === "ENDMDL") break;
    if (rec === "CONECT") {
      const a = Number(l.slice(6, 11));
      for (let c = 11; c + 5 <= Math.max(l.length, 31) && c < 31; c += 5) {
        const b = l.slice(c, c + 5).trim();
        if (b !== "") conect.push([a, Number(b), i + 1]);
      }
      continue;
    }
    if (rec !== "ATOM  " && rec !== "HETATM") continue;
    if (l.length < 54) {
      throw new ConfigError(
        `${file}:${
          i + 1
        }: ${rec.trim()} record has ${l.length} characters, expected at least 54 (coordinates in columns 31-54)`,
      );
    }
    const alt = l[16];
    if (alt !== " " && alt !== "A" && alt !== "1") continue;
    const x = parseCoord(l.slice(30, 38), file, i + 1, "x");
    const y = parseCoord(l.slice(38, 46), file, i + 1, "y");
    const z = parseCoord(l.slice(46, 54), file, i + 1, "z");
    const resSeq = Number(l.slice(22, 26));
    if (!Number.isInteger(resSeq)) {
      throw new ConfigError(
        `${file}:${i + 1}: residue number '${
          l.slice(22, 26).trim()
        }' is not an integer (columns 23-26)`,
      );
    }
    const hetero = rec === "HETATM";
    let element = "";
    if (pdbqt) element = AD_TYPES[l.slice(77, 79).trim().toUpperCase()] ?? "";
    // Columns 77-78 hold the element in current PDB files; old ones put a sequence number
    // there (e.g. 1hpv's "1HPV 186"), so anything but letters falls back to the atom name.
    const column = l.slice(76, 78).trim();
    if (!element && /^[A-Za-z]{1,2}$/.test(column)) element = capitalise(column);
    if (!element) element = elementFromName(l.slice(12, 16), hetero);
    if (!element) {
      throw new ConfigError(
        `${file}:${i + 1}: cannot tell the element of atom '${l.slice(12, 16).trim()}'`,
      );
    }
    serialToIndex.set(Number(l.slice(6, 11)), atoms.length);
    atoms.push({
      name: l.slice(12, 16).trim(),
      element,
      resName: l.slice(17, 20).trim(),
      resSeq,
      chain: l[21]?.trim() ?? "",
      iCode: l[26]?.trim() ?? "",
      hetero,
      line: i + 1,
    });
    xyz.push(x, y, z);
  }
  if (atoms.length === 0) {
    throw new ConfigError(`${file}: no ATOM or HETATM records (expected a PDB or PDBQT file)`);
  }
  for (const [a, b, line] of conect) {
    const ia = serialToIndex.get(a), ib = serialToIndex.get(b);
    if (ia === undefined || ib === undefined) {
      if (Number.isNaN(a) || Number.isNaN(b)) {
        throw new ConfigError(`${file}:${line}: CONECT record with a non-numeric atom serial`);
      }
      continue;
    }
    if (ia < ib) bonds.push([ia, ib]);
  }
  return { file, atoms, coords: Float64Array.from(xyz), bonds };
}

/**
 * Reads the first molecule of an SDF or MOL file (V2000 connection table).
 *
 * @example
 * ```ts
 * import { parseSdf } from "./mod.ts";
 * const lig = parseSdf("m\n x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\nM  END\n", "m.sdf");
 * ```
 */
export function parseSdf(text: string, file: string): Structure {
  const lines = text.split(/\r?\n/);
  if (lines.length < 4) {
    throw new ConfigError(
      `${file}: too short for a MOL/SDF file (expected a header and a counts line)`,
    );
  }
  const counts = lines[3];
  if (/V3000/.test(counts)) {
    throw new ConfigError(`${file}:4: V3000 connection tables are not supported (expected V2000)`);
  }
  const nAtoms = Number(counts.slice(0, 3)), nBonds = Number(counts.slice(3, 6));
  if (!Number.isInteger(nAtoms) || !Number.isInteger(nBonds) || nAtoms < 0 || nBonds < 0) {
    throw new ConfigError(
      `${file}:4: malformed counts line '${counts.trim()}' (expected atom and bond counts in columns 1-6)`,
    );
  }
  if (nAtoms === 0) throw new ConfigError(`${file}:4: the molecule has no atoms`);
  if (lines.length < 4 + nAtoms + nBonds) {
    throw new ConfigError(
      `${file}: ends after ${lines.length} lines, expected ${nAtoms} atom and ${nBonds} bond lines`,
    );
  }
  const atoms: Atom[] = [], xyz: number[] = [], bonds: [number, number][] = [];
  for (let i = 0; i < nAtoms; i++) {
    const ln = 5 + i, l = lines[4 + i];
    const x = parseCoord(l.slice(0, 10), file, ln, "x");
    const y = parseCoord(l.slice(10, 20), file, ln, "y");
    const z = parseCoord(l.slice(20, 30), file, ln, "z");
    const element = capitalise(l.slice(31, 34).trim());
    if (!/^[A-Z][a-z]?$/.test(element)) {
      throw new ConfigError(
        `${file}:${ln}: atom symbol '${l.slice(31, 34).trim()}' is not an element (columns 32-34)`,
      );
    }
    atoms.push({
      name: `${element}${i + 1}`,
      element,
      resName: "LIG",
      resSeq: 1,
      chain: "",
      iCode: "",
      hetero: true,
      line: ln,
    });
    xyz.push(x, y, z);
  }
  for (let k = 0; k < nBonds; k++) {
    const ln = 5 + nAtoms + k, l = lines[4 + nAtoms + k];
    const a = Number(l.slice(0, 3)), b = Number(l.slice(3, 6));
    if (
      !Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < 1 || a > nAtoms || b > nAtoms
    ) {
      throw new ConfigError(
        `${file}:${ln}: malformed bond line '${l.trim()}' (expected two atom numbers in 1..${nAtoms})`,
      );
    }
    bonds.push([a - 1, b - 1]);
  }
  return { file, atoms, coords: Float64Array.from(xyz), bonds };
}

/**
 * Writes a structure's atoms and bonds as a V2000 MOL block (one SDF record).
 *
 * @example
 * ```ts
 * import { parseSdf, toSdf } from "./mod.ts";
 * const lig = parseSdf("m\n x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\nM  END\n", "m.sdf");
 * await Deno.writeTextFile(`${await Deno.makeTempDir()}/lig.sdf`, toSdf(lig));
 * ```
 */
export function toSdf(s: Structure, title = "ligand"): string {
  const f = (v: number) => v.toFixed(4).padStart(10);
  const out = [
    title,
    "  landscape",
    "",
    `${String(s.atoms.length).padStart(3)}${
      String(s.bonds.length).padStart(3)
    }  0  0  0  0  0  0  0  0999 V2000`,
  ];
  s.atoms.forEach((a, i) => {
    out.push(
      `${f(s.coords[3 * i])}${f(s.coords[3 * i + 1])}${f(s.coords[3 * i + 2])} ${
        a.element.padEnd(3)
      } 0  0  0  0  0  0  0  0  0  0  0  0`,
    );
  });
  for (const [a, b] of s.bonds) {
    out.push(`${String(a + 1).padStart(3)}${String(b + 1).padStart(3)}  1  0`);
  }
  out.push("M  END", "$$$$", "");
  return out.join("\n");
}

/**
 * Reads a structure file by extension: .pdb/.ent, .pdbqt, .sdf/.mol (optionally .gz).
 *
 * @example
 * ```ts
 * import { readStructure } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/t.pdb`;
 * await Deno.writeTextFile(path, "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C\n");
 * const rec = await readStructure(path);
 * ```
 */
export async function readStructure(path: string): Promise<Structure> {
  let name = path.toLowerCase();
  const known = [".pdb", ".ent", ".pdbqt", ".sdf", ".mol"];
  if (!known.some((e) => name.endsWith(e) || name.endsWith(e + ".gz"))) {
    throw new ConfigError(
      `${path}: unknown structure format (expected .pdb, .pdbqt, .sdf or .mol, optionally .gz)`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new ConfigError(
      `${path}: cannot read (${(e as Error).name}); expected a readable structure file`,
    );
  }
  if (name.endsWith(".gz")) {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    name = name.slice(0, -3);
  }
  const text = new TextDecoder().decode(bytes);
  if (name.endsWith(".sdf") || name.endsWith(".mol")) return parseSdf(text, path);
  if (name.endsWith(".pdbqt")) return parsePdb(text, path, true);
  if (name.endsWith(".pdb") || name.endsWith(".ent")) return parsePdb(text, path);
  throw new ConfigError(
    `${path}: unknown structure format (expected .pdb, .pdbqt, .sdf or .mol, optionally .gz)`,
  );
}

/** The atoms of `s` with indices `keep` (in order), with the bonds among them. */
export function subset(s: Structure, keep: number[]): Structure {
  const map = new Map<number, number>();
  keep.forEach((k, i) => map.set(k, i));
  const coords = new Float64Array(3 * keep.length);
  keep.forEach((k, i) => coords.set(s.coords.subarray(3 * k, 3 * k + 3), 3 * i));
  const bonds: [number, number][] = [];
  for (const [a, b] of s.bonds) {
    const ia = map.get(a), ib = map.get(b);
    if (ia !== undefined && ib !== undefined) bonds.push([ia, ib]);
  }
  return { file: s.file, atoms: keep.map((k) => s.atoms[k]), coords, bonds };
}
