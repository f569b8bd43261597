use autodiff::prelude::*;

/// A plain function of a matrix: no `#[differentiable]`, no custom derivative.
fn scale(m: &DMatrix<f64>) -> DMatrix<f64> {
    m * 3.0
}

#[differentiable]
fn f(a: &DMatrix<f64>) -> f64 {
    let s = scale(a);
    s.sum()
}

fn main() {}
