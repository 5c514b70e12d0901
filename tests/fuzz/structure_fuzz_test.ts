/**
 * Property-based fuzzing of the structure readers (PDB, PDBQT, SDF/MOL) and the USPTO reaction
 * CSV reader, in process: every input gives a structure (or rows) that keeps the reader's
 * invariants, or the reader's own one-line ConfigError; never another exception.
 */
import fc from "npm:fast-check@4.11.0";
import { assert, assertEquals } from "../_assert.ts";
import { ConfigError } from "../../src/io/config.ts";
import { parsePdb, parseSdf, type Structure } from "../../src/binding/structure.ts";
import { parseReactionCsv } from "../../src/retro/data.ts";

/** Cases per property; the totals are reported in docs/RELIABILITY.md. */
const RUNS = Number(Deno.env.get("LANDSCAPE_FUZZ_RUNS") ?? 300);
const SEED = 20261203;

function assertConfigError(e: unknown, input: string): void {
  assert(
    e instanceof ConfigError,
    `unexpected ${(e as Error)?.name}: ${(e as Error)?.message} for ${JSON.stringify(input)}`,
  );
  assert(e.message.length > 0 && !e.message.includes("\n"), `one line: ${e.message}`);
}

function assertStructure(s: Structure): void {
  assert(s.atoms.length > 0, "a structure has atoms");
  assertEquals(s.coords.length, 3 * s.atoms.length);
  assert(s.coords.every(Number.isFinite), "finite coordinates");
  for (const [a, b] of s.bonds) {
    assert(Number.isInteger(a) && Number.isInteger(b), "integer bond ends");
    assert(a >= 0 && b >= 0 && a < s.atoms.length && b < s.atoms.length, `bond ${a}-${b}`);
  }
  for (const atom of s.atoms) assert(/^[A-Z][a-z]?$/.test(atom.element), atom.element);
}

const PDB_LINES = [
  "ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00  0.00           N",
  "ATOM      2  CA  ALA A   1      11.639   6.071  -5.147  1.00  0.00           C",
  "HETATM    3  O   HOH A   2       1.000   2.000   3.000  1.00  0.00           O",
  "ATOM      4  CA AALA A   3       0.500  -1.500   2.000  0.50  0.00           C",
  "CONECT    1    2",
  "CONECT    2    1    3",
  "MODEL        1",
  "ENDMDL",
  "TER",
  "END",
];

/** Text near PDB files: valid records, with characters replaced, lines cut or shuffled. */
const pdbText = fc.array(
  fc.tuple(
    fc.constantFrom(...PDB_LINES),
    fc.array(fc.tuple(fc.nat(80), fc.constantFrom(" ", "x", "-", "9", ".", "e", "\t", "")), {
      maxLength: 3,
    }),
    fc.integer({ min: 0, max: 90 }),
  ).map(([line, edits, cut]) => {
    const chars = [...line];
    for (const [at, c] of edits) if (at < chars.length) chars[at] = c;
    return chars.join("").slice(0, cut);
  }),
  { maxLength: 8 },
).map((lines) => lines.join("\n"));

for (const pdbqt of [false, true]) {
  const name = pdbqt ? "PDBQT" : "PDB";
  Deno.test(`fuzz: ${name} text gives a consistent structure or a one-line ConfigError`, () => {
    fc.assert(
      fc.property(pdbText, (text) => {
        try {
          assertStructure(parsePdb(text, `fuzz.${name.toLowerCase()}`, pdbqt));
        } catch (e) {
          assertConfigError(e, text);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
}

const MOL = [
  "ethanol",
  "  fuzz",
  "",
  "  3  2  0  0  0  0  0  0  0  0999 V2000",
  "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0",
  "    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0",
  "    2.0000    1.2000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0",
  "  1  2  1  0",
  "  2  3  1  0",
  "M  END",
  "$$$$",
];

/** Text near MOL/SDF records: characters replaced, lines dropped or duplicated. */
const sdfText = fc.tuple(
  fc.array(
    fc.tuple(fc.nat(MOL.length - 1), fc.nat(70), fc.constantFrom(" ", "9", "-", "x", ".", "")),
    {
      maxLength: 4,
    },
  ),
  fc.array(fc.nat(MOL.length - 1), { maxLength: 2 }),
  fc.array(fc.nat(MOL.length - 1), { maxLength: 2 }),
).map(([edits, drops, dups]) => {
  const lines = MOL.map((l) => [...l]);
  for (const [ln, at, c] of edits) if (at < lines[ln].length) lines[ln][at] = c;
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (drops.includes(i)) return;
    out.push(l.join(""));
    if (dups.includes(i)) out.push(l.join(""));
  });
  return out.join("\n");
});

Deno.test("fuzz: SDF/MOL text gives a consistent structure or a one-line ConfigError", () => {
  fc.assert(
    fc.property(sdfText, (text) => {
      try {
        assertStructure(parseSdf(text, "fuzz.sdf"));
      } catch (e) {
        assertConfigError(e, text);
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

/** Text near USPTO-50k CSV files: the header, reaction rows, separators in random places. */
const csvText = fc.tuple(
  fc.constantFrom("id,class,reactants>reagents>production", "id,class", "", "x,y,z"),
  fc.array(
    fc.array(
      fc.constantFrom("US1", "UNK", "CC(=O)O", "N", ".", ">", ">>", ",", "[CH3:1]", "c1ccccc1", ""),
      { maxLength: 7 },
    ).map((t) => t.join("")),
    { maxLength: 6 },
  ),
).map(([header, rows]) => [header, ...rows].join("\n"));

Deno.test("fuzz: reaction CSV text gives well-formed rows or a one-line ConfigError", () => {
  fc.assert(
    fc.property(csvText, (text) => {
      try {
        for (const r of parseReactionCsv(text, "fuzz.csv")) {
          assert(r.reactants !== "" && r.product !== "", "both sides present");
          for (const f of [r.id, r.reactionClass, r.reactants, r.reagents, r.product]) {
            assert(!f.includes(",") && !f.includes("\n"), `field ${f}`);
          }
          assert(!r.reactants.includes(">") && !r.product.includes(">"), "sides split at >");
        }
      } catch (e) {
        assertConfigError(e, text);
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
});
