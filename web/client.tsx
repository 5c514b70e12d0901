/**
 * Client entry (bundled by `deno bundle` into `web/static/client.js`): hydrates every
 * server-rendered island with its JSON props.
 * @module
 */

import { hydrate } from "preact";
import { type IslandName, islands } from "./islands/registry.ts";

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const name = el.dataset.island as IslandName;
  const C = islands[name];
  if (!C) {
    console.error(`unknown island '${name}': expected one of ${Object.keys(islands).join(", ")}`);
    continue;
  }
  // deno-lint-ignore no-explicit-any
  hydrate(<C {...(JSON.parse(el.dataset.props ?? "{}") as any)} />, el);
}
