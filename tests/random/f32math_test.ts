import { assert, assertEquals } from "../_assert.ts";
import {
  bitsToF32,
  f32ToBits,
  madF32,
  mathExp,
  mathLog,
  mathLog1p,
  mathLog1pExp,
  mathRecip,
  mathSigmoid,
  mathSincos2pi,
  mathSqrt,
  philox4x32Words,
  roundHalfEven,
  uniform01,
} from "../../src/random/mod.ts";

const fr = Math.fround;

/** |got - ref| in units of the f32 ulp at ref (ref computed in double). */
function ulpError(got: number, ref: number): number {
  const e = Math.max(Math.floor(Math.log2(Math.abs(ref))), -126);
  return Math.abs(got - ref) / 2 ** (e - 23);
}

/** Deterministic points: 2^17 uniforms from Philox mapped through `map`. */
function points(map: (u: number) => number, n = 1 << 17): number[] {
  const w = new Uint32Array(4);
  const out: number[] = [];
  for (let i = 0; i < n / 4; i++) {
    philox4x32Words(i, 0, 0, 0xabc, 1, 2, w);
    for (const x of w) out.push(fr(map(uniform01(x))));
  }
  return out;
}

function maxUlp(f: (x: number) => number, ref: (x: number) => number, xs: number[]): number {
  let worst = 0;
  for (const x of xs) {
    const r = ref(x);
    if (!Number.isFinite(r) || Math.abs(r) < 2 ** -126) continue;
    worst = Math.max(worst, ulpError(f(x), r));
  }
  return worst;
}

const logUniform = (lo: number, hi: number) => (u: number) =>
  Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * u);
const linear = (lo: number, hi: number) => (u: number) => lo + (hi - lo) * u;

// Measured maxima (2^17 points each) are in the comments; bounds leave a little room.
Deno.test("mathExp is within 1.5 ulp of exp over the f32 range", () => {
  assert(maxUlp(mathExp, Math.exp, points(linear(-87.3, 88.7))) <= 1.5); // ~0.95
  assert(maxUlp(mathExp, Math.exp, points(linear(-1, 1))) <= 1.5);
  assertEquals(mathExp(0), 1);
  assertEquals(mathExp(-88), 0); // below 2^-126: flushed
  assertEquals(mathExp(89), Infinity);
});

Deno.test("mathLog and mathLog1p are within 1.5 ulp", () => {
  assert(maxUlp(mathLog, Math.log, points(logUniform(1e-37, 1e38))) <= 1.5); // ~0.8
  assert(maxUlp(mathLog, Math.log, points(linear(0.5, 2))) <= 1.5);
  assert(maxUlp(mathLog1p, Math.log1p, points(logUniform(1e-30, 1e30))) <= 1.5); // ~1.3
  assert(maxUlp(mathLog1p, Math.log1p, points(linear(-0.999, 1))) <= 1.5);
  assertEquals(mathLog(1), 0);
  assertEquals(mathLog(0), -Infinity);
  assertEquals(mathLog1p(-1), -Infinity);
  assertEquals(mathLog1p(1e-30), fr(1e-30));
});

Deno.test("mathSqrt and mathRecip are within 1 ulp", () => {
  assert(maxUlp(mathSqrt, Math.sqrt, points(logUniform(1e-37, 1e38))) <= 1); // ~0.75
  assert(maxUlp(mathRecip, (x) => 1 / x, points(logUniform(1e-37, 1e37))) <= 1.5); // ~1.15
  assertEquals(mathSqrt(4), 2);
  assertEquals(mathRecip(-4), -0.25);
  assertEquals(mathRecip(0), Infinity);
});

Deno.test("mathSigmoid and mathLog1pExp are within a few ulp", () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const sp = (x: number) => Math.log1p(Math.exp(x));
  assert(maxUlp(mathSigmoid, sig, points(linear(-80, 80))) <= 3.5); // ~2.8
  assert(maxUlp(mathLog1pExp, sp, points(linear(-80, 80))) <= 2.5); // ~1.7
  assertEquals(mathSigmoid(0), 0.5);
  assertEquals(mathLog1pExp(100), 100);
});

Deno.test("mathSincos2pi has absolute error below 2^-23 and exact quadrants", () => {
  const out = [0, 0];
  let worst = 0;
  for (const t of points(linear(-4, 4))) {
    mathSincos2pi(t, out);
    worst = Math.max(
      worst,
      Math.abs(out[0] - Math.sin(2 * Math.PI * t)),
      Math.abs(out[1] - Math.cos(2 * Math.PI * t)),
    );
  }
  assert(worst < 2 ** -23, `max abs error ${worst}`); // ~8.5e-8
  assertEquals(mathSincos2pi(0.25, out), [1, -0]);
  assertEquals(mathSincos2pi(0.5, out), [-0, -1]);
});

Deno.test("helpers: bit casts, round half even, two-rounding multiply-add", () => {
  assertEquals(f32ToBits(1), 0x3f800000);
  assertEquals(bitsToF32(0xbf800000), -1);
  assertEquals([0.5, 1.5, 2.5, -2.5].map(roundHalfEven), [0, 2, 2, -2]);
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11 before the sum (a fused
  // multiply-add would give 2^-24): two roundings.
  assertEquals(madF32(1 + 2 ** -12, 1 + 2 ** -12, -(1 + 2 ** -11)), 0);
});
