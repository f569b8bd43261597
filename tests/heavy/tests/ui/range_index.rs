use autodiff::prelude::*;

// `&x[1..3]` is supported; a range read used by value is not.
#[differentiable]
fn f(x: &[f64]) -> f64 {
    let y = x[1..3].to_vec();
    y[0] * y[1]
}

fn main() {}
