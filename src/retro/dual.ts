/**
 * The dual energy E(R, P) = -(w_b log p_b(R|P) + w_s s_s(P, R) + w_f s_f(P, R) + w_p s_p(R))
 * over a product's candidates, with the weights learned on held-out products (tfjs, autodiff) from
 *
 *   L = CE(softmax(-E), recorded set) + lambda * KL(q_b || q_fp),
 *   q_b = softmax(w_b log p_b + w_s s_s),  q_fp = softmax(w_f s_f + w_p s_p),
 *
 * the second term being the agreement between the backward posterior (template MLP and the
 * nearest-neighbour similarity, both models of p(R|P)) and the normalised forward x prior on the
 * candidate set (Sun et al., NeurIPS 2021, restricted to C(P)). It needs no label, so products
 * whose recorded set was not proposed still contribute to it.
 * @module
 */
import { loadTf } from "../nn/tf.ts";

/** Dual weights. */
export interface DualWeights {
  backward: number;
  forward: number;
  prior: number;
  /** Weight of the similarity energy (0 in models trained without it). */
  similarity: number;
}

/** One candidate's energy terms. */
export interface EnergyTerms {
  /** log p_b(R|P). */
  logPb: number;
  /** s_f(P, R). */
  forward: number;
  /** s_p(R). */
  prior: number;
  /** s_s(P, R), the nearest-neighbour similarity (similarity.ts). */
  similarity: number;
}

/** The dual energy of one candidate (lower is better). */
export function dualEnergy(t: EnergyTerms, w: DualWeights): number {
  return -(w.backward * t.logPb + w.similarity * t.similarity + w.forward * t.forward +
    w.prior * t.prior);
}

/**
 * Candidate indices ordered by dual energy, lowest first; ties keep the backward order (the
 * input order), so with `forward = prior = similarity = 0` and `backward > 0` this is the
 * backward ranking.
 *
 * @example
 * ```ts
 * import { rankByDual } from "./dual.ts";
 * const terms = [
 *   { logPb: -0.1, forward: 0, prior: 0, similarity: 0 },
 *   { logPb: -2, forward: 5, prior: 0, similarity: 0 },
 * ];
 * rankByDual(terms, { backward: 1, forward: 0, prior: 0, similarity: 0 }); // [0, 1]
 * rankByDual(terms, { backward: 1, forward: 1, prior: 0, similarity: 0 }); // [1, 0]
 * ```
 */
export function rankByDual(terms: EnergyTerms[], w: DualWeights): number[] {
  const e = terms.map((t) => dualEnergy(t, w));
  return terms.map((_, i) => i).sort((a, b) => e[a] - e[b] || a - b);
}

/** A held-out product's candidate terms and the recorded set's index (-1: not proposed). */
export interface DualGroup {
  terms: EnergyTerms[];
  target: number;
}

/** Settings of {@link fitDual}. */
export interface DualFitOptions {
  /** Weight of the agreement term (default 0.1). */
  agreement?: number;
  steps?: number;
  lr?: number;
}

/**
 * Learns the dual weights by full-batch Adam on the held-out groups (padded to one tensor, masks
 * for the padding). Deterministic: the start is the backward model alone.
 */
export async function fitDual(
  groups: DualGroup[],
  opts: DualFitOptions = {},
): Promise<{ weights: DualWeights; loss: number }> {
  const tf = await loadTf("cpu");
  const usable = groups.filter((g) => g.terms.length > 0);
  const width = Math.max(1, ...usable.map((g) => g.terms.length));
  const n = usable.length;
  const lb = new Float32Array(n * width),
    sf = new Float32Array(n * width),
    sp = new Float32Array(n * width),
    ss = new Float32Array(n * width);
  const mask = new Float32Array(n * width),
    target = new Float32Array(n * width),
    labelled = new Float32Array(n);
  usable.forEach((g, i) => {
    g.terms.forEach((t, k) => {
      lb[i * width + k] = t.logPb;
      sf[i * width + k] = t.forward;
      sp[i * width + k] = t.prior;
      ss[i * width + k] = t.similarity;
      mask[i * width + k] = 1;
    });
    if (g.target >= 0) {
      target[i * width + g.target] = 1;
      labelled[i] = 1;
    }
  });
  const lambda = opts.agreement ?? 0.1;
  const w = tf.variable(tf.tensor1d([1, 0, 0, 0]));
  const T = (a: Float32Array) => tf.tensor2d(a, [n, width]);
  const [LB, SF, SP, SS, M, Y] = [T(lb), T(sf), T(sp), T(ss), T(mask), T(target)];
  const L = tf.tensor1d(labelled);
  // Padding gets -1e9 added (plain arithmetic: no gradient through a comparison).
  const pad = tf.mul(tf.sub(M, 1), 1e9);
  // deno-lint-ignore no-explicit-any
  const masked = (x: any) => tf.add(x, pad) as typeof LB;
  const lossFn = () =>
    tf.tidy(() => {
      const [wb, wf, wp, ws] = tf.unstack(w);
      const sb = tf.add(tf.mul(LB, wb), tf.mul(SS, ws)),
        sfp = tf.add(tf.mul(SF, wf), tf.mul(SP, wp));
      const logQ = tf.logSoftmax(masked(tf.add(sb, sfp)));
      const ce = tf.div(
        tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(Y, logQ), 1)), L)),
        tf.maximum(tf.sum(L), 1),
      );
      const logQb = tf.logSoftmax(masked(sb)), logQfp = tf.logSoftmax(masked(sfp));
      const qb = tf.mul(tf.exp(logQb), M);
      const kl = tf.mean(tf.sum(tf.mul(qb, tf.sub(logQb, logQfp)), 1));
      return tf.add(ce, tf.mul(kl, lambda)) as ReturnType<typeof tf.scalar>;
    });
  const opt = tf.train.adam(opts.lr ?? 0.05);
  for (let s = 0; s < (opts.steps ?? 300); s++) opt.minimize(lossFn);
  const final = lossFn();
  const loss = (await final.data())[0];
  const [wb, wf, wp, ws] = Array.from(await w.data());
  tf.dispose([final, w, LB, SF, SP, SS, M, Y, L, pad]);
  opt.dispose();
  return { weights: { backward: wb, forward: wf, prior: wp, similarity: ws }, loss };
}
