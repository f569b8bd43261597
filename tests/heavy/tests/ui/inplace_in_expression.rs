use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let mut w = vec![x, 2.0 * x];
    let n = w.drain(..1).count() as f64;
    n * w[0]
}

fn main() {}
