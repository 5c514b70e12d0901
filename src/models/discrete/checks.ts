/**
 * Small option checks shared by the discrete models, each with a one-line error.
 * @module
 */

/** Throws unless `v` is an integer >= `min`. */
export function checkPositiveInt(name: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) {
    throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
  }
}

/** Throws unless `v` is a finite number >= 0. */
export function checkSigma(name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) {
    throw new Error(`${name} must be a finite number >= 0, got ${v}`);
  }
}

/** Throws unless `v` is a finite number. */
export function checkFinite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new Error(`${name} must be a finite number, got ${v}`);
}

/** Copies `values` to f32 after checking its length and finiteness. */
export function f32Param(name: string, values: ArrayLike<number>, length: number): Float32Array {
  if (values.length !== length) {
    throw new Error(`${name} has ${values.length} entries: expected ${length}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`${name}[${i}] is ${values[i]}: expected a finite number`);
    }
  }
  return Float32Array.from(values);
}
