import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { isInputError } from "../../src/cli/main.ts";
import { RETRO_SPEC, retroCommand } from "../../src/cli/retro.ts";
import { parseCommand } from "../../src/cli/args.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { RetroModel } from "../../src/retro/model.ts";
import { loadRdkit } from "../../src/retro/rdkit.ts";

const VALID = new URL("../../../shared/data/uspto50k/raw_valid.csv", import.meta.url).pathname;

async function retro(args: string[]) {
  const stdout: string[] = [], stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), notice: (t) => stderr.push(t) };
  let code: number;
  try {
    code = await retroCommand(parseCommand(RETRO_SPEC, args), args, io);
  } catch (e) {
    stderr.push(`error: ${(e as Error).message.split("\n")[0]}`);
    code = isInputError(e) ? 2 : 1;
  }
  return { code, out: stdout.join("\n"), err: stderr.join("\n") };
}

Deno.test("retro: tiny prepare, train, predict and eval run end to end", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    // 80 mapped reactions (amide couplings, deprotections, ...) train; 10 more evaluate.
    const lines = (await Deno.readTextFile(VALID)).split("\n");
    await Deno.writeTextFile(`${tmp}/train.csv`, lines.slice(0, 81).join("\n") + "\n");
    await Deno.writeTextFile(
      `${tmp}/test.csv`,
      [lines[0], ...lines.slice(81, 91)].join("\n") + "\n",
    );
    const dir = `${tmp}/d`;
    const prep = await retro(["prepare", "--train", `${tmp}/train.csv`, "--dir", dir, "--json"]);
    assertEquals(prep.code, 0, prep.err);
    const ps = JSON.parse(prep.out);
    assertEquals(ps.reactions, 80);
    assertEquals(ps.selfChecked, 80);
    assert(ps.templates > 10 && ps.templates < 80, `${ps.templates} templates`);
    const trainArgs = [
      "train",
      "--dir",
      dir,
      "--epochs",
      "3",
      "--hidden",
      "32",
      "--rerank-products",
      "40",
      "--dual-products",
      "8",
      "--runs-dir",
      `${tmp}/runs`,
      "--json",
    ];
    const tr = await retro(trainArgs);
    assertEquals(tr.code, 0, tr.err);
    const ts = JSON.parse(tr.out);
    assertEquals(ts.examples + ts.heldOut, 80);
    // Resuming a finished training reuses the saved backward model: same weights, same summary.
    const again = JSON.parse((await retro(trainArgs)).out);
    assertEquals(again.backwardLoss, ts.backwardLoss);
    assertEquals(again.weights, ts.weights);
    const run = JSON.parse(await Deno.readTextFile(`${tmp}/runs/${ts.runId}/run.json`));
    assertEquals(run.status, "done");

    // Predict: a training product gets its recorded reactants among the answers.
    const pred = await retro(["predict", "CC(C)(C)OC(=O)N1CCC(CO)CC1", "--dir", dir, "--json"]);
    assertEquals(pred.code, 0, pred.err);
    const p = JSON.parse(pred.out);
    assertEquals(p.product, "CC(C)(C)OC(=O)N1CCC(CO)CC1");
    for (let i = 1; i < p.ranked.length; i++) assert(p.ranked[i].energy >= p.ranked[i - 1].energy);
    // With forward, prior and similarity weights at zero the dual order is the backward order.
    const model = await RetroModel.load(await loadRdkit(), dir);
    const ranked = model.predict("CC(C)(C)OC(=O)N1CCC(CO)CC1", {
      weights: { backward: 1, forward: 0, prior: 0, similarity: 0 },
    }).ranked;
    const { cands } = model.candidates("CC(C)(C)OC(=O)N1CCC(CO)CC1");
    assertEquals(ranked.map((r) => r.reactants), cands.map((c) => c.reactants));
    model.dispose();

    const ev = await retro(["eval", "--split", `${tmp}/test.csv`, "--dir", dir, "--json"]);
    assertEquals(ev.code, 0, ev.err);
    const e = JSON.parse(ev.out);
    assertEquals(e.n, 10);
    for (const name of ["backward", "forward", "prior", "dual"]) {
      const t = e.topk[name];
      assert(
        t.top1 <= t.top3 && t.top3 <= t.top5 && t.top5 <= t.top10 &&
          t.top10 <= e.proposalRecall + 1e-9,
      );
    }

    // Bad input: invalid SMILES, unusable file, malformed row, no applicable template.
    const bad = await retro(["predict", "C1CC", "--dir", dir]);
    assertEquals(bad.code, 2);
    assertMatch(bad.err, /^error: retro predict: invalid SMILES 'C1CC'$/);
    assertEquals((await retro(["eval", "--split", `${tmp}/missing.csv`, "--dir", dir])).code, 2);
    await Deno.writeTextFile(`${tmp}/bad.csv`, `${lines[0]}\nr1,UNK\n`);
    const malformed = await retro(["eval", "--split", `${tmp}/bad.csv`, "--dir", dir]);
    assertEquals(malformed.code, 2);
    assertMatch(malformed.err, /bad\.csv line 2: expected 3 comma-separated fields/);
    const none = await retro(["predict", "[Xe]", "--dir", dir, "--json"]);
    assertEquals(none.code, 0);
    const n = JSON.parse(none.out);
    assertEquals(n.ranked, []);
    assertMatch(n.reason, /no|none/);
    assertEquals((await retro(["predict", "CCO", "--dir", `${tmp}/nothing`])).code, 2);
    assertEquals((await retro(["fly"])).code, 2);
    const drop = await retro(["train", "--dir", dir, "--dropout", "1.5"]);
    assertEquals(drop.code, 2);
    assertMatch(drop.err, /^error: retro train: --dropout expects a number in \[0, 1\), got 1\.5$/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
