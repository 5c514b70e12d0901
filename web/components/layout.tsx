/**
 * The HTML shell of every page: head, navigation, styles, and the client bundle that hydrates
 * the islands.
 * @module
 */

import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";

const STYLE = `
:root { --fg: #1d2430; --muted: #5b6676; --line: #d9dee5; --bg: #f7f8fa; --accent: #2463eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: baseline; padding: .6rem 1.2rem;
  background: #1d2430; color: #fff; }
header a { color: #cfe0ff; text-decoration: none; } header strong { font-size: 1.05rem; }
main { padding: 1rem 1.2rem 2rem; max-width: 1280px; }
h1 { font-size: 1.25rem; margin: .2rem 0 .8rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
table { border-collapse: collapse; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .55rem; text-align: left;
  vertical-align: top; }
th.sortable { cursor: pointer; user-select: none; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 1rem; }
.card, figure.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0;
  padding: .6rem .8rem; }
figure.chart figcaption { font-weight: 600; margin-bottom: .3rem; }
.chart-status { color: var(--muted); font-size: 12px; margin: .2rem 0 0; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 9px; font-size: 12px; }
.status-running { background: #fff3c4; } .status-done { background: #d6f5dd; }
.status-failed { background: #fbd5d5; }
.figures { display: flex; flex-wrap: wrap; gap: .5rem; margin: .4rem 0 1rem; padding: 0; }
.figures div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .35rem .7rem; }
.figures dt { color: var(--muted); font-size: 12px; } .figures dd { margin: 0; font-weight: 600; }
.controls { display: flex; flex-wrap: wrap; gap: .8rem; align-items: center; margin-bottom: .5rem; }
.muted { color: var(--muted); } code { font-size: 12px; }
canvas.plain { display: block; max-width: 100%; }
`;

/** Props of {@linkcode Layout}. */
export type LayoutProps = { title: string; children: ComponentChildren };

/** The page frame: header with navigation and a main area. */
export function Layout({ title, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · Landscape</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/uplot.css" />
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <strong>Landscape</strong>
          <a href="/">Runs</a>
          <a href="/compare">Compare samplers</a>
          <a href="/lm">Language models</a>
          <a href="/bind">Binding</a>
        </header>
        <main>{children}</main>
        <script type="module" src="/static/client.js"></script>
      </body>
    </html>
  );
}

/**
 * Renders a page to an HTML document string.
 *
 * @example
 * ```ts
 * const html = renderPage("Runs", <p>hello</p>);
 * ```
 */
export function renderPage(title: string, body: ComponentChildren): string {
  return "<!doctype html>" + renderToString(<Layout title={title}>{body}</Layout>);
}
