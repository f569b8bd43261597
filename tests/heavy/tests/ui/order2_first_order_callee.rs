use autodiff::prelude::*;

#[differentiable]
fn square(x: f64) -> f64 {
    x * x
}

#[differentiable(order = 2)]
fn f(x: f64) -> f64 {
    square(x) * x
}

fn main() {}
