//! Float methods in path form (`f64::sqrt(x)`, `f64::max(a, b)`, `f32::powi(y, 3)`) in concrete
//! `order = 2` functions: the rewrite to the scalar type parameter spells them as methods
//! (`second/rewrite.rs`), so they differentiate twice like `x.sqrt()`. Hessians against central
//! differences of the gradient, `NAME_hvp` against `NAME_hessian · v`.

use autodiff::check::{Tolerance, assert_slices, numeric_gradient};
use autodiff::prelude::*;

#[differentiable(order = 2)]
fn paths(x: f64, y: f64) -> f64 {
    f64::sqrt(x * x + 1.0) * f64::powi(y, 3)
        + f64::max(x, y) * f64::sin(x)
        + std::f64::consts::PI * f64::floor(y) * x
}

#[differentiable(order = 2)]
fn paths_f32(x: f32, y: f32) -> f32 {
    f32::exp(x) * f32::mul_add(y, 2.0, x) + f32::hypot(x, y)
}

#[test]
fn path_forms_differentiate_twice() {
    for p in [(0.7, 1.3), (1.6, 0.4), (-0.5, 2.2)] {
        let (v, g, h) = paths_hessian(p.0, p.1);
        assert!((v - paths(p.0, p.1)).abs() < 1e-12);
        let fd = |k: usize| {
            numeric_gradient(
                |q| {
                    let g = paths_grad(q[0], q[1]).1;
                    if k == 0 { g.0 } else { g.1 }
                },
                &[p.0, p.1],
                1e-6,
            )
        };
        let tol = Tolerance::new(1e-6, 1e-6);
        let (r0, r1) = (fd(0), fd(1));
        assert_slices(
            &[h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]],
            &[r0[0], r0[1], r1[0], r1[1]],
            tol,
        );
        let want_g = numeric_gradient(|q| paths(q[0], q[1]), &[p.0, p.1], 1e-6);
        assert_slices(&[g.0, g.1], &want_g, tol);
        let (_, _, hv) = paths_hvp(p.0, p.1, 0.3, -1.1);
        let want = [
            h[(0, 0)] * 0.3 - h[(0, 1)] * 1.1,
            h[(1, 0)] * 0.3 - h[(1, 1)] * 1.1,
        ];
        assert_slices(&[hv.0, hv.1], &want, Tolerance::new(1e-12, 1e-12));
    }
    // f32: against the f64 formula's Hessian by central differences, to f32 precision.
    let f = |x: f64, y: f64| x.exp() * y.mul_add(2.0, x) + x.hypot(y);
    let (x, y) = (0.7f32, 1.3f32);
    let (_, _, h) = paths_f32_hessian(x, y);
    let hf = |i: usize, j: usize| {
        let e = 1e-4;
        let mut p = [x as f64, y as f64];
        let d = |p: [f64; 2]| {
            let mut q = p;
            q[j] += e;
            let mut r = p;
            r[j] -= e;
            (f(q[0], q[1]) - f(r[0], r[1])) / (2.0 * e)
        };
        p[i] += e;
        let a = d(p);
        p[i] -= 2.0 * e;
        let b = d(p);
        (a - b) / (2.0 * e)
    };
    let got: Vec<f64> = [h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]]
        .iter()
        .map(|&v| v as f64)
        .collect();
    assert_slices(
        &got,
        &[hf(0, 0), hf(0, 1), hf(1, 0), hf(1, 1)],
        Tolerance::new(1e-2, 1e-2),
    );
}
