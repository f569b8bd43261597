use autodiff::prelude::*;

#[differentiable(order = 3)]
fn f(x: f64) -> f64 {
    x * x * x
}

fn main() {}
