import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { canonicalSet, loadRdkit } from "../../src/retro/rdkit.ts";
import { readReactionCsv } from "../../src/retro/data.ts";
import { ExtractionError, extractTemplate } from "../../src/retro/template_extract.ts";
import { applyTemplate, TemplateCache } from "../../src/retro/template_apply.ts";
import { canonicalRanks, writeComponents } from "../../src/retro/smarts_writer.ts";

const VALID = new URL("../../../shared/data/uspto50k/raw_valid.csv", import.meta.url);

Deno.test("extract + apply recovers the recorded reactants of 300 valid reactions", async () => {
  const RDKit = await loadRdkit();
  const cache = new TemplateCache(RDKit);
  const rows = (await readReactionCsv(VALID.pathname)).slice(0, 300);
  let flat = 0, iso = 0;
  const templates = new Set<string>();
  for (const r of rows) {
    const t = extractTemplate(RDKit, r.reactants, r.product);
    templates.add(t);
    const product = canonicalSet(RDKit, r.product);
    if (
      applyTemplate(cache, t, product, { isomeric: false }).includes(
        canonicalSet(RDKit, r.reactants, { isomeric: false }),
      )
    ) flat++;
    if (applyTemplate(cache, t, product).includes(canonicalSet(RDKit, r.reactants))) iso++;
  }
  cache.dispose();
  // Measured: 300/300 without stereo, 293/300 with (rows 0-499: 500/500 and 488/500).
  assertEquals(flat, 300);
  assert(iso >= 290, `with stereo ${iso}/300`);
  // Shared reaction types collapse into fewer templates.
  assert(templates.size < 250, `${templates.size} templates`);
});

Deno.test("templates are canonical: atom order and map numbers do not change the string", async () => {
  const RDKit = await loadRdkit();
  const a = extractTemplate(
    RDKit,
    "[CH3:1][C:2](=[O:3])Cl.[NH2:4][c:5]1[cH:6][cH:7][c:8]([OH:9])[cH:10][cH:11]1",
    "[CH3:1][C:2](=[O:3])[NH:4][c:5]1[cH:6][cH:7][c:8]([OH:9])[cH:10][cH:11]1",
  );
  const b = extractTemplate(
    RDKit,
    "[OH:19][c:18]1[cH:17][cH:16][c:15]([NH2:14])[cH:13][cH:12]1.Cl[C:22]([CH3:21])=[O:23]",
    "[O:23]=[C:22]([CH3:21])[NH:14][c:15]1[cH:16][cH:17][c:18]([OH:19])[cH:12][cH:13]1",
  );
  assertEquals(a, b);
  const cache = new TemplateCache(RDKit);
  assertEquals(applyTemplate(cache, a, "CC(=O)Nc1ccc(O)cc1"), ["CC(=O)Cl.Nc1ccc(O)cc1"]);
  // A product the template does not match gives nothing.
  assertEquals(applyTemplate(cache, a, "CCCC"), []);
  cache.dispose();
});

Deno.test("unusable mappings are refused with a reason", async () => {
  const RDKit = await loadRdkit();
  assertThrows(() => extractTemplate(RDKit, "[CH3:1][OH:2]", "[CH3:1][O:2]C"), ExtractionError);
  assertThrows(() => extractTemplate(RDKit, "[CH3:1][OH:2]", "[CH3:1][OH:2]"), /no changed atoms/);
  assertThrows(
    () => extractTemplate(RDKit, "[CH3:1][OH:1]", "[CH3:1][O:1]C"),
    /product atom without|duplicate/,
  );
});

Deno.test("canonical ranks: a symmetric chain ranks its ends alike before the tie split", () => {
  const g = {
    labels: ["[C]", "[O]", "[C]"],
    nbrs: [[[1, "-"]], [[0, "-"], [2, "-"]], [[1, "-"]]] as [number, string][][],
  };
  const r = canonicalRanks(g);
  assertEquals(new Set(r).size, 3);
  assertEquals(writeComponents(g, r), ["[C]-[O]-[C]"]);
  const ring = {
    labels: ["[c]", "[c]", "[c]"],
    nbrs: [[[1, ":"], [2, ":"]], [[0, ":"], [2, ":"]], [[1, ":"], [0, ":"]]] as [
      number,
      string,
    ][][],
  };
  assertEquals(writeComponents(ring, canonicalRanks(ring)), ["[c]1:[c]:[c]:1"]);
});
