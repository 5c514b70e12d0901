import { assertClose, assertEquals, assertThrows } from "../../_assert.ts";
import { labelByDescent, userPotential } from "../../../src/models/continuous/mod.ts";

const bowl = {
  name: "bowl",
  dim: 2,
  energy: (x: Float64Array) => (x[0] - 1) ** 2 + 2 * x[1] ** 2,
  gradient: (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * (x[0] - 1);
    g[1] = 4 * x[1];
  },
};

Deno.test("a valid user potential wraps energy and gradient", () => {
  const p = userPotential({ ...bowl, minima: [[1, 0]], box: { lo: [-2, -2], hi: [2, 2] } });
  assertEquals([p.name, p.dim, p.energy(Float64Array.of(1, 1))], ["bowl", 2, 2]);
  assertEquals(labelByDescent(p, Float64Array.of(-1, 1)), 0);
  assertEquals(p.wgsl.code, "");
  assertEquals(p.wgsl.params, null);
});

Deno.test("a user potential without a gradient falls back to finite differences", () => {
  const p = userPotential({ name: "fd", dim: 2, energy: bowl.energy });
  const g = new Float64Array(2);
  p.gradient(Float64Array.of(0, 1), g);
  assertClose(g[0], -2, 1e-8, "dV/dx0");
  assertClose(g[1], 4, 1e-8, "dV/dx1");
});

Deno.test("user potential validation errors name the problem", () => {
  assertThrows(() => userPotential({ ...bowl, dim: 0 }), /dim must be a positive integer, got 0/);
  assertThrows(() => userPotential({ ...bowl, dim: 1.5 }), /dim must be a positive integer/);
  assertThrows(() => userPotential({ ...bowl, name: "" }), /name must be a non-empty string/);
  assertThrows(
    () => userPotential({ ...bowl, energy: () => NaN }),
    /energy at the probe \[0,0\] is NaN, expected a finite number/,
  );
  assertThrows(
    () => userPotential({ ...bowl, energy: () => "1" as unknown as number }),
    /expected a finite number/,
  );
  assertThrows(
    () => userPotential({ ...bowl, probe: [1e400, 0] }),
    /expected a finite number/,
  );
  assertThrows(
    () => userPotential({ ...bowl, gradient: (_x, g) => g.fill(0) }),
    /gradient\[0\] at the probe is 0 but finite differences give -2/,
  );
  assertThrows(
    () => userPotential({ ...bowl, gradient: () => {} }),
    /gradient\[0\] at the probe is NaN/,
  );
  assertThrows(
    () => userPotential({ ...bowl, minima: [[1]] }),
    /minima\[0\] has length 1, expected 2/,
  );
  assertThrows(
    () => userPotential({ ...bowl, box: { lo: [0], hi: [1, 1] } }),
    /box.lo has length 1/,
  );
  assertThrows(
    () => userPotential({ ...bowl, wgsl: { code: "fn model_energy(x: u32) -> f32 {" } }),
    /WGSL code must define fn model_grad_energy/,
  );
  // The old contract baked the dimension into the text: refused with the way to port it.
  assertThrows(
    () =>
      userPotential({
        ...bowl,
        wgsl: {
          code: "const DIM: u32 = 2u;\nfn model_grad_energy(x: ptr<function, array<f32, DIM>>, " +
            "g: ptr<function, array<f32, DIM>>) -> f32 { return (*x)[0]; }",
        },
      }),
    /old per-invocation contract .* expected model_dim\(\), model_x\(x, i\)/,
  );
});

Deno.test("user WGSL is keyed by a hash of its text unless a key is given", () => {
  const code = "fn model_grad_energy(x: u32, g: u32) -> f32 { return model_x(x, 0u); }";
  const a = userPotential({ ...bowl, wgsl: { code } });
  const b = userPotential({ ...bowl, wgsl: { code: code + " " } });
  const c = userPotential({ ...bowl, wgsl: { code, key: "mine" } });
  assertEquals(a.wgsl.key.startsWith("user:bowl:"), true);
  assertEquals(
    a.wgsl.key.includes("d=2"),
    false,
    "the key (part of the program text) omits the size",
  );
  assertEquals(a.wgsl.key === b.wgsl.key, false);
  assertEquals(c.wgsl.key, "mine");
});
