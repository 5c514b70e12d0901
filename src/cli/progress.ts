/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal.
 * @module
 */

/** Returns a progress callback `(done, total)`, or a no-op when not on a terminal. */
export function progressBar(label: string): (done: number, total: number) => void {
  if (!Deno.stderr.isTerminal()) return () => {};
  const enc = new TextEncoder();
  const start = performance.now();
  let last = -1;
  return (done, total) => {
    const frac = total > 0 ? done / total : 1;
    const pct = Math.floor(frac * 100);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const fill = Math.round(frac * width);
    const secs = (performance.now() - start) / 1000;
    const line = `\r${label} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${pct}% ${
      secs.toFixed(1)
    }s`;
    Deno.stderr.writeSync(enc.encode(done >= total ? `${line}\n` : line));
  };
}
