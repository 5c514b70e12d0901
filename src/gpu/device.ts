/**
 * Acquiring the WebGPU device and choosing the compute backend.
 *
 * This folder is the only code that touches `GPUDevice`; models and samplers describe programs
 * and bindings and hand them to the helpers here.
 * @module
 */
import { GpuDeviceLostError } from "./errors.ts";
import { PipelineCache } from "./pipeline_cache.ts";

/** What the adapter says about itself; recorded in every run manifest. */
export interface AdapterSummary {
  description: string;
  vendor: string;
  architecture: string;
  device: string;
  isFallbackAdapter: boolean;
}

/** An acquired device with its pipeline cache and loss tracking. */
export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterSummary;
  readonly cache: PipelineCache;
  /** Set once the device is lost; every later operation throws it. */
  lost: GpuDeviceLostError | null;
}

/** Backend requested by the user. `auto` picks WebGPU when an adapter exists. */
export type BackendChoice = "auto" | "webgpu" | "cpu";

/** The backend actually used. */
export type ResolvedBackend =
  | { kind: "webgpu"; gpu: GpuContext }
  | { kind: "cpu"; gpu: null };

let shared: Promise<GpuContext | null> | null = null;

/**
 * Requests an adapter and device, raising the storage limits to what the adapter allows.
 * Returns null when the runtime has no WebGPU or no adapter. The device is created once per
 * process and shared, so pipeline caches are shared too.
 *
 * @example
 * ```ts
 * const gpu = await acquireGpu();
 * console.log(gpu ? gpu.adapter.description : "no adapter");
 * ```
 */
export function acquireGpu(): Promise<GpuContext | null> {
  if (!shared) {
    const pending = requestGpu();
    shared = pending;
    // A lost shared device is dropped, so the next acquireGpu() starts over with a fresh one.
    pending.then((ctx) =>
      ctx?.device.lost.then(() => {
        if (shared === pending) shared = null;
      })
    );
  }
  return shared;
}

/**
 * Requests a new adapter and device of its own (not the shared one), or null without WebGPU.
 *
 * @example
 * ```ts
 * const gpu = await requestGpu();
 * gpu?.device.destroy();
 * ```
 */
export async function requestGpu(): Promise<GpuContext | null> {
  const gpuApi = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpuApi) return null;
  const adapter = await gpuApi.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return null;
  const lim = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
    },
  });
  const info = adapter.info;
  const ctx: GpuContext = {
    device,
    adapter: {
      description: info.description || "unknown",
      vendor: info.vendor || "",
      architecture: info.architecture || "",
      device: info.device || "",
      isFallbackAdapter: Boolean(
        (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
          (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
      ),
    },
    cache: new PipelineCache(),
    lost: null,
  };
  device.lost.then((lost) => {
    ctx.lost = new GpuDeviceLostError(lost.reason ?? "unknown", lost.message ?? "");
  });
  return ctx;
}

/** Throws the recorded device-loss error, if any. */
export function assertAlive(gpu: GpuContext): void {
  if (gpu.lost) throw gpu.lost;
}

/**
 * Resolves a backend choice. `auto` falls back to the CPU path with a one-line notice when no
 * adapter exists; `webgpu` without an adapter is an error.
 *
 * @example
 * ```ts
 * const backend = await resolveBackend("auto", (msg) => console.error(msg));
 * console.log(backend.kind);
 * ```
 */
export async function resolveBackend(
  choice: BackendChoice,
  notice: (message: string) => void = (m) => console.error(m),
): Promise<ResolvedBackend> {
  if (choice === "cpu") return { kind: "cpu", gpu: null };
  const gpu = await acquireGpu();
  if (gpu) return { kind: "webgpu", gpu };
  if (choice === "webgpu") {
    throw new Error("--backend webgpu: no WebGPU adapter is available; use --backend cpu or auto");
  }
  notice("notice: no WebGPU adapter found; running on the CPU backend");
  return { kind: "cpu", gpu: null };
}
