use autodiff::prelude::*;

// nalgebra's `add_scalar` has no derivative rule: the error names it and says what to write.
#[differentiable]
fn shifted_sum(m: &DMatrix<f64>, b: f64) -> f64 {
    let s = m.add_scalar(b);
    s.sum()
}

fn main() {}
