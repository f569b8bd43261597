//! Where the macro reads a type from its spelling, the compiler checks the reading: a cast is
//! differentiated when spelled `as f64` / `as f32`, and a cast of a float to any other spelling
//! must be to an integer type (`tests/heavy/tests/ui/cast_to_float_alias.rs`); `T::exp(x)` is
//! the float method `x.exp()` only when its result is a `T`
//! (`tests/heavy/tests/ui/assoc_fn_not_float.rs`). The forms that stay differentiable or free of
//! derivatives are checked here against central differences.

#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

type R = f64;
type Idx = usize;

/// Integers cast to a float alias, and a float cast to an integer alias (no derivative).
#[differentiable]
fn integer_casts(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        let k = (x[j].abs() * 10.0 + 0.25) as Idx % 3;
        s += x[j] * (j as R + 1.0) + (k as f64) * x[0];
    }
    s
}

/// `T::exp(x)` and `T::max(a, b)` on the float type parameter.
#[differentiable]
fn assoc_float<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for j in 0..x.len() {
        s += T::exp(x[j]) * T::max(x[j], x[0]);
    }
    s
}

const PT: [f64; 4] = [0.3, -0.7, 1.1, 0.45];
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

#[test]
fn spelled_types_against_central_differences() {
    let (v, g) = integer_casts_grad(&PT);
    assert!((v - integer_casts(&PT)).abs() < 1e-12);
    assert_gradient(integer_casts, &PT, &g, 1e-6, TOL);
    let (v, g) = assoc_float_grad(&PT[..]);
    assert!((v - assoc_float(&PT[..])).abs() < 1e-12);
    assert_gradient(assoc_float::<f64>, &PT, &g, 1e-6, TOL);
}
