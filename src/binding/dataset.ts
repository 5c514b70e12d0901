/**
 * Complexes from files: a receptor + ligand pair, a single PDB with the ligand chosen by residue
 * name, or a folder of them (`NAME_lig.{sdf,mol,pdb,pdbqt}` next to `NAME_rec.{pdb,pdbqt}`, or
 * complex `.pdb` files when a residue name is given).
 * @module
 */
import { ConfigError } from "../io/config.ts";
import {
  type BindingExample,
  featurizeComplex,
  pocketOf,
  type PocketOptions,
  selectLigand,
} from "./complex.ts";
import { readStructure, type Structure, subset } from "./structure.ts";

function heavyOnly(s: Structure): Structure {
  return subset(s, s.atoms.flatMap((a, i) => a.element === "H" ? [] : [i]));
}

/**
 * Loads one complex: `ligand` file, or the residue `resName` of the protein file.
 *
 * @example
 * ```ts
 * import { loadComplex } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.pdb`, [
 *   "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C",
 *   "HETATM    2  C1  LIG A 100       3.000   0.000   0.000  1.00  0.00           C",
 * ].join("\n"));
 * const ex = await loadComplex(`${dir}/c.pdb`, { resName: "LIG" });
 * ```
 */
export async function loadComplex(
  protein: string,
  options: { ligand?: string; resName?: string; name?: string } & PocketOptions = {},
): Promise<BindingExample> {
  const prot = await readStructure(protein);
  let ligand: Structure, receptor: Structure;
  if (options.ligand) {
    ligand = heavyOnly(await readStructure(options.ligand));
    if (ligand.atoms.length === 0) {
      throw new ConfigError(`${options.ligand}: the ligand has no heavy atoms`);
    }
    receptor = options.resName ? selectLigand(prot, options.resName).receptor : prot;
  } else if (options.resName) {
    ({ ligand, receptor } = selectLigand(prot, options.resName));
  } else {
    throw new ConfigError(`${protein}: give a ligand file or the ligand's residue name`);
  }
  const pocket = pocketOf(receptor, ligand.coords, options);
  const name = options.name ?? protein.split("/").pop()!.replace(/\.(pdb|pdbqt|ent)(\.gz)?$/i, "");
  return featurizeComplex(name, ligand, pocket);
}

/**
 * Loads every complex of a folder.
 *
 * @example
 * ```ts
 * import { loadComplexDir } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.pdb`, [
 *   "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C",
 *   "HETATM    2  C1  LIG A 100       3.000   0.000   0.000  1.00  0.00           C",
 * ].join("\n"));
 * const set = await loadComplexDir(dir, "LIG"); // one complex
 * ```
 */
export async function loadComplexDir(dir: string, resName?: string): Promise<BindingExample[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
  } catch (e) {
    throw new ConfigError(
      `${dir}: cannot read folder (${(e as Error).name}); expected a folder of complexes`,
    );
  }
  names.sort();
  const out: BindingExample[] = [];
  for (const n of names) {
    const m = /^(.*)_lig\.(sdf|mol|pdb|pdbqt)(\.gz)?$/i.exec(n);
    if (m) {
      const rec = names.find((r) =>
        new RegExp(
          `^${m[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_(rec|protein)\\.(pdb|pdbqt)(\\.gz)?$`,
          "i",
        ).test(r)
      );
      if (!rec) {
        throw new ConfigError(`${dir}/${n}: no receptor ${m[1]}_rec.pdb or .pdbqt beside it`);
      }
      out.push(await loadComplex(`${dir}/${rec}`, { ligand: `${dir}/${n}`, name: m[1] }));
    } else if (resName && /\.pdb$/i.test(n) && !/_(rec|protein)\.pdb$/i.test(n)) {
      out.push(await loadComplex(`${dir}/${n}`, { resName }));
    }
  }
  if (out.length === 0) {
    throw new ConfigError(
      `${dir}: no complexes found (expected NAME_lig.sdf|pdb|pdbqt with NAME_rec.pdb|pdbqt, or complex .pdb files with --resname)`,
    );
  }
  return out;
}
