/**
 * The f32 CPU twin of the continuous samplers: the same Philox counters, the same f32 sampler
 * arithmetic (`f32math.ts`) and dual averaging as the WGSL in `samplers_wgsl.ts`, in the same
 * order; the potential's f64 gradient is rounded to f32.
 * @module
 */
import { mathExp, mathLog, mathRecip, mathSqrt } from "../random/f32math.ts";
import { uniform01 } from "../random/draws.ts";
import { philox4x32Words } from "../random/philox.ts";
import { type DynamicsPotential, normals } from "./langevin.ts";
import {
  type ContinuousSampleResult,
  DA_INV_GAMMA,
  DA_KAPPA,
  DA_T0,
  energyGrad,
  fr,
  result,
  type Setup,
} from "./samplers_setup.ts";

/** One chain's dual-averaging update in f32 (twin of WGSL `sampler_adapt`); returns log eps. */
function adaptStep(s: Setup, da: Float32Array, o: number, step: number, a: number): void {
  const t = fr(step + 1);
  const r = mathRecip(fr(t + DA_T0));
  da[o + 1] = fr(fr(fr(1 - r) * da[o + 1]) + fr(fr(s.target - a) * r));
  const logEps = fr(s.mu - fr(fr(mathSqrt(t) * DA_INV_GAMMA) * da[o + 1]));
  const w = mathExp(fr(-DA_KAPPA * mathLog(t)));
  da[o + 2] = fr(fr(w * logEps) + fr(fr(1 - w) * da[o + 2]));
  da[o] = mathExp(logEps);
}

/** Runs every chain on the CPU. */
export function cpuRun(p: DynamicsPotential, s: Setup): ContinuousSampleResult {
  const t0 = performance.now();
  const { m, dim, key, L, burnIn } = s;
  const x = Float32Array.from(s.x0), g = new Float32Array(m * dim), u = new Float32Array(m);
  const da = new Float32Array(4 * m); // eps, hBar, logEpsBar, -
  for (let c = 0; c < m; c++) {
    u[c] = energyGrad(p, s.beta, x.subarray(c * dim, c * dim + dim), g.subarray(c * dim));
    da[4 * c] = s.eps0;
  }
  const samples = new Float32Array(s.steps * m * dim), acc = new Float32Array(m);
  const xi64 = new Float64Array(dim), xi = new Float32Array(dim), w = new Uint32Array(4);
  const y = new Float32Array(dim), gy = new Float32Array(dim);
  const total = burnIn + s.steps;
  for (let c = 0; c < m; c++) {
    const b = c * dim, xc = x.subarray(b, b + dim), gc = g.subarray(b, b + dim);
    for (let step = 0; step < total; step++) {
      if (step === burnIn && s.adapt) da[4 * c] = mathExp(da[4 * c + 2]);
      const eps = da[4 * c];
      normals(xi64, key, c, step, 0, w);
      xi.set(xi64);
      let a = 1, uy: number;
      if (s.kind === "hmc") {
        y.set(xc);
        gy.set(gc);
        let k0 = 0;
        for (let i = 0; i < dim; i++) k0 = fr(k0 + fr(xi[i] * xi[i]));
        const he = fr(0.5 * eps);
        uy = u[c];
        for (let l = 0; l < L; l++) {
          for (let i = 0; i < dim; i++) {
            xi[i] = fr(xi[i] - fr(he * gy[i]));
            y[i] = fr(y[i] + fr(eps * xi[i]));
          }
          uy = energyGrad(p, s.beta, y, gy);
          for (let i = 0; i < dim; i++) xi[i] = fr(xi[i] - fr(he * gy[i]));
        }
        let k1 = 0;
        for (let i = 0; i < dim; i++) k1 = fr(k1 + fr(xi[i] * xi[i]));
        const logA = fr(fr(fr(u[c] - uy) + fr(0.5 * k0)) - fr(0.5 * k1));
        a = mathExp(Math.min(logA, 0));
      } else {
        const h2 = fr(fr(0.5 * eps) * eps);
        for (let i = 0; i < dim; i++) {
          y[i] = fr(fr(xc[i] - fr(h2 * gc[i])) + fr(eps * xi[i]));
        }
        uy = energyGrad(p, s.beta, y, gy);
        if (s.kind === "mala") {
          let fwd = 0, bwd = 0;
          for (let i = 0; i < dim; i++) {
            fwd = fr(fwd + fr(xi[i] * xi[i]));
            const r = fr(fr(xc[i] - y[i]) + fr(h2 * gy[i]));
            bwd = fr(bwd + fr(r * r));
          }
          const inv = mathRecip(fr(fr(2 * eps) * eps));
          const logA = fr(fr(fr(u[c] - uy) - fr(bwd * inv)) + fr(0.5 * fwd));
          a = mathExp(Math.min(logA, 0));
        }
      }
      if (s.kind === "ula" || uniform01(philox4x32Words(0, step, c, 1, key[0], key[1], w)[0]) < a) {
        xc.set(y);
        gc.set(gy);
        u[c] = uy;
      }
      if (step < burnIn) {
        if (s.adapt) adaptStep(s, da, 4 * c, step, a);
      } else {
        acc[c] = fr(acc[c] + a);
        samples.set(xc, ((step - burnIn) * m + c) * dim);
      }
    }
  }
  return result(s, "cpu", samples, acc, da, (performance.now() - t0) / 1000);
}
