/**
 * The sample run the shard tests split, and the comparison of a merged run with the
 * single-machine one.
 * @module
 */
import { assertEquals } from "../_assert.ts";
import { RunStore } from "../../src/io/run_store.ts";

/** A small sample run whose chains do not interact (adaptation off). */
export const SAMPLE = [
  "--model",
  "ising",
  "--set",
  "model.size=5",
  "--sampler",
  "gwg",
  "--adapt",
  "off",
  "--chains",
  "10",
  "--steps",
  "48",
  "--seed",
  "4",
  "--set",
  "blockSteps=8",
  "--backend",
  "cpu",
];

/** Every array equal (but timing arrays), and the summary but for its timing field. */
export async function assertSameRun(
  aRoot: string,
  a: string,
  bRoot: string,
  b: string,
  timing = "stepsPerSecond",
  timingArrays: readonly string[] = [],
) {
  const x = await new RunStore(aRoot).open(a), y = await new RunStore(bRoot).open(b);
  assertEquals(y.manifest.status, "done");
  assertEquals([...y.arrayNames].sort(), [...x.arrayNames].sort());
  for (const name of x.arrayNames) {
    if (timingArrays.includes(name)) continue;
    const u = await x.readArray(name), v = await y.readArray(name);
    assertEquals(v.shape, u.shape, name);
    assertEquals(v.dtype, u.dtype, name);
    assertEquals(
      Array.from(v.data as ArrayLike<number>),
      Array.from(u.data as ArrayLike<number>),
      name,
    );
  }
  const { [timing]: _x, ...sx } = x.manifest.summary;
  const { [timing]: _y, ...sy } = y.manifest.summary;
  assertEquals(sy, sx);
}
