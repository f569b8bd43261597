use autodiff::prelude::*;

#[differentiable]
fn f(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for y in v.iter().map(|a| a * a) {
        s += y;
    }
    s
}

fn main() {}
