/**
 * Protein-ligand binding energies by NERE (SE(3) denoising score matching, Jin et al. 2023):
 * rigid-body maths and IGSO(3), structure input, the SE(3)-invariant energy network on tfjs,
 * NERE and baseline losses, training, the synthetic benchmark with a known answer, and
 * rigid-body Langevin on SE(3).
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
 * @module
 */
export * from "./rigid.ts";
export * from "./igso3.ts";
export * from "./structure.ts";
export * from "./complex.ts";
export * from "./dataset.ts";
export * from "./energy.ts";
export * from "./losses.ts";
export * from "./train.ts";
export * from "./rigid_langevin.ts";
export * from "./synthetic.ts";
export * from "./benchmark.ts";
export * from "./model_store.ts";
