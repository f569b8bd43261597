use autodiff::prelude::*;

// A nalgebra method without a derivative companion, on a differentiable receiver.
#[differentiable]
fn f(m: &DMatrix<f64>) -> f64 {
    m.determinant()
}

fn main() {}
