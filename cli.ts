/**
 * Landscape's command line. Thin: everything lives in `src/cli/`.
 *
 * ```sh
 * deno run -P=cli cli.ts sample --model bernoulli --sampler rwm --chains 256 --steps 2000
 * deno run -P=cli cli.ts runs list
 * ```
 * @module
 */
import { runCli } from "./src/cli/main.ts";

if (import.meta.main) Deno.exit(await runCli(Deno.args));
