/**
 * The demo's retrosynthesis section (under 20 s): templates extracted from 150 mapped USPTO-50k
 * reactions, their self-check, the de-duplicated library, then a retro prediction for
 * paracetamol by applying the library (ranked by how often each template was seen) and, when a
 * trained model exists in `retro_data/`, its dual-ranked answers with their energy terms.
 * @module
 */
import { readReactionCsv } from "./data.ts";
import { buildLibrary, type ExtractedReaction, extractReaction } from "./library.ts";
import { RetroModel } from "./model.ts";
import { loadRdkit } from "./rdkit.ts";
import { applyTemplate, TemplateCache } from "./template_apply.ts";

const VALID = new URL("../../../shared/data/uspto50k/raw_valid.csv", import.meta.url).pathname;

/** Prints the retrosynthesis showcase. */
export async function demoSection(print: (line: string) => void): Promise<void> {
  print("## Retrosynthesis (templates + energies, src/retro)");
  const RDKit = await loadRdkit();
  let rows;
  try {
    rows = (await readReactionCsv(VALID)).slice(0, 150);
  } catch {
    print(`skipped: ${VALID} not found`);
    return;
  }
  const cache = new TemplateCache(RDKit);
  const t0 = performance.now();
  const extracted: ExtractedReaction[] = rows.map((r) =>
    extractReaction(RDKit, cache, r.id, `${r.reactants}>>${r.product}`)
  );
  const ms = (performance.now() - t0) / rows.length;
  const lib = buildLibrary(extracted);
  const ok = extracted.filter((e) => e.selfCheck).length;
  print(
    `${rows.length} mapped reactions -> ${lib.templates.length} distinct templates ` +
      `(${ok}/${rows.length} give back their recorded reactants; ${ms.toFixed(1)} ms each)`,
  );
  print(`most frequent (${lib.counts[0]}x): ${lib.templates[0]}`);
  const product = "CC(=O)Nc1ccc(O)cc1";
  const answers = new Map<string, number>();
  lib.templates.forEach((t, i) => {
    for (const r of applyTemplate(cache, t, product)) {
      answers.set(r, (answers.get(r) ?? 0) + lib.counts[i]);
    }
  });
  const top = [...answers].sort((a, b) => b[1] - a[1]).slice(0, 3);
  print(
    `paracetamol ${product}: ${answers.size} reactant sets from the library; by template count:`,
  );
  for (const [r, c] of top) print(`  ${String(c).padStart(3)}  ${r}`);
  cache.dispose();
  try {
    const model = await RetroModel.load(RDKit, "retro_data");
    const pred = model.predict(product);
    print("trained model (retro_data/): energy, log p_b, similarity, forward, prior, reactants");
    for (const r of pred.ranked.slice(0, 3)) {
      print(
        `  ${r.energy.toFixed(2)}  ${r.logPb.toFixed(2)}  ${r.similarity.toFixed(2)}  ${
          r.forward.toFixed(2)
        }  ${r.prior.toFixed(2)}  ${r.reactants}`,
      );
    }
    model.dispose();
  } catch {
    print("(no trained model in retro_data/: `cli.ts retro prepare` then `retro train`)");
  }
}
