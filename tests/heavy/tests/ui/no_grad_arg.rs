use autodiff::prelude::*;

#[differentiable]
fn scale(x: f64, #[no_grad] k: f64) -> f64 {
    x * k
}

#[differentiable]
fn f(x: f64) -> f64 {
    scale(2.0, x)
}

fn main() {}
