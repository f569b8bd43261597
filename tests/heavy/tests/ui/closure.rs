use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let sq = |y: f64| y * y;
    sq(x)
}

fn main() {}
