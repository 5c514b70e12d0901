/**
 * Server side of Fresh-style islands: the component is rendered to HTML inside a marker
 * element that names it and carries its props as JSON, and `web/client.tsx` hydrates it.
 * @module
 */

import { type IslandName, islands } from "../islands/registry.ts";

/** Props of {@linkcode Island}. */
export type IslandProps<N extends IslandName> = {
  name: N;
  props: Parameters<(typeof islands)[N]>[0];
};

/**
 * Renders island `name` with `props` for hydration on the client.
 *
 * @example
 * ```tsx
 * <Island name="SeriesChart" props={{ id: "energy", title: "Energy", url: "/api/..." }} />
 * ```
 */
export function Island<N extends IslandName>({ name, props }: IslandProps<N>) {
  // deno-lint-ignore no-explicit-any
  const C = islands[name] as any;
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <C {...props} />
    </div>
  );
}
