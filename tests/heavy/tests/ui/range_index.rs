use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    let y = &x[1..3];
    y[0] * y[1]
}

fn main() {}
