use autodiff::prelude::*;

// `w[i][j] = e` on a local of rows is supported; a write three levels deep is not.
#[differentiable]
fn f(x: &[f64]) -> f64 {
    let mut t = vec![vec![vec![0.0; 2]; 2]; 2];
    t[1][0][1] = x[0] * x[1];
    t[1][0][1]
}

fn main() {}
