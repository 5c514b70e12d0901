/**
 * The retrosynthesis pipeline behind `cli.ts retro`, every stage cached in one data folder and
 * resumable:
 *
 * - prepare: map the training reactions (Indigo; skipped when the file is already mapped) into
 *   `train_map.jsonl`, extract and self-check templates into `train_extracted.jsonl`, index them
 *   into `library.json`;
 * - train: backward MLP (checkpoint per epoch), candidate sets of training products, forward and
 *   prior scorers, dual weights on held-out training products, all under `model/`;
 * - evaluate: top-k exact match of canonical reactant sets on a split, per energy family.
 * @module
 */
import { codeVersion } from "../io/code_version.ts";
import { SplitMix32 } from "../random/splitmix.ts";
import { z } from "npm:zod@4.6.7";
import { BackwardConfig, type BackwardExample, trainBackward } from "./backward.ts";
import { type ReactionRow, readReactionCsv } from "./data.ts";
import { type DualGroup, type DualWeights, fitDual, rankByDual } from "./dual.ts";
import { mapReactions } from "./indigo_map.ts";
import {
  buildLibrary,
  type ExtractedReaction,
  extractReaction,
  type TemplateLibrary,
} from "./library.ts";
import { candidateTerms, RetroModel } from "./model.ts";
import { canonicalSet, loadRdkit, morganBits, type RDKitModule } from "./rdkit.ts";
import {
  type CandidateGroup,
  forwardFeatures,
  FP,
  PRIOR_INPUTS,
  priorFeatures,
  productBits,
  ScorerConfig,
  trainScorer,
} from "./rerank.ts";
import { SimilarityIndex } from "./similarity.ts";
import { SparseMlp } from "./sparse_mlp.ts";
import { TemplateCache } from "./template_apply.ts";
import { extractTemplate } from "./template_extract.ts";
import { propose, templateLogProbs } from "./backward.ts";

/** Progress callback factory: label -> (done, total). */
export type ProgressFactory = (label: string) => (done: number, total: number) => void;
const noProgress: ProgressFactory = () => () => {};

/** Settings of {@link prepare}. */
export interface PrepareOptions {
  /** Indigo time limit per reaction (ms). */
  mapTimeoutMs?: number;
  /** Map/extract only the first N training reactions (default all). */
  limit?: number;
  /** Neighbourhood radius of templates. */
  radius?: number;
  progress?: ProgressFactory;
}

/** What {@link prepare} reports. */
export interface PrepareSummary {
  reactions: number;
  mapped: number;
  extracted: number;
  selfChecked: number;
  templates: number;
  singletons: number;
  mapSecondsMedianMs: number;
}

async function appendJsonl(path: string, items: unknown[]): Promise<void> {
  if (items.length === 0) return;
  await Deno.writeTextFile(path, items.map((x) => JSON.stringify(x)).join("\n") + "\n", {
    append: true,
  });
}

async function readJsonl<T>(path: string): Promise<T[]> {
  try {
    const text = await Deno.readTextFile(path);
    const out: T[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // torn last line of an interrupted run: redone
      }
    }
    return out;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

const isMapped = (row: ReactionRow) => /:\d+\]/.test(row.product);

/** Maps (if needed), extracts and indexes the training reactions of `trainCsv` into `dir`. */
export async function prepare(
  dir: string,
  trainCsv: string,
  opts: PrepareOptions = {},
): Promise<PrepareSummary> {
  const progress = opts.progress ?? noProgress;
  await Deno.mkdir(dir, { recursive: true });
  const rows = (await readReactionCsv(trainCsv)).slice(0, opts.limit ?? Infinity);
  const RDKit = await loadRdkit();
  // 1. Atom maps.
  const mappedById = new Map<string, string | null>();
  let mapMs: number[] = [];
  const unmapped = rows.filter((r) => !isMapped(r));
  for (const r of rows) if (isMapped(r)) mappedById.set(r.id, `${r.reactants}>>${r.product}`);
  if (unmapped.length > 0) {
    const cache = await mapReactions(unmapped, `${dir}/train_map.jsonl`, {
      timeoutMs: opts.mapTimeoutMs ?? 1000,
      onProgress: progress("mapping"),
    });
    for (const r of unmapped) mappedById.set(r.id, cache.get(r.id)?.mapped ?? null);
    mapMs = unmapped.map((r) => cache.get(r.id)?.ms ?? 0).sort((a, b) => a - b);
  }
  // 2. Extraction (resumable).
  const extractedPath = `${dir}/train_extracted.jsonl`;
  const done = new Map((await readJsonl<ExtractedReaction>(extractedPath)).map((e) => [e.id, e]));
  const tcache = new TemplateCache(RDKit);
  const todo = rows.filter((r) => !done.has(r.id));
  const bar = progress("extracting");
  let buffer: ExtractedReaction[] = [];
  for (let i = 0; i < todo.length; i++) {
    const r = todo[i];
    const mapped = mappedById.get(r.id);
    const e: ExtractedReaction = mapped
      ? extractReaction(RDKit, tcache, r.id, mapped, { radius: opts.radius ?? 1 })
      : { id: r.id, product: "", reactants: "", template: null, error: "not mapped" };
    if (mapped && e.template !== null) {
      // The recorded (unmapped) reactants are the truth; Indigo's output must agree with them.
      try {
        e.product = canonicalSet(RDKit, r.product);
        e.reactants = canonicalSet(RDKit, r.reactants);
      } catch {
        e.template = null;
        e.error = "unparsable recorded SMILES";
      }
    }
    done.set(r.id, e);
    // Reactions still unmapped are not cached: a later run with their maps extracts them.
    if (mapped) buffer.push(e);
    if (buffer.length >= 500 || i === todo.length - 1) {
      await appendJsonl(extractedPath, buffer);
      buffer = [];
    }
    bar(i + 1, todo.length);
  }
  tcache.dispose();
  // 3. Library.
  const extracted = rows.map((r) => done.get(r.id)!).filter((e) => e);
  const library = buildLibrary(extracted);
  await Deno.writeTextFile(`${dir}/library.json`, JSON.stringify(library));
  return {
    reactions: rows.length,
    mapped: [...mappedById.values()].filter((m) => m).length,
    extracted: extracted.filter((e) => e.template).length,
    selfChecked: extracted.filter((e) => e.template && e.selfCheck).length,
    templates: library.templates.length,
    singletons: library.counts.filter((c) => c === 1).length,
    mapSecondsMedianMs: mapMs.length ? mapMs[Math.floor(mapMs.length / 2)] : 0,
  };
}

/** Indigo vs recorded maps on `n` mapped reactions: same template, and same recovered reactants. */
export async function mappingAgreement(
  csv: string,
  n: number,
  timeoutMs = 1000,
): Promise<
  {
    n: number;
    sameTemplate: number;
    indigoFailed: number;
    indigoRecovers: number;
    medianMs: number;
  }
> {
  const RDKit = await loadRdkit();
  const { loadIndigo, automapReaction } = await import("./indigo_map.ts");
  const indigo = await loadIndigo();
  const rows = (await readReactionCsv(csv)).slice(0, n);
  const cache = new TemplateCache(RDKit);
  let same = 0, failed = 0, recovers = 0;
  const ms: number[] = [];
  for (const r of rows) {
    const given = extractTemplate(RDKit, r.reactants, r.product);
    const unmapped = `${canonicalSet(RDKit, r.reactants)}>>${canonicalSet(RDKit, r.product)}`;
    const m = automapReaction(indigo, unmapped, timeoutMs);
    ms.push(m.ms);
    if (!m.mapped) {
      failed++;
      continue;
    }
    const e = extractReaction(RDKit, cache, r.id, m.mapped);
    if (!e.template) {
      failed++;
      continue;
    }
    if (e.template === given) same++;
    if (e.selfCheck) recovers++;
  }
  cache.dispose();
  ms.sort((a, b) => a - b);
  return {
    n: rows.length,
    sameTemplate: same,
    indigoFailed: failed,
    indigoRecovers: recovers,
    medianMs: ms[Math.floor(ms.length / 2)],
  };
}

/** Training settings (all stages). */
export const RetroTrainConfig = z.object({
  backward: BackwardConfig.default(BackwardConfig.parse({})),
  scorer: ScorerConfig.default(ScorerConfig.parse({})),
  /** Fraction of training products held out from the backward model to fit the dual weights. */
  holdout: z.number().min(0).max(0.5).default(0.1),
  /** Training products whose candidates train the forward and prior scorers. */
  rerankProducts: z.number().int().nonnegative().default(4000),
  /** Held-out products used to fit the dual weights (at most). */
  dualProducts: z.number().int().nonnegative().default(1500),
  topTemplates: z.number().int().positive().default(50),
  maxCandidates: z.number().int().positive().default(20),
  agreement: z.number().nonnegative().default(0.1),
  seed: z.number().int().nonnegative().default(0),
});
/** Parsed training settings. */
export type RetroTrainConfig = z.infer<typeof RetroTrainConfig>;

interface CandRecord {
  id: string;
  cands: { reactants: string; logPb: number; templates: number[] }[];
  target: number;
}

/** What {@link trainAll} reports. */
export interface TrainSummary {
  examples: number;
  heldOut: number;
  templates: number;
  backwardLoss: number[];
  rerankGroups: number;
  rerankRecall: number;
  dualGroups: number;
  dualRecall: number;
  weights: DualWeights;
  seconds: Record<string, number>;
}

/** The backward model's training checkpoint inside `<dir>/model/`. */
export const BACKWARD_CHECKPOINT = "backward_train.bin";

/** What a backward checkpoint must match to be continued: its settings and the code version. */
async function backwardStamp(cfg: RetroTrainConfig): Promise<Record<string, unknown>> {
  const { backward, holdout, seed, topTemplates, maxCandidates } = cfg;
  return {
    backward,
    holdout,
    seed,
    topTemplates,
    maxCandidates,
    codeVersion: await codeVersion(),
  };
}

/**
 * The code version of the backward checkpoint in prepared folder `dir`, or null when there is
 * none (training has not finished an epoch).
 */
export async function backwardCheckpointVersion(dir: string): Promise<string | null> {
  const saved = await SparseMlp.loadTraining(`${dir}/model/${BACKWARD_CHECKPOINT}`);
  if (!saved) return null;
  const stamp = saved.meta.stamp as { codeVersion?: unknown } | undefined;
  return typeof stamp?.codeVersion === "string" ? stamp.codeVersion : "unknown";
}

/** Hooks of {@link trainAll}. */
export interface TrainAllHooks {
  /**
   * Backward-model losses as they become known: first those of the epochs a checkpoint already
   * holds (possibly none), then one call per finished epoch.
   */
  onBackwardLosses?: (losses: readonly number[]) => Promise<void>;
}

/**
 * Trains every energy from the prepared folder `dir` (resumable stage by stage: the backward
 * model per epoch, candidates per chunk of products; scorers and dual weights are recomputed).
 */
export async function trainAll(
  dir: string,
  cfg: RetroTrainConfig,
  progress: ProgressFactory = noProgress,
  log: (s: string) => void = () => {},
  hooks: TrainAllHooks = {},
): Promise<TrainSummary> {
  const RDKit = await loadRdkit();
  const mdir = `${dir}/model`;
  await Deno.mkdir(mdir, { recursive: true });
  await Deno.writeTextFile(`${mdir}/config.json`, JSON.stringify(cfg, null, 2));
  const library = JSON.parse(await Deno.readTextFile(`${dir}/library.json`)) as TemplateLibrary;
  const tIndex = new Map(library.templates.map((t, i) => [t, i]));
  const extracted = (await readJsonl<ExtractedReaction>(`${dir}/train_extracted.jsonl`))
    .filter((e) => e.template && e.selfCheck && tIndex.has(e.template));
  // Seeded split: held-out products never train the backward model.
  const rng = new SplitMix32(cfg.seed + 17);
  const rand = () => rng.uniform();
  const order = extracted.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nHold = Math.round(extracted.length * cfg.holdout);
  const held = order.slice(0, nHold).map((i) => extracted[i]);
  const fit = order.slice(nHold).map((i) => extracted[i]);
  const seconds: Record<string, number> = {};
  let t0 = performance.now();
  const bitsOf = new Map<string, number[]>();
  const pbits = (p: string) => {
    let b = bitsOf.get(p);
    if (!b) {
      b = productBits(RDKit, p);
      bitsOf.set(p, b);
    }
    return b;
  };
  const examples: BackwardExample[] = fit.map((e) => ({
    bits: pbits(e.product),
    template: tIndex.get(e.template!)!,
  }));
  seconds.fingerprints = (performance.now() - t0) / 1000;

  // 1. Backward model, one checkpoint per epoch (weights and Adam state, atomically). The
  // checkpoint and the candidate caches built from its model belong to one stamp (settings that
  // shape them, code version): under another stamp they are dropped and training starts over.
  t0 = performance.now();
  const trainPath = `${mdir}/${BACKWARD_CHECKPOINT}`;
  const stamp = await backwardStamp(cfg);
  let saved = await SparseMlp.loadTraining(trainPath);
  if (saved && JSON.stringify(saved.meta.stamp) !== JSON.stringify(stamp)) {
    log("backward checkpoint of other settings or code: training starts over");
    saved = null;
  }
  if (!saved) {
    for (const name of ["cands_rerank.jsonl", "cands_dual.jsonl", BACKWARD_CHECKPOINT]) {
      await Deno.remove(`${mdir}/${name}`).catch(() => {});
    }
  }
  const losses: number[] = saved ? [...(saved.meta.loss as number[])] : [];
  await hooks.onBackwardLosses?.(losses);
  let backward: SparseMlp;
  if (saved && losses.length >= cfg.backward.epochs) backward = saved.mlp;
  else {
    backward = await trainBackward(examples, library.templates.length, FP.nBits, cfg.backward, {
      start: saved ? { mlp: saved.mlp, epoch: losses.length } : undefined,
      onProgress: progress("backward"),
      onEpoch: async (epoch, loss, mlp) => {
        losses.push(loss);
        await mlp.saveTraining(trainPath, { stamp, epoch, loss: losses });
        await hooks.onBackwardLosses?.([loss]);
        log(`backward epoch ${epoch}: loss ${loss.toFixed(4)}`);
      },
    });
  }
  // The prediction model (weights only), for RetroModel.load.
  await backward.save(`${mdir}/backward.bin`);
  const state = { loss: losses };
  seconds.backward = (performance.now() - t0) / 1000;

  // 2. Candidates of training products (re-ranker data) and of held-out ones (dual weights).
  t0 = performance.now();
  const cache = new TemplateCache(RDKit);
  const candidatesFor = async (name: string, items: ExtractedReaction[]): Promise<CandRecord[]> => {
    const path = `${mdir}/cands_${name}.jsonl`;
    const have = new Map((await readJsonl<CandRecord>(path)).map((c) => [c.id, c]));
    const bar = progress(`candidates (${name})`);
    let buf: CandRecord[] = [];
    for (let i = 0; i < items.length; i++) {
      const e = items[i];
      if (!have.has(e.id)) {
        const logp = templateLogProbs(backward, pbits(e.product));
        const cands = propose(cache, library.templates, logp, e.product, {
          topTemplates: cfg.topTemplates,
          maxCandidates: cfg.maxCandidates,
        });
        const rec = {
          id: e.id,
          cands,
          target: cands.findIndex((c) => c.reactants === e.reactants),
        };
        have.set(e.id, rec);
        buf.push(rec);
      }
      if (buf.length >= 200 || i === items.length - 1) {
        await appendJsonl(path, buf);
        buf = [];
      }
      bar(i + 1, items.length);
    }
    return items.map((e) => have.get(e.id)!);
  };
  const rerankItems = fit.slice(0, cfg.rerankProducts);
  const dualItems = held.slice(0, cfg.dualProducts);
  const rerankCands = await candidatesFor("rerank", rerankItems);
  const dualCands = await candidatesFor("dual", dualItems);
  cache.dispose();
  seconds.candidates = (performance.now() - t0) / 1000;

  // 3. Forward and prior scorers.
  t0 = performance.now();
  const rbitsCache = new Map<string, number[]>();
  const rbits = (r: string) => {
    let b = rbitsCache.get(r);
    if (!b) {
      b = morganBits(RDKit, r, FP.radius, FP.nBits);
      rbitsCache.set(r, b);
    }
    return b;
  };
  const fGroups: CandidateGroup[] = [], pGroups: CandidateGroup[] = [];
  rerankCands.forEach((c, i) => {
    if (c.target < 0 || c.cands.length < 2) return;
    const pb = pbits(rerankItems[i].product);
    fGroups.push({
      xs: c.cands.map((x) => forwardFeatures(pb, rbits(x.reactants))),
      target: c.target,
    });
    pGroups.push({
      xs: c.cands.map((x) => priorFeatures(rbits(x.reactants), x.reactants.split(".").length)),
      target: c.target,
    });
  });
  const forward = trainScorer(fGroups, FP.nBits, cfg.scorer, progress("forward"));
  await forward.save(`${mdir}/forward.bin`);
  const prior = trainScorer(
    pGroups,
    PRIOR_INPUTS,
    { ...cfg.scorer, seed: cfg.scorer.seed + 1 },
    progress("prior"),
  );
  await prior.save(`${mdir}/prior.bin`);
  seconds.scorers = (performance.now() - t0) / 1000;

  // 4. The similarity database: the backward model's training reactions only, so that the
  // held-out products below never find themselves.
  t0 = performance.now();
  const similarity = new SimilarityIndex(fit.map((e) => ({
    template: tIndex.get(e.template!)!,
    productBits: pbits(e.product),
    reactantBits: rbits(e.reactants),
  })));
  await similarity.save(`${mdir}/similarity.bin`);
  seconds.similarity = (performance.now() - t0) / 1000;

  // 5. Dual weights with the agreement term, on held-out products.
  t0 = performance.now();
  const scorers = { forward, prior, similarity };
  const dGroups: DualGroup[] = dualCands.map((c, i) => ({
    terms: candidateTerms(RDKit, pbits(dualItems[i].product), c.cands, scorers),
    target: c.target,
  }));
  const dual = await fitDual(dGroups, { agreement: cfg.agreement });
  await Deno.writeTextFile(`${mdir}/dual.json`, JSON.stringify(dual, null, 2));
  seconds.dual = (performance.now() - t0) / 1000;
  const recall = (cs: CandRecord[]) =>
    cs.length ? cs.filter((c) => c.target >= 0).length / cs.length : 0;
  return {
    examples: examples.length,
    heldOut: held.length,
    templates: library.templates.length,
    backwardLoss: state.loss,
    rerankGroups: fGroups.length,
    rerankRecall: recall(rerankCands),
    dualGroups: dGroups.length,
    dualRecall: recall(dualCands),
    weights: dual.weights,
    seconds,
  };
}

/** Rankers compared in evaluation: each energy family alone and the dual. */
export function evalRankers(w: DualWeights): Record<string, DualWeights> {
  return {
    backward: { backward: 1, forward: 0, prior: 0, similarity: 0 },
    forward: { backward: 0, forward: 1, prior: 0, similarity: 0 },
    prior: { backward: 0, forward: 0, prior: 1, similarity: 0 },
    similarity: { backward: 0, forward: 0, prior: 0, similarity: 1 },
    "backward+forward": { backward: w.backward, forward: w.forward, prior: 0, similarity: 0 },
    dual: w,
  };
}

/** Evaluation result on a split. */
export interface EvalResult {
  n: number;
  topk: Record<string, Record<string, number>>;
  /** Recorded set among the candidates. */
  proposalRecall: number;
  /** Recorded template (from the split's own maps) in the library. */
  coverage: number;
  /** Recorded reactants reachable by some library template... estimated by coverage. */
  invalidRows: number;
  msPerProduct: number;
}

/** Top-k exact match on the first `limit` rows of a mapped split. */
export async function evaluate(
  dir: string,
  csv: string,
  opts: {
    limit?: number;
    topTemplates?: number;
    maxCandidates?: number;
    progress?: ProgressFactory;
  } = {},
): Promise<EvalResult> {
  const RDKit: RDKitModule = await loadRdkit();
  const model = await RetroModel.load(RDKit, dir);
  const templates = new Set(model.library.templates);
  const rows = (await readReactionCsv(csv)).slice(0, opts.limit ?? Infinity);
  const rankers = evalRankers(model.weights);
  const ks = [1, 3, 5, 10];
  const hits: Record<string, number[]> = Object.fromEntries(
    Object.keys(rankers).map((k) => [k, ks.map(() => 0)]),
  );
  let recalled = 0, covered = 0, invalid = 0;
  const bar = (opts.progress ?? noProgress)("evaluating");
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let product: string, truth: string;
    try {
      product = canonicalSet(RDKit, r.product);
      truth = canonicalSet(RDKit, r.reactants);
    } catch {
      invalid++;
      continue;
    }
    if (isMapped(r)) {
      try {
        if (templates.has(extractTemplate(RDKit, r.reactants, r.product))) covered++;
      } catch {
        // an unusable recorded mapping counts as not covered
      }
    }
    const { pBits, cands } = model.candidates(product, opts);
    const terms = candidateTerms(RDKit, pBits, cands, model);
    const target = cands.findIndex((c) => c.reactants === truth);
    if (target >= 0) recalled++;
    for (const [name, w] of Object.entries(rankers)) {
      const rank = target >= 0 ? rankByDual(terms, w).indexOf(target) : Infinity;
      ks.forEach((k, j) => {
        if (rank < k) hits[name][j]++;
      });
    }
    bar(i + 1, rows.length);
  }
  const ms = (performance.now() - t0) / Math.max(rows.length, 1);
  model.dispose();
  const n = rows.length - invalid;
  return {
    n,
    topk: Object.fromEntries(
      Object.entries(hits).map((
        [name, h],
      ) => [name, Object.fromEntries(ks.map((k, j) => [`top${k}`, h[j] / n]))]),
    ),
    proposalRecall: recalled / n,
    coverage: covered / n,
    invalidRows: invalid,
    msPerProduct: ms,
  };
}
