/**
 * Text corpora for the language models: strict UTF-8 loading, the 90 % / 10 % train/validation
 * split, seeded random training windows and fixed validation windows.
 * @module
 */
import { ConfigError } from "../io/config.ts";
import { uniformArray } from "../random/params.ts";
import { encode, makeTokenizer, type TokenizerSpec } from "./tokenizer.ts";

/** The default corpus (relative to the repository root). */
export const DEFAULT_TEXT = "../shared/data/tinyshakespeare/input.txt";

/** Fraction of the tokens used for training (the rest is validation). */
export const TRAIN_FRACTION = 0.9;

/** A tokenised corpus split into training and validation tokens. */
export interface Corpus {
  tokenizer: TokenizerSpec;
  train: Int32Array;
  validation: Int32Array;
}

/**
 * Reads a UTF-8 text file; a missing, empty or non-UTF-8 file is a {@link ConfigError} (exit 2).
 *
 * @example
 * ```ts
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "to be or not to be");
 * const text = await readTextStrict(path); // "to be or not to be"
 * ```
 */
export async function readTextStrict(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ConfigError(`text file '${path}' not found: expected a UTF-8 text file`);
    }
    if (e instanceof Deno.errors.IsADirectory || (e as Error).message?.includes("directory")) {
      throw new ConfigError(`text file '${path}' is a directory: expected a UTF-8 text file`);
    }
    throw new ConfigError(`text file '${path}' cannot be read: ${(e as Error).message}`);
  }
  if (bytes.length === 0) throw new ConfigError(`text file '${path}' is empty: expected some text`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(`text file '${path}' is not valid UTF-8: expected a UTF-8 text file`);
  }
}

/**
 * Tokenises `text` and splits it 90 / 10; both parts must hold at least one window of
 * `context + 1` tokens.
 */
export function makeCorpus(
  text: string,
  kind: "char" | "byte",
  context: number,
  source: string,
  tokenizer: TokenizerSpec = makeTokenizer(kind, text),
): Corpus {
  const ids = encode(tokenizer, text);
  const cut = Math.floor(ids.length * TRAIN_FRACTION);
  const train = ids.slice(0, cut), validation = ids.slice(cut);
  if (validation.length < context + 1) {
    throw new ConfigError(
      `${source}: ${ids.length} tokens is too short for context ${context}: the last 10 % ` +
        `(validation) needs at least ${context + 1} tokens, so the text needs ` +
        `${Math.ceil((context + 1) / (1 - TRAIN_FRACTION))}`,
    );
  }
  return { tokenizer, train, validation };
}

/**
 * The training windows [batch, context + 1] of `step`: offsets drawn from Philox stream
 * `step` of `seed`, so the data order depends only on (seed, step) and a resumed run reads
 * exactly what an uninterrupted one would.
 */
export function trainBatch(
  tokens: Int32Array,
  context: number,
  batch: number,
  seed: number,
  step: number,
): Int32Array {
  const span = tokens.length - context;
  const u = uniformArray(seed, 1_000_003 + step, batch);
  const out = new Int32Array(batch * (context + 1));
  for (let b = 0; b < batch; b++) {
    const start = Math.min(span - 1, Math.floor(u[b] * span));
    out.set(tokens.subarray(start, start + context + 1), b * (context + 1));
  }
  return out;
}

/** Up to `max` non-overlapping validation windows [n, context + 1] from the start. */
export function validationWindows(tokens: Int32Array, context: number, max: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s + context + 1 <= tokens.length && out.length < max; s += context) {
    out.push(tokens.subarray(s, s + context + 1));
  }
  return out;
}
