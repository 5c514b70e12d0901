import { assert, assertClose, assertEquals, assertMatch } from "../_assert.ts";
import {
  classicalLeaders,
  DiscsCsvError,
  findingsMarkdown,
  parseDiscsCsv,
  sizeSlopes,
  temperatureContrasts,
  zMargin,
} from "../../src/discs/findings.ts";
import { CSV_COLUMNS, type DiscsRow, rowsToCsv } from "../../src/discs/tables.ts";
import { CRITICAL_BETA } from "../../src/discs/suites.ts";

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

/** A temperature pair row: ESS mean m, std s over 100 chains (se = s / 10). */
function temp(sampler: string, beta: number, m: number, s = 10): DiscsRow {
  return row({
    suite: "temperature",
    model: "ising-8x8-nofield",
    sampler,
    x: beta,
    essMean: m,
    essStd: s,
  });
}

Deno.test("parseDiscsCsv: round trip of rowsToCsv, with quotes, newlines, null x and NaN", () => {
  const rows = [
    row({}),
    row({ suite: "temperature", model: 'a,"b"\nc', sampler: "dlmc-sqrt", x: 0.4407 }),
    row({ suite: "size", x: 16, numSites: 256, essPerSecond: NaN, finalParam: NaN, run: "" }),
    row({ essMean: 1 / 3, essPerEval: 1.2345678901234567e-7, meanAcceptance: 0 }),
  ];
  const back = parseDiscsCsv(rowsToCsv(rows));
  assertEquals(back, rows);
  assertEquals(back[0].x, null);
  assert(Number.isNaN(back[2].essPerSecond));
  // CRLF line ends and a column order other than CSV_COLUMNS are read by header name.
  const cols = [...CSV_COLUMNS].reverse();
  const crlf = [cols.join(","), cols.map((c) => (c === "x" ? "" : String(rows[0][c]))).join(",")]
    .join("\r\n");
  assertEquals(parseDiscsCsv(crlf), [rows[0]]);
  assertEquals(parseDiscsCsv(`${CSV_COLUMNS.join(",")}\n`), []);
});

Deno.test("parseDiscsCsv: malformed files are one-line errors naming source and line", () => {
  const good = rowsToCsv([row({}), row({ sampler: "gwg" })]).split("\n");
  const cases: [string, RegExp][] = [
    ["", /^f\.csv:1: empty file; expected a header line suite,model,/],
    [
      good.join("\n").replace(",essStd,", ",essSTD,"),
      /^f\.csv:1: header lacks column 'essStd'; expected suite,model,sampler,/,
    ],
    [
      [good[0], good[1], good[2].replace(",cpu,", ",")].join("\n"),
      /^f\.csv:3: 18 fields; expected 19 as in the header$/,
    ],
    [
      [good[0], good[1].replace(",10,2.5,", ",ten,2.5,")].join("\n"),
      /^f\.csv:2: essMean is 'ten'; expected a finite number or an empty field$/,
    ],
    [
      [good[0], good[1].replace(",64,100,", ",,100,")].join("\n"),
      /^f\.csv:2: numSites is ''; expected a finite number$/,
    ],
    [
      [good[0], good[1].replace("classical,", "clasical,")].join("\n"),
      /^f\.csv:2: suite is 'clasical'; expected classical \| temperature \| size$/,
    ],
    [
      [good[0], `"classical,ising,rwm`].join("\n"),
      /^f\.csv:2: unterminated quoted field; expected a closing "$/,
    ],
    // Line numbers count the newlines inside quoted fields.
    [
      [good[0], good[1].replace(",ising,", ',"is\ning",'), good[2].replace(",800,", ",8e,")]
        .join("\n"),
      /^f\.csv:4: energyEvals is '8e'; expected a finite number$/,
    ],
  ];
  for (const [text, pattern] of cases) {
    const err = assertThrowsErr(() => parseDiscsCsv(text, "f.csv"));
    assert(err instanceof DiscsCsvError, String(err));
    assertMatch(err.message, pattern);
    assert(!err.message.includes("\n"), err.message);
  }
});

function assertThrowsErr(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

Deno.test("zMargin: hand-computed values", () => {
  // (12 - 10) / sqrt(1.5^2 + 2^2) = 2 / 2.5.
  assertClose(zMargin(12, 1.5, 10, 2), 0.8, 1e-15);
  assertClose(zMargin(10, 2, 12, 1.5), -0.8, 1e-15);
});

Deno.test("classicalLeaders: ranking by ESS/eval, runner-up and z by hand", () => {
  const rows = [
    // potts: dlmc leads on ESS/eval; ESS 50 +- 20/sqrt(100)=2 vs 40 +- 15/sqrt(25)=3.
    row({ model: "potts", sampler: "rwm", essPerEval: 0.001, essMean: 5, essStd: 1 }),
    row({ model: "potts", sampler: "dlmc", essPerEval: 0.02, essMean: 50, essStd: 20 }),
    row({ model: "potts", sampler: "gwg", essPerEval: 0.01, essMean: 40, essStd: 15, chains: 25 }),
    row({ model: "ising", sampler: "pas", essPerEval: NaN }),
    row({ model: "ising", sampler: "rwm", essPerEval: 0.5 }),
    row({ model: "bernoulli", sampler: "rwm" }),
  ];
  const leaders = classicalLeaders(rows);
  assertEquals(leaders.map((l) => l.model), ["potts", "ising", "bernoulli"]);
  const [potts, ising, bern] = leaders;
  assertEquals(potts.ranking.map((s) => s.sampler), ["dlmc", "gwg", "rwm"]);
  assertEquals(potts.best.sampler, "dlmc");
  assertEquals(potts.runnerUp?.sampler, "gwg");
  assertClose(potts.best.essSe, 2, 1e-15);
  assertClose(potts.runnerUp!.essSe, 3, 1e-15);
  assertClose(potts.zEss, 10 / Math.sqrt(13), 1e-12);
  // Per eval: se scaled by ESS/eval over ESS: 2 * 0.02/50 = 8e-4, 3 * 0.01/40 = 7.5e-4.
  assertClose(potts.zPerEval, 0.01 / Math.hypot(8e-4, 7.5e-4), 1e-9);
  assertEquals(ising.ranking.map((s) => s.sampler), ["rwm", "pas"]);
  assertEquals(bern.runnerUp, null);
  assert(Number.isNaN(bern.zEss));
  // A cell repeated in a later file replaces the earlier row.
  const again = classicalLeaders([...rows, row({ model: "potts", sampler: "rwm", essPerEval: 1 })]);
  assertEquals(again[0].best.sampler, "rwm");
  assertEquals(again[0].ranking.length, 3);
});

Deno.test("sizeSlopes: ESS/step = D^-0.5 gives slope -0.5; sorted steepest first", () => {
  const rows: DiscsRow[] = [];
  for (const side of [4, 8, 16, 32]) {
    const d = side * side;
    rows.push(row({ suite: "size", sampler: "pas", x: side, numSites: d, essPerStep: d ** -0.5 }));
    rows.push(row({ suite: "size", sampler: "rwm", x: side, numSites: d, essPerStep: 3 / d }));
  }
  rows.push(row({ suite: "size", sampler: "hamming_ball", x: 4, numSites: 16 })); // one size
  rows.push(row({ suite: "size", sampler: "gwg", x: 4, numSites: 16, essPerStep: 0.5 }));
  rows.push(row({ suite: "size", sampler: "gwg", x: 8, numSites: 64, essPerStep: 0.5 }));
  rows.push(row({ suite: "size", sampler: "gwg", x: 16, numSites: 256, essPerStep: 0 })); // dropped
  rows.push(row({ suite: "classical", sampler: "rwm", essPerStep: 1e-9 })); // other suite
  const s = sizeSlopes(rows);
  assertEquals(s.map((x) => x.sampler), ["rwm", "pas", "gwg"]);
  assertClose(s[0].slope, -1, 1e-12);
  assertClose(s[1].slope, -0.5, 1e-12);
  assertClose(s[2].slope, 0, 1e-12);
  assertEquals([s[1].points, s[1].minSites, s[1].maxSites], [4, 16, 1024]);
  assertEquals(s[2].points, 2);
  // Noisy points: slope equals the closed-form least-squares fit of three points.
  const xs = [Math.log(10), Math.log(100), Math.log(1000)], ys = [0, -1, -3];
  const noisy = xs.map((x, k) =>
    row({
      suite: "size",
      sampler: "bg",
      x: k,
      numSites: Math.round(Math.exp(x)),
      essPerStep: Math.exp(ys[k]),
    })
  );
  // x = ln10 * (1, 2, 3), y = (0, -1, -3): slope = sum (x - mx)(y - my) / sum (x - mx)^2.
  const l = Math.log(10);
  const expected = ((-l) * (0 + 4 / 3) + 0 + l * (-3 + 4 / 3)) / (2 * l * l);
  assertClose(sizeSlopes(noisy)[0].slope, expected, 1e-12);
  assertClose(expected, -1.5 / l, 1e-12);
});

Deno.test("temperatureContrasts: per-beta z and sqrt-ahead counts on each side of beta_c", () => {
  const bc = CRITICAL_BETA; // 0.44069
  const rows = [
    // High temperature: sqrt ahead at 0.2 and 0.3, behind at 0.4.
    temp("gwg-sqrt", 0.2, 120),
    temp("gwg-ratio", 0.2, 100), // z = 20 / sqrt(1 + 1) = 14.142
    temp("gwg-sqrt", 0.3, 110, 30),
    temp("gwg-ratio", 0.3, 106, 40), // z = 4 / sqrt(9 + 16) = 0.8
    temp("gwg-sqrt", 0.4, 90),
    temp("gwg-ratio", 0.4, 100), // z = -10 / sqrt(2)
    // Exactly critical: in neither side.
    temp("gwg-sqrt", bc, 1),
    temp("gwg-ratio", bc, 2),
    // Low temperature: sqrt behind at 0.5 and 0.6.
    temp("gwg-ratio", 0.5, 50),
    temp("gwg-sqrt", 0.5, 40), // z = -10 / sqrt(2)
    temp("gwg-sqrt", 0.6, 30, 0),
    temp("gwg-ratio", 0.6, 35, 0), // z = -inf (no spread)
    // Unpaired rows are left out.
    temp("dlmc-sqrt", 0.2, 1),
    temp("pas-ratio", 0.6, 1),
    row({}),
  ];
  const t = temperatureContrasts(rows);
  assertEquals(t.criticalBeta, bc);
  assertEquals(t.points.map((p) => p.beta), [0.2, 0.3, 0.4, bc, 0.5, 0.6]);
  assert(t.points.every((p) => p.sampler === "gwg"));
  assertClose(t.points[0].z, 20 / Math.SQRT2, 1e-12);
  assertClose(t.points[0].ratio, 1.2, 1e-15);
  assertClose(t.points[1].z, 0.8, 1e-12);
  assertEquals([t.points[4].essSqrt, t.points[4].essRatio], [40, 50]);
  assertEquals(t.points[5].z, -Infinity);
  const [hi, lo] = t.sides;
  assertEquals([hi.side, hi.sqrtAhead, hi.betas], ["high temperature", 2, 3]);
  assertClose(hi.meanZ, (20 / Math.SQRT2 + 0.8 - 10 / Math.SQRT2) / 3, 1e-12);
  assertEquals([lo.side, lo.sqrtAhead, lo.betas, lo.meanZ], ["low temperature", 0, 2, -Infinity]);
  assertEquals(t.sides.length, 2);
  // A different critical point moves 0.4 to the low-temperature side.
  const moved = temperatureContrasts(rows, 0.35).sides;
  assertEquals([moved[0].sqrtAhead, moved[0].betas, moved[1].sqrtAhead, moved[1].betas], [
    2,
    2,
    0,
    4,
  ]);
});

Deno.test("findingsMarkdown: sections only for suites with rows, with the numbers", () => {
  assertEquals(findingsMarkdown([]).includes("No rows."), true);
  const classical = [
    row({ model: "potts", sampler: "dlmc", essPerEval: 0.02, essMean: 50, essStd: 20 }),
    row({ model: "potts", sampler: "gwg", essPerEval: 0.01, essMean: 40, essStd: 30 }),
  ];
  const md1 = findingsMarkdown(classical);
  assertMatch(md1, /## 1\. DLMC best on the classical models/);
  assertMatch(
    md1,
    /\| potts \| dlmc \| 0\.02 \| gwg \| 0\.01 \| \+\d\.\d\d \| \+2\.77 \| 1 of 2 \|/,
  );
  assertMatch(md1, /dlmc 1 \(of 1 models\)/);
  assert(!md1.includes("## 2."), md1);
  assert(!md1.includes("## 3."), md1);
  const size = [4, 8].flatMap((side) =>
    ["rwm", "pas"].map((s) =>
      row({
        suite: "size",
        sampler: s,
        x: side,
        numSites: side * side,
        essPerStep: (side * side) ** (s === "rwm" ? -1 : -0.5),
      })
    )
  );
  const temperature = [
    temp("gwg-sqrt", 0.2, 120),
    temp("gwg-ratio", 0.2, 100),
    temp("gwg-sqrt", 0.6, 90),
    temp("gwg-ratio", 0.6, 100),
  ];
  const md = findingsMarkdown([...classical, ...size, ...temperature]);
  assertMatch(md, /## 2\. RWM, block Gibbs and Hamming ball lose ESS fastest with dimension/);
  assertMatch(
    md,
    /\| 1 \| rwm \| -1\.000 \| 2 \| 16–64 \|\n\| 2 \| pas \| -0\.500 \| 2 \| 16–64 \|/,
  );
  assertMatch(md, /rwm 1, block_gibbs –, hamming_ball –/);
  assertMatch(md, /## 3\. sqrt\(t\) better above the critical temperature, t\/\(t\+1\) below/);
  assertMatch(md, /\| gwg \| 1 of 1 \| \+14\.14 \| 0 of 1 \| -7\.07 \|/);
  assertMatch(md, /\| beta \| gwg \|\n\| --- \| --- \|\n\| 0\.2 \| 120\/100 \(\+14\.14\) \|/);
  assertMatch(md, /\| 0\.6 \| 90\/100 \(-7\.07\) \|/);
});
