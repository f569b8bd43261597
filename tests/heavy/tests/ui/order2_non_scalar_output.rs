use autodiff::prelude::*;

#[differentiable(order = 2)]
fn both(x: f64) -> (f64, f64) {
    (x * x, x.sin())
}

fn main() {}
