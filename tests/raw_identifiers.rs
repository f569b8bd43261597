//! Raw identifiers: `r#a` and `a` are one name to rustc, and to the lowering. A binding spelled
//! one way shadows the other, and reads resolve to the latest binding whichever way they are
//! spelled. Values against the function as written, gradients against central differences.

#![allow(clippy::needless_range_loop, unused_variables)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// `r#a` shadows `a`: the result is `(2 x1)²`.
#[differentiable]
fn raw_shadows(x: &[f64]) -> f64 {
    let a = x[0];
    let r#a = x[1] * 2.0;
    a * a
}

/// `a` shadows `r#a`.
#[differentiable]
fn plain_shadows_raw(x: &[f64]) -> f64 {
    let r#a = x[0];
    let a = x[1] * 2.0;
    r#a * r#a + a.sin()
}

/// A raw loop variable read by its plain name.
#[differentiable]
fn raw_loop_variable(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for r#i in 0..x.len() {
        s += x[i] * x[r#i] * (0.3 * s).cos();
    }
    s
}

/// A raw rebinding of an inner bound inside the outer loop (the inner count changes).
#[differentiable]
fn raw_rebound_bound(x: &[f64]) -> f64 {
    let m = 1;
    let mut s = 0.0;
    for k in 1..3 {
        let r#m = k + m - 1;
        for j in 0..m {
            s += x[j] * x[j];
        }
    }
    s
}

/// Tuple swap through raw names.
#[differentiable]
fn raw_swap(x: &[f64]) -> f64 {
    let (mut p, mut q) = (x[0], x[1] * 3.0);
    (r#p, q) = (q, p);
    let (r#p, r#q) = (q, r#p);
    p * 2.0 + q
}

const PT: [f64; 4] = [0.3, -0.7, 1.1, 0.45];
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

type Grad = fn(&[f64]) -> (f64, Vec<f64>);
type Case = (&'static str, fn(&[f64]) -> f64, Grad);

#[test]
fn raw_identifiers_are_their_plain_names() {
    let cases: [Case; 5] = [
        ("raw shadows", raw_shadows, raw_shadows_grad),
        (
            "plain shadows raw",
            plain_shadows_raw,
            plain_shadows_raw_grad,
        ),
        (
            "raw loop variable",
            raw_loop_variable,
            raw_loop_variable_grad,
        ),
        (
            "raw rebound bound",
            raw_rebound_bound,
            raw_rebound_bound_grad,
        ),
        ("raw swap", raw_swap, raw_swap_grad),
    ];
    for (name, f, g) in cases {
        let (v, gr) = g(&PT);
        assert!(
            (v - f(&PT)).abs() < 1e-12,
            "{name}: value {v} vs {}",
            f(&PT)
        );
        assert_gradient(f, &PT, &gr, 1e-6, TOL);
    }
    // (2 x1)² => d/dx1 = 8 x1, nothing to x0.
    let (_, g) = raw_shadows_grad(&PT);
    assert!(
        g[0].abs() < 1e-15 && (g[1] - 8.0 * PT[1]).abs() < 1e-12,
        "{g:?}"
    );
}
