/**
 * Checkpoints: one file `checkpoint.bin` per run, a JSON header (architecture, model, tokeniser,
 * step, the code version that wrote it) followed by float32 tensors (parameters and AdamW
 * moments), written atomically.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";
import { ConfigError } from "../io/config.ts";
import type { ModelConfig } from "./config.ts";
import type { TokenizerSpec } from "./tokenizer.ts";

/** The checkpoint file inside a run folder. */
export const CHECKPOINT_FILE = "checkpoint.bin";
const MAGIC = "LSLMCKPT1";

/** What a checkpoint describes besides its tensors. */
export interface CheckpointHeader {
  arch: string;
  variant: string;
  model: ModelConfig;
  tokenizer: TokenizerSpec;
  /** Training steps done. */
  step: number;
  /** The code version that wrote it (`src/io/code_version.ts`; absent in older files). */
  codeVersion?: string;
}

/** A checkpoint: header and named float32 tensors. */
export interface Checkpoint extends CheckpointHeader {
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}

/** Encodes and writes a checkpoint atomically. */
export async function writeCheckpoint(path: string, ck: Checkpoint): Promise<void> {
  const index: { name: string; shape: number[]; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, t] of ck.tensors) {
    index.push({ name, shape: t.shape, offset, length: t.data.length });
    offset += t.data.length;
  }
  const { tensors: _t, ...header } = ck;
  const json = new TextEncoder().encode(JSON.stringify({ ...header, index }));
  const head = new TextEncoder().encode(MAGIC);
  // Pad so the float32 payload is 4-byte aligned.
  const pre = head.length + 4 + json.length;
  const pad = (4 - (pre % 4)) % 4;
  const bytes = new Uint8Array(pre + pad + offset * 4);
  bytes.set(head, 0);
  new DataView(bytes.buffer).setUint32(head.length, json.length + pad, true);
  bytes.set(json, head.length + 4);
  bytes.fill(0x20, pre, pre + pad);
  const payload = new Float32Array(bytes.buffer, pre + pad, offset);
  for (const [i, [, t]] of [...ck.tensors].entries()) payload.set(t.data, index[i].offset);
  await writeFileAtomic(path, bytes);
}

/** Reads a checkpoint; a missing or malformed file is a {@link ConfigError}. */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new ConfigError(`checkpoint '${path}' not found: expected a run trained by 'lm train'`);
  }
  const head = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (head !== MAGIC || bytes.length < MAGIC.length + 4) {
    throw new ConfigError(`'${path}' is not a language-model checkpoint`);
  }
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + len)));
  const payload = new Float32Array(bytes.slice(start + len).buffer);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (
    const e of meta.index as { name: string; shape: number[]; offset: number; length: number }[]
  ) {
    tensors.set(e.name, { shape: e.shape, data: payload.slice(e.offset, e.offset + e.length) });
  }
  return {
    arch: meta.arch,
    variant: meta.variant,
    model: meta.model,
    tokenizer: meta.tokenizer,
    step: meta.step,
    ...(typeof meta.codeVersion === "string" ? { codeVersion: meta.codeVersion } : {}),
    tensors,
  };
}
