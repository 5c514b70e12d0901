/**
 * The DISCS benchmark protocol (Goshvadi et al., NeurIPS 2023; shared/reference/discs.md
 * sections 3-4): suites of model x sampler cells, the ESS figures of each run (Hamming to a
 * fixed random reference, 50% burn-in, per-chain TFP ESS, mean and std over chains, per step,
 * per energy evaluation and per synchronised second), run storage and CSV / markdown tables.
 *
 * @example
 * ```ts
 * import { PRESETS, runDiscsCell, suiteCells, rowsToMarkdown } from "./mod.ts";
 * const [cell] = suiteCells("size", PRESETS.quick, { samplers: ["rwm"], sizes: [4] });
 * const r = await runDiscsCell(cell, { chains: 100, seed: 0, burnInFraction: 0.5, gpu: null });
 * console.log(r.metrics.essMean);
 * ```
 * @module
 */
export * from "./protocol.ts";
export * from "./suites.ts";
export * from "./run.ts";
export * from "./tables.ts";
export * from "./findings.ts";
