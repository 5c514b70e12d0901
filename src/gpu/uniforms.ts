/**
 * Uniform layouts generated from one schema: the WGSL struct, its byte size and the packing of
 * values all come from the same ordered field list, so the two sides cannot disagree. Fields
 * are 4-byte scalars (u32, i32, f32), packed in order with no gaps; the struct is padded to 16
 * bytes as uniform buffers require.
 *
 * Sizes of a model (sites, categories, lattice side, ...) travel in such a uniform instead of
 * being baked into the WGSL text, so one compiled pipeline serves every size; `sizeVarsWgsl`
 * gives kernels module-scope names for them (`D`, `C`, ...), loaded from the uniform at entry.
 * @module
 */

/** A 4-byte scalar type of a uniform field. */
export type ScalarType = "u32" | "i32" | "f32";

/** One scalar field of a uniform struct. */
export interface UniformField {
  readonly name: string;
  readonly type: ScalarType;
}

/** A named scalar value with its type (sizes, constants). */
export interface TypedScalar {
  readonly type: ScalarType;
  readonly value: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A uniform struct: fields in order, 4 bytes each.
 *
 * @example
 * ```ts
 * const layout = new UniformLayout("Params", [{ name: "n", type: "u32" }, { name: "h", type: "f32" }]);
 * layout.wgsl(); // "struct Params {\n  n: u32,\n  h: f32,\n}"
 * layout.pack({ n: 3, h: 0.5 }); // Uint32Array of 4 words (16 bytes)
 * ```
 */
export class UniformLayout {
  readonly structName: string;
  readonly fields: readonly UniformField[];
  readonly #index = new Map<string, number>();

  constructor(structName: string, fields: readonly UniformField[]) {
    if (!IDENT.test(structName)) throw new Error(`bad WGSL struct name '${structName}'`);
    fields.forEach((f, i) => {
      if (!IDENT.test(f.name)) throw new Error(`bad uniform field name '${f.name}'`);
      if (this.#index.has(f.name)) throw new Error(`uniform field '${f.name}' is declared twice`);
      this.#index.set(f.name, i);
    });
    this.structName = structName;
    this.fields = fields;
  }

  /** Byte size, a multiple of 16 (at least 16). */
  get byteLength(): number {
    return Math.max(16, Math.ceil((this.fields.length * 4) / 16) * 16);
  }

  /** The WGSL struct declaration. */
  wgsl(): string {
    const body = this.fields.map((f) => `  ${f.name}: ${f.type},`).join("\n");
    return `struct ${this.structName} {\n${body}\n}`;
  }

  /** Word offset of a field (throws for unknown names). */
  offsetOf(name: string): number {
    const i = this.#index.get(name);
    if (i === undefined) throw new Error(`uniform ${this.structName} has no field '${name}'`);
    return i;
  }

  /**
   * Packs values into the struct's bytes. Every field must be given; u32/i32 values must be
   * integers in range and f32 values finite (they are rounded to f32).
   */
  pack(values: Readonly<Record<string, number>>): Uint32Array {
    const words = new Uint32Array(this.byteLength / 4);
    const f32 = new Float32Array(words.buffer), i32 = new Int32Array(words.buffer);
    for (const name of Object.keys(values)) this.offsetOf(name);
    this.fields.forEach((f, i) => {
      const v = values[f.name];
      if (v === undefined) throw new Error(`uniform ${this.structName}: missing '${f.name}'`);
      if (f.type === "f32") {
        if (!Number.isFinite(v)) {
          throw new Error(`uniform ${this.structName}.${f.name} must be finite, got ${v}`);
        }
        f32[i] = v;
      } else if (f.type === "u32") {
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
          throw new Error(`uniform ${this.structName}.${f.name} must be a u32, got ${v}`);
        }
        words[i] = v;
      } else {
        if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
          throw new Error(`uniform ${this.structName}.${f.name} must be an i32, got ${v}`);
        }
        i32[i] = v;
      }
    });
    return words;
  }
}

/** Uniform fields of named sizes, in the given order. */
export function sizeFields(sizes: Readonly<Record<string, TypedScalar>>): UniformField[] {
  return Object.entries(sizes).map(([name, s]) => ({ name, type: s.type }));
}

/**
 * Module-scope private variables named after the sizes and `fn <loader>()` that fills them from
 * the uniform `uniformVar`: every entry point calls the loader first. The text depends only on
 * the names and types, never on the values.
 *
 * @example
 * ```ts
 * sizeVarsWgsl({ D: { type: "u32", value: 9 } }, "params", "load_sizes");
 * // "var<private> D: u32;\nfn load_sizes() {\n  D = params.D;\n}"
 * ```
 */
export function sizeVarsWgsl(
  sizes: Readonly<Record<string, TypedScalar>>,
  uniformVar: string,
  loader: string,
): string {
  const names = Object.keys(sizes);
  const decls = names.map((n) => `var<private> ${n}: ${sizes[n].type};`);
  const loads = names.map((n) => `  ${n} = ${uniformVar}.${n};`);
  return `${decls.join("\n")}\nfn ${loader}() {\n${loads.join("\n")}\n}`;
}

/** Values of named sizes, for {@link UniformLayout.pack}. */
export function sizeValues(sizes: Readonly<Record<string, TypedScalar>>): Record<string, number> {
  return Object.fromEntries(Object.entries(sizes).map(([n, s]) => [n, s.value]));
}
