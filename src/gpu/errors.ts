/** Errors raised by the GPU runtime, each with a one-line message. */

/** The WebGPU device was lost (driver reset, out of memory, or destroyed). */
export class GpuDeviceLostError extends Error {
  constructor(reason: string, message: string) {
    super(
      `WebGPU device lost (${reason}${message ? `: ${message}` : ""}); ` +
        "rerun, or use --backend cpu",
    );
    this.name = "GpuDeviceLostError";
  }
}

/** WGSL failed to compile or a pipeline could not be built. */
export class GpuCompileError extends Error {
  constructor(label: string, detail: string) {
    super(`WGSL program '${label}' failed to compile: ${detail}`);
    this.name = "GpuCompileError";
  }
}

/** A GPU operation failed validation or ran out of memory. */
export class GpuOperationError extends Error {
  constructor(what: string, detail: string) {
    super(`WebGPU ${what} failed: ${detail}`);
    this.name = "GpuOperationError";
  }
}
