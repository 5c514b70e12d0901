/**
 * Builds the client: `deno bundle --platform=browser --code-splitting` of `web/client.tsx`
 * (uPlot and Observable Plot end up in lazily loaded chunks), plus uPlot's stylesheet.
 * @module
 */

const WEB_DIR = new URL(".", import.meta.url);

/**
 * Bundles the islands into `outDir` (default `web/static`) and copies `uplot.css` there.
 * Runs `deno bundle` in a subprocess of the running Deno binary, with the project config.
 *
 * @example
 * ```ts
 * await buildClient("web/static");
 * ```
 */
export async function buildClient(outDir?: string): Promise<string> {
  const out = outDir ?? new URL("static", WEB_DIR).pathname;
  await Deno.mkdir(out, { recursive: true });
  const root = new URL("..", WEB_DIR).pathname;
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform=browser",
      "--code-splitting",
      "--minify",
      `--config=${root}deno.json`,
      `--outdir=${out}`,
      new URL("client.tsx", WEB_DIR).pathname,
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  });
  const res = await cmd.output();
  if (!res.success) {
    const err = new TextDecoder().decode(res.stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`deno bundle of web/client.tsx failed: ${err}`);
  }
  const css = await Deno.readTextFile(new URL(import.meta.resolve("uplot/dist/uPlot.min.css")));
  await Deno.writeTextFile(`${out}/uplot.css`, css);
  return out;
}
