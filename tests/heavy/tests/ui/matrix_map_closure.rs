use autodiff::prelude::*;

// Closures are refused, also as the argument of a matrix method.
#[differentiable]
fn f(m: &DMatrix<f64>) -> f64 {
    let s = m.map(|v| v * v);
    s.sum()
}

fn main() {}
