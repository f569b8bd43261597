use autodiff::prelude::*;

// In-place updates of a caller's matrix are refused: take `&DMatrix` and return a new one.
#[differentiable]
fn f(m: &mut DMatrix<f64>) -> f64 {
    m[(0, 0)] = 2.0;
    m.sum()
}

fn main() {}
