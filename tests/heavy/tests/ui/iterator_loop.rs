use autodiff::prelude::*;

#[differentiable]
fn f(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in v.windows(2) {
        s += w[1] - w[0];
    }
    s
}

fn main() {}
