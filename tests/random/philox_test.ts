import { assertEquals, assertThrows } from "../_assert.ts";
import { philox4x32, philox4x32Words, philoxWords, seedToKey } from "../../src/random/mod.ts";

// Random123 kat_vectors (philox4x32, rounds, ctr[4], key[2] -> out[4]).
const F = 0xffffffff;
const KAT: [number, number[], number[], number[]][] = [
  [10, [0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [10, [F, F, F, F], [F, F], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [10, [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [
    0xd16cfe09,
    0x94fdcceb,
    0x5001e420,
    0x24126ea1,
  ]],
  [7, [0, 0, 0, 0], [0, 0], [0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48]],
  [7, [F, F, F, F], [F, F], [0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662]],
  [7, [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [
    0x4dfccaba,
    0x190a87f0,
    0xc47362ba,
    0xb6b5242a,
  ]],
];

Deno.test("philox4x32 matches the Random123 known-answer vectors", () => {
  for (const [rounds, ctr, key, want] of KAT) {
    const out = philox4x32Words(
      ctr[0],
      ctr[1],
      ctr[2],
      ctr[3],
      key[0],
      key[1],
      new Uint32Array(4),
      rounds,
    );
    assertEquals([...out], want, `philox4x32-${rounds} ${ctr} ${key}`);
    if (rounds === 10) assertEquals([...philox4x32(ctr, key)], want);
  }
});

Deno.test("philox4x32 writes into a given out array and validates its arguments", () => {
  const out = new Uint32Array(4);
  const r = philox4x32([1, 2, 3, 4], [5, 6], out);
  assertEquals(r, out);
  assertEquals([...out], [...philox4x32([1, 2, 3, 4], [5, 6])]);
  assertThrows(() => philox4x32([1, 2, 3], [5, 6]), /4-word counter/);
});

Deno.test("seedToKey splits a 53-bit seed into (lo, hi) and rejects others", () => {
  assertEquals(seedToKey(0), [0, 0]);
  assertEquals(seedToKey(2 ** 32 + 5), [5, 1]);
  assertEquals(seedToKey(Number.MAX_SAFE_INTEGER), [0xffffffff, 0x1fffff]);
  assertThrows(() => seedToKey(-1), /integer seed/);
  assertThrows(() => seedToKey(1.5), /integer seed/);
});

Deno.test("philoxWords: block b of a draw uses stream | b << 16", () => {
  const key = seedToKey(123);
  const words = philoxWords(key, 7, 8, 9, 3, new Uint32Array(10));
  const b0 = philox4x32([7, 8, 9, 3], key);
  const b2 = philox4x32([7, 8, 9, 3 | (2 << 16)], key);
  assertEquals([...words.subarray(0, 4)], [...b0]);
  assertEquals([...words.subarray(8, 10)], [...b2.subarray(0, 2)]);
  assertThrows(() => philoxWords(key, 0, 0, 0, 1 << 16, new Uint32Array(4)), /stream/);
});
