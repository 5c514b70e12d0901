/**
 * Single-precision GEMM in WebAssembly, generated here from TypeScript (`wasm_emit.ts`), for the
 * wasm backend's BatchMatMul (`matmul_wasm.ts`). It runs in tfjs's own wasm memory (the module
 * imports that `WebAssembly.Memory`), so operands and output are used in place; growth of the
 * heap is harmless because the kernel addresses memory by offset and keeps no views.
 *
 * Layout (the usual Goto/BLIS scheme): K is cut into blocks of `KC`; each K block of B is packed
 * into panels of `NR` columns (k-major, zero-padded), each `MC`-row block of A into panels of
 * `MR` rows; an `MR x NR` register-blocked micro-kernel then runs over one A panel and one B
 * panel with `MR * NR / 4` f32x4 accumulators updated by `f32x4.relaxed_madd` (one FMA on x64
 * CPUs with FMA3, twice the mul + add throughput). Transposed operands cost nothing extra: the
 * packing reads through (row, column) strides. Edge tiles compute a full tile from the padded
 * panels and store only their valid part.
 *
 * Results are deterministic (same inputs, same bits on the same machine); they differ from
 * XNNPACK's in the last bits because FMA rounds once and the sums run in another order.
 * @module
 */
import { emitModule, FnBuilder, I32, V128 } from "./wasm_emit.ts";

/** Register tile and blocking of one generated kernel. */
export interface GemmShape {
  /** Rows of the micro-tile. */
  mr: number;
  /** Columns of the micro-tile (a multiple of 4). */
  nr: number;
  /** K-loop unroll (a power of 2); panels are zero-padded to a multiple of it. */
  unroll: number;
  /** K block. */
  kc: number;
  /** A block rows (a multiple of mr). */
  mc: number;
  /** f32x4.relaxed_madd (true) or f32x4.mul + f32x4.add. */
  fma: boolean;
  /**
   * How a row's A value reaches four lanes: "splat" (one v128.load32_splat per row and k) or
   * "shuffle" (one v128.load per four rows and k, lanes broadcast by i8x16.shuffle, which V8
   * compiles to one vpshufd; needs mr % 4 == 0). Fewer loads matter because V8 in Deno guards
   * every wasm load with an explicit bounds check (no trap-handler guard pages).
   */
  broadcast: "splat" | "shuffle";
}

/**
 * The default: 4 x 8 tile (8 accumulators, A lanes by shuffle), k unrolled by 4, 256 x 96
 * blocks, FMA. (Measured here: 6 x 8, 5 x 8, 3 x 12, 4 x 12 with splats all stall on their
 * loads' bounds checks near the same speed; 4 x 8 with shuffles needs 3 loads per 8 FMAs.)
 */
export const DEFAULT_GEMM: GemmShape = {
  mr: 4,
  nr: 8,
  unroll: 4,
  kc: 256,
  mc: 96,
  fma: true,
  broadcast: "shuffle",
};

/** How the kernel gets scratch memory in the shared heap (tfjs: `_malloc` / `_free`). */
export interface HeapAllocator {
  alloc(bytes: number): number;
  free(pointer: number): void;
}

/** A GEMM instance bound to one memory. */
export interface Gemm {
  readonly shape: GemmShape;
  /**
   * C = A B for row-major C (m x n) at byte offset `c`; A(i, p) is the float at
   * `a + 4 (i ars + p acs)` and B(p, j) at `b + 4 (p brs + j bcs)` (strides in elements, so a
   * transposed operand is just swapped strides).
   */
  gemm(
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    m: number,
    n: number,
    k: number,
  ): void;
  /** Frees the scratch buffers. */
  dispose(): void;
}

/** The four generated functions: kernel, packB, packA, gemm (in that order). */
function buildModule(s: GemmShape, minPages = 0): Uint8Array<ArrayBuffer> {
  const badShuffle = s.broadcast === "shuffle" && s.mr % 4 !== 0;
  if (s.nr % 4 !== 0 || s.mc % s.mr !== 0 || (s.unroll & (s.unroll - 1)) !== 0 || badShuffle) {
    throw new Error(`bad GEMM shape ${JSON.stringify(s)}`);
  }
  return emitModule([
    microKernel(s),
    packPanels("packB", s.nr),
    packPanels("packA", s.mr),
    driver(s),
  ], minPages);
}

/** kernel(pa, pb, kcp, c, ldc4, mr, nr, first, tile): one MR x NR tile of C (= or +=). */
function microKernel(s: GemmShape): FnBuilder {
  const { mr: MR, nr: NR, unroll: U } = s;
  const Q = NR / 4;
  const f = new FnBuilder("kernel", [I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [pa, pb, kcp, c, ldc4, mr, nr, first, tile] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const acc = Array.from({ length: MR }, () => Array.from({ length: Q }, () => f.local(V128)));
  const bv = Array.from({ length: Q }, () => f.local(V128));
  const av = f.local(V128), rows4 = f.local(V128);
  const end = f.local(I32), row = f.local(I32), i = f.local(I32), j = f.local(I32);
  const addr = f.local(I32);
  for (const r of acc) for (const x of r) f.v128Zero().set(x);
  // end = pb + kcp * NR * 4; do { ... } while (pb < end)
  f.get(pb).get(kcp).i32(NR * 4).mul().add().set(end);
  f.code.push(0x03, 0x40); // loop
  for (let u = 0; u < U; u++) {
    for (let q = 0; q < Q; q++) f.get(pb).v128Load((u * NR + 4 * q) * 4).set(bv[q]);
    for (let r = 0; r < MR; r++) {
      if (s.broadcast === "splat") f.get(pa).loadSplat((u * MR + r) * 4).set(av);
      else {
        if (r % 4 === 0) f.get(pa).v128Load((u * MR + r) * 4).set(rows4);
        f.get(rows4).get(rows4);
        f.code.push(0xfd, 0x0d); // i8x16.shuffle: lane r % 4 to all four lanes
        for (let l = 0; l < 4; l++) for (let b = 0; b < 4; b++) f.code.push((r % 4) * 4 + b);
        f.set(av);
      }
      for (let q = 0; q < Q; q++) {
        if (s.fma) f.get(av).get(bv[q]).get(acc[r][q]).f32x4RelaxedMadd().set(acc[r][q]);
        else f.get(av).get(bv[q]).f32x4Mul().get(acc[r][q]).f32x4Add().set(acc[r][q]);
      }
    }
  }
  f.inc(pa, U * MR * 4).inc(pb, U * NR * 4);
  f.get(pb).get(end).ltU();
  f.code.push(0x0d, 0x00, 0x0b); // br_if 0, end loop
  // Full tile: straight to C.
  f.get(mr).i32(MR).eq().get(nr).i32(NR).eq().code.push(0x71); // i32.and
  f.ifElse(
    () => {
      const store = (accumulate: boolean) => () => {
        f.get(c).set(row);
        for (let r = 0; r < MR; r++) {
          for (let q = 0; q < Q; q++) {
            f.get(row);
            if (accumulate) f.get(row).v128Load(16 * q).get(acc[r][q]).f32x4Add();
            else f.get(acc[r][q]);
            f.v128Store(16 * q);
          }
          if (r < MR - 1) f.incBy(row, ldc4);
        }
      };
      f.get(first).ifElse(store(false), store(true));
    },
    () => {
      // Edge tile: through the scratch tile, then the valid mr x nr part.
      for (let r = 0; r < MR; r++) {
        for (let q = 0; q < Q; q++) f.get(tile).get(acc[r][q]).v128Store((r * NR + 4 * q) * 4);
      }
      f.get(c).set(row);
      f.forRange(i, () => f.i32(0), () => f.get(mr), () => f.i32(1), () => {
        f.forRange(j, () => f.i32(0), () => f.get(nr), () => f.i32(1), () => {
          f.get(row).get(j).i32(2).shl().add().set(addr);
          f.get(addr);
          f.get(tile).get(i).i32(NR).mul().get(j).add().i32(2).shl().add().f32Load();
          // + (first ? 0 : C): select, since an if block cannot see the loaded value.
          f.f32Zero().get(addr).f32Load().get(first).select().f32Add();
          f.f32Store();
        });
        f.incBy(row, ldc4);
      });
    },
  );
  return f;
}

/**
 * name(src, strideK, strideJ, kc, kcp, count, dst): packs a kc x count block, element (p, j) at
 * `src + p strideK + j strideJ` (byte strides), into panels of W columns: panel t holds
 * (p, t W + jj) at float `p W + jj`, kcp rows (zero rows past kc), zero columns past count.
 */
function packPanels(name: string, W: number): FnBuilder {
  const f = new FnBuilder(name, [I32, I32, I32, I32, I32, I32, I32]);
  const [src, strideK, strideJ, kc, kcp, count, dst] = [0, 1, 2, 3, 4, 5, 6];
  const j0 = f.local(I32), w = f.local(I32), p = f.local(I32), jj = f.local(I32);
  const rowp = f.local(I32), q = f.local(I32), d = f.local(I32), tx = f.local(I32);
  const ty = f.local(I32), s1 = f.local(I32), s2 = f.local(I32), s3 = f.local(I32);
  const v = [0, 1, 2, 3].map(() => f.local(V128)), t = [0, 1, 2, 3].map(() => f.local(V128));
  f.get(strideJ).set(s1);
  f.get(strideJ).i32(1).shl().set(s2);
  f.get(strideJ).i32(3).mul().set(s3);
  /** i8x16.shuffle of two vectors by 32-bit lanes (0-3 first operand, 4-7 second). */
  const shuffle32 = (x: number, y: number, lanes: number[]) => {
    f.get(x).get(y);
    f.code.push(0xfd, 0x0d);
    for (const l of lanes) for (let b = 0; b < 4; b++) f.code.push(4 * l + b);
  };
  f.forRange(j0, () => f.i32(0), () => f.get(count), () => f.i32(W), () => {
    f.i32(W).get(count).get(j0).sub().min(tx, ty).set(w);
    // Zero what the copy leaves: the whole panel at an edge, else the pad rows.
    f.get(w).i32(W).ltS().ifElse(
      () => f.get(dst).i32(0).get(kcp).i32(W * 4).mul().fill(),
      () =>
        f.get(kcp).get(kc).ne().ifElse(() =>
          f.get(dst).get(kc).i32(W * 4).mul().add().i32(0).get(kcp).get(kc).sub().i32(W * 4)
            .mul().fill()
        ),
    );
    f.get(src).get(j0).get(strideJ).mul().add().set(rowp);
    f.get(dst).set(d);
    f.i32(0).set(p);
    /** Rows p.. (continuing from the current p) up to `end`, `step` rows at a time. */
    const rows = (body: () => void, step = 1, end = () => f.get(kc)) =>
      f.forRange(p, () => f.get(p), end, () => f.i32(step), () => {
        body();
        f.get(rowp).get(strideK).i32(step).mul().add().set(rowp);
        f.inc(d, step * W * 4);
      });
    const scalar = () =>
      rows(() => {
        f.get(rowp).set(q);
        for (let c = 0; c < W; c++) {
          f.get(d).get(q).f32Load().f32Store(c * 4);
          if (c < W - 1) f.incBy(q, strideJ);
        }
      });
    f.get(w).i32(W).eq().ifElse(
      () => {
        if (W % 4 !== 0) return scalar();
        f.get(strideJ).i32(4).eq().ifElse(
          // Contiguous panel rows: vector copies.
          () =>
            rows(() => {
              for (let c = 0; c < W / 4; c++) f.get(d).get(rowp).v128Load(16 * c).v128Store(16 * c);
            }),
          () => {
            // Contiguous along k (a transposed operand): 4 x 4 blocks, transposed by shuffles.
            f.get(strideK).i32(4).eq().ifElse(() =>
              rows(
                () => {
                  for (let g = 0; g < W / 4; g++) {
                    f.get(rowp).get(strideJ).i32(4 * g).mul().add().set(q);
                    f.get(q).v128Load().set(v[0]);
                    f.get(q).get(s1).add().v128Load().set(v[1]);
                    f.get(q).get(s2).add().v128Load().set(v[2]);
                    f.get(q).get(s3).add().v128Load().set(v[3]);
                    shuffle32(v[0], v[1], [0, 4, 1, 5]);
                    f.set(t[0]);
                    shuffle32(v[2], v[3], [0, 4, 1, 5]);
                    f.set(t[1]);
                    shuffle32(v[0], v[1], [2, 6, 3, 7]);
                    f.set(t[2]);
                    shuffle32(v[2], v[3], [2, 6, 3, 7]);
                    f.set(t[3]);
                    const out = (i: number, x: number, y: number, lanes: number[]) => {
                      f.get(d);
                      shuffle32(x, y, lanes);
                      f.v128Store((i * W + 4 * g) * 4);
                    };
                    out(0, t[0], t[1], [0, 1, 4, 5]);
                    out(1, t[0], t[1], [2, 3, 6, 7]);
                    out(2, t[2], t[3], [0, 1, 4, 5]);
                    out(3, t[2], t[3], [2, 3, 6, 7]);
                  }
                },
                4,
                () => f.get(kc).i32(3).sub(),
              )
            );
            scalar(); // the rows left (all of them when k is not contiguous)
          },
        );
      },
      () =>
        rows(() => {
          f.get(rowp).set(q);
          f.forRange(jj, () => f.i32(0), () => f.get(w), () => f.i32(1), () => {
            f.get(d).get(jj).i32(2).shl().add().get(q).f32Load().f32Store();
            f.incBy(q, strideJ);
          });
        }),
    );
    f.get(dst).get(kcp).i32(W * 4).mul().add().set(dst);
  });
  return f;
}

/** gemm(a, ars4, acs4, b, brs4, bcs4, c, m, n, k, packB, packA, tile); strides in bytes. */
function driver(s: GemmShape): FnBuilder {
  const { mr: MR, nr: NR, unroll: U, kc: KC, mc: MC } = s;
  const f = new FnBuilder("gemm", Array(13).fill(I32));
  const [a, ars4, acs4, b, brs4, bcs4, c, m, n, k, bufB, bufA, tile] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
  ];
  const pc = f.local(I32), kc = f.local(I32), kcp = f.local(I32), ic = f.local(I32);
  const mcur = f.local(I32), jr = f.local(I32), ir = f.local(I32), tx = f.local(I32);
  const ty = f.local(I32), nr = f.local(I32), pb = f.local(I32);
  f.forRange(pc, () => f.i32(0), () => f.get(k), () => f.i32(KC), () => {
    f.i32(KC).get(k).get(pc).sub().min(tx, ty).set(kc);
    f.get(kc).i32(U - 1).add().i32(-U).code.push(0x71); // i32.and: round up to the unroll
    f.set(kcp);
    // packB(b + pc brs4, brs4, bcs4, kc, kcp, n, bufB)
    f.get(b).get(pc).get(brs4).mul().add().get(brs4).get(bcs4).get(kc).get(kcp).get(n).get(bufB)
      .call(1);
    f.forRange(ic, () => f.i32(0), () => f.get(m), () => f.i32(MC), () => {
      f.i32(MC).get(m).get(ic).sub().min(tx, ty).set(mcur);
      // packA(a + ic ars4 + pc acs4, acs4, ars4, kc, kcp, mcur, bufA)
      f.get(a).get(ic).get(ars4).mul().add().get(pc).get(acs4).mul().add();
      f.get(acs4).get(ars4).get(kc).get(kcp).get(mcur).get(bufA).call(2);
      f.forRange(jr, () => f.i32(0), () => f.get(n), () => f.i32(NR), () => {
        f.i32(NR).get(n).get(jr).sub().min(tx, ty).set(nr);
        f.get(bufB).get(jr).get(kcp).mul().i32(2).shl().add().set(pb);
        f.forRange(ir, () => f.i32(0), () => f.get(mcur), () => f.i32(MR), () => {
          // kernel(pa, pb, kcp, c + ((ic + ir) n + jr) 4, n 4, mr, nr, pc == 0, tile)
          f.get(bufA).get(ir).get(kcp).mul().i32(2).shl().add();
          f.get(pb).get(kcp);
          f.get(c).get(ic).get(ir).add().get(n).mul().get(jr).add().i32(2).shl().add();
          f.get(n).i32(2).shl();
          f.i32(MR).get(mcur).get(ir).sub().min(tx, ty);
          f.get(nr).get(pc).eqz().get(tile).call(0);
        });
      });
    });
  });
  return f;
}

const modules = new Map<string, WebAssembly.Module | null>();

/**
 * The compiled module for `shape` importing a memory of at least `minPages` pages, or null
 * where the runtime rejects it (no relaxed SIMD).
 */
export function gemmModule(
  shape: GemmShape = DEFAULT_GEMM,
  minPages = 0,
): WebAssembly.Module | null {
  const key = JSON.stringify([shape, minPages]);
  if (!modules.has(key)) {
    const bytes = buildModule(shape, minPages);
    modules.set(key, WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null);
  }
  return modules.get(key)!;
}

/** Whether this runtime validates the relaxed-SIMD GEMM (V8 with relaxed SIMD: Deno >= 2.x). */
export function relaxedGemmSupported(): boolean {
  return gemmModule(DEFAULT_GEMM) !== null;
}

/**
 * A GEMM running in `memory`, with scratch from `heap`; null where the module does not validate.
 */
export function createGemm(
  memory: WebAssembly.Memory,
  heap: HeapAllocator,
  shape: GemmShape = DEFAULT_GEMM,
): Gemm | null {
  // Declaring the memory's current size as the import's minimum lets V8 drop the "memory is
  // at least this big" half of each load's bounds check (the memory only grows).
  const module = gemmModule(shape, memory.buffer.byteLength / 65536);
  if (!module) return null;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as {
    gemm: (...args: number[]) => void;
  };
  const tileBytes = shape.mr * shape.nr * 4, packABytes = shape.mc * shape.kc * 4;
  let scratch = 0, scratchB = 0; // one buffer: tile, packed A, packed B (scratchB floats)
  const ensure = (n: number) => {
    const needB = Math.ceil(n / shape.nr) * shape.nr * shape.kc;
    if (scratch && needB <= scratchB) return;
    if (scratch) heap.free(scratch);
    scratchB = Math.max(needB, 512 * shape.kc);
    scratch = heap.alloc(tileBytes + packABytes + 4 * scratchB + 64);
    if (!scratch) throw new Error("GEMM: the wasm heap is out of memory for the packed panels");
  };
  return {
    shape,
    gemm(a, ars, acs, b, brs, bcs, c, m, n, k) {
      if (m <= 0 || n <= 0 || k <= 0) throw new Error(`GEMM: empty product ${m}x${k}x${n}`);
      ensure(n);
      const base = (scratch + 63) & ~63;
      exports.gemm(
        a,
        4 * ars,
        4 * acs,
        b,
        4 * brs,
        4 * bcs,
        c,
        m,
        n,
        k,
        base + tileBytes + packABytes,
        base + tileBytes,
        base,
      );
    },
    dispose() {
      if (scratch) heap.free(scratch);
      scratch = 0;
    },
  };
}
