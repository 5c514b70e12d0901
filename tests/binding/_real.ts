/**
 * The four real complexes shipped by Debian packages (pymol-data, python3-prody-tests,
 * autodock-test, autodock-vina). Each loader returns null, after printing why, when its file
 * is absent.
 */
import { featurizeComplex, pocketOf, selectLigand } from "../../src/binding/complex.ts";
import type { BindingExample } from "../../src/binding/complex.ts";
import { readStructure, type Structure } from "../../src/binding/structure.ts";

/** A real complex: ligand and receptor structures, the package that ships it, a known count. */
export interface RealComplex {
  name: string;
  ligand: Structure;
  receptor: Structure;
  /** Heavy atoms of the ligand from its chemical formula. */
  ligandHeavyAtoms: number;
  /** The ligand is in its crystal pose (false for the Vina docking input, which clashes). */
  crystalPose: boolean;
}

const SOURCES = [
  {
    name: "1hpv",
    pkg: "pymol-data",
    files: ["/usr/share/pymol/data/tut/1hpv.pdb"],
    resName: "478",
    heavy: 35, // amprenavir C25H35N3O6S
  },
  {
    name: "3mht",
    pkg: "python3-prody-tests",
    files: ["/usr/lib/python3/dist-packages/prody/tests/datafiles/pdb3mht.pdb"],
    resName: "SAH",
    heavy: 26, // S-adenosyl-homocysteine C14H20N6O5S
  },
  {
    name: "1pgp",
    pkg: "autodock-test",
    files: ["/usr/share/autodock/Tests/1pgp_rec.pdbqt", "/usr/share/autodock/Tests/1pgp_lig.pdbqt"],
    heavy: 17, // 6-phosphogluconate C6H13O10P (fully deprotonated in the file: same heavy atoms)
  },
  {
    name: "vina-imatinib",
    pkg: "autodock-vina",
    files: [
      "/usr/share/doc/autodock-vina/test-data/protein.pdbqt.gz",
      "/usr/share/doc/autodock-vina/test-data/ligand.pdbqt",
    ],
    heavy: 37, // imatinib C29H31N7O
    crystalPose: false,
  },
];

/** Names of the real complexes. */
export const REAL_NAMES: string[] = SOURCES.map((s) => s.name);

/** Loads one real complex, or prints the reason and returns null when its package is absent. */
export async function loadReal(name: string): Promise<RealComplex | null> {
  const src = SOURCES.find((s) => s.name === name)!;
  for (const f of src.files) {
    try {
      await Deno.stat(f);
    } catch {
      console.log(`skip ${name}: ${f} absent (apt-get install ${src.pkg})`);
      return null;
    }
  }
  if (src.files.length === 1) {
    const s = await readStructure(src.files[0]);
    const { ligand, receptor } = selectLigand(s, src.resName!);
    return {
      name,
      ligand,
      receptor,
      ligandHeavyAtoms: src.heavy,
      crystalPose: src.crystalPose ?? true,
    };
  }
  const receptor = await readStructure(src.files[0]);
  const lig = await readStructure(src.files[1]);
  const heavyIdx = lig.atoms.flatMap((a, i) => a.element === "H" ? [] : [i]);
  const ligand = {
    ...lig,
    atoms: heavyIdx.map((i) => lig.atoms[i]),
    coords: Float64Array.from(heavyIdx.flatMap((i) => [...lig.coords.subarray(3 * i, 3 * i + 3)])),
    bonds: [],
  };
  return {
    name,
    ligand,
    receptor,
    ligandHeavyAtoms: src.heavy,
    crystalPose: src.crystalPose ?? true,
  };
}

/** A featurised example of a real complex (pocket: 50 nearest residues within 10 A). */
export function exampleOf(c: RealComplex, maxResidues = 50): BindingExample {
  const pocket = pocketOf(c.receptor, c.ligand.coords, { cutoff: 10, maxResidues });
  return featurizeComplex(c.name, c.ligand, pocket);
}
