/**
 * Program assembly: a WGSL compute program is built from a header, binding declarations
 * generated from a schema, shared snippets, a model snippet and a sampler body. The generated
 * source is the pipeline-cache key, so anything that changes the text changes the key and
 * anything that does not (seeds, steps, temperatures) must travel in buffers.
 * @module
 */

/** How a buffer is bound. `uniform` binds a struct; the others bind `array<T>` or a struct. */
export type BindingKind = "storage" | "read" | "uniform";

/** One binding: WGSL name, kind and WGSL type (e.g. `array<u32>` or a struct name). */
export interface BindingDecl {
  readonly name: string;
  readonly kind: BindingKind;
  readonly type: string;
}

/** A compute program before compilation. */
export interface ProgramSpec {
  /** Human-readable name used in error messages and GPU labels. */
  readonly label: string;
  /** Bind groups in order: `groups[g][b]` becomes `@group(g) @binding(b)`. */
  readonly groups: readonly (readonly BindingDecl[])[];
  /** Shared snippets (RNG, math, model), concatenated in order after the bindings. */
  readonly snippets: readonly string[];
  /** The body holding the entry point `main`, annotated by the assembler. */
  readonly body: string;
  /** Threads per workgroup along x. */
  readonly workgroupSize: number;
  /** Constants prepended as `const NAME: type = value;`, baked into the text (and the key). */
  readonly constants?: Readonly<Record<string, { type: "u32" | "i32" | "f32"; value: number }>>;
}

/** An assembled program: its WGSL source (also its cache key) and its layout description. */
export interface Program {
  readonly label: string;
  readonly code: string;
  readonly groups: readonly (readonly BindingDecl[])[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** WGSL text of one binding declaration. */
export function bindingDeclWgsl(group: number, binding: number, decl: BindingDecl): string {
  const space = decl.kind === "uniform"
    ? "uniform"
    : decl.kind === "read"
    ? "storage, read"
    : "storage, read_write";
  return `@group(${group}) @binding(${binding}) var<${space}> ${decl.name}: ${decl.type};`;
}

function constantWgsl(name: string, c: { type: string; value: number }): string {
  if (!Number.isFinite(c.value)) {
    throw new Error(`WGSL constant ${name} must be finite, got ${c.value}`);
  }
  if (c.type === "f32") {
    const v = Math.fround(c.value);
    return `const ${name}: f32 = ${Number.isInteger(v) ? v.toFixed(1) : v.toPrecision(9)};`;
  }
  if (!Number.isInteger(c.value)) {
    throw new Error(`WGSL constant ${name}: ${c.type} must be an integer, got ${c.value}`);
  }
  return `const ${name}: ${c.type} = ${c.value}${c.type === "u32" ? "u" : "i"};`;
}

/**
 * Assembles a program's WGSL source. Binding names must be unique identifiers.
 *
 * @example
 * ```ts
 * const p = assembleProgram({
 *   label: "double", workgroupSize: 64, snippets: [],
 *   groups: [[{ name: "data", kind: "storage", type: "array<f32>" }]],
 *   body: "fn main(@builtin(global_invocation_id) id: vec3<u32>) { data[id.x] *= 2.0; }",
 * });
 * console.log(p.code.includes("@compute @workgroup_size(64)"));
 * ```
 */
export function assembleProgram(spec: ProgramSpec): Program {
  if (!Number.isInteger(spec.workgroupSize) || spec.workgroupSize < 1) {
    throw new Error(`workgroupSize must be a positive integer, got ${spec.workgroupSize}`);
  }
  const seen = new Set<string>();
  const lines: string[] = [`// landscape program: ${spec.label}`];
  for (const [name, c] of Object.entries(spec.constants ?? {})) {
    if (!IDENT.test(name)) throw new Error(`bad WGSL constant name '${name}'`);
    lines.push(constantWgsl(name, c));
  }
  spec.groups.forEach((group, g) =>
    group.forEach((decl, b) => {
      if (!IDENT.test(decl.name)) throw new Error(`bad WGSL binding name '${decl.name}'`);
      if (seen.has(decl.name)) throw new Error(`binding '${decl.name}' is declared twice`);
      seen.add(decl.name);
      lines.push(bindingDeclWgsl(g, b, decl));
    })
  );
  for (const s of spec.snippets) lines.push(s.trim());
  const body = spec.body.trim();
  if (!/\bfn\s+main\s*\(/.test(body)) {
    throw new Error(`program '${spec.label}' body must define fn main(...)`);
  }
  lines.push(`@compute @workgroup_size(${spec.workgroupSize})\n${body}`);
  return { label: spec.label, code: lines.join("\n") + "\n", groups: spec.groups };
}

/** The bind-group layout entries of one group, for explicit pipeline layouts. */
export function layoutEntries(group: readonly BindingDecl[]): GPUBindGroupLayoutEntry[] {
  return group.map((decl, binding) => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: {
      type: decl.kind === "uniform"
        ? "uniform"
        : decl.kind === "read"
        ? "read-only-storage"
        : "storage",
    },
  }));
}
