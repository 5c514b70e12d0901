/**
 * The chain-minor layout of the continuous GPU programs' work buffers: entry i of trajectory
 * (or chain) t's vector at `i * n + t`, so neighbouring invocations touch neighbouring words.
 * Hosts convert to and from row-major `[n, dim]` arrays here.
 * @module
 */

/**
 * Copies row-major `[rows, cols]` into column-major `[cols, rows]` at `offset` of `out`, or,
 * when `inverse`, column-major at `offset` of `src` back into row-major `out`.
 */
export function transposeInto(
  src: ArrayLike<number>,
  rows: number,
  cols: number,
  out: Float32Array,
  offset = 0,
  inverse = false,
): Float32Array {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (inverse) out[r * cols + c] = src[offset + c * rows + r];
      else out[offset + c * rows + r] = src[r * cols + c];
    }
  }
  return out;
}
