//! `stop_gradient(..)` around a call to a plain function with a differentiable argument.
use autodiff::prelude::*;

fn plain(x: f64) -> f64 {
    x * x
}

#[differentiable]
fn f(x: f64) -> f64 {
    x * stop_gradient(plain(x))
}

#[test]
fn compiles_and_runs() {
    let (v, g) = f_grad(3.0);
    assert!((v - 27.0).abs() < 1e-12, "value {v}");
    // plain(x) is a constant for the derivative: d/dx = plain(3) = 9, not 3 x^2 = 27.
    assert!((g - 9.0).abs() < 1e-12, "gradient {g}");
}
