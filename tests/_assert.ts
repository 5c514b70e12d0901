/**
 * The one seam for test assertions. Deno std (`@std/assert`) lives on JSR, which these machines
 * cannot reach, so tests use Node's built-in `node:assert/strict` through this module; switching
 * back to std is a one-file change.
 * @module
 */
export {
  deepEqual as assertEquals,
  equal as assertStrictEquals,
  match as assertMatch,
  notEqual as assertNotEquals,
  ok as assert,
  rejects as assertRejects,
  throws as assertThrows,
} from "node:assert/strict";

/** Asserts |actual - expected| <= tol, with a message naming both values. */
export function assertClose(actual: number, expected: number, tol: number, what = "value"): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: expected ${expected} +- ${tol}, got ${actual}`);
  }
}
