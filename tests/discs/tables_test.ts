import { assert, assertEquals, assertMatch } from "../_assert.ts";
import {
  CSV_COLUMNS,
  type DiscsRow,
  formatSig,
  pivotMarkdown,
  rowsToCsv,
  rowsToMarkdown,
} from "../../src/discs/tables.ts";

function row(over: Partial<DiscsRow>): DiscsRow {
  return {
    suite: "classical",
    model: "ising",
    sampler: "rwm",
    x: null,
    numSites: 64,
    chains: 100,
    steps: 400,
    keptDraws: 200,
    essMean: 10,
    essStd: 2.5,
    essPerStep: 0.05,
    essPerEval: 0.025,
    essPerSecond: 123.456,
    energyEvals: 800,
    seconds: 0.5,
    meanAcceptance: 0.234,
    finalParam: 1.5,
    backend: "cpu",
    run: "r1",
    ...over,
  };
}

Deno.test("rowsToCsv: header in column order, full precision, empty x, quoted commas", () => {
  const csv = rowsToCsv([row({}), row({ suite: "temperature", x: 0.4407, model: "a,b" })]);
  const lines = csv.split("\n");
  assertEquals(lines[0], CSV_COLUMNS.join(","));
  assertEquals(
    lines[1],
    "classical,ising,rwm,,64,100,400,200,10,2.5,0.05,0.025,123.456,800,0.5,0.234,1.5,cpu,r1",
  );
  assertMatch(lines[2], /^temperature,"a,b",rwm,0\.4407,/);
  assertEquals(lines[3], "");
  assertEquals(lines.length, 4);
});

Deno.test("formatSig: significant digits and exponent form", () => {
  assertEquals(formatSig(123.456), "123");
  assertEquals(formatSig(0.0123456), "0.0123");
  assertEquals(formatSig(0.000123456), "1.23e-4");
  assertEquals(formatSig(123456), "1.23e5");
  assertEquals(formatSig(0), "0");
  assertEquals(formatSig(NaN), "–");
});

Deno.test("pivotMarkdown: models by samplers, best of each row in bold", () => {
  const rows = [
    row({ sampler: "rwm", essPerEval: 0.01 }),
    row({ sampler: "dlmc", essPerEval: 0.2 }),
    row({ model: "potts", sampler: "rwm", essPerEval: 0.3 }),
    row({ model: "potts", sampler: "dlmc", essPerEval: 0.1 }),
  ];
  assertEquals(
    pivotMarkdown(rows, "classical"),
    [
      "| model | rwm | dlmc |",
      "| --- | --- | --- |",
      "| ising | 0.01 | **0.2** |",
      "| potts | **0.3** | 0.1 |",
    ].join("\n"),
  );
});

Deno.test("rowsToMarkdown: one section per suite present, with pivot and full table", () => {
  const md = rowsToMarkdown([
    row({}),
    row({ suite: "temperature", model: "ising-8x8-nofield", sampler: "dlmc-sqrt", x: 0.2407 }),
    row({ suite: "temperature", model: "ising-8x8-nofield", sampler: "dlmc-ratio", x: 0.2407 }),
  ]);
  assertMatch(md, /### Suite: classical/);
  assertMatch(md, /### Suite: temperature/);
  assert(!md.includes("### Suite: size"));
  assertMatch(md, /\| beta \| dlmc-sqrt \| dlmc-ratio \|/);
  const full = "| ising | rwm |  | 64 | 400 | 10 ± 2.5 | 0.05 | 0.025 | 123 | 0.234 | cpu |";
  assert(md.includes(full), md);
});
