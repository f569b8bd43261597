//! A function with a loop whose scalar inputs are floats of different widths (`x: f32`,
//! `w: f64`, output `f64`) takes its gradient in reverse mode, not by tangent sweeps: a tangent
//! has the output's type, and `x`'s gradient is an `f32`. Its `_grad`, `_vjp` and the companion
//! a caller reaches, against the analytic gradient; the same function without the loop too.

use autodiff::prelude::*;

/// Straight-line: reverse mode.
#[differentiable]
fn mixed_straight(x: f32, w: f64) -> f64 {
    (x as f64) * w * 3.0
}

/// With a loop: `Σ_{k<3} x w k = 3 x w`.
#[differentiable]
fn mixed_loop(x: f32, w: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += (x as f64) * w * k as f64;
    }
    s
}

/// A caller in reverse mode: `Σ_i mixed_loop(p0 · i, p1) = 3 p0 p1 Σ_i i = 18 p0 p1`
/// (`i < 4`, and `p0` is converted to `f32`, which `0.5` survives exactly).
#[differentiable]
fn calls_mixed(p: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..4 {
        l += mixed_loop((p[0] * i as f64) as f32, p[1]);
    }
    l
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + b.abs())
}

#[test]
fn mixed_float_widths() {
    // ∂/∂x = 3w = 6, ∂/∂w = 3x = 1.5 at (0.5, 2).
    let (v, (gx, gw)) = mixed_straight_grad(0.5, 2.0);
    assert!(close(v, 3.0) && close(f64::from(gx), 6.0) && close(gw, 1.5));
    let (v, (gx, gw)) = mixed_loop_grad(0.5, 2.0);
    assert!(close(v, 3.0), "{v}");
    assert!(close(f64::from(gx), 6.0) && close(gw, 1.5), "{gx} {gw}");
    let (_, back) = mixed_loop_vjp(0.5, 2.0);
    let (bx, bw) = back(-2.0);
    assert!(close(f64::from(bx), -12.0) && close(bw, -3.0), "{bx} {bw}");
    // The conversion to `f32` has derivative 1 here (reverse mode passes the cotangent
    // through `as`): ∂/∂p0 = 18 p1 = 36, ∂/∂p1 = 18 p0 = 9.
    let (v, g) = calls_mixed_grad(&[0.5, 2.0]);
    assert!(close(v, 18.0), "{v}");
    assert!(close(g[0], 36.0) && close(g[1], 9.0), "{g:?}");
}
