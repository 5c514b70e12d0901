/**
 * Property-based fuzzing of the input parsers, in process: every input ends in a value or in the
 * parser's own one-line error, never in an uncaught exception of another kind (TypeError,
 * RangeError, a stack overflow) or a value that breaks the parser's own invariants.
 */
import fc from "npm:fast-check@4.11.0";
import { assert, assertEquals } from "../_assert.ts";
import { decodeNpy, encodeNpy, shapeSize } from "../../src/io/npy.ts";
import { ConfigError, parseConfig } from "../../src/io/config.ts";
import { SampleConfig } from "../../src/samplers/sample_config.ts";
import { GraphFormatError } from "../../src/models/co/errors.ts";
import { type GraphFormat, parseGraph } from "../../src/models/co/loaders.ts";
import { parseCommand, UsageError } from "../../src/cli/args.ts";
import { SAMPLE_SPEC } from "../../src/cli/sample.ts";
import { SOLVE_SPEC } from "../../src/cli/solve.ts";
import { SIMULATE_SPEC } from "../../src/cli/simulate.ts";
import { BASINS_SPEC } from "../../src/cli/basins.ts";

/** Cases per property; the totals are reported in docs/RELIABILITY.md. */
const RUNS = Number(Deno.env.get("LANDSCAPE_FUZZ_RUNS") ?? 300);
const SEED = 20261203;

/** The parser's own error: class `expected`, one non-empty line. */
function assertOwnError(e: unknown, expected: (new (...a: never[]) => Error)[], input: string) {
  const ok = expected.some((c) => e instanceof c && e.constructor === c);
  assert(ok, `unexpected ${(e as Error)?.name}: ${(e as Error)?.message} for ${input}`);
  const msg = (e as Error).message;
  assert(msg.length > 0 && !msg.includes("\n"), `one-line message, got ${JSON.stringify(msg)}`);
}

/** Byte strings near valid .npy files: a valid file with bytes changed, cut or appended. */
const npyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(
    fc.constantFrom<"f32" | "f64" | "i32" | "u8">("f32", "f64", "i32", "u8"),
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    fc.array(fc.tuple(fc.nat(300), fc.nat(255)), { maxLength: 4 }),
    fc.integer({ min: -40, max: 8 }),
  ).map(([dtype, shape, edits, cut]) => {
    const n = shapeSize(shape);
    const data = dtype === "f32"
      ? new Float32Array(n)
      : dtype === "f64"
      ? new Float64Array(n)
      : dtype === "i32"
      ? new Int32Array(n)
      : new Uint8Array(n);
    const bytes = encodeNpy({ dtype, shape, data });
    for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
    return cut < 0
      ? bytes.slice(0, Math.max(0, bytes.length + cut))
      : new Uint8Array([...bytes, ...new Uint8Array(cut)]);
  }),
);

Deno.test("fuzz: .npy decoding gives a consistent array or a one-line Error", () => {
  fc.assert(
    fc.property(npyBytes, (bytes) => {
      try {
        const a = decodeNpy(bytes);
        assertEquals(a.data.length, shapeSize(a.shape));
      } catch (e) {
        assertOwnError(e, [Error], `${bytes.length} bytes`);
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

/** Text near valid graph files: tokens that the formats use, in random lines. */
const graphText = fc.array(
  fc.array(
    fc.oneof(
      fc.constantFrom("p", "edge", "e", "c", "cnf", "%", "-1", "0", "1e9", "NaN", "x", "1.5", ""),
      fc.integer({ min: -3, max: 12 }).map(String),
    ),
    { maxLength: 5 },
  ).map((t) => t.join(" ")),
  { maxLength: 12 },
).map((lines) => lines.join("\n"));

Deno.test("fuzz: graph files (DIMACS, edge list, METIS, CNF) give a graph or a GraphFormatError", () => {
  const formats: GraphFormat[] = ["dimacs", "edgelist", "metis", "cnf"];
  fc.assert(
    fc.property(fc.constantFrom(...formats), graphText, (format, text) => {
      try {
        const g = parseGraph(text, format, { name: "fuzz.txt" });
        assertEquals(g.rowPtr.length, g.n + 1);
        assertEquals(g.rowPtr[g.n], g.colIdx.length);
        assert(g.colIdx.every((v) => v < g.n), "neighbours in range");
      } catch (e) {
        assertOwnError(e, [GraphFormatError], `${format}: ${JSON.stringify(text)}`);
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

/** JSON values shaped like sample configs: right keys, random values. */
const configLike = fc.record({
  model: fc.oneof(
    fc.record({
      name: fc.constantFrom("bernoulli", "ising", "potts", "rbm", "nope", 3),
      size: fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double(), fc.string()),
    }, { requiredKeys: [] }),
    fc.anything(),
  ),
  sampler: fc.oneof(
    fc.record({
      name: fc.constantFrom("rwm", "gwg", "dlmc", "x"),
      balancing: fc.constantFrom("sqrt", "ratio", "bad"),
    }, { requiredKeys: [] }),
    fc.anything(),
  ),
  chains: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double(), fc.constant(null)),
  steps: fc.oneof(fc.nat(10), fc.double(), fc.string()),
  seed: fc.oneof(fc.integer(), fc.double()),
  backend: fc.constantFrom("auto", "cpu", "webgpu", "tpu"),
  extra: fc.anything(),
}, { requiredKeys: [] });

Deno.test("fuzz: sample configs parse or give a one-line ConfigError", () => {
  fc.assert(
    fc.property(fc.oneof(configLike, fc.anything()), (value) => {
      try {
        const cfg = parseConfig(SampleConfig, value, "fuzz.json");
        assert(Number.isInteger(cfg.chains) && cfg.chains > 0, "chains");
      } catch (e) {
        assertOwnError(e, [ConfigError], JSON.stringify(value));
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

Deno.test("fuzz: command-line flags parse or give a one-line UsageError", () => {
  const specs = [SAMPLE_SPEC, SOLVE_SPEC, SIMULATE_SPEC, BASINS_SPEC];
  const token = fc.oneof(
    fc.constantFrom(...specs.flatMap((s) => Object.keys(s.flags).map((f) => `--${f}`))),
    fc.constantFrom("-", "--", "-x", "--=", "--chains=", "=", "NaN", "-1"),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(fc.constantFrom(...specs), fc.array(token, { maxLength: 8 }), (spec, argv) => {
      try {
        parseCommand(spec, argv);
      } catch (e) {
        assertOwnError(e, [UsageError], `${spec.name} ${argv.join(" ")}`);
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

Deno.test("fuzz finding: a .npy header with line breaks gives a one-line error", () => {
  const header = "{'\ndescr': '<f4',\n 'fortran_order': False, 'shape': (), }";
  const padded = header.padEnd(118, " ") + "\n";
  const bytes = new Uint8Array([
    0x93,
    ...new TextEncoder().encode("NUMPY"),
    1,
    0,
    padded.length,
    0,
  ]);
  const file = new Uint8Array([...bytes, ...new TextEncoder().encode(padded), 0, 0, 0, 0]);
  for (const text of [file, file.map((b, i) => i === 11 ? 0x0a : b)]) {
    try {
      decodeNpy(text);
      throw new Error("expected a bad header");
    } catch (e) {
      assertOwnError(e, [Error], "header with line breaks");
    }
  }
});
