/**
 * A one-hidden-layer MLP over sparse fingerprint inputs, trained with Adam, written with typed
 * arrays. Why not tfjs: the inputs have about 40 of 4,096 bits on, and the template softmax has
 * thousands of classes; tfjs-wasm's dense matMul measured 1 GFLOP/s here (an 8,000-way softmax step
 * of 256 products took 8 s), while the sparse first layer and candidate-restricted outputs below
 * cost a few thousand multiply-adds per example. Parameters live in plain Float32Arrays, so a
 * model saves as JSON + raw arrays and reloads bit-identically.
 * @module
 */
import { writeFileAtomic } from "../io/atomic.ts";
import { SplitMix32 } from "../random/splitmix.ts";

/** A sparse input vector: indices and values. */
export interface SparseVec {
  idx: Int32Array;
  val: Float32Array;
}

/** Builds a {@link SparseVec} of ones at `bits`. */
export function bitsVec(bits: number[]): SparseVec {
  return { idx: Int32Array.from(bits), val: new Float32Array(bits.length).fill(1) };
}

/** Shape of a {@link SparseMlp}. */
export interface MlpShape {
  inputs: number;
  hidden: number;
  outputs: number;
}

/**
 * y = W2 relu(W1 x + b1) + b2 with sparse x. W1 is stored input-major ([inputs][hidden]) and W2
 * output-major ([outputs][hidden]), so only the rows of active inputs and of scored outputs are
 * touched.
 */
export class SparseMlp {
  readonly shape: MlpShape;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  #m: Float32Array[];
  #v: Float32Array[];
  #t = 0;

  constructor(shape: MlpShape, seed: number) {
    this.shape = shape;
    const rng = new SplitMix32(seed);
    const rand = () => rng.uniform();
    const { inputs, hidden, outputs } = shape;
    const u = (n: number, scale: number) => {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * scale;
      return a;
    };
    // Inputs carry about 40 active bits: scale the first layer for that fan-in.
    this.w1 = u(inputs * hidden, Math.sqrt(6 / 40));
    this.b1 = new Float32Array(hidden);
    this.w2 = u(outputs * hidden, Math.sqrt(6 / (hidden + 1)) * 0.5);
    this.b2 = new Float32Array(outputs);
    this.#m = [this.w1, this.b1, this.w2, this.b2].map((a) => new Float32Array(a.length));
    this.#v = [this.w1, this.b1, this.w2, this.b2].map((a) => new Float32Array(a.length));
  }

  /**
   * Hidden activations relu(W1 x + b1). With `dropout` (training only), each unit is zeroed with
   * probability p and the survivors scaled by 1/(1-p) (inverted dropout: prediction needs no
   * rescaling); pass the same p to {@link SparseMlp.backward}.
   */
  hidden(x: SparseVec, dropout?: { p: number; rand: () => number }): Float32Array {
    const H = this.shape.hidden;
    const h = Float32Array.from(this.b1);
    for (let k = 0; k < x.idx.length; k++) {
      const row = x.idx[k] * H, v = x.val[k];
      for (let j = 0; j < H; j++) h[j] += v * this.w1[row + j];
    }
    for (let j = 0; j < H; j++) if (h[j] < 0) h[j] = 0;
    if (dropout && dropout.p > 0) {
      const keep = 1 / (1 - dropout.p);
      for (let j = 0; j < H; j++) h[j] = dropout.rand() < dropout.p ? 0 : h[j] * keep;
    }
    return h;
  }

  /** Output logits for the listed outputs (all outputs when `outs` is omitted). */
  logits(h: Float32Array, outs?: ArrayLike<number>): Float32Array {
    const H = this.shape.hidden;
    const n = outs ? outs.length : this.shape.outputs;
    const z = new Float32Array(n);
    for (let c = 0; c < n; c++) {
      const o = outs ? outs[c] : c;
      const row = o * H;
      let s = this.b2[o];
      for (let j = 0; j < H; j++) s += h[j] * this.w2[row + j];
      z[c] = s;
    }
    return z;
  }

  /**
   * Accumulates into `grads` the gradient of a loss whose derivative w.r.t. the logits of `outs`
   * is `dz`, for input `x` with hidden `h` (computed with dropout probability `dropoutP`).
   */
  backward(
    x: SparseVec,
    h: Float32Array,
    outs: ArrayLike<number>,
    dz: Float32Array,
    grads: MlpGrads,
    dropoutP = 0,
  ): void {
    const H = this.shape.hidden;
    const dh = new Float32Array(H);
    for (let c = 0; c < outs.length; c++) {
      const o = outs[c], g = dz[c];
      if (g === 0) continue;
      const row = o * H;
      let gw = grads.w2.get(o);
      if (!gw) {
        gw = new Float32Array(H);
        grads.w2.set(o, gw);
      }
      for (let j = 0; j < H; j++) {
        gw[j] += g * h[j];
        dh[j] += g * this.w2[row + j];
      }
      grads.b2.set(o, (grads.b2.get(o) ?? 0) + g);
    }
    // Dropped and inactive units pass no gradient; survivors carry the 1/(1-p) scale.
    const keep = 1 / (1 - dropoutP);
    for (let j = 0; j < H; j++) dh[j] = h[j] <= 0 ? 0 : dh[j] * keep;
    for (let j = 0; j < H; j++) grads.b1[j] += dh[j];
    for (let k = 0; k < x.idx.length; k++) {
      const i = x.idx[k], v = x.val[k];
      let gw = grads.w1.get(i);
      if (!gw) {
        gw = new Float32Array(H);
        grads.w1.set(i, gw);
      }
      for (let j = 0; j < H; j++) gw[j] += v * dh[j];
    }
  }

  /** Fresh (zero) sparse gradient holder. */
  newGrads(): MlpGrads {
    return { w1: new Map(), b1: new Float32Array(this.shape.hidden), w2: new Map(), b2: new Map() };
  }

  /** One lazy-Adam step on the rows present in `grads` (scaled by 1/batch), with L2 `decay`. */
  step(grads: MlpGrads, lr: number, batch: number, decay = 0): void {
    this.#t++;
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const c1 = 1 - Math.pow(b1, this.#t), c2 = 1 - Math.pow(b2, this.#t);
    const H = this.shape.hidden;
    const upd = (
      p: Float32Array,
      m: Float32Array,
      v: Float32Array,
      off: number,
      g: ArrayLike<number>,
    ) => {
      for (let j = 0; j < g.length; j++) {
        const k = off + j;
        const gj = g[j] / batch + decay * p[k];
        m[k] = b1 * m[k] + (1 - b1) * gj;
        v[k] = b2 * v[k] + (1 - b2) * gj * gj;
        p[k] -= lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + eps);
      }
    };
    const [m1, mb1, m2, mb2] = this.#m, [v1, vb1, v2, vb2] = this.#v;
    for (const [i, g] of grads.w1) upd(this.w1, m1, v1, i * H, g);
    upd(this.b1, mb1, vb1, 0, grads.b1);
    for (const [o, g] of grads.w2) upd(this.w2, m2, v2, o * H, g);
    for (const [o, g] of grads.b2) upd(this.b2, mb2, vb2, o, [g]);
  }

  /** Writes the model to `path` (a small JSON header then raw float32 arrays). */
  async save(path: string): Promise<void> {
    const header = new TextEncoder().encode(JSON.stringify(this.shape) + "\n");
    const parts = [this.w1, this.b1, this.w2, this.b2];
    const total = header.length + 4 + parts.reduce((s, p) => s + p.byteLength, 0);
    const buf = new Uint8Array(total);
    new DataView(buf.buffer).setUint32(0, header.length, true);
    buf.set(header, 4);
    let off = 4 + header.length;
    for (const p of parts) {
      buf.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), off);
      off += p.byteLength;
    }
    await Deno.writeFile(path + ".tmp", buf);
    await Deno.rename(path + ".tmp", path);
  }

  /** Reads a model written by {@link SparseMlp.save}. */
  static async load(path: string): Promise<SparseMlp> {
    const buf = await Deno.readFile(path);
    const hlen = new DataView(buf.buffer, buf.byteOffset).getUint32(0, true);
    const shape = JSON.parse(new TextDecoder().decode(buf.subarray(4, 4 + hlen))) as MlpShape;
    const mlp = new SparseMlp(shape, 0);
    let off = 4 + hlen;
    for (const p of [mlp.w1, mlp.b1, mlp.w2, mlp.b2]) {
      const bytes = buf.slice(off, off + p.byteLength);
      p.set(new Float32Array(bytes.buffer));
      off += p.byteLength;
    }
    return mlp;
  }

  /**
   * Writes the model with its Adam state (step count, moments) and `meta` (JSON) atomically to
   * `path`: a training checkpoint that {@link SparseMlp.loadTraining} continues bit for bit.
   */
  async saveTraining(path: string, meta: Record<string, unknown>): Promise<void> {
    const header = new TextEncoder().encode(
      JSON.stringify({ shape: this.shape, t: this.#t, meta }) + "\n",
    );
    const parts = [this.w1, this.b1, this.w2, this.b2, ...this.#m, ...this.#v];
    const total = 4 + header.length + parts.reduce((s, p) => s + p.byteLength, 0);
    const buf = new Uint8Array(total);
    new DataView(buf.buffer).setUint32(0, header.length, true);
    buf.set(header, 4);
    let off = 4 + header.length;
    for (const p of parts) {
      buf.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), off);
      off += p.byteLength;
    }
    await writeFileAtomic(path, buf);
  }

  /** Reads a checkpoint written by {@link SparseMlp.saveTraining}; null when there is none. */
  static async loadTraining(
    path: string,
  ): Promise<{ mlp: SparseMlp; meta: Record<string, unknown> } | null> {
    let buf: Uint8Array;
    try {
      buf = await Deno.readFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
    const hlen = new DataView(buf.buffer, buf.byteOffset).getUint32(0, true);
    const head = JSON.parse(new TextDecoder().decode(buf.subarray(4, 4 + hlen)));
    const mlp = new SparseMlp(head.shape as MlpShape, 0);
    const parts = [mlp.w1, mlp.b1, mlp.w2, mlp.b2, ...mlp.#m, ...mlp.#v];
    const want = 4 + hlen + parts.reduce((s, p) => s + p.byteLength, 0);
    if (buf.length !== want) {
      throw new Error(`${path}: ${buf.length} bytes: expected ${want} for its shape`);
    }
    let off = 4 + hlen;
    for (const p of parts) {
      p.set(new Float32Array(buf.slice(off, off + p.byteLength).buffer));
      off += p.byteLength;
    }
    mlp.#t = head.t;
    return { mlp, meta: head.meta };
  }
}

/** Sparse gradients of a {@link SparseMlp}. */
export interface MlpGrads {
  w1: Map<number, Float32Array>;
  b1: Float32Array;
  w2: Map<number, Float32Array>;
  b2: Map<number, number>;
}

/** Softmax of `z` and the cross-entropy of index `target`; writes dL/dz into `dz`. */
export function softmaxXent(z: Float32Array, target: number, dz: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    dz[i] = Math.exp(z[i] - max);
    sum += dz[i];
  }
  for (let i = 0; i < z.length; i++) dz[i] /= sum;
  const loss = -Math.log(Math.max(dz[target], 1e-30));
  dz[target] -= 1;
  return loss;
}

/** log-softmax of `z`. */
export function logSoftmax(z: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += Math.exp(z[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = z[i] - lse;
  return out;
}
