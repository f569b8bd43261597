//! Names bound by patterns from a differentiable value carry its derivative: identifier
//! patterns (with guards), tuple patterns, in `match` and `if let`. Each checked against the
//! analytic derivative and central differences.
#![allow(clippy::match_single_binding)] // single-arm matches are the construct under test

use autodiff::check::approx_derivative;
use autodiff::prelude::*;

#[differentiable]
fn guarded(x: f64) -> f64 {
    match x {
        v if v > 0.0 => v * v,
        v => -v,
    }
}

#[differentiable]
fn tuple_match(x: f64, y: f64) -> f64 {
    match (x * y, x + y) {
        (a, b) => a * b,
    }
}

#[differentiable]
fn nested_tuple(x: f64, y: f64) -> f64 {
    let t = ((x, y * y), 3.0 * x);
    match t {
        ((a, _), c) if a > 10.0 => c,
        ((a, b), c) => a * b + c.sin(),
    }
}

#[allow(irrefutable_let_patterns)]
#[differentiable]
fn if_let_tuple(x: f64) -> f64 {
    let p = (x.sin(), x * x);
    if let (s, q) = p { s * q } else { 0.0 }
}

#[differentiable]
fn match_with_literal(x: f64, k: i32) -> f64 {
    match x * 2.0 {
        v if k == 0 => v * v,
        v => v.exp(),
    }
}

#[test]
fn identifier_bindings_with_guards() {
    // v > 0: d(v²) = 2v = 3 at 1.5; v <= 0: d(-v) = -1
    let (_, g) = guarded_grad(1.5);
    assert!((g - 3.0).abs() < 1e-12, "{g}");
    let (_, g) = guarded_grad(-2.0);
    assert!((g + 1.0).abs() < 1e-12, "{g}");
    let (_, d) = guarded_jvp(1.5, 1.0);
    assert!((d - 3.0).abs() < 1e-12, "{d}");
}

#[test]
fn tuple_patterns() {
    // (xy)(x + y) = x²y + xy²: d/dx = 2xy + y², d/dy = x² + 2xy
    let (x, y) = (1.5, -0.5);
    let (_, (gx, gy)) = tuple_match_grad(x, y);
    assert!((gx - (2.0 * x * y + y * y)).abs() < 1e-12, "{gx}");
    assert!((gy - (x * x + 2.0 * x * y)).abs() < 1e-12, "{gy}");
    let (_, dx) = tuple_match_jvp(x, y, 1.0, 0.0);
    assert!((dx - gx).abs() < 1e-12);
    for (x, y) in [(1.5, 0.5), (11.0, 2.0)] {
        let (_, (gx, gy)) = nested_tuple_grad(x, y);
        let fx = approx_derivative(|x| nested_tuple(x, y), x, 1e-6);
        let fy = approx_derivative(|y| nested_tuple(x, y), y, 1e-6);
        assert!(
            (gx - fx).abs() < 1e-6 && (gy - fy).abs() < 1e-6,
            "{gx} {fx} {gy} {fy}"
        );
    }
}

#[test]
fn if_let_and_guards_on_other_values() {
    // d/dx x² sin x = 2x sin x + x² cos x
    let x = 0.8_f64;
    let (_, g) = if_let_tuple_grad(x);
    assert!(
        (g - (2.0 * x * x.sin() + x * x * x.cos())).abs() < 1e-12,
        "{g}"
    );
    // k = 0: (2x)² => 8x; otherwise e^(2x) => 2e^(2x)
    let (_, g) = match_with_literal_grad(x, 0);
    assert!((g - 8.0 * x).abs() < 1e-12, "{g}");
    let (_, g) = match_with_literal_grad(x, 1);
    assert!((g - 2.0 * (2.0 * x).exp()).abs() < 1e-12, "{g}");
}

// Tuples held in a variable and read on some fields only: the fields never read (a constant, an
// integer, an unread value) still give the tuple's adjoint its type.

#[differentiable]
fn tuple_const_field<T: Real>(x: T, y: T) -> T {
    let one = T::one();
    let t = (one, (y - one) * x);
    let (_, q) = t;
    q.sin()
}

#[differentiable]
fn tuple_int_field(x: f64, n: usize) -> f64 {
    let t = (n, x * x, 2.0 * x);
    t.1 * t.0 as f64
}

#[differentiable]
fn tuple_partial_arms<T: Real>(x: T, y: T) -> T {
    let mut t = (x * y, x + y);
    t = (t.1 * T::from_f64(0.5), (t.0 + y).tanh());
    match t {
        (p, q) if p > q => p * q,
        (p, _) => p * x,
    }
}

#[differentiable(order = 2)]
fn tuple_second_field(x: f64, y: f64) -> f64 {
    let t = (3.0, x * y * y);
    let (_, b) = t;
    b * x
}

#[test]
fn tuples_read_on_some_fields() {
    // d/dx sin((y-1)x) = (y-1)cos((y-1)x), d/dy = x cos((y-1)x)
    let (x, y) = (0.7_f64, 1.9_f64);
    let (_, (gx, gy)) = tuple_const_field_grad(x, y);
    let c = ((y - 1.0) * x).cos();
    assert!((gx - (y - 1.0) * c).abs() < 1e-12 && (gy - x * c).abs() < 1e-12);
    // n x² => 2 n x
    let (_, g) = tuple_int_field_grad(1.5, 3);
    assert!((g - 9.0).abs() < 1e-12, "{g}");
    // both arms, against central differences and _jvp
    for (x, y) in [(0.4, 1.3), (-1.2, 0.3), (2.0, -0.7)] {
        let (_, (gx, gy)) = tuple_partial_arms_grad(x, y);
        let fx = approx_derivative(|x| tuple_partial_arms(x, y), x, 1e-6);
        let fy = approx_derivative(|y| tuple_partial_arms(x, y), y, 1e-6);
        assert!(
            (gx - fx).abs() < 1e-6 && (gy - fy).abs() < 1e-6,
            "{gx} {fx} {gy} {fy}"
        );
        let (_, d) = tuple_partial_arms_jvp(x, y, 0.3, -0.8);
        assert!((d - (0.3 * gx - 0.8 * gy)).abs() < 1e-10);
    }
    // f = x² y²: H = [[2y², 4xy], [4xy, 2x²]]
    let (x, y) = (1.5, -0.5);
    let (_, _, h) = tuple_second_field_hessian(x, y);
    let want = [[2.0 * y * y, 4.0 * x * y], [4.0 * x * y, 2.0 * x * x]];
    for i in 0..2 {
        for j in 0..2 {
            assert!((h[(i, j)] - want[i][j]).abs() < 1e-10, "{h}");
        }
    }
}
