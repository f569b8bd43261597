use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let mut w = vec![x, 2.0 * x, 1.0];
    w.sort_by(f64::total_cmp);
    w[0] + 3.0 * w[2]
}

fn main() {}
