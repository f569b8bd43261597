use autodiff::prelude::*;

#[differentiable]
fn split(p: &[f64]) -> f64 {
    let (w, x) = p.split_at(2);
    w[0] * x[0]
}

#[differentiable]
fn chunked(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let n = p.chunks(2).count();
    s += n as f64 * p[0];
    s
}

fn main() {}
