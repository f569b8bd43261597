use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let v = vec![x, 2.0 * x];
    match v.as_slice() {
        [a, b] => a * b,
        _ => 0.0,
    }
}

fn main() {}
