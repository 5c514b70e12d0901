/** Basin statistics: ARI against published values, PCA axes, dendrogram layout; CLI flags. */

import { assert, assertClose, assertEquals, assertThrows } from "../_assert.ts";
import {
  adjustedRandIndex,
  contingency,
  dendrogramLayout,
  principalAxes,
  projectFrames,
} from "../../web/utils/basin_stats.ts";
import { parseDashArgs } from "../../web/utils/args.ts";
import { formatFigure, runKind } from "../../web/utils/run_rows.ts";

Deno.test("adjustedRandIndex: known values (scikit-learn documentation examples)", () => {
  assertEquals(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 1]), 1);
  assertEquals(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  assertClose(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]), 0.5714285714285714, 1e-15);
  assertClose(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 0.5714285714285714, 1e-15);
  assertEquals(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0);
  // By hand: pair index 2, row pairs 6, column pairs 3, C(6,2) = 15: (2 - 1.2) / (4.5 - 1.2).
  assertClose(
    adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]),
    0.24242424242424243,
    1e-15,
  );
  assertEquals(contingency([0, 0, 1], [1, 1, 1]), {
    trueLabels: [0, 1],
    predLabels: [1],
    counts: [[2], [1]],
  });
  assertThrows(() => adjustedRandIndex([0], [0, 1]), /equal lengths/);
});

Deno.test("principalAxes: recovers a known direction and variance split", () => {
  // Points t * (3, 4) / 5 + s * (-4, 3) / 5 with t in {-2..2}, s in {-1, 1}: variances 2 and 1.
  const pts: number[] = [];
  for (const t of [-2, -1, 0, 1, 2]) {
    for (const s of [-1, 1]) pts.push((3 * t - 4 * s) / 5, (4 * t + 3 * s) / 5);
  }
  const { axes, explained } = principalAxes(pts, 10, 2);
  assertClose(axes[0][0], 0.6, 1e-9);
  assertClose(axes[0][1], 0.8, 1e-9);
  assertClose(Math.abs(axes[1][0]), 0.8, 1e-9);
  assertClose(explained[0], 2 / 3, 1e-9);
  assertClose(explained[1], 1 / 3, 1e-9);
});

Deno.test("projectFrames: coordinates mode returns the chosen coordinates", () => {
  const frames = {
    dtype: "f32" as const,
    shape: [2, 2, 3],
    data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  };
  const p = projectFrames(frames, { mode: "coords", i: 2, j: 0 });
  assertEquals(p.points, [[3, 1, 6, 4], [9, 7, 12, 10]]);
  assertEquals(p.frameIndex, [0, 1]);
  assertThrows(() => projectFrames(frames, { mode: "coords", i: 3 }), /out of range/);
});

Deno.test("dendrogramLayout: leaf order, link positions and heights", () => {
  // ((0, 1) at 0.5, 2) at 1.0
  const l = dendrogramLayout([[0, 1, 0.5], [3, 2, 1.0]]);
  assertEquals(l.order, [0, 1, 2]);
  assertEquals(l.links, [
    { x1: 0, x2: 1, y1: 0, y2: 0, height: 0.5 },
    { x1: 0.5, x2: 2, y1: 0.5, y2: 0, height: 1.0 },
  ]);
  assertEquals(l.maxHeight, 1);
  assertThrows(() => dendrogramLayout([[0, 5, 1]]), /expected 0\.\.1/);
});

Deno.test("parseDashArgs: loopback by default, other hosts only with --expose", () => {
  assertEquals(parseDashArgs([]), {
    port: 8123,
    host: "127.0.0.1",
    runsDir: "runs",
    noBuild: false,
  });
  assertEquals(parseDashArgs(["--port", "0", "--runs-dir", "x"]).runsDir, "x");
  assertThrows(() => parseDashArgs(["--host", "0.0.0.0"]), /--expose/);
  assertEquals(parseDashArgs(["--host", "0.0.0.0", "--expose"]).host, "0.0.0.0");
  assertThrows(() => parseDashArgs(["--port", "70000"]), /expected an integer 0-65535/);
  assertThrows(() => parseDashArgs(["--bogus"]));
});

Deno.test("runKind and formatFigure", () => {
  const m = (command: string[], arrays: string[]) =>
    ({ command, arrays: Object.fromEntries(arrays.map((a) => [a, {}])) }) as never;
  assertEquals(runKind(m(["sample"], ["energy"])), "sample");
  assertEquals(runKind(m(["x"], ["frames"])), "basins");
  assertEquals(runKind(m(["x"], ["objective"])), "optimise");
  assertEquals(runKind(m(["x"], ["y"])), "generic");
  assertEquals(formatFigure(1234.5678), "1235");
  assertEquals(formatFigure(0.000012345), "1.234e-5");
  assertEquals(formatFigure(42), "42");
  assert(formatFigure("NaN") === "NaN");
});
