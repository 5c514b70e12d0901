import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { ConfigError } from "../../src/io/config.ts";
import { parsePdb, parseSdf, readStructure, toSdf } from "../../src/binding/structure.ts";
import {
  featurizeComplex,
  pocketOf,
  residueClass,
  selectLigand,
} from "../../src/binding/complex.ts";
import { loadReal, REAL_NAMES } from "./_real.ts";

const PDB = [
  "HEADER    TEST",
  "ATOM      1  N   ALA A   1       0.000   0.000   0.000  1.00  0.00           N",
  "ATOM      2  CA  ALA A   1       1.458   0.000   0.000  1.00  0.00           C",
  "ATOM      3  CA AGLY A   2       4.000   0.000   0.000  0.50  0.00           C",
  "ATOM      4  CA BGLY A   2       4.100   0.000   0.000  0.50  0.00           C",
  "ATOM      5  CA  LEU A  40      40.000   0.000   0.000  1.00  0.00           C",
  "HETATM    6  C1  LIG A 100       2.000   2.000   0.000  1.00  0.00",
  "HETATM    7 CL1  LIG A 100       2.000   3.700   0.000  1.00  0.00",
  "HETATM    8  O   HOH A 200       9.000   9.000   9.000  1.00  0.00           O",
  "CONECT    6    7",
  "END",
].join("\n");

Deno.test("PDB reader: columns, alternate locations, elements from names, CONECT bonds", () => {
  const s = parsePdb(PDB, "t.pdb");
  assertEquals(s.atoms.length, 7, "altloc B dropped");
  assertEquals(s.atoms.map((a) => a.element), ["N", "C", "C", "C", "C", "Cl", "O"]);
  assertEquals(s.atoms[2].resName, "GLY");
  assertEquals([...s.coords.subarray(6, 9)], [4, 0, 0]);
  assertEquals(s.bonds, [[4, 5]]);
  const { ligand, receptor } = selectLigand(s, "LIG");
  assertEquals(ligand.atoms.length, 2);
  assertEquals(receptor.atoms.length, 4, "water and ligand excluded");
  const pocket = pocketOf(receptor, ligand.coords, { cutoff: 5 });
  assertEquals(
    new Set(pocket.atoms.map((a) => a.resSeq)),
    new Set([1, 2]),
    "residue 40 is too far",
  );
  const ex = featurizeComplex("t", ligand, pocket);
  assertEquals(ex.ligandFeatures.length, 2 * 7);
  assertEquals([...ex.ligandFeatures.subarray(7, 14)], [0, 0, 0, 0, 0, 1, 0], "Cl is a halogen");
  assertEquals(ex.pocketFeatures[0 * 28 + 7 + residueClass("ALA")], 1);
});

Deno.test("SDF reader round-trips through the writer", () => {
  const s = parsePdb(PDB, "t.pdb");
  const { ligand } = selectLigand(s, "LIG");
  const back = parseSdf(toSdf(ligand), "l.sdf");
  assertEquals(back.atoms.map((a) => a.element), ["C", "Cl"]);
  assertEquals([...back.coords], [...ligand.coords]);
  assertEquals(back.bonds, [[0, 1]]);
});

function inputError(f: () => unknown, pattern: RegExp): void {
  let e: unknown = null;
  try {
    f();
  } catch (err) {
    e = err;
  }
  assert(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
  assertMatch((e as Error).message, pattern);
  assert(!(e as Error).message.includes("\n"), "one line");
}

Deno.test("bad input: one-line errors naming the file and line", () => {
  const lines = PDB.split("\n");
  const bad = [...lines];
  bad[2] = bad[2].slice(0, 30) + "   nan  " + bad[2].slice(38);
  inputError(() => parsePdb(bad.join("\n"), "nan.pdb"), /^nan\.pdb:3: x coordinate 'nan'/);
  const short = [...lines];
  short[1] = short[1].slice(0, 40);
  inputError(
    () => parsePdb(short.join("\n"), "short.pdb"),
    /^short\.pdb:2: ATOM record has 40 characters/,
  );
  inputError(() => parsePdb("HEADER only\n", "empty.pdb"), /^empty\.pdb: no ATOM or HETATM/);
  inputError(
    () => selectLigand(parsePdb(PDB, "t.pdb"), "XYZ"),
    /no atoms with residue name 'XYZ' \(hetero residues here: LIG\)/,
  );
  const hOnly = PDB.replace("C1  LIG", "H1  LIG").replace(
    "CL1  LIG A 100       2.000   3.700",
    "H2   LIG A 100       2.000   3.700",
  );
  inputError(
    () => selectLigand(parsePdb(hOnly, "h.pdb"), "LIG"),
    /^h\.pdb:7: ligand 'LIG' has no heavy atoms/,
  );
  const s = parsePdb(PDB, "t.pdb");
  const { ligand, receptor } = selectLigand(s, "LIG");
  const far = ligand.coords.map((v) => v + 100);
  inputError(
    () => pocketOf(receptor, far, { cutoff: 8 }),
    /^t\.pdb: no receptor residue within 8 A/,
  );
  const sdf = toSdf(ligand).split("\n");
  const badSdf = [...sdf];
  badSdf[4] = "    abc" + badSdf[4].slice(7);
  inputError(() => parseSdf(badSdf.join("\n"), "l.sdf"), /^l\.sdf:5: x coordinate/);
  const badBond = [...sdf];
  badBond[6] = "  1  9  1  0";
  inputError(() => parseSdf(badBond.join("\n"), "l.sdf"), /^l\.sdf:7: malformed bond line/);
  inputError(
    () => parseSdf("a\nb\nc\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n", "z.sdf"),
    /^z\.sdf:4: the molecule has no atoms/,
  );
});

Deno.test("readStructure: unknown extension and missing file are input errors", async () => {
  for (
    const [path, re] of [["x.xyz", /unknown structure format/], [
      "/nonexistent/a.pdb",
      /cannot read/,
    ]] as const
  ) {
    let caught: unknown = null;
    try {
      await readStructure(path);
    } catch (e) {
      caught = e;
    }
    assert(caught instanceof ConfigError);
    assertMatch((caught as Error).message, re);
  }
});

for (const name of REAL_NAMES) {
  Deno.test(`real complex ${name}: parsed, ligand heavy atoms match its formula, pocket found`, async () => {
    const c = await loadReal(name);
    if (!c) return;
    assertEquals(c.ligand.atoms.length, c.ligandHeavyAtoms);
    assert(c.receptor.atoms.length > 500, `receptor of ${c.receptor.atoms.length} atoms`);
    const pocket = pocketOf(c.receptor, c.ligand.coords, { cutoff: 10, maxResidues: 50 });
    const residues = new Set(pocket.atoms.map((a) => `${a.chain}${a.resSeq}`));
    assert(residues.size > 10 && residues.size <= 50, `${residues.size} pocket residues`);
    // Every pocket residue has an atom within 10 A of the ligand, and the closest contact is tight.
    let closest = Infinity;
    for (let i = 0; i < pocket.atoms.length; i++) {
      for (let j = 0; j < c.ligand.atoms.length; j++) {
        let d = 0;
        for (let k = 0; k < 3; k++) {
          d += (pocket.coords[3 * i + k] - c.ligand.coords[3 * j + k]) ** 2;
        }
        closest = Math.min(closest, Math.sqrt(d));
      }
    }
    // The Vina test ligand is a docking input placed across the receptor (it clashes), not a
    // crystal pose; the others are crystal contacts.
    if (c.crystalPose) assert(closest > 2.2 && closest < 4.5, `closest contact ${closest} A`);
    else assert(closest < 1.5, `the Vina input ligand clashes: closest ${closest} A`);
  });
}

Deno.test("parsePdb: a non-letter element column (old PDB sequence numbers, fuzz finding) falls back to the atom name", () => {
  const old = "ATOM      1  N   PRO A   1      13.120  39.003   5.159  1.00 55.41      1HPV 186";
  const dash = "ATOM      2  CA  ALA A   1      11.104   6.134  -6.504  1.00  0.00          -";
  const s = parsePdb(`${old}\n${dash}`, "old.pdb");
  assertEquals(s.atoms.map((a) => a.element), ["N", "C"]);
});
