import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  canonicalSet,
  canonicalSmiles,
  InvalidSmilesError,
  loadRdkit,
  morganBits,
  morganBitString,
  stripAtomMaps,
} from "../../src/retro/rdkit.ts";
import { atomMapsOf, readMolGraph } from "../../src/retro/mol_graph.ts";
import { parseReactionCsv, readReactionCsv } from "../../src/retro/data.ts";
import { ConfigError } from "../../src/io/config.ts";

const VALID = new URL("../../../shared/data/uspto50k/raw_valid.csv", import.meta.url);

Deno.test("canonical SMILES: equal molecules written differently give one string", async () => {
  const RDKit = await loadRdkit();
  for (
    const forms of [
      ["CC(=O)Nc1ccc(O)cc1", "OC1=CC=C(NC(C)=O)C=C1", "c1cc(O)ccc1NC(=O)C"],
      ["C[C@@H](C(=O)O)N", "OC(=O)[C@H](C)N", "N[C@@H](C)C(O)=O"],
      ["C/C=C/C", "C(\\C)=C/C"],
    ]
  ) {
    const keys = new Set(forms.map((s) => canonicalSmiles(RDKit, s)));
    assertEquals(keys.size, 1, `${forms.join(" ")} -> ${[...keys].join(" ")}`);
  }
  // Stereo is kept by default and dropped on request.
  assert(canonicalSmiles(RDKit, "C[C@H](N)C(=O)O") !== canonicalSmiles(RDKit, "C[C@@H](N)C(=O)O"));
  assertEquals(
    canonicalSmiles(RDKit, "C[C@H](N)C(=O)O", { isomeric: false }),
    canonicalSmiles(RDKit, "CC(N)C(=O)O"),
  );
});

Deno.test("canonical SMILES round trip: idempotent on 200 USPTO-50k products, maps stripped", async () => {
  const RDKit = await loadRdkit();
  const rows = (await readReactionCsv(VALID.pathname)).slice(0, 200);
  for (const r of rows) {
    const once = canonicalSmiles(RDKit, r.product);
    assertEquals(canonicalSmiles(RDKit, once), once);
    assert(!/:\d+\]/.test(once), once);
    // Reactant sets are order-free.
    const parts = stripAtomMaps(r.reactants).split(".");
    assertEquals(
      canonicalSet(RDKit, [...parts].reverse().join(".")),
      canonicalSet(RDKit, parts.join(".")),
    );
  }
});

Deno.test("invalid SMILES is a typed error", async () => {
  const RDKit = await loadRdkit();
  for (const bad of ["C1CC", "C(C", "Xx", "", "c1ccccc"]) {
    assertThrows(() => canonicalSmiles(RDKit, bad), InvalidSmilesError, bad);
  }
});

Deno.test("Morgan bits are the on positions of RDKit's bit string", async () => {
  const RDKit = await loadRdkit();
  for (const s of ["CC(=O)Nc1ccc(O)cc1", "O=C(O)c1ccccc1", "CCN"]) {
    const str = morganBitString(RDKit, s, 2, 1024);
    const on = [...str].flatMap((c, i) => c === "1" ? [i] : []);
    assertEquals(morganBits(RDKit, s, 2, 1024), on);
  }
  assertEquals(morganBits(RDKit, "CC(=O)Nc1ccc(O)cc1", 2, 2048).length, 20);
});

Deno.test("atom maps are read in atom order and match RDKit's graph", async () => {
  const RDKit = await loadRdkit();
  assertEquals(atomMapsOf("[CH3:3]C(=O)[Cl:7].Br[c:1]1ccccc1"), [3, 0, 0, 7, 0, 1, 0, 0, 0, 0, 0]);
  const g = readMolGraph(
    RDKit,
    "[CH3:1][C:2](=[O:3])[NH:4][c:5]1[cH:6][cH:7][c:8]([OH:9])[cH:10][cH:11]1",
  );
  assertEquals(g.atoms.map((a) => a.map), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assertEquals(g.atoms.map((a) => a.hs), [3, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1]);
  assertEquals(g.atoms.filter((a) => a.aromatic).length, 6);
  assertEquals(g.bonds.find((b) => b.a === 1 && b.b === 2)?.order, "=");
});

Deno.test("reaction CSV: malformed rows are one-line ConfigErrors naming the line", () => {
  const head = "id,class,reactants>reagents>production\n";
  assertEquals(parseReactionCsv(head + "r1,UNK,CC(=O)O.N>>CC(N)=O\n").length, 1);
  assertThrows(() => parseReactionCsv("a,b\n"), ConfigError);
  assertThrows(() => parseReactionCsv(head + "r1,UNK\n", "f.csv"), /f\.csv line 2: expected 3/);
  assertThrows(
    () => parseReactionCsv(head + "r1,UNK,CCO\n", "f.csv"),
    /line 2: expected a reaction/,
  );
  assertThrows(() => parseReactionCsv(head + "r1,UNK,>>CCO\n"), /expected a reaction/);
});
