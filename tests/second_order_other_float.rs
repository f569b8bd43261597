//! Values of the other float type inside a concrete `order = 2` function: `f32` arithmetic in
//! an `f64` function (and `f64` in an `f32` one) keeps its type. The macro makes the function's
//! own float the scalar parameter and its bare literals `from_f64` of it; a literal with the
//! other type's suffix (`0.5f32`), a bare literal beside a value of the other type
//! (`i as f32 * 0.5`, `(i as f32) > 1.5`, `(i as f32).max(0.5)`, or a local `h` bound by
//! `let h: f32 = ..` or `let h = 0.5f32;`) and the initializer of `let h: f32 = ..` stay as
//! written. Gradients against central differences, Hessian-vector
//! products against differences of the gradient.

// The written forms (a cast of a literal, index loops) are the constructs under test.
#![allow(clippy::needless_range_loop, clippy::unnecessary_cast)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// A suffixed `f32` literal in a weight made from an integer.
#[differentiable(order = 2)]
fn weighted(p: &[f64]) -> f64 {
    let w = (p.len() as f32 * 0.5f32) as f64;
    p[0] * p[0] * w + p[1].sin() * p[0]
}

/// `let h: f32 = 0.5;` and bare literals beside `i as f32`, in a loop and in a condition.
#[differentiable(order = 2)]
fn stepped(p: &[f64]) -> f64 {
    let h: f32 = 0.5;
    let mut s = 0.0;
    for i in 0..p.len() {
        let c = (i as f32 * h + 1.0) as f64;
        let m = 0.5f32;
        let q = i as f32 * 0.25;
        let d = (m * 2.0 + q * 4.0 - 1.0) as f64;
        if (i as f32) > 1.5 {
            s += p[i] * p[i] * c;
        } else {
            s += (p[i] * c).cos() + d * p[i];
        }
    }
    s
}

/// A method on an `f32` value with a bare literal argument, a negated `f32` literal, an `f64`
/// literal next to them.
#[differentiable(order = 2)]
fn methods(x: f64, y: f64) -> f64 {
    let k = (3u8 as f32).max(2.5) as f64;
    let t = -(2.0f32) as f64;
    let r = ((x.to_f64() * 4.0) as f32).floor() as f64;
    x * y * k + t * x * x + 0.25 * y * y * y + r
}

/// An `f32` function with an `f64` literal and `f64` arithmetic inside.
#[differentiable(order = 2)]
fn narrow(x: f32, y: f32) -> f32 {
    let c = (0.25f64 * 2.0) as f32;
    let n: f64 = 3.0;
    x * x * y * c + (x * (n * 0.5) as f32).sin()
}

/// A name of the other type shadowed by a loop pattern and by a `let`: the literals beside the
/// new bindings are the scalar again.
#[differentiable(order = 2)]
fn shadowed(p: &[f64]) -> f64 {
    let h = 0.5f32;
    let mut s = (h * 2.0) as f64;
    for h in p.iter() {
        s += *h * *h * 2.0;
    }
    let h = p[0] * 3.0;
    s + h * h * 0.5 + rebound(p)
}

/// A `let` of the other type's name whose initializer reads the outer binding: the literal
/// beside it is of that type (the initializer runs before the new name binds).
#[differentiable(order = 2)]
fn rebound(p: &[f64]) -> f64 {
    let h = 0.5f32;
    let h = h * 2.0;
    let g = p[1] as f32;
    let g = (g * 3.0) as usize % p.len();
    p[g] * p[0] * h as f64
}

#[test]
fn f32_values_in_an_f64_order_2_function_keep_their_type() {
    for p in [vec![0.3, -0.7, 1.1], sines(5, 0.9)] {
        let (_, g) = shadowed_grad(&p);
        check("shadowed", shadowed, &g, &p);
        let v = sines(p.len(), 0.6);
        let (_, _, hv) = shadowed_hvp(&p, v.clone());
        check_hvp("shadowed", |z| shadowed_grad(z).1, &hv, &p, &v);
    }
    for p in [vec![0.3, -0.7, 1.1, 0.4], sines(6, 0.9)] {
        let (_, g) = weighted_grad(&p);
        check("weighted", weighted, &g, &p);
        let v = sines(p.len(), 0.6);
        let (_, _, hv) = weighted_hvp(&p, v.clone());
        check_hvp("weighted", |z| weighted_grad(z).1, &hv, &p, &v);

        let (_, g) = stepped_grad(&p);
        check("stepped", stepped, &g, &p);
        let (_, _, hv) = stepped_hvp(&p, v.clone());
        check_hvp("stepped", |z| stepped_grad(z).1, &hv, &p, &v);
    }
    for (x, y) in [(0.7, -0.4), (-1.3, 0.9)] {
        let (_, (gx, gy)) = methods_grad(x, y);
        check("methods", |z| methods(z[0], z[1]), &[gx, gy], &[x, y]);
        // `r` is piecewise constant: the Hessian is that of `x y k + t x² + y³/4`, with
        // k = max(3, 2.5) = 3 and t = -2: [[2t, k], [k, 1.5 y]]
        let (_, _, h) = methods_hessian(x, y);
        let want = [[-4.0, 3.0], [3.0, 1.5 * y]];
        for r in 0..2 {
            for c in 0..2 {
                assert!((h[(r, c)] - want[r][c]).abs() < 1e-12, "{h} vs {want:?}");
            }
        }
    }
}

#[test]
fn f64_values_in_an_f32_order_2_function_keep_their_type() {
    for (x, y) in [(0.7f32, -0.4f32), (-1.1, 0.8)] {
        let (_, (gx, gy)) = narrow_grad(x, y);
        let f = |a: f64, b: f64| narrow(a as f32, b as f32) as f64;
        // central differences in f32 arithmetic: a coarse step and tolerance
        let e = 1e-2;
        let fx = (f(x as f64 + e, y as f64) - f(x as f64 - e, y as f64)) / (2.0 * e);
        let fy = (f(x as f64, y as f64 + e) - f(x as f64, y as f64 - e)) / (2.0 * e);
        assert!(
            (gx as f64 - fx).abs() < 2e-3 * (1.0 + fx.abs()),
            "{gx} vs {fx}"
        );
        assert!(
            (gy as f64 - fy).abs() < 2e-3 * (1.0 + fy.abs()),
            "{gy} vs {fy}"
        );
        // d²/dy² of x² y c + sin(1.5 x) is 0; d²/dxdy = 2 x c with c = 0.5
        let (_, _, h) = narrow_hessian(x, y);
        assert!(h[(1, 1)].abs() < 1e-6, "{h}");
        assert!(
            (h[(0, 1)] - x).abs() < 1e-5 && (h[(1, 0)] - x).abs() < 1e-5,
            "{h}"
        );
    }
}
