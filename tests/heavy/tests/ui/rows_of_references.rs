use autodiff::prelude::*;

// A local whose rows are borrowed slices, indexed twice: refused at the element read.
#[differentiable]
fn array_of_slices(x: &[f64]) -> f64 {
    let t = [x, x];
    t[0][1] * x[0]
}

#[differentiable]
fn vec_of_slices(x: &[f64], y: &[f64]) -> f64 {
    let t = vec![x, y];
    let mut s = 0.0;
    for i in 0..2 {
        s += t[i][0];
    }
    s
}

#[differentiable]
fn repeated_slice(x: &[f64]) -> f64 {
    let r = &x[1..];
    let t = vec![r; 3];
    t[2][0] * t[1][1]
}

#[differentiable]
fn moved_and_cloned(x: &[f64], y: &[f64]) -> f64 {
    let t = vec![x, y];
    let u = t.clone();
    let w = t;
    u[1][0] + w[0][1]
}

fn main() {}
