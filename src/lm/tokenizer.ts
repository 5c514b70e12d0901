/**
 * Character- and byte-level tokenisers. The character vocabulary is the sorted set of code points
 * in the text; the byte tokeniser has 256 symbols (its losses are bits per byte, not per char).
 * @module
 */

/** A tokeniser, storable as JSON. */
export type TokenizerSpec = { kind: "char"; chars: string[] } | { kind: "byte" };

/** Builds a tokeniser for `text`. */
export function makeTokenizer(kind: "char" | "byte", text: string): TokenizerSpec {
  if (kind === "byte") return { kind };
  return { kind, chars: [...new Set(Array.from(text))].sort() };
}

/** Vocabulary size. */
export function vocabSize(t: TokenizerSpec): number {
  return t.kind === "byte" ? 256 : t.chars.length;
}

/**
 * Encodes text to token ids; unknown characters are an error naming the character.
 *
 * @example
 * ```ts
 * const t = makeTokenizer("char", "abc");
 * encode(t, "cab"); // Int32Array [2, 0, 1]
 * ```
 */
export function encode(t: TokenizerSpec, text: string): Int32Array {
  if (t.kind === "byte") return Int32Array.from(new TextEncoder().encode(text));
  const index = new Map(t.chars.map((c, i) => [c, i]));
  const chars = Array.from(text);
  const out = new Int32Array(chars.length);
  chars.forEach((c, i) => {
    const id = index.get(c);
    if (id === undefined) {
      throw new Error(`character ${JSON.stringify(c)} is not in the vocabulary`);
    }
    out[i] = id;
  });
  return out;
}

/** Decodes token ids (bytes that do not form UTF-8 become U+FFFD). */
export function decode(t: TokenizerSpec, ids: ArrayLike<number>): string {
  if (t.kind === "byte") return new TextDecoder().decode(Uint8Array.from(ids));
  return Array.from(ids, (i) => t.chars[i] ?? "\uFFFD").join("");
}

/** What one token is, for naming the loss unit: "char" or "byte". */
export function unitOf(t: TokenizerSpec): "char" | "byte" {
  return t.kind;
}
