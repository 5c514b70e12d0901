/**
 * The code version a shard plan pins: a SHA-256 over every source file under `src/`, `cli.ts`,
 * `deno.json` and `deno.lock` (so two checkouts that would compute different bits disagree),
 * with the package version. Imported by URL, where the files cannot be listed, it is the package
 * version alone.
 * @module
 */
import { LANDSCAPE_VERSION } from "./run_store.ts";

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 of a string, hex. */
export async function hashText(text: string): Promise<string> {
  return await sha256Hex(new TextEncoder().encode(text));
}

async function listSources(dir: string, rel: string, out: string[]): Promise<void> {
  for await (const e of Deno.readDir(`${dir}/${rel}`)) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) await listSources(dir, path, out);
    else if (/\.(ts|tsx)$/.test(e.name)) out.push(path);
  }
}

let cached: Promise<string> | null = null;

/**
 * The running code's version: `<package version>+<first 16 hex of the source hash>`.
 */
export function codeVersion(): Promise<string> {
  cached ??= (async () => {
    const root = new URL("../../", import.meta.url);
    if (root.protocol !== "file:") return LANDSCAPE_VERSION;
    const dir = decodeURIComponent(root.pathname).replace(/\/$/, "");
    const files: string[] = [];
    await listSources(dir, "src", files);
    files.push("cli.ts", "deno.json", "deno.lock");
    const parts: string[] = [];
    for (const f of files.sort()) {
      const bytes = await Deno.readFile(`${dir}/${f}`).catch(() => null);
      if (bytes) parts.push(`${f}\n${await sha256Hex(bytes)}`);
    }
    return `${LANDSCAPE_VERSION}+${(await hashText(parts.join("\n"))).slice(0, 16)}`;
  })();
  return cached;
}
