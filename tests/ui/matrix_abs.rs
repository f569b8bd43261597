use autodiff::prelude::*;

// `abs` is a scalar float method to the macro; on a matrix the scalar rule does not apply
// (`ops::abs(&m)` is the matrix version).
#[differentiable]
fn f(m: &DMatrix<f64>) -> f64 {
    let a = m.abs();
    a.sum()
}

fn main() {}
