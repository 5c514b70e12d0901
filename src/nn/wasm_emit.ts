/**
 * A tiny WebAssembly binary emitter, just enough for the generated GEMM of `gemm_wasm.ts`: one
 * imported memory, functions of i32/v128 locals, structured control flow, the integer, f32 and
 * SIMD (incl. relaxed SIMD) instructions that kernel needs. Code is written in stack order through
 * {@link FnBuilder}'s methods; {@link emitModule} assembles the sections (wasm core spec 1.0,
 * binary format chapter; SIMD and relaxed-SIMD opcodes from their proposals).
 * @module
 */

/** Value types. */
export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number, out: number[]): void {
  n |= 0;
  while (true) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** One function's body, written in stack order. Locals are numbered after the parameters. */
export class FnBuilder {
  readonly code: number[] = [];
  readonly localTypes: number[] = [];
  constructor(readonly name: string, readonly params: number[], readonly results: number[] = []) {}

  /** A new local of `type`; returns its index. */
  local(type: number): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }
  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private mem(opcode: number[], align: number, offset: number): this {
    this.code.push(...opcode);
    uleb(align, this.code);
    uleb(offset, this.code);
    return this;
  }
  private simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  get(i: number): this {
    this.code.push(0x20);
    uleb(i, this.code);
    return this;
  }
  set(i: number): this {
    this.code.push(0x21);
    uleb(i, this.code);
    return this;
  }
  tee(i: number): this {
    this.code.push(0x22);
    uleb(i, this.code);
    return this;
  }
  i32(c: number): this {
    this.code.push(0x41);
    sleb(c, this.code);
    return this;
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  shl(): this {
    return this.op(0x74);
  }
  eqz(): this {
    return this.op(0x45);
  }
  eq(): this {
    return this.op(0x46);
  }
  ne(): this {
    return this.op(0x47);
  }
  ltS(): this {
    return this.op(0x48);
  }
  /** Unsigned <, for addresses (a heap above 2 GiB has "negative" i32 pointers). */
  ltU(): this {
    return this.op(0x49);
  }
  geS(): this {
    return this.op(0x4e);
  }
  /** select(a, b, cond): a if cond else b. */
  select(): this {
    return this.op(0x1b);
  }
  f32Load(offset = 0): this {
    return this.mem([0x2a], 2, offset);
  }
  f32Store(offset = 0): this {
    return this.mem([0x38], 2, offset);
  }
  f32Zero(): this {
    return this.op(0x43, 0, 0, 0, 0);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  v128Load(offset = 0): this {
    this.code.push(0xfd);
    uleb(0x00, this.code);
    uleb(4, this.code);
    uleb(offset, this.code);
    return this;
  }
  v128Store(offset = 0): this {
    this.code.push(0xfd);
    uleb(0x0b, this.code);
    uleb(4, this.code);
    uleb(offset, this.code);
    return this;
  }
  /** v128.load32_splat: one float broadcast to four lanes. */
  loadSplat(offset = 0): this {
    this.code.push(0xfd);
    uleb(0x09, this.code);
    uleb(2, this.code);
    uleb(offset, this.code);
    return this;
  }
  v128Zero(): this {
    this.code.push(0xfd);
    uleb(0x0c, this.code);
    for (let i = 0; i < 16; i++) this.code.push(0);
    return this;
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  /** f32x4.relaxed_madd(a, b, c) = a * b + c (fused where the CPU has FMA). */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }
  /** memory.fill(dest, value, bytes). */
  fill(): this {
    return this.op(0xfc, 0x0b, 0x00);
  }
  call(index: number): this {
    this.code.push(0x10);
    uleb(index, this.code);
    return this;
  }

  /** `if (cond) then() else otherwise()`; the condition is on the stack. */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  /**
   * `for (i = start; i < end; i += step) body()` with signed compare; `start`, `end` and `step`
   * push one i32 each (`step` is evaluated every iteration).
   */
  forRange(
    i: number,
    start: () => void,
    end: () => void,
    step: () => void,
    body: () => void,
  ): this {
    start();
    this.set(i);
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    this.get(i);
    end();
    this.geS();
    this.op(0x0d, 0x01); // br_if 1: leave the block
    body();
    this.get(i);
    step();
    this.add().set(i);
    this.op(0x0c, 0x00, 0x0b, 0x0b); // br 0 (loop), end loop, end block
    return this;
  }
  /** `a = a + c` for an i32 local. */
  inc(a: number, c: number): this {
    return this.get(a).i32(c).add().set(a);
  }
  /** `a = a + b` for i32 locals. */
  incBy(a: number, b: number): this {
    return this.get(a).get(b).add().set(a);
  }
  /** Pushes min(x, y) of two already-pushed values via locals `tx`, `ty`. */
  min(tx: number, ty: number): this {
    this.set(ty).set(tx);
    return this.get(tx).get(ty).get(tx).get(ty).ltS().select();
  }
}

/**
 * A module importing `env.memory` (at least `minPages` 64 KiB pages, no maximum) and exporting
 * every function by name.
 * Functions call each other by their position in `fns`.
 */
export function emitModule(fns: FnBuilder[], minPages = 0): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]) => {
    out.push(id);
    uleb(body.length, out);
    out.push(...body);
  };
  const types: number[] = [];
  uleb(fns.length, types);
  for (const f of fns) {
    types.push(0x60);
    uleb(f.params.length, types);
    types.push(...f.params);
    uleb(f.results.length, types);
    types.push(...f.results);
  }
  section(1, types);
  const imports: number[] = [1];
  name("env", imports);
  name("memory", imports);
  // Memory, limits: min pages, no max. A larger min lets V8 drop part of each bounds check.
  imports.push(0x02, 0x00);
  uleb(minPages, imports);
  section(2, imports);
  const funcs: number[] = [];
  uleb(fns.length, funcs);
  fns.forEach((_, i) => uleb(i, funcs));
  section(3, funcs);
  const exports: number[] = [];
  uleb(fns.length, exports);
  fns.forEach((f, i) => {
    name(f.name, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports);
  const code: number[] = [];
  uleb(fns.length, code);
  for (const f of fns) {
    const body: number[] = [];
    uleb(f.localTypes.length, body);
    for (const t of f.localTypes) body.push(1, t);
    body.push(...f.code, 0x0b);
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code);
  return new Uint8Array(out);
}
