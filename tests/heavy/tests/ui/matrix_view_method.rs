use autodiff::prelude::*;

// A view method without a companion (`view`), on a differentiable receiver.
#[differentiable]
fn f(m: &DMatrix<f64>) -> f64 {
    let v = m.view((0, 0), (1, 2)).into_owned();
    v.sum()
}

fn main() {}
