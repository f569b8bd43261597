use autodiff::prelude::*;

// `&x[1..3]` and `x[1..3].to_vec()` are supported; a range read by value (a missing `&`) is
// refused with the borrow to write.
#[differentiable]
fn f(x: &[f64]) -> f64 {
    let y = x[1..3];
    y[0] * y[1]
}

fn main() {}
