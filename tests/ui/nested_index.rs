use autodiff::prelude::*;

#[differentiable]
fn f(a: &[[f64; 2]; 2]) -> f64 {
    let mut s = 0.0;
    for i in 0..2 {
        for j in 0..2 {
            s += a[i][j];
        }
    }
    s
}

fn main() {}
