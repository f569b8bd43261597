use autodiff::prelude::*;

#[differentiable(order = 2)]
fn frobenius(a: &DMatrix<f64>) -> f64 {
    a.norm_squared()
}

fn main() {}
