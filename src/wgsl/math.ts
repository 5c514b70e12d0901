/**
 * Deterministic f32 math in WGSL (`math_*`), the twin of `src/random/f32math.ts`: the same
 * operations in the same order from the same constant bits, so a CPU replay matches the GPU
 * bit for bit. Builtin `exp`/`log`/`sin`/`sqrt` and `/` are avoided because WGSL does not
 * require them to be correctly rounded. Compilers reassociate float expressions and may fuse
 * `a * b + c` (and `fma` need not be fused), so every inexact multiply-add goes through
 * `math_mad` (twin: `madF32`) and `math_keep` blocks rewrites that would cancel terms.
 *
 * Functions: `math_exp`, `math_log`, `math_log1p`, `math_log1p_exp` (softplus),
 * `math_sigmoid`, `math_recip`, `math_sqrt`, `math_sincos_2pi` (returns vec2(sin, cos) of
 * 2 pi t), plus helpers `math_pow2`, `math_log_split`, `math_log_reduced`.
 *
 * @module
 */

import { MATH_CONSTANT_BITS as K } from "../random/f32math.ts";

/**
 * An exact WGSL hexadecimal f32 literal for f32 bits `u` (normal values and zero).
 * @example
 * ```ts
 * wgslF32Literal(0x3f800000); // "0x1.000000p+0f"
 * ```
 */
export function wgslF32Literal(u: number): string {
  u >>>= 0;
  const sign = u >>> 31 ? "-" : "";
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0 && mant === 0) return `${sign}0.0f`;
  if (exp === 0 || exp === 255) {
    throw new Error(`wgslF32Literal: expected a normal f32 or zero, got bits 0x${u.toString(16)}`);
  }
  const e = exp - 127;
  return `${sign}0x1.${(mant << 1).toString(16).padStart(6, "0")}p${e >= 0 ? "+" : ""}${e}f`;
}

function constLine(name: string, bits: number): string {
  return `const ${name}: f32 = ${wgslF32Literal(bits)};`;
}

/** Horner steps `acc = math_mad(acc, x, c);`, one per coefficient (highest degree first). */
function horner(acc: string, x: string, coeffs: readonly string[]): string {
  return coeffs.map((c) => `  ${acc} = math_mad(${acc}, ${x}, ${c});`).join("\n");
}

const constants = [
  constLine("math_log2e", K.log2e),
  constLine("math_ln2_1", K.ln2_1),
  constLine("math_ln2_2", K.ln2_2),
  constLine("math_ln2_3", K.ln2_3),
  constLine("math_exp_min", K.expMin),
  constLine("math_exp_max", K.expMax),
  ...K.expP.map((b, i) => constLine(`math_exp_p${i}`, b)),
  ...K.logQ.map((b, i) => constLine(`math_log_q${i}`, b)),
  constLine("math_sqrt2", K.sqrt2),
  ...K.sinS.map((b, i) => constLine(`math_sin_s${i}`, b)),
  ...K.cosC.map((b, i) => constLine(`math_cos_c${i}`, b)),
  ...K.rsqrtR.map((b, i) => constLine(`math_rsqrt_r${i}`, b)),
  constLine("math_recip_a", K.recipSeed[0]),
  constLine("math_recip_b", K.recipSeed[1]),
  constLine("math_f32_min_normal", 0x00800000),
  constLine("math_f32_max", 0x7f7fffff),
].join("\n");

/**
 * WGSL source of the deterministic math functions (`math_*`); self-contained.
 * Bit identity with the TS twin is checked on the adapter by
 * `tests/random/gpu_identity_test.ts`.
 */
export const MATH_WGSL: string =
  `// ---- math: deterministic f32 math (twin of src/random/f32math.ts) ----
${constants}

fn math_pow2(n: i32) -> f32 {
  return bitcast<f32>(u32(n + 127) << 23u);
}

// Identity on the value, opaque to algebraic rewriting: Mesa's NIR (and other shader
// compilers) reassociate and cancel float expressions, e.g. (1 + x) - 1 -> x, which would
// change results. The xor mask is always 0 (bit 31 of the exponent field is clear), but the
// compiler's float rewrites cannot see through it.
fn math_keep(v: f32) -> f32 {
  let b = bitcast<u32>(v);
  return bitcast<f32>(b ^ ((b & 0x7f800000u) >> 31u));
}

// a * b + c rounded twice (product, then sum), never fused.
fn math_mad(a: f32, b: f32, c: f32) -> f32 {
  return math_keep(a * b) + c;
}

fn math_inf() -> f32 {
  return bitcast<f32>(0x7f800000u);
}

fn math_nan() -> f32 {
  return bitcast<f32>(0x7fc00000u);
}

fn math_exp(x: f32) -> f32 {
  if (x > math_exp_max) { return math_inf(); }
  if (x < math_exp_min) { return 0.0; }
  let k = round(x * math_log2e);
  var r = math_keep(x - k * math_ln2_1);
  r = math_keep(r - k * math_ln2_2);
  r = math_keep(r - k * math_ln2_3);
  var p = math_exp_p4;
${horner("p", "r", ["math_exp_p3", "math_exp_p2", "math_exp_p1", "math_exp_p0"])}
  let r2 = r * r;
  let y = 1.0 + math_keep(math_mad(r2, p, r));
  let ki = i32(k);
  let k1 = ki >> 1u;
  let out = (y * math_pow2(k1)) * math_pow2(ki - k1);
  if (out < math_f32_min_normal) { return 0.0; }
  return out;
}

// log(2^e * (1 + f)) for the reduced argument; e is an integer held in an f32.
fn math_log_reduced(e: f32, f: f32) -> f32 {
  var q = math_log_q8;
${
    horner("q", "f", [
      "math_log_q7",
      "math_log_q6",
      "math_log_q5",
      "math_log_q4",
      "math_log_q3",
      "math_log_q2",
      "math_log_q1",
      "math_log_q0",
    ])
  }
  let f2 = f * f;
  let t = math_mad(f2, q, e * math_ln2_2);
  return e * math_ln2_1 + (f + t);
}

// x = 2^e * m with m in [sqrt(1/2), sqrt(2)); returns vec2(e, m). x must be positive normal.
fn math_log_split(x: f32) -> vec2<f32> {
  let bits = bitcast<u32>(x);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > math_sqrt2) {
    m = m * 0.5;
    e = e + 1;
  }
  return vec2<f32>(f32(e), m);
}

fn math_log(x: f32) -> f32 {
  if (x < 0.0) { return math_nan(); }
  if (x < math_f32_min_normal) { return -math_inf(); }
  if (x > math_f32_max) { return math_inf(); }
  let s = math_log_split(x);
  return math_log_reduced(s.x, s.y - 1.0);
}

fn math_log1p(x: f32) -> f32 {
  if (x < -1.0) { return math_nan(); }
  if (x > math_f32_max) { return math_inf(); }
  let u = math_keep(1.0 + x);
  if (u < math_f32_min_normal) { return -math_inf(); }
  if (u > math_f32_max) { return math_log(x); }
  // c = the rounding error of 1 + x; log1p(x) = log(u) + log(1 + c/u).
  let c = x - math_keep(u - 1.0);
  let s = math_log_split(u);
  let corr = c * math_pow2(max(-i32(s.x), -126));
  return math_log_reduced(s.x, math_keep(s.y - 1.0) + corr);
}

fn math_log1p_exp(x: f32) -> f32 {
  let l = math_log1p(math_exp(-abs(x)));
  return max(x, 0.0) + l;
}

fn math_recip(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  let e = i32((bits >> 23u) & 0xffu) - 127;
  let sign = bits & 0x80000000u;
  if (e > 126) { return bitcast<f32>(sign); }
  if (e < -126) { return bitcast<f32>(sign | 0x7f800000u); }
  let m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  var y = math_mad(-math_recip_b, m, math_recip_a);
  for (var i = 0; i < 3; i = i + 1) {
    let err = math_mad(-m, y, 1.0);
    y = math_mad(y, err, y);
  }
  let out = y * math_pow2(-e);
  return bitcast<f32>(bitcast<u32>(out) | sign);
}

fn math_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return math_recip(1.0 + math_exp(-x)); }
  let e = math_exp(x);
  return e * math_recip(1.0 + e);
}

fn math_sqrt(x: f32) -> f32 {
  if (x < 0.0) { return math_nan(); }
  if (x < math_f32_min_normal) { return 0.0; }
  if (x > math_f32_max) { return math_inf(); }
  let bits = bitcast<u32>(x);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if ((e & 1) != 0) {
    m = m * 2.0;
    e = e - 1;
  }
  var y = math_rsqrt_r2;
${horner("y", "m", ["math_rsqrt_r1", "math_rsqrt_r0"])}
  let h = m * 0.5;
  for (var i = 0; i < 3; i = i + 1) {
    let t = math_mad(-h, y * y, 1.5);
    y = y * t;
  }
  var s = m * y;
  let d = math_mad(-s, s, m);
  s = math_mad(y * 0.5, d, s);
  return s * math_pow2(e / 2);
}

// vec2(sin(2 pi t), cos(2 pi t)); the reduction t - round(4t)/4 is exact.
fn math_sincos_2pi(t: f32) -> vec2<f32> {
  let q = round(t * 4.0);
  let s = t - q * 0.25;
  let quadrant = q - 4.0 * floor(q * 0.25);
  let s2 = s * s;
  var ps = math_sin_s3;
${horner("ps", "s2", ["math_sin_s2", "math_sin_s1", "math_sin_s0"])}
  let sn = s * ps;
  var pc = math_cos_c3;
${horner("pc", "s2", ["math_cos_c2", "math_cos_c1", "math_cos_c0"])}
  let cs = math_mad(s2, pc, 1.0);
  if (quadrant == 0.0) { return vec2<f32>(sn, cs); }
  if (quadrant == 1.0) { return vec2<f32>(cs, -sn); }
  if (quadrant == 2.0) { return vec2<f32>(-sn, -cs); }
  return vec2<f32>(-cs, sn);
}
`;

/**
 * The full math snippet (same text as {@link MATH_WGSL}).
 * @example
 * ```ts
 * const code = mathWgsl() + "fn main_body() -> f32 { return math_exp(1.0); }";
 * ```
 */
export function mathWgsl(): string {
  return MATH_WGSL;
}
