import { assert, assertEquals, assertThrows } from "../../_assert.ts";
import { continuousSystems } from "../../../src/models/continuous/mod.ts";

Deno.test("the registry has the agreed names and each builds a potential of that name", () => {
  const required = [
    "double-well",
    "quadruple-well",
    "quadruple-well-asymmetric",
    "triple-well-2d",
    "triple-well-1d",
    "prinz",
    "muller-brown",
    "folding-5d",
    "gaussian-mixture",
  ];
  for (const name of required) assert(name in continuousSystems, `missing ${name}`);
  const dims: Record<string, number> = {};
  for (const [name, f] of Object.entries(continuousSystems)) dims[name] = f().dim;
  assertEquals(dims["folding-5d"], 5);
  assertEquals(dims["muller-brown"], 2);
  assertEquals(continuousSystems["double-well"]({ dim: 2 }).dim, 2);
  assertEquals(continuousSystems["gaussian-mixture"]({ dim: 7, k: 2 }).dim, 7);
  assertEquals(
    continuousSystems["muller-brown"]({ scale: 0.1 }).wgsl.key,
    "muller-brown:d=2:scale=0.10000000149011612",
  );
  assertThrows(() => continuousSystems["double-well"]({ dim: 3 }), /dim must be 1 or 2/);
});
