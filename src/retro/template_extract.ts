/**
 * Retro-template extraction from an atom-mapped reaction (written here: RDKit MinimalLib and
 * Indigo have none). The reaction centre is the set of product atoms whose H count, charge,
 * aromaticity or mapped neighbourhood (neighbour map + bond order; unmapped neighbours count as
 * leaving group) differ between product and reactants. The template keeps the centre with strict
 * atom SMARTS (`[C;H0;D3;+0:1]`), its product neighbours up to `radius` bonds and any "special
 * group" touching the centre with generic SMARTS (`[c:5]`), and on the reactant side the same
 * mapped atoms plus whole leaving groups. Written canonically (see smarts_writer.ts) as
 * `product>>reactants` reaction SMARTS, so equal templates are equal strings.
 * @module
 */
import { elementSmarts, type GraphAtom, type MolGraph, readMolGraph } from "./mol_graph.ts";
import { type RDKitModule, withMol } from "./rdkit.ts";
import { canonicalRanks, type LabelledGraph, writeComponents } from "./smarts_writer.ts";

/** Why a reaction gave no template. */
export class ExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExtractionError";
  }
}

/** Template extraction settings. */
export interface ExtractOptions {
  /** Product bonds around the reaction centre kept in the template (default 1). */
  radius?: number;
  /** Include special groups (protecting groups, carbonyls, ...) touching the centre (default true). */
  specialGroups?: boolean;
}

/**
 * Product-side groups kept whole when they touch the reaction centre (after rdchiral's idea of
 * "special groups": the identity of a protecting or activating group decides the reaction).
 */
export const SPECIAL_GROUPS: readonly string[] = [
  "[CH3]C([CH3])([CH3])OC(=O)", // Boc
  "O=C(OCc1ccccc1)", // Cbz
  "[Si]([CH3])([CH3])C([CH3])([CH3])[CH3]", // TBS
  "C(=O)OC", // ester / carbamate carbonyl
  "C(=O)N", // amide carbonyl
  "C(=O)[OH]", // acid
  "[CH]=O", // aldehyde
  "C#N", // nitrile
  "[N+](=O)[O-]", // nitro
  "S(=O)(=O)", // sulfonyl
  "B(O)O", // boronic acid / ester
  "C1OCCO1", // dioxolane acetal
];

function atomSig(g: MolGraph, i: number, mapOk: (m: number) => boolean): string {
  const a = g.atoms[i];
  const nb = a.nbrs.map(([j, b]) => {
    const m = g.atoms[j].map;
    return `${mapOk(m) ? m : "LG"}${g.bonds[b].order}`;
  }).sort().join(",");
  return `${a.z}|${a.aromatic}|${a.hs}|${a.charge}|${nb}`;
}

function chargeSmarts(c: number): string {
  if (c === 0) return "+0";
  const sign = c > 0 ? "+" : "-";
  return Math.abs(c) === 1 ? sign : `${sign}${Math.abs(c)}`;
}

/** Strict atom SMARTS: element, total H, degree, charge (and map). */
export function strictAtom(a: GraphAtom, map: number): string {
  const tail = map > 0 ? `:${map}` : "";
  return `[${elementSmarts(a.z, a.aromatic)};H${a.hs};D${a.nbrs.length};${
    chargeSmarts(a.charge)
  }${tail}]`;
}

/** Generic atom SMARTS: element and aromaticity (and map). */
export function genericAtom(a: GraphAtom, map: number): string {
  const tail = map > 0 ? `:${map}` : "";
  const chg = a.charge !== 0 ? `;${chargeSmarts(a.charge)}` : "";
  return `[${elementSmarts(a.z, a.aromatic)}${chg}${tail}]`;
}

/** A parsed mapped reaction (reactants and the product's largest fragment). */
export interface MappedReaction {
  reactants: MolGraph;
  product: MolGraph;
}

/** Reads a mapped `reactants>>product` pair. */
export function readMappedReaction(
  RDKit: RDKitModule,
  reactants: string,
  product: string,
): MappedReaction {
  return { reactants: readMolGraph(RDKit, reactants), product: readMolGraph(RDKit, product) };
}

/**
 * Extracts the retro template `productPattern>>reactantPatterns` of a mapped reaction.
 * Throws {@link ExtractionError} for unusable mappings (unmapped or duplicate product maps, a
 * product map missing from the reactants, no changed atom).
 *
 * @example
 * ```ts
 * import { loadRdkit } from "./rdkit.ts";
 * import { extractTemplate } from "./template_extract.ts";
 * const RDKit = await loadRdkit();
 * extractTemplate(RDKit, "[CH3:1][C:2](=[O:3])Cl.[NH3:4]", "[CH3:1][C:2](=[O:3])[NH2:4]");
 * // "[C;H0;D3;+0:1](-[C:4])(=[O:3])-[NH2;D1;+0:2]>>..." (canonical map numbers)
 * ```
 */
export function extractTemplate(
  RDKit: RDKitModule,
  reactantsSmiles: string,
  productSmiles: string,
  opts: ExtractOptions = {},
): string {
  const { reactants: rg, product: pg } = readMappedReaction(RDKit, reactantsSmiles, productSmiles);
  const radius = opts.radius ?? 1;
  // The product's largest fragment is the product.
  const fragSize = new Array(pg.numFrags).fill(0);
  for (const a of pg.atoms) fragSize[a.frag]++;
  const mainFrag = fragSize.indexOf(Math.max(...fragSize));
  const pAtoms = pg.atoms.map((_, i) => i).filter((i) => pg.atoms[i].frag === mainFrag);
  const pByMap = new Map<number, number>();
  for (const i of pAtoms) {
    const m = pg.atoms[i].map;
    if (m <= 0) throw new ExtractionError("product atom without map number");
    if (pByMap.has(m)) throw new ExtractionError(`duplicate product map number ${m}`);
    pByMap.set(m, i);
  }
  const rByMap = new Map<number, number>();
  rg.atoms.forEach((a, i) => {
    if (a.map <= 0 || !pByMap.has(a.map)) return;
    if (rByMap.has(a.map)) throw new ExtractionError(`duplicate reactant map number ${a.map}`);
    rByMap.set(a.map, i);
  });
  for (const m of pByMap.keys()) {
    if (!rByMap.has(m)) throw new ExtractionError(`product map ${m} missing from the reactants`);
  }
  const inProduct = (m: number) => pByMap.has(m);
  const changed = new Set<number>();
  for (const [m, pi] of pByMap) {
    const ri = rByMap.get(m)!;
    if (atomSig(pg, pi, inProduct) !== atomSig(rg, ri, inProduct)) changed.add(m);
  }
  // Reactant atoms bonded to leaving groups changed too, but they are already caught above via
  // their "LG" neighbours; a reaction with no changed atom has nothing to extract.
  if (changed.size === 0) {
    throw new ExtractionError("no changed atoms (mapping or stereo-only change)");
  }

  // Template maps: the centre plus product neighbours within `radius`, plus special groups.
  const keep = new Set<number>(changed);
  let frontier = [...changed];
  for (let r = 0; r < radius; r++) {
    const next: number[] = [];
    for (const m of frontier) {
      for (const [j] of pg.atoms[pByMap.get(m)!].nbrs) {
        const mj = pg.atoms[j].map;
        if (!keep.has(mj)) {
          keep.add(mj);
          next.push(mj);
        }
      }
    }
    frontier = next;
  }
  if (opts.specialGroups ?? true) {
    for (const group of specialGroupMatches(RDKit, productSmiles)) {
      const maps = group.map((i) => pg.atoms[i]?.map ?? 0);
      if (maps.some((m) => changed.has(m))) {
        for (const m of maps) if (m > 0 && pByMap.has(m)) keep.add(m);
      }
    }
  }

  // Product side, canonical ranks without map numbers, then maps renumbered by rank.
  const pIdx = [...keep].map((m) => pByMap.get(m)!);
  const pLabels = pIdx.map((i) => labelOf(pg.atoms[i], changed.has(pg.atoms[i].map), 0));
  const pGraph = subgraph(pg, pIdx, pLabels);
  const pRanks = canonicalRanks(pGraph);
  const newMap = new Map<number, number>();
  pIdx.forEach((i, k) => newMap.set(pg.atoms[i].map, pRanks[k] + 1));
  pGraph.labels = pIdx.map((i) =>
    labelOf(pg.atoms[i], changed.has(pg.atoms[i].map), newMap.get(pg.atoms[i].map)!)
  );
  const productSide = group(writeComponents(pGraph, pRanks));

  // Reactant side: the same mapped atoms plus every leaving-group atom of their molecules.
  const usedFrags = new Set<number>();
  for (const m of pByMap.keys()) usedFrags.add(rg.atoms[rByMap.get(m)!].frag);
  const rIdx: number[] = [];
  rg.atoms.forEach((a, i) => {
    if (!usedFrags.has(a.frag)) return;
    if (inProduct(a.map) ? keep.has(a.map) : true) rIdx.push(i);
  });
  const rLabels = rIdx.map((i) => {
    const a = rg.atoms[i];
    if (!inProduct(a.map)) return strictAtom(a, 0);
    return labelOf(a, changed.has(a.map), newMap.get(a.map)!);
  });
  const rGraph = subgraph(rg, rIdx, rLabels);
  const rRanks = canonicalRanks(rGraph);
  const byFrag = new Map<number, number[]>();
  rIdx.forEach((i, k) => {
    const f = rg.atoms[i].frag;
    if (!byFrag.has(f)) byFrag.set(f, []);
    byFrag.get(f)!.push(k);
  });
  const reactantParts: string[] = [];
  for (const ks of byFrag.values()) {
    const sub: LabelledGraph = {
      labels: ks.map((k) => rGraph.labels[k]),
      nbrs: ks.map((k) => rGraph.nbrs[k].map(([j, b]) => [ks.indexOf(j), b] as [number, string])),
    };
    reactantParts.push(group(writeComponents(sub, ks.map((k) => rRanks[k]))));
  }
  return `${productSide}>>${reactantParts.sort().join(".")}`;
}

function labelOf(a: GraphAtom, isChanged: boolean, map: number): string {
  return isChanged ? strictAtom(a, map) : genericAtom(a, map);
}

function group(components: string[]): string {
  return components.length > 1 ? `(${components.join(".")})` : components[0];
}

function subgraph(g: MolGraph, idx: number[], labels: string[]): LabelledGraph {
  const pos = new Map(idx.map((i, k) => [i, k]));
  return {
    labels,
    nbrs: idx.map((i) =>
      g.atoms[i].nbrs.filter(([j]) => pos.has(j)).map(([j, b]) =>
        [pos.get(j)!, g.bonds[b].order] as [number, string]
      )
    ),
  };
}

const specialQueries = new Map<string, unknown>();

/** Atom-index lists of every special-group match in `smiles`. */
function specialGroupMatches(RDKit: RDKitModule, smiles: string): number[][] {
  return withMol(RDKit, smiles, (mol) => {
    const out: number[][] = [];
    for (const s of SPECIAL_GROUPS) {
      let q = specialQueries.get(s) as ReturnType<RDKitModule["get_qmol"]> | undefined;
      if (!q) {
        q = RDKit.get_qmol(s)!;
        specialQueries.set(s, q);
      }
      const json = mol.get_substruct_matches(q!);
      const parsed = JSON.parse(json) as { atoms: number[] }[] | Record<string, never>;
      if (Array.isArray(parsed)) { for (const m of parsed) out.push(m.atoms); }
    }
    return out;
  });
}
