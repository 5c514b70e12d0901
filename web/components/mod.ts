/**
 * Server-rendered components of the dashboard (no client code): page layout, island wrapper,
 * key figures, run header, per-kind run views, the dendrogram and shared colours.
 *
 * @example
 * ```tsx
 * import { renderPage } from "./mod.ts";
 * const html = renderPage("Runs", "hello");
 * ```
 * @module
 */

export * from "./layout.tsx";
export * from "./island.tsx";
export * from "./key_figures.tsx";
export * from "./run_header.tsx";
export * from "./sample_view.tsx";
export * from "./basins_view.tsx";
export * from "./optimise_view.tsx";
export * from "./generic_view.tsx";
export * from "./dendrogram.tsx";
export * from "./colors.ts";
