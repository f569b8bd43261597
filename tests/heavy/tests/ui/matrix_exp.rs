use autodiff::prelude::*;

// `exp` is a scalar float method to the macro; on a square `DMatrix` nalgebra's `exp()` is the
// matrix exponential, which has no derivative rule here (`ops::exp(&m)` is the elementwise one).
#[differentiable]
fn f(m: &DMatrix<f64>) -> f64 {
    let e = m.exp();
    e.sum()
}

fn main() {}
