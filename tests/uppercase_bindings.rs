//! Uppercase names bound by patterns (`for N in 1..3`, `let (A, b) = ..`, a `match` arm `K`).
//!
//! Rust reads an uppercase single name in a pattern as a binding unless a constant or unit
//! variant of that name is in scope. The lowering binds it like any other name (a constant
//! pattern means the same value in its arm), except the well-known unit variants (`None`), and
//! in a `match` arm or `if let` it refuses a derivative through it
//! (`tests/heavy/tests/ui/pattern_uppercase_binding.rs`). A name no pattern binds and spelled
//! like a constant is still a constant for a loop bound. Each member is checked for its value
//! against the function as written and for its gradient against central differences; the
//! first three gave wrong gradients (an inner loop over `0..N` counted once) or did not compile
//! before.

#![allow(non_snake_case, clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// `N = 1, 2`: inner trips 1, then 2 (`s = 2 x0² + x1²`).
#[differentiable]
fn growing_bound(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for N in 1..3 {
        for j in 0..N {
            s += x[j] * x[j];
        }
    }
    s
}

/// `N = 3, 2, 1`: inner trips shrink.
#[differentiable]
fn shrinking_bound(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for N in (1..4).rev() {
        for j in 0..N {
            s += x[j] * x[j] * (0.3 * s).cos();
        }
    }
    s
}

/// A `match` arm's uppercase name bound to a changing count.
#[differentiable]
fn match_arm_bound(x: &[f64], #[no_grad] ks: &[usize]) -> f64 {
    let mut s = 0.0;
    for k in 0..ks.len() {
        match ks[k] {
            0 => s += 1.0,
            K => {
                for j in 0..K {
                    s += x[j] * x[j] * (0.2 * s).sin();
                }
            }
        }
    }
    s
}

/// Elements bound to an uppercase name.
#[differentiable]
fn upper_elements(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &X in x.iter() {
        s += X * X * s.cos();
    }
    s
}

/// Tuple destructuring into an uppercase name.
#[differentiable]
fn upper_tuple(x: &[f64]) -> f64 {
    let (A, b) = (x[0] * 2.0, x[1]);
    A * b + A.sin()
}

/// A real constant as an inner bound still works (its count is the same on every execution).
#[differentiable]
fn const_bound(x: &[f64]) -> f64 {
    const M: usize = 3;
    let mut s = 0.0;
    for i in 0..2 {
        for j in 0..M {
            s += x[j] * x[i] * (0.1 * s).cos();
        }
    }
    s
}

/// A unit variant in a `match` arm (`None`) still binds nothing.
#[differentiable]
fn option_arm(x: &[f64]) -> f64 {
    let first = x.first().copied();
    match first {
        None => 0.0,
        Some(v) => v * x[1],
    }
}

const PT: [f64; 4] = [0.3, -0.7, 1.1, 0.45];
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

type Grad = fn(&[f64]) -> (f64, Vec<f64>);
type Case = (&'static str, fn(&[f64]) -> f64, Grad);

#[test]
fn uppercase_bindings_against_central_differences() {
    let cases: [Case; 6] = [
        ("growing bound", growing_bound, growing_bound_grad),
        ("shrinking bound", shrinking_bound, shrinking_bound_grad),
        ("elements", upper_elements, upper_elements_grad),
        ("tuple", upper_tuple, upper_tuple_grad),
        ("const bound", const_bound, const_bound_grad),
        ("option arm", option_arm, option_arm_grad),
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
    // s = 2 x0² + x1² exactly.
    let (_, g) = growing_bound_grad(&PT);
    assert!((g[1] - 2.0 * PT[1]).abs() < 1e-12, "{g:?}");
}

#[test]
fn a_match_arm_name_is_not_a_constant_bound() {
    for ks in [[3usize, 1, 2], [1, 3, 0], [2, 2, 4]] {
        let f = |x: &[f64]| match_arm_bound(x, &ks);
        let (v, g) = match_arm_bound_grad(&PT, &ks);
        assert!((v - f(&PT)).abs() < 1e-12, "{ks:?}");
        assert_gradient(f, &PT, &g, 1e-6, TOL);
    }
}
